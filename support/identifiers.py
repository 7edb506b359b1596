"""Keep patient identifiers out of ticket text: people type NHS numbers into free text."""

from __future__ import annotations

import re

from adoption.imports.identifiers import is_valid_nhs_number

REMOVED = "[NHS number removed]"
# Ten digits, optionally grouped 3-3-4 with spaces or dashes.
_CANDIDATE = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")


def remove_nhs_numbers(text: str) -> str:
    """``text`` with every valid NHS number replaced, so none is ever stored."""

    def replace(match: re.Match[str]) -> str:
        digits = "".join(match.groups())
        return REMOVED if is_valid_nhs_number(digits) else match.group(0)

    return _CANDIDATE.sub(replace, text)
