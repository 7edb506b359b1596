from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from champions import services
from champions.models import Assignment, CoverRequest, Designation, Shift
from golive.access import Access
from tests.champions.conftest import Champions
from tests.conftest import Trust

Kind = Designation.Kind

# The designations list.


def test_ward_manager_sees_only_their_areas_designations(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.designate(trust.staff_a, trust.ward_a)
    champions.designate(trust.staff_b, trust.ward_b)
    client.force_login(trust.ward_manager)

    response = client.get("/champions/")

    assert response.status_code == 200
    assert [d.staff for d in response.context["page"].object_list] == [trust.staff_a]
    assert [row.area for row in response.context["summaries"]] == [trust.ward_a]
    assert "Bob Ward-B" not in response.content.decode()


def test_designation_filter_returns_only_the_results_fragment_for_htmx(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.designate(trust.staff_a, trust.ward_a)
    champions.designate(trust.staff_b, trust.ward_b, kind=Kind.FLOORWALKER)
    client.force_login(trust.programme_manager)

    response = client.get("/champions/", {"kind": "floorwalker"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert "<html" not in body
    assert "Bob Ward-B" in body
    assert "Alice Ward-A" not in body


def test_executive_reads_designations_without_any_actions(
    client: Client, trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, status="nominated")
    client.force_login(trust.executive)

    body = client.get("/champions/").content.decode()

    assert "1 awaiting agreement" in body
    assert "Nominate someone" not in body
    assert f"/champions/designations/{designation.pk}/accept/" not in body


def test_executive_cannot_nominate_accept_or_withdraw(
    client: Client, trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, status="nominated")
    client.force_login(trust.executive)

    nominate = client.get("/champions/nominate/")
    accept = client.post(f"/champions/designations/{designation.pk}/accept/", {"confirm": "on"})
    withdraw = client.post(f"/champions/designations/{designation.pk}/withdraw/", {"reason": "x"})

    assert (nominate.status_code, accept.status_code, withdraw.status_code) == (403, 403, 403)
    designation.refresh_from_db()
    assert designation.status == "nominated"


def test_designations_in_another_area_are_not_found_for_a_ward_manager(
    client: Client, trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_b, trust.ward_b, status="nominated")
    client.force_login(trust.ward_manager)

    response = client.get(f"/champions/designations/{designation.pk}/accept/")

    assert response.status_code == 404


# Nominating.


def test_ward_manager_nominates_through_the_form(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/nominate/?area={trust.ward_a.pk}",
        {
            "staff": trust.staff_a.pk,
            "kind": "super_user",
            "systems_confidence": "5",
            "leadership": "4",
            "note": "=HYPERLINK(1)",
        },
    )

    assert response.status_code == 302
    designation = Designation.objects.get()
    assert (designation.area, designation.go_live) == (trust.ward_a, trust.wave_1)
    assert designation.status == "nominated"


def test_nomination_without_scores_re_renders_with_messages(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/nominate/?area={trust.ward_a.pk}", {"staff": trust.staff_a.pk}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Score their leadership, 1 to 5." in body
    assert "Choose the role: digital champion, super user or floorwalker." in body
    assert not Designation.objects.exists()


def test_nomination_form_offers_only_staff_of_the_managers_area(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/nominate/?area={trust.ward_b.pk}",
        {
            "staff": trust.staff_b.pk,
            "kind": "super_user",
            "systems_confidence": "3",
            "leadership": "3",
        },
    )

    # Ward B is not the manager's: the area step refuses it and nothing is saved.
    assert response.status_code == 200
    assert "Choose one of your areas." in response.content.decode()
    assert not Designation.objects.exists()


def test_duplicate_nomination_shows_the_services_message(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.designate(trust.staff_a, trust.ward_a, kind=Kind.SUPER_USER)
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/nominate/?area={trust.ward_a.pk}",
        {
            "staff": trust.staff_a.pk,
            "kind": "super_user",
            "systems_confidence": "3",
            "leadership": "3",
        },
    )

    assert response.status_code == 200
    assert "Alice Ward-A is already a super user in Ward A." in response.content.decode()


def test_recording_agreement_needs_the_confirmation(
    client: Client, trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, status="nominated")
    client.force_login(trust.ward_manager)
    url = f"/champions/designations/{designation.pk}/accept/"

    refused = client.post(url, {})
    accepted = client.post(url, {"confirm": "on"})

    assert "Confirm that the nominee has accepted the role agreement." in refused.content.decode()
    assert accepted.status_code == 302
    designation.refresh_from_db()
    assert (designation.status, designation.agreed_by) == ("agreed", trust.ward_manager)


# Roster.


def test_adding_a_pattern_creates_the_fortnights_shifts(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/roster/patterns/?area={trust.ward_a.pk}",
        {
            "kind": "night",
            "name": "",
            "start_time": "20:00",
            "end_time": "08:00",
            "planned_staff": "6",
        },
    )

    assert response.status_code == 302
    assert Shift.objects.filter(area=trust.ward_a, name="Night").count() == 14


def test_a_pattern_with_a_bad_time_re_renders_with_messages(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/roster/patterns/?area={trust.ward_a.pk}",
        {"kind": "early", "start_time": "7am", "end_time": "", "planned_staff": "6"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the start time as hours and minutes, e.g. 07:00." in body
    assert "Enter the end time, e.g. 15:00." in body


def test_ward_manager_cannot_add_patterns_to_another_area(client: Client, trust: Trust) -> None:
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/roster/patterns/?area={trust.ward_b.pk}",
        {"kind": "early", "start_time": "07:00", "end_time": "15:00", "planned_staff": "6"},
    )

    assert response.status_code == 404
    assert not Shift.objects.exists()


# Coverage and filling a gap.


@pytest.fixture
def gap(trust: Trust, champions: Champions) -> tuple[Shift, Designation]:
    shift = champions.shift(trust.ward_a, planned_staff=8)
    return shift, champions.designate(trust.staff_a, trust.ward_a)


def test_coverage_shows_a_gap_in_words(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    client.force_login(trust.ward_manager)

    body = client.get("/champions/coverage/").content.decode()

    assert "Gap: 1 needed" in body
    assert "golive-cover--gap" in body
    assert "Fill gap" in body


def test_executive_sees_coverage_without_fill_links(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    client.force_login(trust.executive)

    body = client.get("/champions/coverage/").content.decode()

    assert "Gap: 1 needed" in body
    assert "Fill gap" not in body


def test_htmx_fill_offers_eligible_people_inside_the_cell(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    shift, _ = gap
    client.force_login(trust.ward_manager)

    response = client.get(f"/champions/shifts/{shift.pk}/fill/", HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert body.strip().startswith("<td")
    assert "Assign Alice Ward-A" in body


def test_one_click_fills_the_gap_and_returns_a_covered_cell(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    shift, designation = gap
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/shifts/{shift.pk}/fill/",
        {"designation": designation.pk},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert 'data-covered="true"' in body
    assert "Covered" in body
    assert Assignment.objects.filter(shift=shift, staff=trust.staff_a, status="active").exists()


def test_fill_without_javascript_returns_to_the_heat_map(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    shift, designation = gap
    client.force_login(trust.ward_manager)

    page = client.get(f"/champions/shifts/{shift.pk}/fill/")
    response = client.post(f"/champions/shifts/{shift.pk}/fill/", {"designation": designation.pk})

    assert "<html" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"/champions/coverage/#cell-{shift.pk}"


def test_a_person_who_is_no_longer_eligible_is_refused_with_a_message(
    client: Client, trust: Trust, champions: Champions, gap: tuple[Shift, Designation]
) -> None:
    shift, designation = gap
    services.assign_to_shift(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=champions.shift(trust.ward_a, name="Long", start=dt.time(8), end=dt.time(20)),
        designation=designation,
    )
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/shifts/{shift.pk}/fill/",
        {"designation": designation.pk},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "That person can no longer be rostered on this shift." in response.content.decode()


def test_ward_manager_cannot_fill_another_areas_shift(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_b)
    designation = champions.designate(trust.staff_b, trust.ward_b)
    client.force_login(trust.ward_manager)

    response = client.post(f"/champions/shifts/{shift.pk}/fill/", {"designation": designation.pk})

    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_champion_cannot_fill_a_gap_in_their_own_area(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    shift, designation = gap
    client.force_login(trust.champion)

    response = client.post(f"/champions/shifts/{shift.pk}/fill/", {"designation": designation.pk})

    assert response.status_code == 403


# Exports.


def test_designation_csv_is_scoped_and_formula_escaped(
    client: Client, trust: Trust, champions: Champions
) -> None:
    mine = champions.designate(trust.staff_a, trust.ward_a)
    mine.note = '=HYPERLINK("http://x")'
    mine.save()
    champions.designate(trust.staff_b, trust.ward_b)
    client.force_login(trust.ward_manager)

    response = client.get("/champions/designations.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[3] for row in rows[1:]] == ["Alice Ward-A"]
    assert rows[1][10].startswith("'=HYPERLINK")


def test_roster_xlsx_holds_only_the_users_areas_with_text_never_formulas(
    client: Client, trust: Trust, champions: Champions
) -> None:
    staff = champions.staff("=cmd()", trust.ward_a)
    services.assign_to_shift(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        shift=champions.shift(trust.ward_a),
        designation=champions.designate(staff, trust.ward_a),
    )
    services.assign_to_shift(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        shift=champions.shift(trust.ward_b),
        designation=champions.designate(trust.staff_b, trust.ward_b),
    )
    client.force_login(trust.ward_manager)

    response = client.get("/champions/roster.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[6] for row in rows] == ["=cmd()"]
    assert sheet.cell(row=2, column=7).data_type == "s"


def test_unknown_export_format_is_not_found(client: Client, trust: Trust) -> None:
    client.force_login(trust.programme_manager)

    assert client.get("/champions/roster.pdf").status_code == 404


def test_coverage_can_be_narrowed_to_one_day(
    client: Client, trust: Trust, champions: Champions
) -> None:
    day = champions.go_live_day
    champions.shift(trust.ward_a)
    champions.shift(trust.ward_a, day=day + dt.timedelta(days=1))
    client.force_login(trust.ward_manager)

    response = client.get("/champions/coverage/", {"day": day.isoformat()})

    assert response.context["summary"].shifts_total == 1


def test_coverage_refuses_a_day_outside_the_period_with_a_message(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.shift(trust.ward_a)
    client.force_login(trust.ward_manager)

    response = client.get("/champions/coverage/", {"day": "2001-01-01"})

    assert "Choose a day of the go-live period." in response.content.decode()


def test_roster_page_shows_the_managers_area_with_actions(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_a)
    services.assign_to_shift(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=shift,
        designation=champions.designate(trust.staff_a, trust.ward_a),
    )
    client.force_login(trust.ward_manager)

    body = client.get("/champions/roster/").content.decode()

    assert "Alice Ward-A" in body
    assert "Add someone" in body
    assert "Add a shift pattern" in body


def test_champion_reads_their_areas_roster_without_actions(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.shift(trust.ward_a)
    client.force_login(trust.champion)

    body = client.get("/champions/roster/").content.decode()
    other = client.get("/champions/roster/", {"area": trust.ward_b.pk})

    assert "Roster: Ward A" in body
    assert "Add someone" not in body
    assert "Add a shift pattern" not in body
    assert other.status_code == 404


def test_removing_someone_from_a_shift_through_the_roster_page(
    client: Client, trust: Trust, champions: Champions
) -> None:
    assignment = services.assign_to_shift(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=champions.shift(trust.ward_a),
        designation=champions.designate(trust.staff_a, trust.ward_a),
    )
    client.force_login(trust.ward_manager)

    response = client.post(f"/champions/assignments/{assignment.pk}/cancel/")

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"


def test_changing_an_areas_target_changes_what_coverage_needs(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.shift(trust.ward_a, planned_staff=12)
    client.force_login(trust.ward_manager)

    refused = client.post(
        f"/champions/areas/{trust.ward_a.pk}/target/", {"staff_per_supporter": "0"}
    )
    client.post(f"/champions/areas/{trust.ward_a.pk}/target/", {"staff_per_supporter": "4"})

    assert "Enter a number of staff from 1 to 100." in refused.content.decode()
    summary = client.get("/champions/coverage/").context["summary"]
    assert summary.supporters_needed == 3


# Cover and swaps on the roster page.


def test_ward_manager_asks_for_cover_and_fills_it_from_eligible_people(
    client: Client, trust: Trust, champions: Champions
) -> None:
    shift = champions.shift(trust.ward_a)
    original = services.assign_to_shift(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=shift,
        designation=champions.designate(trust.staff_a, trust.ward_a),
    )
    coverer = champions.designate(champions.staff("Dan Cover", trust.ward_a), trust.ward_a)
    client.force_login(trust.ward_manager)

    asked = client.post(f"/champions/assignments/{original.pk}/cover/", {"reason": "Leave"})
    roster = client.get("/champions/roster/").content.decode()
    cover_request = CoverRequest.objects.get()
    page = client.get(f"/champions/cover-requests/{cover_request.pk}/").content.decode()
    answered = client.post(
        f"/champions/cover-requests/{cover_request.pk}/", {"designation": coverer.pk}
    )

    assert asked.status_code == 302
    assert "cover wanted" in roster
    assert "Dan Cover covers" in page
    assert "Alice Ward-A covers" not in page
    assert answered.status_code == 302
    assert Assignment.objects.get(status="active").staff.full_name == "Dan Cover"


def test_a_second_request_for_the_same_shift_is_refused_with_a_message(
    client: Client, trust: Trust, champions: Champions
) -> None:
    original = services.assign_to_shift(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=champions.shift(trust.ward_a),
        designation=champions.designate(trust.staff_a, trust.ward_a),
    )
    client.force_login(trust.ward_manager)
    client.post(f"/champions/assignments/{original.pk}/cover/", {})

    response = client.post(f"/champions/assignments/{original.pk}/cover/", {})

    assert response.status_code == 200
    assert "There is already an open cover or swap request" in response.content.decode()


def test_ward_manager_cannot_ask_for_cover_in_another_area(
    client: Client, trust: Trust, champions: Champions
) -> None:
    other = services.assign_to_shift(
        access=Access(trust.programme_manager),
        user=trust.programme_manager,
        shift=champions.shift(trust.ward_b),
        designation=champions.designate(trust.staff_b, trust.ward_b),
    )
    client.force_login(trust.ward_manager)

    response = client.post(f"/champions/assignments/{other.pk}/cover/", {})

    assert response.status_code == 404
    assert not CoverRequest.objects.exists()


def test_executive_sees_designations_without_names_or_staff_numbers(
    client: Client, trust: Trust, champions: Champions
) -> None:
    champions.designate(trust.staff_a, trust.ward_a)
    client.force_login(trust.executive)

    page = client.get("/champions/").content.decode()
    export = list(
        csv.reader(io.StringIO(client.get("/champions/designations.csv").content.decode()))
    )

    assert "Alice Ward-A" not in page
    assert trust.staff_a.staff_number not in page
    assert (export[1][2], export[1][3]) == ("", "")
    assert export[1][4] == "Digital champion"


def test_a_manager_of_one_area_goes_straight_to_the_nomination_form(
    client: Client, trust: Trust
) -> None:
    client.force_login(trust.ward_manager)

    response = client.get("/champions/nominate/")

    assert response.context["area"] == trust.ward_a
    assert "Nominate in Ward A" in response.content.decode()


def test_nominee_records_their_own_agreement(
    client: Client, trust: Trust, champions: Champions
) -> None:
    designation = champions.designate(trust.staff_a, trust.ward_a, status="nominated")
    trust.staff_a.user = trust.champion
    trust.staff_a.save()
    client.force_login(trust.champion)

    response = client.post(f"/champions/designations/{designation.pk}/accept/", {"confirm": "on"})

    assert response.status_code == 302
    designation.refresh_from_db()
    assert (designation.status, designation.agreed_by) == ("agreed", trust.champion)


def test_a_champion_sees_their_own_shifts_and_asks_for_cover(
    client: Client, trust: Trust, champions: Champions
) -> None:
    trust.staff_a.user = trust.champion
    trust.staff_a.save()
    assignment = services.assign_to_shift(
        access=Access(trust.ward_manager),
        user=trust.ward_manager,
        shift=champions.shift(trust.ward_a),
        designation=champions.designate(trust.staff_a, trust.ward_a),
    )
    client.force_login(trust.champion)

    page = client.get("/champions/").content.decode()
    asked = client.post(f"/champions/assignments/{assignment.pk}/cover/", {"reason": "Sick"})

    assert "Your shifts" in page
    assert f"/champions/assignments/{assignment.pk}/cover/" in page
    assert asked.status_code == 302
    assert CoverRequest.objects.get().requested_by == trust.champion


def test_adding_someone_from_the_roster_page_returns_to_the_roster(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    shift, designation = gap
    client.force_login(trust.ward_manager)

    response = client.post(
        f"/champions/shifts/{shift.pk}/fill/?from=roster", {"designation": designation.pk}
    )

    assert response["Location"] == f"/champions/roster/?area={trust.ward_a.pk}"


def test_ward_manager_removes_a_pattern_but_a_champion_cannot(
    client: Client, trust: Trust, champions: Champions
) -> None:
    pattern = champions.pattern(trust.ward_a)
    services.generate_shifts(
        access=Access(trust.ward_manager), go_live=trust.wave_1, area=trust.ward_a
    )
    client.force_login(trust.champion)
    refused = client.post(f"/champions/roster/patterns/{pattern.pk}/remove/")
    client.force_login(trust.ward_manager)

    removed = client.post(f"/champions/roster/patterns/{pattern.pk}/remove/")

    assert refused.status_code == 403
    assert removed.status_code == 302
    assert not Shift.objects.exists()


def test_cancelling_a_fill_redraws_the_cell_as_it_was(
    client: Client, trust: Trust, gap: tuple[Shift, Designation]
) -> None:
    shift, _ = gap
    client.force_login(trust.ward_manager)

    body = client.get(
        f"/champions/shifts/{shift.pk}/cell/", HTTP_HX_REQUEST="true"
    ).content.decode()

    assert body.strip().startswith(
        f'<td class="nhsuk-table__cell golive-cover golive-cover--gap" id="cell-{shift.pk}"'
    )
    assert "Fill gap" in body
    assert "Assign" not in body
