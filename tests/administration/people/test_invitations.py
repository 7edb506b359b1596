from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from administration.models import Invitation
from administration.people import services, tasks
from golive.access import Access
from golive.models import Role, RoleGrant, User
from tests.administration.people.conftest import Trust, signed_in
from tests.factories import UserFactory

NEW_PASSWORD = "a-long-new-passphrase-42"


def _invite(
    trust: Trust, email: str, kind: str = Invitation.Kind.EMAIL
) -> services.InvitationOutcome:
    return services.invite_person(
        access=Access(trust.pm), invited_by=trust.pm, programme=trust.programme,
        invitee=services.Invitee(email=email, first_name="Nia", last_name="New"),
        role=Role.WARD_MANAGER, scope=services.Scope(areas=[trust.ward_1]), kind=kind,
    )  # fmt: skip


def test_email_invitation_creates_an_account_without_a_password_and_queues_the_email(
    trust: Trust, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        outcome = _invite(trust, "Nia.New@example.nhs.uk")
    user = User.objects.get(username="nia.new@example.nhs.uk")
    assert not user.has_usable_password()
    assert outcome.invitation is not None
    assert outcome.invitation.user == user
    assert RoleGrant.objects.get(user=user).granted_by == trust.pm
    assert len(callbacks) == 1


def test_invitation_email_link_sets_a_password_that_signs_in(trust: Trust) -> None:
    outcome = _invite(trust, "nia.new@example.nhs.uk")
    assert outcome.invitation is not None
    assert tasks.email_invitation(outcome.invitation.pk) is True
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body)
    assert link is not None
    client = Client()
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    outcome.invitation.refresh_from_db()
    assert outcome.invitation.accepted_at is not None
    signed = Client().post(
        reverse("login"), {"username": "nia.new@example.nhs.uk", "password": NEW_PASSWORD}
    )
    assert signed.status_code == 302
    assert signed["Location"] == reverse("home")


def test_invitation_email_is_not_sent_again_once_a_password_is_set(trust: Trust) -> None:
    outcome = _invite(trust, "nia.new@example.nhs.uk")
    assert outcome.invitation is not None
    outcome.invitation.user.set_password(NEW_PASSWORD)
    outcome.invitation.user.save()
    assert tasks.email_invitation(outcome.invitation.pk) is False
    assert mail.outbox == []


def test_inviting_an_address_with_an_account_grants_the_role_to_that_account(trust: Trust) -> None:
    existing = UserFactory(email="known@example.nhs.uk")
    outcome = _invite(trust, "KNOWN@example.nhs.uk")
    assert outcome.invitation is None
    assert outcome.grant.user == existing
    assert User.objects.filter(email__iexact="known@example.nhs.uk").count() == 1
    assert RoleGrant.history.filter(id=outcome.grant.pk, history_type="+").exists()


def test_invite_page_invites_and_lists_the_pending_invitation(trust: Trust) -> None:
    client = signed_in(trust.pm)
    response = client.post(
        reverse("people:invite"),
        {
            "email": "sso.person@example.nhs.uk", "first_name": "Sol", "last_name": "Sso",
            "kind": Invitation.Kind.SINGLE_SIGN_ON, "role": Role.CHAMPION, "scope": "areas",
            "areas": [trust.ward_2.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert "sso.person@example.nhs.uk" in client.get(response["Location"]).content.decode()
    assert mail.outbox == []


def test_invite_page_refuses_areas_scope_without_areas(trust: Trust) -> None:
    response = signed_in(trust.pm).post(
        reverse("people:invite"),
        {
            "email": "x@example.nhs.uk", "first_name": "X", "last_name": "Y",
            "kind": Invitation.Kind.EMAIL, "role": Role.CHAMPION, "scope": "areas",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Choose at least one area" in response.content.decode()
    assert not User.objects.filter(email="x@example.nhs.uk").exists()
