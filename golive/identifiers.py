"""Patient and staff identifiers: pseudonymise, check, mask. Raw patient identifiers never
leave this module's callers except as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import re

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits of HMAC-SHA256


def pseudonymise(value: str, *, key: str) -> str:
    """A keyed hash of a normalised identifier: stable for joins, useless without the key."""
    normalised = "".join(value.split()).upper()
    digest = hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def is_valid_nhs_number(value: str) -> bool:
    """Ten digits (spaces allowed) whose last digit is the modulus 11 check digit."""
    digits = "".join(value.split())
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def mask(value: str) -> str:
    """Enough to find the row in the file, not enough to identify anyone."""
    text = value.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


REMOVED = "[NHS number removed]"
# Ten digits, optionally grouped 3-3-4 with spaces or dashes.
_CANDIDATE = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")


def remove_nhs_numbers(text: str) -> str:
    """``text`` with every valid NHS number replaced: people type them into free text
    (ticket descriptions, survey comments), and none may be stored."""

    def replace(match: re.Match[str]) -> str:
        digits = "".join(match.groups())
        return REMOVED if is_valid_nhs_number(digits) else match.group(0)

    return _CANDIDATE.sub(replace, text)


def contains_nhs_number(text: str) -> bool:
    """Whether ``text`` holds a valid NHS number anywhere (the same detector as
    ``remove_nhs_numbers``)."""
    return any(is_valid_nhs_number("".join(match.groups())) for match in _CANDIDATE.finditer(text))
