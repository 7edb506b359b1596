from __future__ import annotations

from django.test import Client

from administration.models import AccessRequest
from golive.models import Role, RoleGrant
from tests.administration.people.conftest import Trust, signed_in
from tests.factories import ProgrammeFactory, UserFactory, grant


def _request_on(programme_id: int) -> AccessRequest:
    client = signed_in(UserFactory())
    response = client.post(
        "/api/v1/access-requests/", {"programme": programme_id}, content_type="application/json"
    )
    assert response.status_code == 201
    return AccessRequest.objects.get(pk=response.json()["id"])


def test_role_less_user_asks_for_access_and_reads_only_their_own_request(trust: Trust) -> None:
    mine = _request_on(trust.programme.pk)
    _request_on(trust.programme.pk)
    client = signed_in(mine.user)
    listed = client.get("/api/v1/access-requests/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]


def test_approver_of_one_programme_cannot_see_another_programmes_requests(trust: Trust) -> None:
    other = ProgrammeFactory()
    theirs = _request_on(other.pk)
    ours = _request_on(trust.programme.pk)
    client = signed_in(trust.pm)
    listed = client.get("/api/v1/access-requests/").json()["results"]
    assert [row["id"] for row in listed] == [ours.pk]
    assert client.get(f"/api/v1/access-requests/{theirs.pk}/").status_code == 404


def test_requester_cannot_approve_their_own_request(trust: Trust) -> None:
    request = _request_on(trust.programme.pk)
    response = signed_in(request.user).post(
        f"/api/v1/access-requests/{request.pk}/approve/",
        {"role": Role.PROGRAMME_MANAGER}, content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 403
    assert not RoleGrant.objects.filter(user=request.user).exists()


def test_approving_through_the_api_grants_the_role(trust: Trust) -> None:
    request = _request_on(trust.programme.pk)
    response = signed_in(trust.pm).post(
        f"/api/v1/access-requests/{request.pk}/approve/",
        {"role": Role.WARD_MANAGER, "site": trust.south.pk}, content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert RoleGrant.objects.get(user=request.user).site == trust.south


def test_declining_through_the_api_needs_a_reason(trust: Trust) -> None:
    request = _request_on(trust.programme.pk)
    client = signed_in(trust.pm)
    url = f"/api/v1/access-requests/{request.pk}/decline/"
    assert client.post(url, {}, content_type="application/json").status_code == 400
    done = client.post(url, {"reason": "Unknown"}, content_type="application/json")
    assert done.json()["decision_reason"] == "Unknown"


def test_revoking_through_the_api_needs_a_reason(trust: Trust) -> None:
    row = grant(UserFactory(), Role.CHAMPION, trust.programme)
    client = signed_in(trust.pm)
    refused = client.delete(f"/api/v1/role-grants/{row.pk}/")
    assert refused.status_code == 400
    assert refused.json()["field_errors"][0]["code"] == "reason_required"
    assert client.delete(f"/api/v1/role-grants/{row.pk}/?reason=Left").status_code == 204
    last = RoleGrant.history.filter(id=row.pk).latest("history_date")
    assert last.history_change_reason == "Left"


def test_programme_manager_cannot_grant_administrator_through_the_api(trust: Trust) -> None:
    person = UserFactory()
    grant(person, Role.CHAMPION, trust.programme)
    response = signed_in(trust.pm).post(
        "/api/v1/role-grants/",
        {"user": person.pk, "programme": trust.programme.pk, "role": Role.ADMINISTRATOR},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_changing_a_grant_through_the_api_keeps_fields_not_sent(trust: Trust) -> None:
    row = grant(UserFactory(), Role.CHAMPION, trust.programme, [trust.ward_1])
    response = signed_in(trust.pm).patch(
        f"/api/v1/role-grants/{row.pk}/", {"ends_on": "2099-01-01"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["areas"] == [trust.ward_1.pk]
    assert response.json()["ends_on"] == "2099-01-01"


def test_invitations_api_invites_and_lists_only_managed_programmes(trust: Trust) -> None:
    client = signed_in(trust.pm)
    response = client.post(
        "/api/v1/invitations/",
        {
            "email": "api.person@example.nhs.uk", "first_name": "Api", "last_name": "Person",
            "kind": "sso", "programme": trust.programme.pk, "role": Role.CHAMPION,
        },
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    assert [row["email"] for row in client.get("/api/v1/invitations/").json()["results"]] == [
        "api.person@example.nhs.uk"
    ]


def test_ward_manager_is_refused_the_role_grants_api(trust: Trust) -> None:
    ward_manager = UserFactory()
    grant(ward_manager, Role.WARD_MANAGER, trust.programme, [trust.ward_1])
    assert signed_in(ward_manager).get("/api/v1/role-grants/").status_code == 403


def test_anonymous_caller_is_refused_access_requests(trust: Trust) -> None:
    assert Client().get("/api/v1/access-requests/").status_code in {401, 403}
