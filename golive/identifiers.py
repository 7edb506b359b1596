"""Patient and staff identifiers: pseudonymise, check, mask, detect. Raw patient identifiers
never leave this module's callers except as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits of HMAC-SHA256
NHS_NUMBER_LENGTH = 10

# What people put between the groups of a number they type or paste: any whitespace (\s
# covers tabs, line breaks, no-break and thin spaces), dots, every dash and hyphen, and the
# invisible characters word processors insert. Digits may be any Unicode decimal digits
# (full-width digits pasted from another system are the same number).
_SEPARATOR = (
    r"[\s.\-\u00ad\u00b7\u2010-\u2015\u2024\u2027\u2212\u2060\ufe58\ufe63\uff0d\uff0e"
    r"\u200b-\u200d\ufeff]"
)
_SEPARATORS = re.compile(_SEPARATOR)
# Digits joined by a colon, slash or comma are one group: a time (``10:00``), a date
# (``01/02``) or a figure (``1,200``), never part of an NHS number. Without this, the date and
# hour of ``2099-01-01 10:00`` would be ten digits passing the check one time in eleven.
_DIGIT_GROUP = r"\d+(?:[:/,]\d+)*"
# A chain of digit groups joined by separators. Groups and separators are disjoint, so the
# match is linear in the text's length.
_CHAIN = re.compile(rf"{_DIGIT_GROUP}(?:{_SEPARATOR}+{_DIGIT_GROUP})*")
_RUN = re.compile(_DIGIT_GROUP)


def _check_digit_holds(digits: str) -> bool:
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nhs_number_digits(value: str) -> str | None:
    """The ten ASCII digits of ``value`` if it is a valid NHS number written with any
    separators and grouping (``943 476 5919``, ``943.476.5919``, ``9434 765 919``), else None."""
    digits = _SEPARATORS.sub("", value)
    if len(digits) != NHS_NUMBER_LENGTH or not digits.isdecimal():
        return None
    ascii_digits = "".join(str(int(digit)) for digit in digits)
    return ascii_digits if _check_digit_holds(ascii_digits) else None


def is_valid_nhs_number(value: str) -> bool:
    """Ten digits, with any separators between them, whose last is the modulus 11 check digit."""
    return nhs_number_digits(value) is not None


def pseudonymise(value: str, *, key: str) -> str:
    """A keyed hash of a normalised identifier: stable for joins, useless without the key.
    An NHS number hashes as its ten digits, so ``943-476-5919`` and ``943 476 5919`` are the
    same patient (for values with only spaces this is what it always was)."""
    normalised = nhs_number_digits(value) or "".join(value.split()).upper()
    digest = hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def mask(value: str) -> str:
    """Enough to find the row in the file, not enough to identify anyone."""
    text = value.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


REMOVED = "[NHS number removed]"


def _nhs_number_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where valid NHS numbers sit in ``text``: ten digits made of whole digit runs, in any
    grouping, joined by separators. A run of more than ten digits is some other number (a
    phone number, a reference) and is never cut into one; nor is a time or a date."""
    for chain in _CHAIN.finditer(text):
        runs = [(run.start(), run.end()) for run in _RUN.finditer(chain.group())]
        first = 0
        while first < len(runs):
            length, last = 0, first
            while last < len(runs) and length < NHS_NUMBER_LENGTH:
                length += sum(map(str.isdecimal, chain.group()[slice(*runs[last])]))
                last += 1
            start, end = chain.start() + runs[first][0], chain.start() + runs[last - 1][1]
            if length == NHS_NUMBER_LENGTH and is_valid_nhs_number(text[start:end]):
                yield start, end
                first = last
            else:
                first += 1


def contains_nhs_number(text: str) -> bool:
    """Whether ``text`` holds a valid NHS number in any of the forms ``remove_nhs_numbers``
    removes."""
    return next(_nhs_number_spans(text), None) is not None


def remove_nhs_numbers(text: str) -> str:
    """``text`` with every valid NHS number replaced, however it is separated or grouped:
    people type them into free text (ticket descriptions, survey comments), and none may be
    stored."""
    pieces: list[str] = []
    kept = 0
    for start, end in _nhs_number_spans(text):
        pieces += [text[kept:start], REMOVED]
        kept = end
    if not pieces:
        return text
    pieces.append(text[kept:])
    return "".join(pieces)
