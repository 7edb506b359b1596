"""The demo's people and access: a new starter with no role who has asked for access (log in
as ``newstarter``), an invitation not yet taken up, a locum's grant with an end date, and
people on the staff list without an account owning an action and holding a duty.
Idempotent: each piece is added once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from administration.models import AccessRequest, Invitation
from administration.people import services
from golive.access import Access
from golive.demo import DEMO_PASSWORD
from golive.models import Area, Programme, Role, RoleGrant, StaffMember, User
from readiness.models import Action, CommandCell, DutyAssignment, ReadinessGroup

NEW_STARTER = "newstarter"
LOCUM = "locum"
INVITED = "new.matron@example.nhs.uk"


def _demo_user(username: str, first_name: str, last_name: str) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.nhs.uk",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user, created


def _access_request(programme: Programme) -> None:
    user, created = _demo_user(NEW_STARTER, "Nia", "Newstarter (demo)")
    if created and not AccessRequest.objects.filter(user=user).exists():
        AccessRequest.objects.create(
            user=user,
            programme=programme,
            requested_role=Role.WARD_MANAGER,
            message="New ward manager on Ward 7B from next month.",
        )


def _invitation(programme: Programme, admin: User) -> None:
    if (
        Invitation.objects.filter(email=INVITED).exists()
        or User.objects.filter(username=INVITED).exists()
    ):
        return
    site = programme.organisation.sites.order_by("name").first()
    services.invite_person(
        access=Access(admin), invited_by=admin, programme=programme,
        invitee=services.Invitee(email=INVITED, first_name="Morgan", last_name="Matron (demo)"),
        role=Role.WARD_MANAGER, scope=services.Scope(site=site),
        kind=Invitation.Kind.SINGLE_SIGN_ON,
    )  # fmt: skip


def _locum(programme: Programme, pm: User, today: dt.date) -> None:
    user, created = _demo_user(LOCUM, "Lee", "Locum (demo)")
    if not created:
        return
    area = Area.objects.filter(site__organisation=programme.organisation, code="NGH/W7B").first()
    grant = RoleGrant(
        user=user, role=Role.WARD_MANAGER, programme=programme, granted_by=pm,
        starts_on=today - dt.timedelta(days=7), ends_on=today + dt.timedelta(days=28),
    )  # fmt: skip
    grant._change_reason = "Locum cover for four weeks"  # type: ignore[attr-defined]
    grant.save()
    if area is not None:
        grant.areas.set([area])


def _staff_owned(programme: Programme, today: dt.date) -> None:
    staff = (
        StaffMember.objects.filter(organisation=programme.organisation, user__isnull=True)
        .order_by("staff_number")
        .first()
    )
    group = ReadinessGroup.objects.filter(programme=programme).order_by("pk").first()
    if staff is None:
        return
    if group is not None:
        Action.objects.get_or_create(
            group=group,
            description="Collect the ward's smartcard renewals (owned by a staff member).",
            defaults={"owner_staff": staff, "due_on": today + dt.timedelta(days=6)},
        )
    cell = (
        CommandCell.objects.filter(go_live__programme=programme, level=CommandCell.Level.SILVER)
        .order_by("go_live__user_go_live_date")
        .first()
    )
    if cell is not None and not DutyAssignment.objects.filter(cell=cell, staff=staff).exists():
        start = timezone.make_aware(
            dt.datetime.combine(cell.go_live.user_go_live_date, dt.time(7, 0))
        )
        DutyAssignment.objects.create(
            cell=cell, staff=staff, role="Runner", starts_at=start,
            ends_at=start + dt.timedelta(hours=12),
        )  # fmt: skip


@transaction.atomic
def seed_people_demo(*, programme: Programme, today: dt.date | None = None) -> Iterator[str]:
    """Add the people-and-access demo (once); yields what it shows."""
    today = today or timezone.localdate()
    pm = User.objects.get(username="pm")
    admin = User.objects.get(username="admin")
    _access_request(programme)
    _invitation(programme, admin)
    _locum(programme, pm, today)
    _staff_owned(programme, today)
    yield (
        f"People and access: {NEW_STARTER} (no role yet) has asked for access; {INVITED} "
        f"is invited; {LOCUM} holds a dated grant; a staff member owns an action and a duty."
    )
