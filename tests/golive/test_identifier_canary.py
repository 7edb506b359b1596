"""Canary sweep: a valid NHS number written, in many forms, into every free-text field of
every model (tests/golive/free_text.py enumerates them, so a new field is covered) by every
way a model is written is found nowhere afterwards — not in any text column of any table
(history tables included), not in the logs; and one typed into a ticket through the API is
in none of the ticket exports (CSV and Excel) nor the audit trail's export."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import re
import uuid
from collections.abc import Iterator
from types import UnionType

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from golive.identifiers import REMOVED
from golive.navigation import SESSION_GO_LIVE_KEY
from tests.golive.free_text import free_text_fields, label
from tests.support.conftest import DeskTrust

CANARY = "4010232137"  # valid check digit; not in the demo (asserted below)
FORMS = [
    "4010232137",
    "401 023 2137",
    "401.023.2137",
    "401-023-2137",
    "401\u00a0023\u00a02137",
    "4010 232 137",
    "40 1023 2137",
    "401  023\n2137",
    "401\u2013023\u20132137",
    "401\u202f023\t2137",
    "401/023/2137",
    "401 / 023 / 2137",
    "401,023,2137",
    "(401) 023 2137",
    "401_023_2137",
    "401+023+2137",
    "4010232137/1",
]

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


# Optional fields a check constraint needs filled in (one of several, say).
ALSO_FILL = {
    "readiness.Action": {"owner"},
    "readiness.DutyAssignment": {"user"},
    "readiness.StandDownCriterion": {"hours"},
}


def _plain_value(field: models.Field, model: type[models.Model]) -> object:
    if isinstance(field, models.ForeignKey):
        return _row(field.related_model)
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return "someone@example.org"
    if isinstance(field, models.CharField | models.TextField):
        return f"{model.__name__[:3]}1"
    # Fields declared later are later (a shift ends after it starts).
    later = field.creation_counter
    plain: list[tuple[type | UnionType, object]] = [
        (models.DateTimeField, timezone.now() + dt.timedelta(minutes=later)),
        (models.DateField, timezone.localdate() + dt.timedelta(days=later)),
        (models.TimeField, dt.time(8 + later % 12)),
        (models.UUIDField, uuid.uuid4()),
        (models.BooleanField, False),
        (models.JSONField, {}),
        (models.IntegerField | models.FloatField | models.DecimalField, 1),
    ]
    # Anything else (files, ...) takes the field's own empty default.
    return next((value for kind, value in plain if isinstance(field, kind)), field.get_default())


def _row(model: type[models.Model]) -> models.Model:
    """A row of ``model``: the first one, or one made with every required field filled in
    plainly (related rows made the same way). Small and fast, unlike the demo."""
    existing = model._default_manager.order_by("pk").first()
    if existing is not None:
        return existing
    also = ALSO_FILL.get(model._meta.label, set())
    values = {
        field.name: _plain_value(field, model)
        for field in model._meta.concrete_fields
        if not field.primary_key and (not (field.has_default() or field.null) or field.name in also)
    }
    # Saved, not ``objects.create``: some managers' create differs (knox's makes a secret).
    row = model(**values)
    row.save()
    return row


@pytest.fixture
def rows() -> None:
    for field in free_text_fields():
        _row(field.model)


def _columns_holding(digits: str) -> list[str]:
    """Every text-like column of every table in the database whose value, digits only,
    contains ``digits``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')"
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" '  # noqa: S608 (names from the catalogue)
                f"WHERE regexp_replace(\"{column}\"::text, '[^0-9]', '', 'g') LIKE %s",
                [f"%{digits}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def _canary_texts() -> Iterator[str]:
    for n, form in enumerate(itertools.cycle(FORMS)):
        yield f"see {form} ({n})"


def _fields_by_model() -> dict[type[models.Model], list[models.Field]]:
    by_model: dict[type[models.Model], list[models.Field]] = {}
    for field in free_text_fields():
        by_model.setdefault(field.model, []).append(field)
    return by_model


def _write_canaries(texts: Iterator[str]) -> tuple[list[str], int]:
    """Writes canaries into every free-text field by save(), create (a copy of a row),
    QuerySet.update() and bulk_update(); returns the models with no row to write into and
    how many copies were created."""
    empty, created = [], 0
    for model, fields in _fields_by_model().items():
        row = model._default_manager.order_by("pk").first()
        if row is None:
            empty.append(model._meta.label)
            continue
        names = [field.attname for field in fields]
        for name in names:
            setattr(row, name, next(texts))
        row._change_reason = next(texts)  # type: ignore[attr-defined]  # history's reason
        row.save()
        for name in names:
            model._default_manager.filter(pk=row.pk).update(**{name: next(texts)})
            setattr(row, name, next(texts))
        model._default_manager.bulk_update([row], names)
        copy = model._default_manager.get(pk=row.pk)
        copy.pk = None
        copy._state.adding = True
        for name in names:
            setattr(copy, name, next(texts))
        try:
            with transaction.atomic():  # unique keys refuse some copies: that is fine
                copy.save()
                created += 1
        except IntegrityError:
            pass
    return empty, created


def test_a_canary_nhs_number_in_every_free_text_field_is_stored_nowhere(
    rows: None, caplog: pytest.LogCaptureFixture
) -> None:
    assert _columns_holding(CANARY) == [], "the demo already holds the canary"
    caplog.set_level(logging.DEBUG)

    empty, created = _write_canaries(_canary_texts())

    assert empty == [], "seed rows for these models so the sweep writes into them"
    assert created >= len(_fields_by_model()) // 2  # the insert path is exercised too
    assert _columns_holding(CANARY) == []
    assert CANARY not in re.sub(r"\D", "", caplog.text)


def test_the_sweep_finds_a_canary_written_behind_the_field_types_back(rows: None) -> None:
    # The sweep itself can fail: raw SQL bypasses the field type and is found.
    field = next(f for f in free_text_fields() if label(f) == "support.Ticket.description")
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{field.model._meta.db_table}" SET "{field.column}" = %s '  # noqa: S608
            "WHERE id = (SELECT min(id) FROM support_ticket)",
            ["pt 401.023.2137"],
        )

    assert _columns_holding(CANARY) == ["support_ticket.description"]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_a_canary_typed_into_a_ticket_or_a_go_live_is_in_no_export(client: Client) -> None:
    desk = DeskTrust()
    # The audit trail follows set-up (go-lives, areas...), not tickets.
    desk.wave_1.name = "Wave 1 (401) 023-2137"
    desk.wave_1._change_reason = "asked by 401/023/2137"  # type: ignore[attr-defined]
    desk.wave_1.save()
    client.force_login(desk.agent)
    body = {
        "area": desk.ward_a.pk,
        "reporter_name": "Sam (401) 023 2137",
        "reporter_contact": "ext 401_023_2137",
        "description": "Allergies missing for 401/023/2137, and 401,023,2137",
        "external_reference": "401 023 2137",
    }
    assert client.post("/api/v1/tickets/", body, content_type="application/json").status_code == (
        201
    )
    client.force_login(desk.programme_manager)
    session = client.session
    session[SESSION_GO_LIVE_KEY] = desk.wave_1.pk
    session.save()

    tickets_csv = client.get(reverse("support:export_csv")).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(reverse("support:export_xlsx")).content))
    tickets_xlsx = " ".join(
        str(cell) for page in sheet.worksheets for row in page.iter_rows(values_only=True)
        for cell in row
    )  # fmt: skip
    audit = b"".join(client.get(reverse("audit:export")).streaming_content).decode()

    exports = {"tickets.csv": tickets_csv, "tickets.xlsx": tickets_xlsx, "audit.csv": audit}
    assert [name for name, text in exports.items() if CANARY in _digits(text)] == []
    # The exports did carry the ticket, so the check could have failed.
    assert REMOVED in tickets_csv + tickets_xlsx
    assert REMOVED in audit
