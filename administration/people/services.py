"""People and access: inviting people, granting, changing and revoking roles, and deciding
access requests. Every grant, change and revocation is recorded by the grant's history
(django-simple-history, with the areas it names) with the reason given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from administration.models import AccessRequest, Invitation
from administration.people import selectors, tasks
from golive.access import Access, Capability
from golive.celery import delay_after_commit
from golive.identifiers import remove_nhs_numbers
from golive.models import Area, Programme, Role, RoleGrant, Site, User
from golive.refusals import Conflict


@dataclass(frozen=True)
class Scope:
    """Where a grant applies: a site's areas, the named areas, or (neither) the programme."""

    site: Site | None = None
    areas: Sequence[Area] = ()
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


def require_manager(access: Access, programme: Programme) -> None:
    """Refuse anyone not managing access on ``programme`` (held programme-wide)."""
    if not access.has_programme_wide(Capability.MANAGE_ACCESS, programme):
        raise PermissionDenied("Only a programme manager or an administrator manages access.")


def _require_may_grant(access: Access, programme: Programme, role: str) -> None:
    require_manager(access, programme)
    if role == Role.ADMINISTRATOR and not access.has_role(Role.ADMINISTRATOR, programme):
        raise PermissionDenied("Only an administrator may grant or revoke the administrator role.")


def _validate_scope(programme: Programme, scope: Scope) -> None:
    errors: dict[str, ValidationError] = {}
    organisation_id = programme.organisation_id
    if scope.site is not None and scope.areas:
        errors["areas"] = ValidationError(
            "Grant the role for a site or for areas, not both.", code="site_and_areas"
        )
    if scope.site is not None and scope.site.organisation_id != organisation_id:
        errors["site"] = ValidationError(
            "Choose a site of the programme's organisation.", code="other_organisation"
        )
    if any(area.site.organisation_id != organisation_id for area in scope.areas):
        errors["areas"] = ValidationError(
            "Choose areas of the programme's organisation.", code="other_organisation"
        )
    if scope.starts_on and scope.ends_on and scope.ends_on < scope.starts_on:
        errors["ends_on"] = ValidationError(
            "The grant must end on or after the day it starts.", code="dates_out_of_order"
        )
    if errors:
        raise ValidationError(errors)


def _save_grant(grant: RoleGrant, scope: Scope, reason: str) -> RoleGrant:
    grant.site = scope.site
    grant.starts_on = scope.starts_on
    grant.ends_on = scope.ends_on
    grant._change_reason = remove_nhs_numbers(reason)  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as clash:
        # Two people granting the same role at once: the second is told, not shown a 500.
        raise Conflict(
            f"{grant.user.display_name} already holds this role on {grant.programme.name}: "
            "change that grant instead.",
            code="already_granted",
        ) from clash
    grant.areas.set(scope.areas)
    return grant


def _grant(
    *,
    access: Access,
    by: User,
    user: User,
    programme: Programme,
    role: str,
    scope: Scope,
    reason: str,
) -> RoleGrant:
    _require_may_grant(access, programme, role)
    _validate_scope(programme, scope)
    # Separation of duties: a programme manager must not make themself, say, the clinical
    # safety officer who signs off their own gates. Only an administrator grants to self.
    if user.pk == by.pk and not access.has_role(Role.ADMINISTRATOR, programme):
        raise PermissionDenied("You cannot grant a role to yourself: ask an administrator.")
    if RoleGrant.objects.filter(user=user, role=role, programme=programme).exists():
        raise Conflict(
            f"{user.display_name} already holds this role on {programme.name}: change that "
            "grant instead.",
            code="already_granted",
        )
    grant = RoleGrant(user=user, role=role, programme=programme, granted_by=by)
    return _save_grant(grant, scope, reason)


@transaction.atomic
def grant_role(
    *,
    access: Access,
    granted_by: User,
    user: User,
    programme: Programme,
    role: str,
    scope: Scope,
    reason: str = "",
) -> RoleGrant:
    """Grant ``role`` on ``programme`` to an existing account, within ``scope``. Refuses
    (403) anyone not managing access there, and anyone but an administrator granting the
    administrator role; refuses (409, ``already_granted``) a role the user already holds
    there. Recorded in the grant's history with ``reason``."""
    return _grant(
        access=access, by=granted_by, user=user, programme=programme, role=role, scope=scope,
        reason=reason.strip() or "Role granted",
    )  # fmt: skip


def _guard_lock_out(access: Access, grant: RoleGrant, still_managing: bool) -> None:
    """A user may not take away their own last programme-wide access to manage access."""
    actor = access.user
    if access.is_superuser or grant.user_id != actor.pk or still_managing:
        return
    if grant.role not in selectors.MANAGING_ROLES:
        return
    others = (
        RoleGrant.objects.in_force(timezone.localdate())
        .filter(
            user_id=grant.user_id,
            programme_id=grant.programme_id,
            role__in=selectors.MANAGING_ROLES,
            site__isnull=True,
            areas__isnull=True,
        )
        .exclude(pk=grant.pk)
    )
    if not others.exists():
        raise Conflict(
            "This is your own last grant to manage access on this programme: ask another "
            "programme manager or an administrator to change it.",
            code="last_manage_access",
        )


@transaction.atomic
def change_grant(*, access: Access, grant: RoleGrant, scope: Scope, reason: str = "") -> RoleGrant:
    """Change where and when ``grant`` applies. The same checks as granting; recorded in
    the grant's history with ``reason``."""
    grant = RoleGrant.objects.select_for_update().select_related("programme").get(pk=grant.pk)
    _require_may_grant(access, grant.programme, grant.role)
    _validate_scope(grant.programme, scope)
    today = timezone.localdate()
    still_managing = (
        scope.site is None
        and not scope.areas
        and (scope.starts_on is None or scope.starts_on <= today)
        and (scope.ends_on is None or scope.ends_on >= today)
    )
    _guard_lock_out(access, grant, still_managing)
    return _save_grant(grant, scope, reason.strip() or "Grant changed")


@transaction.atomic
def revoke_grant(*, access: Access, grant: RoleGrant, reason: str) -> None:
    """Revoke ``grant``; a reason is required and kept in the grant's history. Refuses a
    user's own last grant to manage access on the programme (``last_manage_access``)."""
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError("Say why the role is revoked.", code="reason_required")}
        )
    grant = RoleGrant.objects.select_for_update().select_related("programme").get(pk=grant.pk)
    _require_may_grant(access, grant.programme, grant.role)
    _guard_lock_out(access, grant, still_managing=False)
    grant._change_reason = remove_nhs_numbers(reason.strip())  # type: ignore[attr-defined]
    grant.delete()


@dataclass(frozen=True)
class InvitationOutcome:
    grant: RoleGrant
    invitation: Invitation | None  # None: the address already had an account


@dataclass(frozen=True)
class Invitee:
    email: str
    first_name: str
    last_name: str


def _account_for(email: str) -> User | None:
    matches = list(User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))[:2])
    if len(matches) > 1:
        raise ValidationError(
            {
                "email": ValidationError(
                    "Several accounts use this address: grant the role from the person's "
                    "account instead.",
                    code="ambiguous_email",
                )
            }
        )
    return matches[0] if matches else None


@transaction.atomic
def invite_person(
    *,
    access: Access,
    invited_by: User,
    programme: Programme,
    invitee: Invitee,
    role: str,
    scope: Scope,
    kind: str,
) -> InvitationOutcome:
    """Invite someone to ``programme`` with ``role`` in ``scope``.

    An address that already has an account is granted the role on that account (no second
    account, no invitation). Otherwise an active account is created (username: the e-mail
    address; no usable password), granted the role and recorded as an ``Invitation``: for
    an e-mail invitation a set-password link is e-mailed once the transaction commits; a
    single-sign-on account is linked on the person's first sign-in (``golive.oidc``)."""
    if kind not in Invitation.Kind.values:
        raise ValidationError({"kind": ValidationError("Choose a kind.", code="invalid")})
    email = invitee.email.strip().lower()
    existing = _account_for(email)
    if existing is not None:
        reason = f"Invited as {email}, which already had an account"
        grant = _grant(
            access=access, by=invited_by, user=existing, programme=programme, role=role,
            scope=scope, reason=reason,
        )  # fmt: skip
        return InvitationOutcome(grant=grant, invitation=None)
    _require_may_grant(access, programme, role)
    user = User(
        username=email[:150],
        email=email,
        first_name=invitee.first_name.strip()[:150],
        last_name=invitee.last_name.strip()[:150],
    )
    user.set_unusable_password()
    user._change_reason = f"Invited by {invited_by.display_name}"  # type: ignore[attr-defined]
    user.save()
    grant = _grant(
        access=access, by=invited_by, user=user, programme=programme, role=role, scope=scope,
        reason=f"Invited ({Invitation.Kind(kind).label})",
    )  # fmt: skip
    invitation = Invitation.objects.create(
        user=user, programme=programme, kind=kind, email=email, role=role, invited_by=invited_by
    )
    if kind == Invitation.Kind.EMAIL:
        delay_after_commit(tasks.email_invitation, invitation.pk)
    return InvitationOutcome(grant=grant, invitation=invitation)


@transaction.atomic
def accept_email_invitations(*, user: User) -> int:
    """Mark ``user``'s e-mail invitations taken up (they have set a password). Returns how
    many were open; idempotent."""
    return Invitation.objects.filter(
        user=user, kind=Invitation.Kind.EMAIL, accepted_at__isnull=True
    ).update(accepted_at=timezone.now())


@transaction.atomic
def link_pre_provisioned_account(*, email: str, subject: str) -> User | None:
    """The one account pre-provisioned for single sign-on with ``email`` (an open SSO
    invitation, no subject linked yet), now linked to ``subject`` with its invitations
    marked taken up; None when there is not exactly one. Callers pass only an address the
    identity provider has verified."""
    if not email or not subject:
        return None
    open_invitations = Invitation.objects.filter(
        kind=Invitation.Kind.SINGLE_SIGN_ON,
        accepted_at__isnull=True,
        email__iexact=email,
        user__oidc_subject="",
        user__is_active=True,
    )
    found = list(open_invitations.values_list("pk", "user_id"))
    user_ids = {user_id for _pk, user_id in found}
    if len(user_ids) != 1:
        return None
    user = User.objects.select_for_update().get(pk=user_ids.pop())
    if user.oidc_subject or user.email.lower() != email.lower():
        return None
    user.oidc_subject = subject
    user._change_reason = "Linked to single sign-on on first sign-in"  # type: ignore[attr-defined]
    user.save(update_fields=["oidc_subject"])
    Invitation.objects.filter(pk__in=[pk for pk, _user in found]).update(accepted_at=timezone.now())
    return user


@transaction.atomic
def request_access(
    *, user: User, programme: Programme, requested_role: str, message: str
) -> tuple[AccessRequest, bool]:
    """Ask ``programme``'s administrators for a role. One open request per person and
    programme: asking again returns the open one (created: False). A new request is
    e-mailed to the programme's approvers once the transaction commits."""
    if requested_role and requested_role not in Role.values:
        raise ValidationError({"requested_role": ValidationError("Choose a role.", code="invalid")})
    pending = AccessRequest.objects.filter(
        user=user, programme=programme, status=AccessRequest.Status.PENDING
    ).first()
    if pending is not None:
        return pending, False
    try:
        with transaction.atomic():
            created = AccessRequest.objects.create(
                user=user,
                programme=programme,
                requested_role=requested_role,
                message=remove_nhs_numbers(message.strip()),
            )
    except IntegrityError:
        # A second submission raced this one past the check: the constraint kept one.
        return AccessRequest.objects.get(
            user=user, programme=programme, status=AccessRequest.Status.PENDING
        ), False
    delay_after_commit(tasks.email_access_request, created.pk)
    return created, True


def _open_request(access_request: AccessRequest) -> AccessRequest:
    locked = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("programme", "user")
        .get(pk=access_request.pk)
    )
    if locked.status != AccessRequest.Status.PENDING:
        raise Conflict("This request has already been decided.", code="decided")
    return locked


@transaction.atomic
def approve_access_request(
    *, access: Access, decided_by: User, access_request: AccessRequest, role: str, scope: Scope
) -> RoleGrant:
    """Approve a pending request with ``role`` in ``scope``: grants the role (the same
    checks as ``grant_role``), records the decision and e-mails the requester after commit.
    A request already decided is refused (409, ``decided``)."""
    require_manager(access, access_request.programme)
    locked = _open_request(access_request)
    grant = _grant(
        access=access, by=decided_by, user=locked.user, programme=locked.programme, role=role,
        scope=scope, reason=f"Access request #{locked.pk} approved",
    )  # fmt: skip
    locked.status = AccessRequest.Status.APPROVED
    locked.decided_by = decided_by
    locked.decided_at = timezone.now()
    locked.granted_role = role
    locked.granted_site = scope.site
    locked._change_reason = "Approved"  # type: ignore[attr-defined]
    locked.save()
    locked.granted_areas.set(scope.areas)
    delay_after_commit(tasks.email_access_decision, locked.pk)
    return grant


@transaction.atomic
def decline_access_request(
    *, access: Access, decided_by: User, access_request: AccessRequest, reason: str
) -> AccessRequest:
    """Decline a pending request with a reason (required), shown to the requester and
    e-mailed to them after commit."""
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError("Say why the request is declined.", code="reason_required")}
        )
    require_manager(access, access_request.programme)
    locked = _open_request(access_request)
    locked.status = AccessRequest.Status.DECLINED
    locked.decided_by = decided_by
    locked.decided_at = timezone.now()
    locked.decision_reason = remove_nhs_numbers(reason.strip())
    locked._change_reason = locked.decision_reason  # type: ignore[attr-defined]
    locked.save()
    delay_after_commit(tasks.email_access_decision, locked.pk)
    return locked
