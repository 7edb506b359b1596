from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from administration.people import services
from golive.access import Access, Capability
from golive.models import Role, RoleGrant
from golive.refusals import Conflict
from tests.administration.people.conftest import Trust, signed_in
from tests.factories import SiteFactory, UserFactory, grant


def test_programme_manager_cannot_grant_the_administrator_role(trust: Trust) -> None:
    person = UserFactory()
    with pytest.raises(PermissionDenied):
        services.grant_role(
            access=Access(trust.pm), granted_by=trust.pm, user=person, programme=trust.programme,
            role=Role.ADMINISTRATOR, scope=services.Scope(),
        )  # fmt: skip
    assert not RoleGrant.objects.filter(user=person).exists()


def test_programme_manager_cannot_grant_themself_the_clinical_safety_officer_role(
    trust: Trust,
) -> None:
    with pytest.raises(PermissionDenied):
        services.grant_role(
            access=Access(trust.pm), granted_by=trust.pm, user=trust.pm,
            programme=trust.programme, role=Role.CLINICAL_SAFETY_OFFICER,
            scope=services.Scope(areas=[trust.ward_1]),
        )  # fmt: skip
    assert not RoleGrant.objects.filter(user=trust.pm, role=Role.CLINICAL_SAFETY_OFFICER).exists()


def test_people_page_with_a_non_ascii_digit_programme_is_not_found(trust: Trust) -> None:
    response = signed_in(trust.pm).get(reverse("people:home"), {"programme": "²"})
    assert response.status_code == 404


def test_administrator_grants_the_administrator_role(trust: Trust) -> None:
    person = UserFactory()
    services.grant_role(
        access=Access(trust.admin), granted_by=trust.admin, user=person,
        programme=trust.programme, role=Role.ADMINISTRATOR, scope=services.Scope(),
    )  # fmt: skip
    assert RoleGrant.objects.get(user=person).granted_by == trust.admin


def test_grant_naming_a_site_and_areas_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as refused:
        services.grant_role(
            access=Access(trust.pm), granted_by=trust.pm, user=UserFactory(),
            programme=trust.programme, role=Role.WARD_MANAGER,
            scope=services.Scope(site=trust.north, areas=[trust.ward_3]),
        )  # fmt: skip
    assert refused.value.error_dict["areas"][0].code == "site_and_areas"


def test_grant_naming_another_organisations_site_is_refused(trust: Trust) -> None:
    with pytest.raises(ValidationError) as refused:
        services.grant_role(
            access=Access(trust.pm), granted_by=trust.pm, user=UserFactory(),
            programme=trust.programme, role=Role.WARD_MANAGER,
            scope=services.Scope(site=SiteFactory()),
        )  # fmt: skip
    assert refused.value.error_dict["site"][0].code == "other_organisation"


def test_site_scoped_grant_reaches_the_sites_areas_and_no_others(trust: Trust) -> None:
    person = UserFactory()
    services.grant_role(
        access=Access(trust.pm), granted_by=trust.pm, user=person, programme=trust.programme,
        role=Role.WARD_MANAGER, scope=services.Scope(site=trust.north),
    )  # fmt: skip
    areas = set(Access(person).areas(Capability.VIEW_READINESS))
    assert areas == {trust.ward_1, trust.ward_2}


def test_dated_grant_is_not_in_force_before_its_start_or_after_its_end(trust: Trust) -> None:
    today = timezone.localdate()
    later, earlier = UserFactory(), UserFactory()
    for person, starts, ends in (
        (later, today + dt.timedelta(days=1), None),
        (earlier, today - dt.timedelta(days=9), today - dt.timedelta(days=1)),
    ):
        services.grant_role(
            access=Access(trust.pm), granted_by=trust.pm, user=person, programme=trust.programme,
            role=Role.WARD_MANAGER, scope=services.Scope(starts_on=starts, ends_on=ends),
        )  # fmt: skip
    assert not Access(later).roles
    assert not Access(earlier).roles


def test_revoking_without_a_reason_is_refused(trust: Trust) -> None:
    row = grant(UserFactory(), Role.WARD_MANAGER, trust.programme)
    with pytest.raises(ValidationError) as refused:
        services.revoke_grant(access=Access(trust.pm), grant=row, reason="  ")
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    assert RoleGrant.objects.filter(pk=row.pk).exists()


def test_revoking_records_the_reason_in_the_grants_history(trust: Trust) -> None:
    row = grant(UserFactory(), Role.WARD_MANAGER, trust.programme)
    services.revoke_grant(access=Access(trust.pm), grant=row, reason="Left the trust")
    last = RoleGrant.history.filter(id=row.pk).latest("history_date")
    assert last.history_type == "-"
    assert last.history_change_reason == "Left the trust"


def test_changing_a_grant_records_the_reason_and_new_scope(trust: Trust) -> None:
    row = grant(UserFactory(), Role.WARD_MANAGER, trust.programme)
    services.change_grant(
        access=Access(trust.pm), grant=row, scope=services.Scope(areas=[trust.ward_3]),
        reason="Moved to Ward 3",
    )  # fmt: skip
    assert list(row.areas.all()) == [trust.ward_3]
    reasons = set(
        RoleGrant.history.filter(id=row.pk).values_list("history_change_reason", flat=True)
    )
    assert "Moved to Ward 3" in reasons


def test_user_cannot_revoke_their_own_last_grant_to_manage_access(trust: Trust) -> None:
    own = RoleGrant.objects.get(user=trust.pm)
    with pytest.raises(Conflict) as refused:
        services.revoke_grant(access=Access(trust.pm), grant=own, reason="Oops")
    assert refused.value.code == "last_manage_access"


def test_programme_manager_cannot_revoke_an_administrators_grant(trust: Trust) -> None:
    row = RoleGrant.objects.get(user=trust.admin)
    with pytest.raises(PermissionDenied):
        services.revoke_grant(access=Access(trust.pm), grant=row, reason="Tidying up")


def test_ward_manager_is_refused_the_people_pages(trust: Trust) -> None:
    ward_manager = UserFactory()
    grant(ward_manager, Role.WARD_MANAGER, trust.programme, [trust.ward_1])
    client = signed_in(ward_manager)
    assert client.get(reverse("people:home")).status_code == 403
    assert client.get(reverse("people:invite")).status_code == 403


def test_people_page_lists_grants_with_their_scope(trust: Trust) -> None:
    person = UserFactory(first_name="Sam", last_name="Sister")
    row = grant(person, Role.WARD_MANAGER, trust.programme, [trust.ward_2])
    response = signed_in(trust.pm).get(reverse("people:home"), {"q": "sister"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sam Sister" in body
    assert "Ward 2" in body
    assert reverse("people:grant_revoke", args=[row.pk]) in body
    assert [user.pk for user in response.context["page"].object_list] == [person.pk]


def test_revoke_page_asks_a_reason_then_revokes(trust: Trust) -> None:
    row = grant(UserFactory(), Role.WARD_MANAGER, trust.programme)
    client = signed_in(trust.pm)
    url = reverse("people:grant_revoke", args=[row.pk])
    assert "Give a reason" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Left"}).status_code == 302
    assert not RoleGrant.objects.filter(pk=row.pk).exists()


def test_grant_page_grants_a_site_scoped_role(trust: Trust) -> None:
    person = UserFactory()
    grant(person, Role.CHAMPION, trust.programme)
    response = signed_in(trust.pm).post(
        reverse("people:grant_new"),
        {"user": person.pk, "role": Role.WARD_MANAGER, "scope": "site", "site": trust.south.pk},
    )
    assert response.status_code == 302
    assert RoleGrant.objects.get(user=person, role=Role.WARD_MANAGER).site == trust.south


def test_grant_page_tells_a_programme_manager_only_an_administrator_grants_that_role(
    trust: Trust,
) -> None:
    person = UserFactory()
    grant(person, Role.CHAMPION, trust.programme)
    response = signed_in(trust.pm).post(
        reverse("people:grant_new"),
        {"user": person.pk, "role": Role.ADMINISTRATOR, "scope": "programme"},
    )
    assert response.status_code == 200
    assert "Only an administrator may grant" in response.content.decode()
    assert not RoleGrant.objects.filter(user=person, role=Role.ADMINISTRATOR).exists()


def test_a_grant_naming_an_area_retired_since_keeps_it_when_its_end_date_changes(
    trust: Trust,
) -> None:
    row = grant(UserFactory(), Role.WARD_MANAGER, trust.programme, [trust.ward_1])
    trust.ward_1.is_active = False
    trust.ward_1.save()

    response = signed_in(trust.pm).post(
        reverse("people:grant_edit", args=[row.pk]),
        {"scope": "areas", "areas": [trust.ward_1.pk], "ends_on": "2030-01-31", "reason": ""},
    )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.ends_on, list(row.areas.all())) == (dt.date(2030, 1, 31), [trust.ward_1])
