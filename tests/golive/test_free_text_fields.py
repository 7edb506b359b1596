"""Every stored text field of the project is free text scrubbed by its field type, or is
listed as something people cannot type into (tests/golive/free_text.py)."""

from __future__ import annotations

from golive.fields import FreeCharField
from tests.golive.free_text import (
    FREE_TYPES,
    NOT_FREE_TEXT,
    label,
    project_models,
    text_fields,
)


def test_every_text_field_is_free_text_or_listed_with_a_reason() -> None:
    unaccounted = [
        label(field)
        for field in text_fields()
        if not isinstance(field, FREE_TYPES)
        and not field.choices
        and label(field) not in NOT_FREE_TEXT
    ]

    assert unaccounted == [], "plain text fields: make them Free* fields or list them"


def test_the_listing_names_only_fields_that_exist_and_are_not_free_text() -> None:
    plain = {label(field) for field in text_fields() if not isinstance(field, FREE_TYPES)}

    assert set(NOT_FREE_TEXT) - plain == set()


def test_the_fields_the_assessment_found_unscrubbed_are_free_text() -> None:
    found = {
        "support.Ticket.external_reference",
        "adoption.ChangeMarker.description",
        "adoption.MappingProfile.description",
        "readiness.Criterion.evidence_link",
        "readiness.Criterion.evidence_file_name",
        "adoption.ImportBatch.file_name",
        "golive.StaffMember.job_title",
    }

    free = {label(field) for field in text_fields() if isinstance(field, FREE_TYPES)}
    assert found <= free


def test_history_models_keep_the_free_text_field_type() -> None:
    # The history tables hold the same text: the copy simple-history makes must scrub too.
    historical = [model.history.model for model in project_models() if hasattr(model, "history")]
    job_titles = [
        model._meta.get_field("job_title")
        for model in historical
        if model._meta.object_name == "HistoricalStaffMember"
    ]

    assert job_titles
    assert isinstance(job_titles[0], FreeCharField)
