"""Suggest a category from what the reporter wrote, with rules a person can read.

Each rule names a category and the words or phrases that point to it; the category with the
most matches wins (ties go to the rule listed first). The suggestion carries the words that
matched, so the desk sees *why* it was suggested. It is never required: a reporter who writes
something no rule recognises simply gets no suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (category slug, phrases), in order of precedence: a tie goes to the rule listed first, so
# "how do I ..." questions are training needs before they are EPR functionality.
# (category slug, phrases). Phrases are matched as whole words, case-insensitively; a
# trailing "*" matches any ending ("print*" matches printer, printing).
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("access-smartcard", ("smartcard", "smart card", "card reader")),
    ("access-password", ("password", "locked out", "account locked", "reset my")),
    ("access-sso", ("single sign-on", "sso", "imprivata", "tap in", "tap on")),
    ("access-permissions", ("permission*", "no access to", "greyed out", "not authorised")),
    (
        "access",
        (
            "can't log in",
            "cannot log in",
            "can't login",
            "cannot login",
            "unable to log",
            "log in",
            "login",
            "log on",
            "logon",
            "sign in",
            "username",
            "account",
        ),
    ),
    (
        "training",
        (
            "how do i",
            "how to",
            "don't know how",
            "training",
            "not shown how",
            "where do i",
            "where is",
        ),
    ),
    ("printing-wristband", ("wristband*",)),
    ("printing-labels", ("label*", "label printer")),
    ("printing", ("print*", "toner", "paper jam")),
    ("hardware-scanner", ("scanner", "barcode*", "scan*")),
    (
        "hardware-workstation",
        (
            "wow",
            "workstation*",
            "computer",
            "pc",
            "monitor",
            "keyboard",
            "mouse",
            "screen frozen",
            "laptop",
        ),
    ),
    ("hardware", ("hardware", "device", "battery", "charger", "broken")),
    ("interfaces-pathology", ("pathology result*", "lab result*", "blood result*")),
    ("interfaces-radiology", ("radiology", "x-ray", "xray", "pacs", "imaging")),
    ("interfaces", ("interface*", "not coming through", "not received", "feed")),
    ("epr-prescribing", ("prescri*", "medication*", "drug chart", "epma", "administ*", "dose")),
    ("epr-orders", ("order*", "request*", "results")),
    ("epr-documentation", ("note*", "document*", "observation*", "obs", "assessment*")),
    ("epr-patient-admin", ("admit*", "admission*", "discharge*", "transfer*", "bed board")),
    ("clinical-content-forms", ("form", "template*", "missing field", "drop-down", "dropdown")),
    ("clinical-content-order-sets", ("order set*", "pathway*", "protocol*")),
    ("data-duplicates", ("duplicate*",)),
    (
        "data-missing",
        (
            "migrat*",
            "missing data",
            "allergies missing",
            "history missing",
            "wrong data",
            "not migrated",
        ),
    ),
    ("enhancement", ("would be better", "could we", "suggestion", "enhancement", "wish")),
)


@dataclass(frozen=True)
class Suggestion:
    category_slug: str
    matched: tuple[str, ...]


def _pattern(phrase: str) -> re.Pattern[str]:
    stem = phrase.rstrip("*")
    tail = r"\w*" if phrase.endswith("*") else ""
    return re.compile(rf"(?<!\w){re.escape(stem)}{tail}(?!\w)", re.IGNORECASE)


_COMPILED = tuple(
    (slug, tuple((phrase, _pattern(phrase)) for phrase in phrases)) for slug, phrases in RULES
)


def _normalise(text: str) -> str:
    # Curly apostrophes from phone keyboards must match the rules' straight ones.
    return text.replace("\u2019", "'").replace("\u2018", "'")


def suggest_category(text: str) -> Suggestion | None:
    """The best-matching category for ``text``, or None when nothing matches."""
    normalised = _normalise(text)
    best: Suggestion | None = None
    for slug, patterns in _COMPILED:
        matched = tuple(
            phrase.rstrip("*") for phrase, pattern in patterns if pattern.search(normalised)
        )
        if matched and (best is None or len(matched) > len(best.matched)):
            best = Suggestion(slug, matched)
    return best


_WORD = re.compile(r"[a-z0-9']+")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "but",
        "can't",
        "cannot",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "my",
        "not",
        "of",
        "on",
        "or",
        "the",
        "to",
        "was",
        "we",
        "with",
    ]
)


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_normalise(text).lower())) - _STOP_WORDS


def similarity(first: str, second: str) -> float:
    """Share of distinct meaningful words the two texts have in common (Jaccard, 0 to 1)."""
    a, b = words(first), words(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
