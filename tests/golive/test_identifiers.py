"""The NHS number detector (golive/identifiers.py): every valid number is found however it is
separated or grouped; other numbers are left alone."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from golive.identifiers import (
    REMOVED,
    contains_nhs_number,
    is_valid_nhs_number,
    pseudonymise,
    remove_nhs_numbers,
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
# Text around a number that cannot extend it: letters and punctuation, never digits or
# separators right next to it.
surroundings = st.text("abcXYZ:;,()[]#", max_size=8)


@st.composite
def written(draw: st.DrawFn, digits: str) -> str:
    """``digits`` split into any grouping, with one or more separators between groups."""
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=len(digits) - 1)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    text = groups[0]
    for group in groups[1:]:
        joint = draw(st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3))
        text += "".join(joint) + group
    return text


@settings(max_examples=400, deadline=None)
@given(data=st.data(), number=valid_numbers, before=surroundings, after=surroundings)
def test_a_valid_nhs_number_is_removed_whatever_its_separators_and_grouping(
    data: st.DataObject, number: str, before: str, after: str
) -> None:
    typed = data.draw(written(number))

    scrubbed = remove_nhs_numbers(f"Pt {before} {typed} {after} seen")

    assert scrubbed == f"Pt {before} {REMOVED} {after} seen"
    assert contains_nhs_number(typed)
    assert is_valid_nhs_number(typed)


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

    assert len({pseudonymise(form, key="k") for form in forms}) == 1


def test_other_identifiers_hash_as_they_always_did() -> None:
    # Staff and hospital numbers are normalised by dropping whitespace and upper-casing only.
    assert pseudonymise(" ab 12-3 ", key="k") == pseudonymise("AB12-3", key="k")
    assert pseudonymise("AB12-3", key="k") != pseudonymise("AB123", key="k")
