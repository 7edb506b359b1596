from __future__ import annotations

from django.core import mail
from django.urls import reverse

from administration.models import AccessRequest
from administration.people import tasks
from golive.models import Role, RoleGrant
from tests.administration.people.conftest import Trust, signed_in
from tests.factories import UserFactory


def test_role_less_user_is_sent_from_home_to_the_request_access_page(trust: Trust) -> None:
    response = signed_in(UserFactory()).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("request_access")


def test_request_access_page_preselects_the_only_programme(trust: Trust) -> None:
    response = signed_in(UserFactory()).get(reverse("request_access"))
    assert response.status_code == 200
    assert response.context["form"]["programme"].initial == trust.programme


def test_asking_again_shows_the_pending_request_rather_than_a_second(trust: Trust) -> None:
    client = signed_in(UserFactory())
    for _ in range(2):
        client.post(reverse("request_access"), {"programme": trust.programme.pk})
    assert AccessRequest.objects.count() == 1
    assert "Waiting for a decision" in client.get(reverse("request_access")).content.decode()


def test_new_request_is_emailed_to_the_programmes_approvers(
    trust: Trust, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        signed_in(UserFactory()).post(reverse("request_access"), {"programme": trust.programme.pk})
    assert len(callbacks) == 1
    assert tasks.email_access_request(AccessRequest.objects.get().pk) == 2
    assert sorted(mail.outbox[0].to) == sorted([trust.pm.email, trust.admin.email])


def test_approved_user_next_home_page_shows_the_granted_area(trust: Trust) -> None:
    newcomer = UserFactory()
    requester = signed_in(newcomer)
    requester.post(
        reverse("request_access"),
        {"programme": trust.programme.pk, "requested_role": Role.WARD_MANAGER, "message": "Ward 3"},
    )
    request = AccessRequest.objects.get()
    approver = signed_in(trust.admin)
    response = approver.post(
        reverse("people:request", args=[request.pk]),
        {
            "decision": "approve", "approve-role": Role.WARD_MANAGER, "approve-scope": "areas",
            "approve-areas": [trust.ward_3.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.APPROVED
    home = requester.get(reverse("home"))
    assert home.status_code == 200
    summary = home.context["summary"]
    assert summary.areas_in_scope == 1
    assert [site.site_name for site in summary.sites] == ["South Hospital"]


def test_declined_request_shows_the_reason_to_the_requester(trust: Trust) -> None:
    requester = signed_in(UserFactory())
    requester.post(reverse("request_access"), {"programme": trust.programme.pk})
    request = AccessRequest.objects.get()
    approver = signed_in(trust.pm)
    url = reverse("people:request", args=[request.pk])
    refused = approver.post(url, {"decision": "decline", "decline-reason": ""})
    assert "Give a reason" in refused.content.decode()
    approver.post(url, {"decision": "decline", "decline-reason": "Not on our staff list"})
    page = requester.get(reverse("request_access")).content.decode()
    assert "Declined" in page
    assert "Not on our staff list" in page
    assert not RoleGrant.objects.filter(user=request.user).exists()


def test_decision_is_emailed_to_the_requester(trust: Trust) -> None:
    requester = UserFactory()
    signed_in(requester).post(reverse("request_access"), {"programme": trust.programme.pk})
    request = AccessRequest.objects.get()
    signed_in(trust.pm).post(
        reverse("people:request", args=[request.pk]),
        {"decision": "decline", "decline-reason": "Unknown"},
    )
    assert tasks.email_access_decision(request.pk) is True
    assert mail.outbox[-1].to == [requester.email]
