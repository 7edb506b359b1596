"""The NHS number detector (golive/identifiers.py): every valid number is found however it is
separated or grouped; other numbers are left alone."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from golive import identifiers
from golive.identifiers import (
    REMOVED,
    contains_nhs_number,
    is_valid_nhs_number,
    pseudonymise,
    pseudonymise_nhs_number,
    remove_nhs_numbers,
    remove_nhs_numbers_from_url,
)

SEPARATORS = [
    " ",
    "\u00a0",  # no-break space
    "\u202f",  # narrow no-break space
    "\u2009",  # thin space
    "\t",
    "\n",
    "\r\n",
    ".",
    "-",
    "\u2010",  # hyphen
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2212",  # minus sign
    "\u200b",  # zero-width space
    "/",
    " / ",
    ",",
    ", ",
    "_",
    ") ",
    "+",
    ":",
]


def _check_digit(nine: str) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return None if check == 10 else check


nine_digits = st.text("0123456789", min_size=9, max_size=9)
valid_numbers = nine_digits.filter(lambda n: _check_digit(n) is not None).map(
    lambda n: n + str(_check_digit(n))
)
invalid_numbers = nine_digits.flatmap(
    lambda n: st.sampled_from([str(d) for d in range(10) if d != _check_digit(n)]).map(
        lambda last: n + last
    )
)
# Text around a number that cannot extend it: letters and punctuation, never digits; the
# number may sit right against punctuation (``(943 476 5919)``, ``id=9434765919;``).
surroundings = st.text("abcXYZ;#=?!'\"", max_size=8)
beside = st.sampled_from(["", " ", "(", ")", ",", ", ", "/", ":", ";", "[", "]", "\n", "#", "="])


def _looks_like_a_time_date_or_address(groups: list[str], joints: list[str]) -> bool:
    """Whether the drawn grouping writes a time (``12.34``), a date (``1.2.34``) or an
    address (``1.2.3.4``): those are deliberately left alone, and nobody writes an NHS
    number that way."""
    for at in range(len(joints)):
        if joints[at] in {".", ":"} and len(groups[at]) <= 2 and len(groups[at + 1]) == 2:
            return True
        if at + 1 < len(joints) and joints[at] == joints[at + 1] and joints[at] in "./-":
            sizes = [len(group) for group in groups[at : at + 3]]
            if max(sizes[:2]) <= 2 or sizes[0] == 4:
                return True
    return False


@st.composite
def written(draw: st.DrawFn, digits: str) -> str:
    """``digits`` split into any grouping, with one or more separators between groups."""
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    joints = [
        "".join(draw(st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3)))
        for _ in groups[1:]
    ]
    assume(not _looks_like_a_time_date_or_address(groups, joints))
    return groups[0] + "".join(
        joint + group for joint, group in zip(joints, groups[1:], strict=True)
    )


@settings(max_examples=600, deadline=None)
@given(
    data=st.data(),
    number=valid_numbers,
    before=surroundings,
    after=surroundings,
    left=beside,
    right=beside,
)
def test_a_valid_nhs_number_is_removed_whatever_its_separators_and_grouping(
    *, data: st.DataObject, number: str, before: str, after: str, left: str, right: str
) -> None:
    typed = data.draw(written(number))

    scrubbed = remove_nhs_numbers(f"Pt {before}{left}{typed}{right}{after} seen")

    assert scrubbed == f"Pt {before}{left}{REMOVED}{right}{after} seen"
    assert contains_nhs_number(typed)
    assert is_valid_nhs_number(typed)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(), number=valid_numbers, space=st.sampled_from(["%20", "+", "%C2%A0", "%2C%20"])
)
def test_a_valid_nhs_number_is_removed_from_a_link_however_it_is_encoded(
    data: st.DataObject, number: str, space: str
) -> None:
    typed = data.draw(written(number)).replace(" ", space)
    link = f"https://intranet.example.nhs.uk/notes?patient={quote(typed, safe='+%')}&view=1"

    assert remove_nhs_numbers_from_url(link) == (
        f"https://intranet.example.nhs.uk/notes?patient={quote(REMOVED)}&view=1"
    )


@settings(max_examples=300, deadline=None)
@given(number=valid_numbers, joint=st.sampled_from([",", ", ", "/", " / ", ";", " and "]))
def test_every_number_in_a_list_is_removed(number: str, joint: str) -> None:
    assert remove_nhs_numbers(f"{number}{joint}{number}") == f"{REMOVED}{joint}{REMOVED}"


@settings(max_examples=300, deadline=None)
@given(data=st.data(), number=invalid_numbers)
def test_ten_digits_with_a_wrong_check_digit_are_left_alone(
    data: st.DataObject, number: str
) -> None:
    text = f"Ref {data.draw(written(number))} done"

    assert remove_nhs_numbers(text) == text
    assert not contains_nhs_number(text)


@settings(max_examples=300, deadline=None)
@given(number=valid_numbers, prefix=st.text("0123456789", min_size=0, max_size=5))
def test_a_valid_number_inside_a_longer_run_of_digits_is_left_alone(
    number: str, prefix: str
) -> None:
    run = prefix + number + ("" if prefix else "7")  # at least eleven digits in one run
    text = f"Phone {run} today"

    assert remove_nhs_numbers(text) == text
    assert not contains_nhs_number(text)


def test_the_forms_the_assessment_got_through_are_removed() -> None:
    forms = [
        "999.700.0048",
        "999\u00a0700\u00a00048",
        "9997 000 064",
        "999  700  0048",
        "999\n700\n0048",
    ]

    assert [remove_nhs_numbers(f"pt {form}") for form in forms] == [f"pt {REMOVED}"] * 5


def test_the_forms_the_review_got_through_are_removed() -> None:
    forms = [
        "9434765919,9434765919",
        "943/476/5919",
        "943 / 476 / 5919",
        "943,476,5919",
        "9434765919/1",
        "(943) 476 5919",
        "943_476_5919",
        "943+476+5919",
    ]

    assert [contains_nhs_number(form) for form in forms] == [True] * len(forms)
    assert remove_nhs_numbers("ids 9434765919,9434765919") == f"ids {REMOVED},{REMOVED}"
    assert remove_nhs_numbers("ref 9434765919/1") == f"ref {REMOVED}/1"


def test_a_url_encoded_number_is_removed_and_the_link_kept() -> None:
    link = "https://x.example/p?id=943%20476%205919&tab=2"

    assert remove_nhs_numbers_from_url(link) == (
        "https://x.example/p?id=%5BNHS%20number%20removed%5D&tab=2"
    )


def test_two_numbers_in_one_sentence_are_both_removed() -> None:
    text = "Merged 943 476 5919 into 999-700-0048."

    assert remove_nhs_numbers(text) == f"Merged {REMOVED} into {REMOVED}."


def test_a_number_beside_other_numbers_is_still_removed() -> None:
    assert remove_nhs_numbers("bed 12 9997000048") == f"bed 12 {REMOVED}"


def test_full_width_digits_are_the_same_number() -> None:
    assert remove_nhs_numbers("\uff19\uff19\uff19\uff17\uff10\uff10\uff10\uff10\uff14\uff18") == (
        REMOVED
    )


def test_a_phone_number_is_not_taken_for_an_nhs_number() -> None:
    assert remove_nhs_numbers("Ring 01604 545000") == "Ring 01604 545000"


def test_a_date_and_time_is_not_taken_for_an_nhs_number() -> None:
    # 2099 01 01 10 passes the check digit; the time makes it a date, not a number.
    assert remove_nhs_numbers("at 2099-01-01 10:00:00") == "at 2099-01-01 10:00:00"


def test_a_patient_hashes_the_same_whatever_separators_the_extract_used() -> None:
    forms = ["9434765919", "943 476 5919", "943-476-5919", "943.476.5919"]

    assert {pseudonymise_nhs_number(form, key="k") for form in forms} == {
        pseudonymise("9434765919", key="k")
    }


def _hash_as_before(value: str) -> str:
    # The normalisation every pseudonym stored so far was made with: whitespace dropped and
    # upper case, then HMAC-SHA256 truncated to 32 hex characters.
    normalised = "".join(value.split()).upper()
    return hmac.new(b"k", normalised.encode(), hashlib.sha256).hexdigest()[:32]


def test_other_identifiers_hash_as_they_always_did() -> None:
    # Staff and hospital numbers are normalised by dropping whitespace and upper-casing only.
    assert pseudonymise(" ab 12-3 ", key="k") == pseudonymise("AB12-3", key="k")
    assert pseudonymise("AB12-3", key="k") != pseudonymise("AB123", key="k")


def test_a_hospital_number_passing_the_check_digit_keeps_its_pseudonym() -> None:
    # 943-476-5919 passes the NHS check digit; as a hospital number its dashes are its own.
    for value in ["943-476-5919", "943.476.5919", "MRN 943 476 5919", "9434765919"]:
        assert pseudonymise(value, key="k") == _hash_as_before(value)
    assert pseudonymise("943-476-5919", key="k") != pseudonymise("9434765919", key="k")


def test_something_that_is_not_an_nhs_number_has_no_nhs_number_pseudonym() -> None:
    assert pseudonymise_nhs_number("9434765918", key="k") is None


@settings(max_examples=500, deadline=None)
@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    year=st.integers(1950, 2099),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    second=st.integers(0, 59),
    date_form=st.sampled_from(
        [
            "{d:02}/{m:02}/{y}",
            "{d}/{m}/{y}",
            "{d:02}-{m:02}-{y}",
            "{d:02}.{m:02}.{y}",
            "{y}-{m:02}-{d:02}",
            "{y}/{m:02}/{d:02}",
            "{d:02}/{m:02}/{yy:02}",
            "{d:02}.{m:02}.{yy:02}",
        ]
    ),
    time_form=st.sampled_from(
        [
            "{h:02}:{n:02}",
            "{h:02}.{n:02}",
            "{h}.{n:02}",
            "{h:02}:{n:02}:{s:02}",
            "{h:02}.{n:02}.{s:02}",
        ]
    ),
    joint=st.sampled_from([" ", ", ", " at ", "  ", "\n", " - "]),
    time_first=st.booleans(),
)
def test_dates_and_times_are_never_changed(
    *, day: int, month: int, year: int, hour: int, minute: int, second: int,
    date_form: str, time_form: str, joint: str, time_first: bool,
) -> None:  # fmt: skip
    date = date_form.format(d=day, m=month, y=year, yy=year % 100)
    time = time_form.format(h=hour, n=minute, s=second)
    text = f"Seen {time}{joint}{date}." if time_first else f"Seen {date}{joint}{time}."

    assert remove_nhs_numbers(text) == text
    assert not contains_nhs_number(text)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.integers(0, 255), min_size=4, max_size=4), port=st.integers(0, 65535))
def test_ip_addresses_are_never_changed(parts: list[int], port: int) -> None:
    address = ".".join(map(str, parts))
    text = f"Printer at {address} (also {address}:{port}) is down"

    assert remove_nhs_numbers(text) == text


def test_the_date_and_dotted_time_forms_the_review_saw_damaged_are_kept() -> None:
    for text in ["2025-01-01 09.00", "01.01.2025 10.00", "10.120.45.102"]:
        assert remove_nhs_numbers(text) == text


def test_a_number_beside_a_date_and_time_is_still_removed() -> None:
    assert remove_nhs_numbers("01/01/2025 10:00 943 476 5919") == f"01/01/2025 10:00 {REMOVED}"
    assert remove_nhs_numbers("9434765919 at 09.00") == f"{REMOVED} at 09.00"


def test_a_large_pathological_text_is_scanned_whole() -> None:
    # 600 KB of single digits: every ten of them ("1111111111") is a valid NHS number, so the
    # scan must reach the end without cutting the text short.
    scrubbed = remove_nhs_numbers("1 " * 300_000)

    assert scrubbed == f"{REMOVED} " * 30_000
    tail = "x" * 600_000 + " 943 476 5919"
    assert remove_nhs_numbers(tail) == "x" * 600_000 + f" {REMOVED}"


def test_each_run_of_digits_starts_at_most_one_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # The work is linear: every run of digits opens at most one window of at most ten runs,
    # so the number of check-digit tests never exceeds the number of runs.
    checks: list[str] = []
    real = identifiers._digits_pass
    monkeypatch.setattr(identifiers, "_digits_pass", lambda d: checks.append(d) or real(d))
    text = "1 2 " * 50_000

    identifiers.remove_nhs_numbers(text)

    assert 0 < len(checks) <= 100_000
