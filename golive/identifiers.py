"""Patient and staff identifiers: pseudonymise, check, mask, detect. Raw patient identifiers
never leave this module's callers except as a keyed hash."""

from __future__ import annotations

import codecs
import hashlib
import hmac
import re
from collections.abc import Iterator
from urllib.parse import quote

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits of HMAC-SHA256
NHS_NUMBER_LENGTH = 10

# What people put between the groups of a number they type or paste: any whitespace (\s
# covers tabs, line breaks, no-break and thin spaces), dots, every dash and hyphen, the
# invisible characters word processors insert, and the punctuation of lists and layouts:
# slashes, commas, colons, underscores, brackets and the plus sign a URL uses for a space.
# Digits may be any Unicode decimal digits (full-width digits pasted from another system are
# the same number).
_JOINT = (
    r"[\s.\-\u00ad\u00b7\u2010-\u2015\u2024\u2027\u2212\u2060\ufe58\ufe63\uff0d\uff0e"
    r"\u200b-\u200d\ufeff/\\,:_()\[\]+]"
)
_SEPARATORS = re.compile(_JOINT)
_JOINTS = re.compile(f"{_JOINT}+")
_RUN = re.compile(r"\d+")

# Dates, times and network addresses are digits joined by the same punctuation, and ten of
# their digits pass the check one time in eleven (``2025-01-01 09.00``, ``01.01.2025 10.00``),
# so their digits are never read as part of an NHS number. Only plausible ones count (a month
# up to 12, an hour up to 23, a year 19xx or 20xx, an address part up to 255), and only whole
# ones (``12.34.56.78`` is not a time), so a number written in threes and fours is never
# taken for one. Anything doubtful is scanned: a missed number is worse than a damaged time.
_DATE_DMY = re.compile(
    r"(?<!\d)(?P<a>\d{1,2})(?P<j>[./\-])(?P<b>\d{1,2})(?P=j)(?:\d{4}|\d{2})(?!\d)"
)
_DATE_YMD = re.compile(r"(?<!\d)(?P<y>\d{4})(?P<j>[./\-])(?P<m>\d{1,2})(?P=j)(?P<d>\d{1,2})(?!\d)")
_TIME = re.compile(r"(?<!\d)(?P<h>\d{1,2})(?P<j>[.:])(?P<m>\d{2})(?:(?P=j)(?P<s>\d{2}))?(?!\d)")
_IPV4 = re.compile(r"(?<!\d)(?P<a>\d{1,3})(?P<j>\.)\d{1,3}\.\d{1,3}\.\d{1,3}(?!\d)")


def _plausible(match: re.Match[str]) -> bool:
    parts = match.groupdict()
    if match.re is _TIME:
        return int(parts["h"]) <= 23 and int(parts["m"]) <= 59 and int(parts["s"] or 0) <= 59
    if match.re is _DATE_YMD:
        year = int(parts["y"])
        return 1900 <= year <= 2099 and 1 <= int(parts["m"]) <= 12 and 1 <= int(parts["d"]) <= 31
    if match.re is _DATE_DMY:
        # Day first (UK) or month first (an American system's export).
        day_or_month = sorted((int(parts["a"]), int(parts["b"])))
        return 1 <= day_or_month[0] <= 12 and day_or_month[1] <= 31
    return all(int(part) <= 255 for part in match.group().split("."))


def _whole(text: str, match: re.Match[str]) -> bool:
    """Not part of a longer chain joined by the same punctuation (``1.2.3.4.5`` is no
    address, ``12.34.56.78`` no time)."""
    joint, start, end = match.group("j"), match.start(), match.end()
    before = start >= 2 and text[start - 1] == joint and text[start - 2].isdecimal()
    after = end + 1 < len(text) and text[end] == joint and text[end + 1].isdecimal()
    return not (before or after)


def _shaped_runs(text: str) -> set[int]:
    """Where the digit runs of dates, times and IPv4 addresses in ``text`` start."""
    starts: set[int] = set()
    for shape in (_DATE_DMY, _DATE_YMD, _TIME, _IPV4):
        for match in shape.finditer(text):
            if _whole(text, match) and _plausible(match):
                starts.update(run.start() for run in _RUN.finditer(text, *match.span()))
    return starts


def _check_digit_holds(digits: str) -> bool:
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digits_pass(digits: str) -> bool:
    ascii_digits = "".join(str(int(digit)) for digit in digits)
    return _check_digit_holds(ascii_digits)


def nhs_number_digits(value: str) -> str | None:
    """The ten ASCII digits of ``value`` if it is a valid NHS number written with any
    separators and grouping (``943 476 5919``, ``943.476.5919``, ``(943) 476-5919``), else
    None."""
    digits = _SEPARATORS.sub("", value.strip())
    if len(digits) != NHS_NUMBER_LENGTH or not digits.isdecimal():
        return None
    ascii_digits = "".join(str(int(digit)) for digit in digits)
    return ascii_digits if _check_digit_holds(ascii_digits) else None


def is_valid_nhs_number(value: str) -> bool:
    """Ten digits, with any separators between them, whose last is the modulus 11 check digit."""
    return nhs_number_digits(value) is not None


def pseudonymise(value: str, *, key: str) -> str:
    """A keyed hash of a normalised identifier: stable for joins, useless without the key.
    The normalisation (whitespace dropped, upper case) never changes: a hospital number's
    dashes and dots are part of it, and a changed pseudonym would count a patient twice
    across an upgrade. For an NHS number, use ``pseudonymise_nhs_number``."""
    normalised = "".join(value.split()).upper()
    return keyed_hash(normalised, key=key)


def pseudonymise_nhs_number(value: str, *, key: str) -> str | None:
    """The pseudonym of a valid NHS number, the same however it was separated (``943-476-5919``
    and ``943 476 5919`` are one patient), or None if ``value`` is not one. Numbers written
    with spaces only hash as ``pseudonymise`` always hashed them."""
    digits = nhs_number_digits(value)
    return None if digits is None else pseudonymise(digits, key=key)


def keyed_hash(value: str, *, key: str) -> str:
    """HMAC-SHA256 of ``value`` exactly as given: for a value that must be matched but not
    stored (an id another system sends, which may be an NHS number)."""
    digest = hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def mask(value: str) -> str:
    """Enough to find the row in the file, not enough to identify anyone."""
    text = value.strip()
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


REMOVED = "[NHS number removed]"


def _chains(text: str) -> Iterator[list[re.Match[str]]]:
    """Digit runs joined by separators, split wherever a date, time or address sits. Each run
    and each gap is read once: linear in the text's length."""
    shaped = _shaped_runs(text)
    chain: list[re.Match[str]] = []
    for run in _RUN.finditer(text):
        if run.start() in shaped:
            if chain:
                yield chain
            chain = []
            continue
        if chain and not _JOINTS.fullmatch(text, chain[-1].end(), run.start()):
            yield chain
            chain = []
        chain.append(run)
    if chain:
        yield chain


def _nhs_number_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where valid NHS numbers sit in ``text``: ten digits made of whole digit runs, in any
    grouping, joined by separators. A run of more than ten digits is some other number (a
    phone number, a reference) and is never cut into one; nor is a time, a date or an IPv4
    address. Each run starts at most one window of at most ten runs: linear."""
    for chain in _chains(text):
        first = 0
        while first < len(chain):
            digits, last = "", first
            while last < len(chain) and len(digits) < NHS_NUMBER_LENGTH:
                digits += chain[last].group()
                last += 1
            if len(digits) == NHS_NUMBER_LENGTH and _digits_pass(digits):
                yield chain[first].start(), chain[last - 1].end()
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


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def _decoded(url: str) -> tuple[str, list[tuple[int, int]]]:
    """``url`` percent-decoded (UTF-8), with where each decoded character came from."""
    text: list[str] = []
    origins: list[tuple[int, int]] = []
    kept = 0
    for escapes in _ESCAPES.finditer(url):
        text += url[kept : escapes.start()]
        origins += [(at, at + 1) for at in range(kept, escapes.start())]
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        begun = escapes.start()
        for index, byte in enumerate(bytes.fromhex(escapes.group().replace("%", ""))):
            done = escapes.start() + 3 * (index + 1)
            for character in decoder.decode(bytes([byte])):
                text.append(character)
                origins.append((begun, done))
                begun = done
        for character in decoder.decode(b"", final=True):
            text.append(character)
            origins.append((begun, escapes.end()))
        kept = escapes.end()
    text += url[kept:]
    origins += [(at, at + 1) for at in range(kept, len(url))]
    return "".join(text), origins


def remove_nhs_numbers_from_url(url: str) -> str:
    """``url`` with every valid NHS number removed, looked for in its percent-decoded form
    (``943%20476%205919`` is ``943 476 5919``; a ``+`` is a separator anyway). The rest of the
    link is kept as it was written, so it still works; the marker is percent-encoded."""
    text, origins = _decoded(url)
    pieces: list[str] = []
    kept = 0
    for start, end in _nhs_number_spans(text):
        pieces += [url[kept : origins[start][0]], quote(REMOVED)]
        kept = origins[end - 1][1]
    if not pieces:
        return url
    pieces.append(url[kept:])
    return "".join(pieces)
