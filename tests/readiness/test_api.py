from __future__ import annotations

from django.test import Client

from golive.access import Access
from golive.models import Role
from readiness import services
from readiness.models import Rag, SignOffRole
from tests import factories as f
from tests.readiness.conftest import Readiness

CRITERIA = "/api/v1/readiness/criteria/"


def test_a_ward_manager_lists_only_their_areas_criteria(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)

    body = client.get(CRITERIA).json()

    assert {row["area_name"] for row in body["results"]} == {"Ward A"}
    assert body["count"] == 3


def test_a_ward_manager_cannot_assess_another_areas_criterion_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    client.force_login(readiness.trust.ward_manager)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "red"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    criterion.refresh_from_db()
    assert criterion.rag == Rag.NOT_ASSESSED


def test_a_chair_assesses_a_criterion_in_their_domain_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/",
        {"rag": "green", "evidence_link": "https://example.nhs.uk/sso"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["editable"]) == ("green", True)


def test_a_chair_is_refused_outside_their_domain_with_the_error_shape(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    client.force_login(readiness.chair)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "red"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_green_without_evidence_is_a_field_error_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "green"}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["field_errors"][0]["field"] == "evidence_link"


def test_an_executive_reads_criteria_but_cannot_assess(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.trust.executive)

    assert client.get(CRITERIA).json()["count"] == 6
    response = client.post(
        f"{CRITERIA}{criterion.pk}/assess/", {"rag": "red"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_a_gate_is_signed_off_over_the_api_and_its_evidence_pack_read(
    client: Client, readiness: Readiness
) -> None:
    pm = readiness.trust.programme_manager
    gate = services.create_gate(
        access=Access(pm),
        go_live=readiness.trust.wave_1,
        name="T-1",
        days_before=1,
        required_roles=[SignOffRole.SRO],
    )
    client.force_login(pm)

    signed = client.post(
        f"/api/v1/readiness/gates/{gate.pk}/sign-off/",
        {"role": "sro", "verdict": "go"},
        content_type="application/json",
    )
    again = client.post(
        f"/api/v1/readiness/gates/{gate.pk}/sign-off/",
        {"role": "sro", "verdict": "go"},
        content_type="application/json",
    )
    pack = client.get(f"/api/v1/readiness/gates/{gate.pk}/evidence-pack/")

    assert (signed.status_code, signed.json()["decision"]) == (201, "go")
    assert (again.status_code, again.json()["code"]) == (400, "decided")
    assert pack.json()["snapshot"]["gate"]["decision"] == "go"
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"/api/v1/readiness/gates/{gate.pk}/evidence-pack/").status_code == 403


def test_other_trusts_cannot_see_readiness_over_the_api(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.outsider)
    assert client.get(CRITERIA).status_code == 403


def test_sit_reps_are_listed_only_to_users_who_see_the_whole_go_live(
    client: Client, readiness: Readiness
) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from readiness.models import CommandCell  # noqa: PLC0415

    cell = CommandCell.objects.create(
        go_live=readiness.trust.wave_1, level="silver", name="Silver", lead=readiness.chair
    )
    services.draft_sitrep(access=Access(readiness.chair), cell=cell, now=timezone.now())
    chair_of_ward_a = f.UserFactory()
    f.grant(
        chair_of_ward_a, Role.READINESS_CHAIR, readiness.trust.programme, [readiness.trust.ward_a]
    )
    client.force_login(readiness.trust.executive)
    assert client.get("/api/v1/readiness/sitreps/").json()["count"] == 1
    client.force_login(chair_of_ward_a)
    assert client.get("/api/v1/readiness/sitreps/").json()["count"] == 0


def test_a_ward_manager_is_refused_sit_reps_over_the_api_as_on_the_command_pages(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)

    assert client.get("/readiness/command/").status_code == 403
    assert client.get("/api/v1/readiness/sitreps/").status_code == 403


def test_engagement_events_over_the_api_follow_the_users_areas(
    client: Client, readiness: Readiness
) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from readiness.models import EngagementEvent  # noqa: PLC0415

    for title, area in [("Open workshop", None), ("Walk B", readiness.trust.ward_b)]:
        EngagementEvent.objects.create(
            go_live=readiness.trust.wave_1, kind="workshop", title=title,
            held_on=timezone.localdate(), area=area,
        )  # fmt: skip
    client.force_login(readiness.trust.ward_manager)
    body = client.get("/api/v1/readiness/engagement-events/").json()
    assert [row["title"] for row in body["results"]] == ["Open workshop"]
