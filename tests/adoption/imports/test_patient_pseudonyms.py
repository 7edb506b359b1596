"""Which patient identifiers are read as NHS numbers when pseudonymised: only those in a
column the profile declares as NHS numbers, so other identifiers keep the pseudonyms earlier
imports stored (a changed pseudonym counts a patient twice)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from adoption.imports.fields import FIELDS_BY_KIND, FieldType
from adoption.imports.profiles import Profile
from adoption.imports.rows import CONVERTERS, Cell, Lookups

KEY = "test-pseudonymisation-key"
PATIENT = next(spec for spec in FIELDS_BY_KIND["events"] if spec.type == FieldType.PATIENT_ID)


def _pseudonym(raw: str, id_type: str) -> object:
    profile = Profile(name="p", kind="events", columns={}, patient_id_type=id_type)
    lookups = Lookups(
        organisation_id=1,
        areas={},
        allowed_area_ids=None,
        staff_by_epr_id={},
        pseudonym_key=KEY,
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    value, issue = CONVERTERS[FieldType.PATIENT_ID](
        Cell(2, "patient", raw, PATIENT), profile, lookups
    )
    assert issue is None
    return value


def _stored_by_earlier_imports(raw: str) -> str:
    normalised = "".join(raw.split()).upper()
    return hmac.new(KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()[:32]


def test_a_hospital_number_that_passes_the_nhs_check_keeps_its_earlier_pseudonym() -> None:
    for raw in ["943-476-5919", "943.476.5919", "ab 943-476-5919"]:
        assert _pseudonym(raw, "mrn") == _stored_by_earlier_imports(raw)


def test_an_nhs_number_hashes_as_its_digits_however_it_is_separated() -> None:
    pseudonyms = {_pseudonym(raw, "nhs_number") for raw in ["943 476 5919", "943-476-5919"]}

    assert pseudonyms == {_stored_by_earlier_imports("9434765919")}
