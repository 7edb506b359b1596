from __future__ import annotations

import csv
import datetime as dt
import io

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from golive.access import Access
from readiness import services
from readiness.models import Action, Criterion, Rag, ReadinessGroup, SignOffRole, Verdict
from tests.readiness.conftest import Readiness

HX = {"HTTP_HX_REQUEST": "true"}


def _ids(response: object) -> set[int]:
    board = response.context["board"]  # type: ignore[attr-defined]
    return {row.area.pk for row in board.rows}


# The board.


def test_the_board_shows_areas_as_rows_with_weighted_scores(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    pm = trust.programme_manager
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=readiness.criterion(trust.ward_a, readiness.sso),
        rag=Rag.GREEN,
        comment="",
        evidence_link="https://example.nhs.uk/sso",
        evidence_file=None,
        owner=None,
    )
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=readiness.criterion(trust.ward_a, readiness.downtime),
        rag=Rag.AMBER,
        comment="",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    client.force_login(pm)

    board = client.get("/readiness/board/").context["board"]

    scores = {row.area.name: row.score.percent for row in board.rows}
    # Ward A: (3 × 1 + 2 × 0.5 + 5 × 0) / 10 = 40%; Ward B: nothing assessed.
    assert scores == {"Ward A": 40.0, "Ward B": 0.0}
    # The site pools both wards: 4 of 20 weight.
    assert board.site_scores[0][1].percent == 20.0
    assert board.go_live_score.percent == 20.0


def test_a_ward_manager_sees_only_their_areas_on_the_board(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.ward_manager)

    response = client.get("/readiness/board/")

    assert _ids(response) == {readiness.trust.ward_a.pk}
    assert "Ward B" not in response.content.decode()


def test_board_filters_live_in_the_url_and_hide_cells_but_not_scores(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.get("/readiness/board/", {"domain": "technology"})

    board = response.context["board"]
    assert [value for value, _ in board.domains] == ["technology"]
    assert board.go_live_score.total == 20


def test_the_board_filter_answers_htmx_with_the_heatmap_only(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    body = client.get("/readiness/board/", {"status": "not_assessed"}, **HX).content.decode()

    assert "<html" not in body
    assert 'id="heatmap"' in body


def test_a_chair_changes_a_criterion_to_green_and_the_cell_comes_back_in_place(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(
        f"/readiness/criteria/{criterion.pk}/",
        {
            "rag": "green",
            "evidence_link": "https://example.nhs.uk/sso-log",
            "comment": "All devices",
        },
        **HX,
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="cell-{readiness.trust.ward_a.pk}-technology"' in body
    assert 'hx-swap-oob="true"' in body
    assert "Green" in body
    criterion.refresh_from_db()
    assert criterion.rag == Rag.GREEN


def test_without_javascript_a_saved_criterion_returns_to_the_board(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "amber"})

    assert response.status_code == 302
    assert response["Location"].startswith("/readiness/board/")


def test_green_without_evidence_re_renders_the_form_with_the_message(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    response = client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "green"}, **HX)

    assert response.status_code == 200
    assert "Add evidence (a link or a file) to mark this green." in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.rag == Rag.NOT_ASSESSED


def test_a_ward_manager_cannot_open_another_areas_criterion_page_or_partial(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_b, readiness.downtime)
    client.force_login(readiness.trust.ward_manager)

    assert client.get(f"/readiness/criteria/{criterion.pk}/").status_code == 404
    assert client.get(f"/readiness/criteria/{criterion.pk}/", **HX).status_code == 404
    assert (
        client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "red"}, **HX).status_code == 404
    )
    criterion.refresh_from_db()
    assert criterion.rag == Rag.NOT_ASSESSED


def test_a_chair_cannot_edit_a_domain_they_do_not_chair(
    client: Client, readiness: Readiness
) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.downtime)
    client.force_login(readiness.chair)

    assert client.post(f"/readiness/criteria/{criterion.pk}/", {"rag": "red"}).status_code == 403


def test_an_executive_reads_the_board_without_edit_links(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.executive)

    body = client.get("/readiness/board/").content.decode()

    assert "Ward A" in body
    assert "/readiness/criteria/" not in body


def test_the_csv_export_is_scoped_and_formula_escaped(client: Client, readiness: Readiness) -> None:
    trust = readiness.trust
    criterion = readiness.criterion(trust.ward_a, readiness.downtime)
    services.update_criterion(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        criterion=criterion,
        rag=Rag.RED,
        comment='=HYPERLINK("http://evil")',
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    client.force_login(trust.ward_manager)

    response = client.get("/readiness/board.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert {row[1] for row in rows[1:]} == {"Ward A"}
    assert '\'=HYPERLINK("http://evil")' in [row[9] for row in rows]


def test_the_xlsx_export_writes_text_not_formulas(client: Client, readiness: Readiness) -> None:
    trust = readiness.trust
    criterion = readiness.criterion(trust.ward_a, readiness.downtime)
    services.update_criterion(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        criterion=criterion,
        rag=Rag.RED,
        comment="=1+1",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    client.force_login(trust.programme_manager)

    response = client.get("/readiness/board.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    comments = [row[9] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "=1+1" in comments
    assert all(
        cell.data_type == "s"
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.value == "=1+1"
    )


def test_evidence_files_are_served_only_to_users_who_see_the_criterion(
    client: Client, readiness: Readiness, settings: object, tmp_path: object
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }  # type: ignore[attr-defined]
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    trust = readiness.trust
    criterion = readiness.criterion(trust.ward_b, readiness.downtime)
    services.update_criterion(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        criterion=criterion,
        rag=Rag.GREEN,
        comment="",
        evidence_link="",
        evidence_file=SimpleUploadedFile("drill.pdf", b"%PDF"),
        owner=None,
    )
    client.force_login(trust.ward_manager)
    assert client.get(f"/readiness/criteria/{criterion.pk}/evidence/").status_code == 404
    client.force_login(trust.programme_manager)
    response = client.get(f"/readiness/criteria/{criterion.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF"


def test_applying_a_template_set_from_the_board_is_idempotent(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post("/readiness/board/", {"template_set": "Standard"})

    assert response.status_code == 302
    assert Criterion.objects.filter(go_live=readiness.trust.wave_1).count() == 6


# Groups and the home page.


def test_home_lists_overdue_actions_of_the_readiness_groups(
    client: Client, readiness: Readiness
) -> None:
    group = ReadinessGroup.objects.get()
    today = timezone.localdate()
    Action.objects.create(
        group=group,
        description="Test printers on Ward A",
        owner=readiness.chair,
        due_on=today - dt.timedelta(days=2),
    )
    Action.objects.create(
        group=group,
        description="Order label printers",
        owner=readiness.chair,
        due_on=today + dt.timedelta(days=2),
    )
    Action.objects.create(
        group=group,
        description="Closed already",
        owner=readiness.chair,
        due_on=today - dt.timedelta(days=2),
        status="done",
    )
    client.force_login(readiness.trust.programme_manager)

    response = client.get("/readiness/")

    assert [a.description for a in response.context["overdue"]] == ["Test printers on Ward A"]
    assert "Test printers on Ward A" in response.content.decode()


def test_setting_up_a_group_with_one_person_as_both_chairs_shows_the_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post(
        "/readiness/groups/",
        {
            "name": "People",
            "domains": ["people"],
            "clinical_chair": readiness.chair.pk,
            "operational_chair": readiness.chair.pk,
            "cadence": "weekly",
        },
    )

    assert response.status_code == 200
    assert "The co-chairs must be different people." in response.content.decode()
    assert not ReadinessGroup.objects.filter(name="People").exists()


def test_a_co_chair_records_a_meeting_with_decisions(client: Client, readiness: Readiness) -> None:
    group = ReadinessGroup.objects.get()
    client.force_login(readiness.chair)

    response = client.post(
        f"/readiness/groups/{group.pk}/",
        {
            "form": "meeting",
            "held_on": "20/11/2026",
            "notes": "",
            "decisions": "Go with SSO pilot\nDefer printers",
        },
    )

    assert response.status_code == 302
    assert [d.text for d in group.meetings.get().decisions.all()] == [
        "Go with SSO pilot",
        "Defer printers",
    ]


def test_a_ward_manager_cannot_record_a_groups_meeting(
    client: Client, readiness: Readiness
) -> None:
    group = ReadinessGroup.objects.get()
    client.force_login(readiness.trust.ward_manager)

    response = client.post(
        f"/readiness/groups/{group.pk}/", {"form": "meeting", "held_on": "20/11/2026"}
    )

    assert response.status_code == 403


# Gates.


def test_a_sign_off_through_the_gate_page_is_recorded(client: Client, readiness: Readiness) -> None:
    pm = readiness.trust.programme_manager
    gate = services.create_gate(
        access=Access(pm),
        go_live=readiness.trust.wave_1,
        name="T-7",
        days_before=7,
        required_roles=[SignOffRole.SRO, SignOffRole.CSO],
    )
    client.force_login(pm)

    response = client.post(
        f"/readiness/gates/{gate.pk}/", {"role": "sro", "verdict": "go", "note": ""}
    )

    assert response.status_code == 302
    assert gate.sign_offs.get().verdict == Verdict.GO


def test_a_no_go_without_a_note_re_renders_with_the_message(
    client: Client, readiness: Readiness
) -> None:
    pm = readiness.trust.programme_manager
    gate = services.create_gate(
        access=Access(pm),
        go_live=readiness.trust.wave_1,
        name="T-7",
        days_before=7,
        required_roles=[SignOffRole.SRO],
    )
    client.force_login(pm)

    response = client.post(
        f"/readiness/gates/{gate.pk}/", {"role": "sro", "verdict": "no_go", "note": ""}
    )

    assert response.status_code == 200
    assert "Say what the conditions or the reasons are." in response.content.decode()


def test_a_ward_manager_cannot_read_the_whole_go_live_evidence_pack(
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
    services.sign_off_gate(access=Access(pm), user=pm, gate=gate, role="sro", verdict="go", note="")
    client.force_login(readiness.trust.ward_manager)
    assert client.get(f"/readiness/gates/{gate.pk}/evidence/").status_code == 403
    client.force_login(readiness.trust.executive)
    response = client.get(f"/readiness/gates/{gate.pk}/evidence/")
    assert response.status_code == 200
    assert "Evidence pack" in response.content.decode()


def test_pages_of_the_readiness_section_render_for_a_programme_manager(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    for url in [
        "/readiness/",
        "/readiness/board/",
        "/readiness/groups/",
        "/readiness/gates/",
        "/readiness/hazards/",
        "/readiness/timeline/",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_champion_has_no_readiness_section(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.champion)
    assert client.get("/readiness/board/").status_code == 403


# Hazards.

HAZARD = {
    "title": "Wrong patient selected after login",
    "cause": "Shared workstation left logged in",
    "effect": "Medication recorded against the wrong patient",
    "initial_severity": "4",
    "initial_likelihood": "4",
    "controls": "Tap-and-go SSO; auto-lock after 2 minutes",
    "residual_severity": "4",
    "residual_likelihood": "2",
    "status": "open",
}


def test_a_clinical_safety_officer_adds_a_hazard_and_the_log_shows_its_risks(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)

    response = client.post(
        "/readiness/hazards/new/",
        {**HAZARD, "owner": readiness.cso.pk, "criteria": [readiness.sso.pk]},
    )

    assert response.status_code == 302
    page = client.get("/readiness/hazards/")
    hazard, initial, residual = page.context["rows"][0]
    assert (hazard.reference, initial, residual) == ("HAZ-001", 4, 3)
    assert list(hazard.criteria.all()) == [readiness.sso]


def test_a_hazard_with_scores_off_the_scale_shows_field_errors(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)

    response = client.post(
        "/readiness/hazards/new/", {**HAZARD, "initial_severity": "9", "owner": readiness.cso.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["initial_severity"]


def test_a_programme_manager_cannot_edit_the_hazard_log(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)
    assert (
        client.post("/readiness/hazards/new/", {**HAZARD, "owner": readiness.cso.pk}).status_code
        == 403
    )


def test_editing_a_signed_off_hazard_clears_the_sign_off(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.cso)
    client.post("/readiness/hazards/new/", {**HAZARD, "owner": readiness.cso.pk})
    from readiness.models import Hazard  # noqa: PLC0415

    hazard = Hazard.objects.get()
    client.post(f"/readiness/hazards/{hazard.pk}/sign-off/", {"version": hazard.version})
    hazard.refresh_from_db()
    assert hazard.cso_signed_off_by == readiness.cso
    client.post(
        f"/readiness/hazards/{hazard.pk}/",
        {**HAZARD, "residual_likelihood": "1", "owner": readiness.cso.pk},
    )
    hazard.refresh_from_db()
    assert hazard.cso_signed_off_by is None
    assert hazard.residual_likelihood == 1


def test_a_safety_flagged_ticket_is_linked_to_a_hazard(
    client: Client, readiness: Readiness
) -> None:
    from readiness.models import Hazard  # noqa: PLC0415
    from support.models import Ticket  # noqa: PLC0415

    trust = readiness.trust
    client.force_login(readiness.cso)
    client.post("/readiness/hazards/new/", {**HAZARD, "owner": readiness.cso.pk})
    hazard = Hazard.objects.get()
    flagged = Ticket.objects.create(
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Obs charted on wrong patient",
        is_clinical_safety=True,
        logged_by=trust.programme_manager,
        created_at=timezone.now(),
    )
    unflagged = Ticket.objects.create(
        go_live=trust.wave_1,
        area=trust.ward_a,
        reporter_name="Sam",
        reporter_contact="ext 1",
        description="Printer jam",
        logged_by=trust.programme_manager,
        created_at=timezone.now(),
    )

    assert list(client.get(f"/readiness/hazards/{hazard.pk}/tickets/").context["tickets"]) == [
        flagged
    ]
    client.post(f"/readiness/hazards/{hazard.pk}/tickets/", {"ticket": unflagged.pk})
    client.post(f"/readiness/hazards/{hazard.pk}/tickets/", {"ticket": flagged.pk})
    assert list(hazard.ticket_links.values_list("ticket_id", flat=True)) == [flagged.pk]


# Gate set-up and the timeline.


def test_a_programme_manager_sets_up_a_gate_with_required_sign_offs(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post(
        "/readiness/gates/", {"name": "T-30", "days_before": "30", "required_roles": ["sro", "cso"]}
    )

    assert response.status_code == 302
    gate = readiness.trust.wave_1.gates.get()
    assert (gate.name, gate.days_before, gate.required_roles) == ("T-30", 30, ["sro", "cso"])


def test_a_gate_without_sign_offs_shows_the_field_error(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    response = client.post("/readiness/gates/", {"name": "T-30", "days_before": "30"})

    assert response.status_code == 200
    assert "Choose at least one required sign-off." in response.content.decode()


def test_a_chair_cannot_set_up_gates(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.chair)
    response = client.post(
        "/readiness/gates/", {"name": "T-30", "days_before": "30", "required_roles": ["sro"]}
    )
    assert response.status_code == 403


def test_overdue_milestones_are_flagged_with_their_countdown(
    client: Client, readiness: Readiness
) -> None:
    from readiness.models import Milestone  # noqa: PLC0415

    today = timezone.localdate()
    wave_1 = readiness.trust.wave_1
    Milestone.objects.create(
        go_live=wave_1, name="Cutover rehearsal", due_on=today - dt.timedelta(days=3)
    )
    Milestone.objects.create(
        go_live=wave_1, name="User go-live", due_on=today + dt.timedelta(days=12)
    )
    client.force_login(readiness.trust.executive)

    rows = client.get("/readiness/").context["milestones"]

    assert [(m.name, days, overdue) for m, days, overdue in rows] == [
        ("Cutover rehearsal", -3, True),
        ("User go-live", 12, False),
    ]
    body = client.get("/readiness/timeline/").content.decode()
    assert "T+3" in body
    assert "T-12" in body
    assert "Overdue" in body


def test_a_programme_manager_adds_a_milestone_and_marks_it_done(
    client: Client, readiness: Readiness
) -> None:
    client.force_login(readiness.trust.programme_manager)

    client.post(
        "/readiness/timeline/",
        {"name": "Dual running starts", "kind": "dual_running_start", "due_on": "01/12/2026"},
    )
    milestone = readiness.trust.wave_1.milestones.get()
    client.post(f"/readiness/milestones/{milestone.pk}/complete/")

    milestone.refresh_from_db()
    assert milestone.due_on == dt.date(2026, 12, 1)
    assert milestone.completed_on == timezone.localdate()


def test_a_ward_manager_cannot_plan_milestones(client: Client, readiness: Readiness) -> None:
    client.force_login(readiness.trust.ward_manager)
    response = client.post(
        "/readiness/timeline/", {"name": "X", "kind": "other", "due_on": "01/12/2026"}
    )
    assert response.status_code == 403


def test_the_board_trend_reads_past_scores_from_history(
    client: Client, readiness: Readiness
) -> None:
    trust = readiness.trust
    pm = trust.programme_manager
    criterion = readiness.criterion(trust.ward_a, readiness.sso)
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=criterion,
        rag=Rag.AMBER,
        comment="",
        evidence_link="",
        evidence_file=None,
        owner=None,
    )
    # Pretend the amber was recorded three weeks ago (and everything else before that).
    three_weeks_ago = timezone.now() - dt.timedelta(weeks=3)
    Criterion.history.filter(history_date__lt=three_weeks_ago + dt.timedelta(weeks=3)).update(  # type: ignore[attr-defined]
        history_date=three_weeks_ago
    )
    services.update_criterion(
        access=Access(pm),
        user=pm,
        criterion=criterion,
        rag=Rag.GREEN,
        comment="",
        evidence_link="https://example.nhs.uk/sso",
        evidence_file=None,
        owner=None,
    )
    client.force_login(pm)

    chart = client.get("/readiness/board/").context["trend_chart"]

    values = chart.series[0].values
    # 20 weight across both wards; SSO (3) amber = 1.5 -> 7.5%; green = 3 -> 15%.
    assert values[:4] == [None, None, None, None]
    assert values[4:7] == [7.5, 7.5, 7.5]
    assert values[7] == 15.0


def test_the_htmx_editor_takes_keyboard_focus(client: Client, readiness: Readiness) -> None:
    criterion = readiness.criterion(readiness.trust.ward_a, readiness.sso)
    client.force_login(readiness.chair)

    body = client.get(f"/readiness/criteria/{criterion.pk}/", **HX).content.decode()

    assert "<html" not in body
    assert "autofocus" in body
