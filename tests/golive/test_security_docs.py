"""SECURITY.md and the clinical-safety hazard log name the test behind each control. A claim
whose test was renamed or deleted would be a claim without proof, so these tests check every
reference still points at a test that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "SECURITY.md", ROOT / "docs" / "clinical-safety.md"]
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _references(document: Path) -> list[tuple[str, str]]:
    return REFERENCE.findall(document.read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_test_a_security_document_names_exists(document: Path) -> None:
    references = _references(document)
    assert references, f"{document.name} names no test"
    missing = [
        f"{path}::{name}"
        for path, name in references
        if not (ROOT / path).is_file()
        or not re.search(rf"^\s*(async )?def {name}\(", (ROOT / path).read_text(), re.M)
    ]
    assert missing == []


def test_every_hazard_in_the_log_names_a_test_that_verifies_its_controls() -> None:
    text = (ROOT / "docs" / "clinical-safety.md").read_text(encoding="utf-8")
    hazards = re.split(r"^### (?=GL-H\d+)", text, flags=re.M)[1:]
    assert len(hazards) >= 8
    unverified = [hazard.splitlines()[0] for hazard in hazards if not REFERENCE.search(hazard)]
    assert unverified == []
