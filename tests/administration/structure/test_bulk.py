"""Areas from a CSV: preview, line-level errors, all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from administration.structure import bulk
from golive.access import Access
from golive.models import Area

from .conftest import Trust, client_for

pytestmark = pytest.mark.django_db


def upload(trust: Trust, text: str | bytes, name: str = "areas.csv") -> object:
    content = text.encode() if isinstance(text, str) else text
    return client_for(trust.pm).post(
        reverse("setup:areas_import"),
        {
            "organisation": trust.programme.organisation.pk,
            "file": SimpleUploadedFile(name, content),
        },
    )


GOOD = (
    "Site_Code,Code,Name,Type,Specialty\n"
    "NGH,W1,Ward One,ward,Surgery\n"  # an update
    "ngh,W2,Ward 2,Outpatient clinic,\n"  # a create, by label, site code in any case
)


def test_the_preview_lists_creates_and_updates_and_writes_nothing(trust: Trust) -> None:
    response = upload(trust, GOOD)

    plan = response.context["plan"]
    assert [(row.line, row.action) for row in plan.rows] == [(2, "update"), (3, "create")]
    assert plan.rows[0].changes == ("name", "specialty")
    assert plan.is_valid
    assert Area.objects.count() == 1


def test_confirming_the_preview_writes_every_line(trust: Trust) -> None:
    client = client_for(trust.pm)
    preview = client.post(
        reverse("setup:areas_import"),
        {
            "organisation": trust.programme.organisation.pk,
            "file": SimpleUploadedFile("a.csv", GOOD.encode()),
        },
    )
    sha256 = preview.context["plan"].sha256

    response = client.post(reverse("setup:areas_import_confirm"), {"sha256": sha256})

    assert response.status_code == 302
    trust.area.refresh_from_db()
    assert trust.area.name == "Ward One"
    created = Area.objects.get(code="W2")
    assert created.area_type == Area.AreaType.OUTPATIENTS
    assert created.history.latest().history_change_reason.startswith("Bulk import")


def test_a_file_with_any_line_error_shows_each_error_and_cannot_be_confirmed(trust: Trust) -> None:
    text = GOOD + "XXX,W3,Ward 3,ward,\nNGH,W 4,,kitchen,\n"
    response = upload(trust, text)

    plan = response.context["plan"]
    found = {(e.line, e.column, e.code) for e in plan.errors}
    assert found == {
        (4, "site_code", "UNKNOWN_SITE"),
        (5, "code", "INVALID_CODE"),
        (5, "name", "REQUIRED"),
        (5, "type", "INVALID_CHOICE"),
    }
    assert b'name="sha256"' not in response.content
    assert Area.objects.count() == 1


def test_a_confirmation_with_errors_writes_nothing(trust: Trust) -> None:
    parsed = bulk.read_file((GOOD + "XXX,W3,Ward 3,ward,\n").encode())

    with pytest.raises(ValidationError) as refused:
        bulk.import_areas(
            access=Access(trust.pm), organisation=trust.programme.organisation, parsed=parsed
        )

    assert refused.value.code == "invalid_rows"
    assert Area.objects.count() == 1
    assert Area.objects.get().name == "Ward 1"


def test_a_duplicate_code_in_the_file_is_refused_naming_the_first_line(trust: Trust) -> None:
    plan = upload(trust, GOOD + "NGH,w2,Ward Two,ward,\n").context["plan"]

    assert [(e.line, e.code) for e in plan.errors] == [(4, "DUPLICATE_IN_FILE")]
    assert "Line 3" in plan.errors[0].message


def test_an_unchanged_line_writes_nothing(trust: Trust) -> None:
    plan = upload(trust, "site_code,code,name,type\nNGH,W1,Ward 1,ward\n").context["plan"]

    assert [row.action for row in plan.rows] == ["unchanged"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"site_code,code,name,type\nNGH,W9,Caf\xe9,ward\n", "ENCODING"),
        (b"site_code,code,name\nNGH,W9,Ward 9\n", "HEADER_MISMATCH"),
        (b"site_code,code,name,type\n", "NO_DATA_ROWS"),
        (b"", "EMPTY_FILE"),
        (b"PK\x03\x04binary", "FILE_NOT_TEXT_CSV"),
        (b"x" * (bulk.MAX_BYTES + 1), "FILE_TOO_LARGE"),
    ],
)
def test_file_level_problems_are_refused_before_any_line_is_read(content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        bulk.read_file(content)

    assert refused.value.code == code


def test_a_utf8_byte_order_mark_and_unknown_columns_are_accepted(trust: Trust) -> None:
    text = "\ufeffsite_code,code,name,type,notes\nNGH,W9,Ward 9,ward,drop me\n"

    plan = upload(trust, text).context["plan"]

    assert plan.is_valid
    assert plan.notices == ("Column 'notes' is not needed and was not stored.",)


def test_an_encoding_error_is_shown_on_the_upload_form(trust: Trust) -> None:
    response = upload(trust, b"site_code,code,name,type\nNGH,W9,Caf\xe9,ward\n")

    assert response.status_code == 200
    assert "not UTF-8 (line 2" in response.context["form"].errors["file"][0]


def test_a_stale_preview_is_refused(trust: Trust) -> None:
    client = client_for(trust.pm)

    response = client.post(reverse("setup:areas_import_confirm"), {"sha256": "nope"}, follow=True)

    assert b"That preview has expired" in response.content
    assert Area.objects.count() == 1


def test_a_line_previewed_as_a_create_that_would_now_update_is_shown_again_not_written(
    trust: Trust,
) -> None:
    client = client_for(trust.pm)
    preview = client.post(
        reverse("setup:areas_import"),
        {
            "organisation": trust.programme.organisation.pk,
            "file": SimpleUploadedFile("a.csv", GOOD.encode()),
        },
    )
    # Someone adds W2 by hand between the preview and the confirmation.
    Area.objects.create(site=trust.area.site, code="W2", name="Willow", specialty="Renal")

    response = client.post(
        reverse("setup:areas_import_confirm"), {"sha256": preview.context["plan"].sha256}
    )

    assert response.status_code == 200
    assert [row.action for row in response.context["plan"].rows] == ["update", "update"]
    assert "changed since the preview" in response.content.decode()
    assert Area.objects.get(code="W2").name == "Willow"
    confirmed = client.post(
        reverse("setup:areas_import_confirm"), {"sha256": preview.context["plan"].sha256}
    )
    assert confirmed.status_code == 302
    assert Area.objects.get(code="W2").name == "Ward 2"
