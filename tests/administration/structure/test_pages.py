"""The set-up pages, through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from golive.models import Area, GoLive, Release, Site
from tests.factories import AreaFactory, GoLiveFactory, ReleaseFactory

from .conftest import Trust, client_for

pytestmark = pytest.mark.django_db


def test_programme_manager_creates_a_site_and_two_areas_through_the_pages(trust: Trust) -> None:
    client = client_for(trust.pm)
    org = trust.programme.organisation

    response = client.post(
        reverse("setup:site_new"), {"organisation": org.pk, "code": "RCH", "name": "Riverside"}
    )
    assert response.status_code == 302
    site = Site.objects.get(organisation=org, code="RCH")
    for code, name in (("RIV1", "Riverside Ward"), ("RIV2", "Willow Ward")):
        response = client.post(
            reverse("setup:area_new"),
            {"site": site.pk, "code": code, "name": name, "area_type": "ward", "specialty": ""},
        )
        assert response.status_code == 302

    assert sorted(site.areas.values_list("code", flat=True)) == ["RIV1", "RIV2"]


@pytest.mark.parametrize("who", ["ward_manager", "executive"])
@pytest.mark.parametrize(
    "route", ["setup:home", "setup:sites", "setup:areas", "setup:go_lives", "setup:areas_import"]
)
def test_ward_managers_and_executives_are_refused_the_set_up_pages(
    trust: Trust, who: str, route: str
) -> None:
    response = client_for(getattr(trust, who)).get(reverse(route))

    assert response.status_code == 403


def test_a_duplicate_area_code_on_a_site_is_a_field_error(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        reverse("setup:area_new"),
        {"site": trust.site.pk, "code": "w1", "name": "Again", "area_type": "ward"},
    )

    assert response.status_code == 200
    assert "already has an area with the code" in response.context["form"].errors["code"][0]


def test_programme_manager_cannot_edit_another_trusts_area(
    trust: Trust, other_trust: Trust
) -> None:
    response = client_for(trust.pm).get(reverse("setup:area_edit", args=[other_trust.area.pk]))

    assert response.status_code == 404


def test_retiring_an_area_keeps_the_reason_in_its_history(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        reverse("setup:area_retire", args=[trust.area.pk]), {"reason": "Ward closed for rebuild"}
    )

    assert response.status_code == 302
    trust.area.refresh_from_db()
    assert not trust.area.is_active
    latest = trust.area.history.latest()
    assert latest.history_change_reason == "Ward closed for rebuild"
    assert latest.prev_record is not None
    assert latest.prev_record.is_active


def test_retiring_needs_a_reason(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        reverse("setup:area_retire", args=[trust.area.pk]), {"reason": " "}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    trust.area.refresh_from_db()
    assert trust.area.is_active


def test_a_retired_area_is_not_offered_in_a_new_go_lives_scope(trust: Trust) -> None:
    client = client_for(trust.pm)
    client.post(reverse("setup:area_retire", args=[trust.area.pk]), {"reason": "Closed"})
    AreaFactory(site=trust.site, code="W2", name="Ward 2")

    form = client.get(reverse("setup:go_live_new")).context["form"]

    assert list(form.fields["areas"].queryset.values_list("code", flat=True)) == ["W2"]


def test_a_go_live_cannot_take_a_retired_area_into_scope(trust: Trust) -> None:
    client = client_for(trust.pm)
    client.post(reverse("setup:area_retire", args=[trust.area.pk]), {"reason": "Closed"})

    response = client.post(
        reverse("setup:go_live_new"),
        {
            "programme": trust.programme.pk, "name": "Wave 9", "approach": "phased",
            "stage": "planning", "user_go_live_date": "2027-03-01", "areas": [trust.area.pk],
        },
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors["areas"]
    assert not GoLive.objects.filter(name="Wave 9").exists()


def test_reinstating_an_area_offers_it_again(trust: Trust) -> None:
    client = client_for(trust.pm)
    client.post(reverse("setup:area_retire", args=[trust.area.pk]), {"reason": "Closed"})

    client.post(reverse("setup:area_reinstate", args=[trust.area.pk]))

    trust.area.refresh_from_db()
    assert trust.area.is_active


def test_the_area_list_filters_by_status_and_search(trust: Trust) -> None:
    AreaFactory(site=trust.site, code="ICU", name="Intensive Care", is_active=False)
    client = client_for(trust.pm)

    retired = client.get(reverse("setup:areas"), {"status": "retired"}).context["page"]
    found = client.get(reverse("setup:areas"), {"q": "ward"}).context["page"]

    assert [a.code for a in retired] == ["ICU"]
    assert [a.code for a in found] == ["W1"]


def test_go_live_dates_out_of_order_are_field_errors(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        reverse("setup:go_live_new"),
        {
            "programme": trust.programme.pk, "name": "Wave 9", "approach": "big_bang",
            "stage": "planning", "user_go_live_date": "2027-03-01",
            "technical_go_live_date": "2027-03-05", "dual_running_ends_on": "2027-03-02",
            "stabilisation_ends_on": "2027-02-01",
        },
    )  # fmt: skip

    errors = response.context["form"].errors
    assert response.status_code == 200
    assert set(errors) == {
        "technical_go_live_date", "stabilisation_ends_on", "dual_running_ends_on"
    }  # fmt: skip


def test_a_go_live_is_created_with_dates_scope_and_cohort(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        reverse("setup:go_live_new"),
        {
            "programme": trust.programme.pk, "name": "Wave 9", "approach": "modular",
            "stage": "planning", "technical_go_live_date": "2027-02-20",
            "dual_running_ends_on": "2027-03-10", "user_go_live_date": "2027-03-01",
            "stabilisation_ends_on": "2027-04-01", "scope_note": "Adult inpatients only",
            "areas": [trust.area.pk],
        },
    )  # fmt: skip

    go_live = GoLive.objects.get(name="Wave 9")
    assert response.status_code == 302
    assert go_live.dual_running_ends_on == dt.date(2027, 3, 10)
    assert go_live.scope_note == "Adult inpatients only"
    assert list(go_live.areas.all()) == [trust.area]


def test_editing_a_go_live_keeps_the_reason_in_its_history(trust: Trust) -> None:
    go_live = GoLiveFactory(programme=trust.programme, areas=[trust.area])
    data = {
        "name": go_live.name, "approach": "phased", "stage": "readiness",
        "user_go_live_date": "2027-05-01", "areas": [trust.area.pk], "reason": "Board deferral",
    }  # fmt: skip

    response = client_for(trust.pm).post(reverse("setup:go_live_edit", args=[go_live.pk]), data)

    assert response.status_code == 302
    assert go_live.history.latest().history_change_reason == "Board deferral"


def test_a_release_is_added_edited_and_deleted(trust: Trust) -> None:
    go_live = GoLiveFactory(programme=trust.programme)
    client = client_for(trust.pm)

    client.post(
        reverse("setup:release_new", args=[go_live.pk]),
        {"name": "ePMA", "version": "1.0", "planned_date": "2027-01-10", "description": "Meds"},
    )
    release = Release.objects.get(go_live=go_live)
    client.post(
        reverse("setup:release_edit", args=[release.pk]), {"name": "ePMA", "version": "1.1"}
    )
    release.refresh_from_db()
    version = release.version
    client.post(reverse("setup:release_delete", args=[release.pk]))

    assert version == "1.1"
    assert not Release.objects.filter(pk=release.pk).exists()


def test_the_go_live_page_lists_its_releases(trust: Trust) -> None:
    release = ReleaseFactory(go_live__programme=trust.programme, name="Order comms")

    response = client_for(trust.pm).get(reverse("setup:go_live", args=[release.go_live.pk]))

    assert b"Order comms" in response.content


def test_a_programme_manager_edits_the_programme_but_cannot_create_one(trust: Trust) -> None:
    client = client_for(trust.pm)

    client.post(
        reverse("setup:programme_edit", args=[trust.programme.pk]),
        {"name": "New name", "epr_supplier": "Acme", "journey_stage": "implementation"},
    )
    refused = client.get(reverse("setup:programme_new"))

    trust.programme.refresh_from_db()
    assert trust.programme.epr_supplier == "Acme"
    assert refused.status_code == 403


def test_the_hub_counts_sites_areas_and_go_lives(trust: Trust) -> None:
    AreaFactory(site=trust.site, is_active=False)
    GoLiveFactory(programme=trust.programme)

    context = client_for(trust.pm).get(reverse("setup:home")).context

    assert (context["site_count"], context["active_count"], context["retired_count"]) == (1, 1, 1)
    assert context["go_live_count"] == 1


def test_areas_of_another_trust_are_not_listed(trust: Trust, other_trust: Trust) -> None:
    page = client_for(trust.pm).get(reverse("setup:areas")).context["page"]

    assert list(page) == [trust.area]
    assert Area.objects.count() == 2


def test_a_site_is_renamed_through_its_edit_page(trust: Trust) -> None:
    response = client_for(trust.pm).post(
        reverse("setup:site_edit", args=[trust.site.pk]), {"code": "NGH", "name": "Northshire"}
    )

    trust.site.refresh_from_db()
    assert response.status_code == 302
    assert trust.site.name == "Northshire"


def test_a_retired_area_already_in_scope_stays_when_the_go_live_is_edited(trust: Trust) -> None:
    go_live = GoLiveFactory(programme=trust.programme, areas=[trust.area])
    client = client_for(trust.pm)
    client.post(reverse("setup:area_retire", args=[trust.area.pk]), {"reason": "Closed"})
    data = {
        "name": go_live.name, "approach": "phased", "stage": "planning",
        "user_go_live_date": "2027-05-01", "areas": [trust.area.pk],
    }  # fmt: skip

    response = client.post(reverse("setup:go_live_edit", args=[go_live.pk]), data)

    assert response.status_code == 302
    assert list(go_live.areas.all()) == [trust.area]
