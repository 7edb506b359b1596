"""E-mails of people and access: an invitation's set-password link, a new access request to
the programme's approvers, and the decision to the requester. Tasks take ids only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from administration.models import AccessRequest, Invitation
from administration.people import selectors
from golive.celery import MAIL_ERRORS, golive_task


def _link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def set_password_path(invitation: Invitation) -> str:
    """The password-reset-confirm path that lets the invited person choose a password. The
    token is Django's password-reset token: it stops working once the password is set."""
    user = invitation.user
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})


@golive_task(also_retry=MAIL_ERRORS, ignore_result=True)
def email_invitation(invitation_id: int) -> bool:
    """E-mail an open e-mail invitation's set-password link. Quiet (False) when the row is
    gone, already taken up, or the account already has a password (a repeated delivery
    after the person chose one sends nothing)."""
    invitation = (
        Invitation.objects.select_related("user", "programme", "invited_by")
        .filter(pk=invitation_id, kind=Invitation.Kind.EMAIL, accepted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.user.has_usable_password():
        return False
    inviter = invitation.invited_by.display_name if invitation.invited_by else "Golive"
    body = "\n".join(
        [
            f"{inviter} has invited you to Golive for {invitation.programme.name}, "
            f"as {invitation.get_role_display()}.",
            "",
            "Choose a password to sign in (the link works once):",
            _link(set_password_path(invitation)),
            "",
            f"Your username is {invitation.user.username}.",
        ]
    )
    send_mail("Golive: you have been invited", body + "\n", None, [invitation.email])
    return True


@golive_task(also_retry=MAIL_ERRORS, ignore_result=True)
def email_access_request(access_request_id: int) -> int:
    """Tell the programme's approvers that someone asks for access (no message text: the
    page shows it). Returns how many were e-mailed; quiet if the request is gone or no
    longer pending."""
    access_request = (
        AccessRequest.objects.select_related("user", "programme")
        .filter(pk=access_request_id, status=AccessRequest.Status.PENDING)
        .first()
    )
    if access_request is None:
        return 0
    recipients = list(selectors.approvers(access_request.programme).values_list("email", flat=True))
    if not recipients:
        return 0
    body = "\n".join(
        [
            f"{access_request.user.display_name} asks for access to "
            f"{access_request.programme.name}.",
            "",
            f"Decide it in Golive: {_link(reverse('people:request', args=[access_request.pk]))}",
        ]
    )
    send_mail("Golive: a request for access", body + "\n", None, recipients)
    return len(recipients)


@golive_task(also_retry=MAIL_ERRORS, ignore_result=True)
def email_access_decision(access_request_id: int) -> bool:
    """Tell the requester their request was approved or declined. Quiet if the request is
    gone, still pending, or the requester has no e-mail address."""
    access_request = (
        AccessRequest.objects.select_related("user", "programme")
        .filter(pk=access_request_id)
        .exclude(status=AccessRequest.Status.PENDING)
        .first()
    )
    if access_request is None or not access_request.user.email:
        return False
    decided = access_request.get_status_display().lower()
    body = "\n".join(
        [
            f"Your request for access to {access_request.programme.name} has been {decided}.",
            "",
            f"See it in Golive: {_link(reverse('request_access'))}",
        ]
    )
    send_mail(f"Golive: access request {decided}", body + "\n", None, [access_request.user.email])
    return True
