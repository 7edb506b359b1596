from __future__ import annotations

import pytest

from golive.identifiers import REMOVED, remove_nhs_numbers
from support.suggest import similarity, suggest_category


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("I can't log in on the ward PC", "access"),
        ("Forgot my password again", "access-password"),
        ("Smartcard not recognised by the reader", "access-smartcard"),
        ("SSO tap in does nothing", "access-sso"),
        ("Wristband printer out of labels", "printing-wristband"),
        ("How do I discharge a patient?", "training"),
        ("Pathology results not coming through", "interfaces-pathology"),
        ("Duplicate record for the same person", "data-duplicates"),
    ],
)
def test_the_text_suggests_the_category_its_words_point_to(text: str, slug: str) -> None:
    suggestion = suggest_category(text)
    assert suggestion is not None
    assert suggestion.category_slug == slug


def test_a_suggestion_names_the_words_that_matched() -> None:
    suggestion = suggest_category("My smartcard is not working")
    assert suggestion is not None
    assert suggestion.matched == ("smartcard",)


def test_a_curly_apostrophe_from_a_phone_keyboard_still_matches() -> None:
    suggestion = suggest_category("I can\u2019t log in")
    assert suggestion is not None
    assert suggestion.category_slug == "access"


def test_text_no_rule_recognises_gets_no_suggestion() -> None:
    assert suggest_category("The coffee machine on level 2 is lovely") is None


def test_words_match_whole_words_only() -> None:
    # "reprint" must not count as "print", "sso" must not match inside "lasso".
    assert suggest_category("lasso") is None


def test_similar_texts_score_higher_than_unrelated_ones() -> None:
    base = "cannot log in to the EPR on ward PC"
    assert similarity(base, "can't log in to EPR on the ward PC") > similarity(
        base, "printer jammed"
    )
    assert similarity("", base) == 0.0


def test_a_valid_nhs_number_in_free_text_is_removed() -> None:
    text = remove_nhs_numbers("Patient 943 476 5919 has no allergies shown")
    assert "9434765919" not in text.replace(" ", "")
    assert REMOVED in text


def test_a_ten_digit_number_that_is_not_an_nhs_number_is_kept() -> None:
    assert remove_nhs_numbers("Call 0123456780") == "Call 0123456780"
