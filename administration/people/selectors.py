"""What the people-and-access pages and API read: the programmes a user manages access to,
the people holding grants there, pending invitations and access requests."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from administration.models import AccessRequest, Invitation
from golive.access import ROLE_CAPABILITIES, Access, Capability
from golive.models import Area, Programme, RoleGrant, Site, User

# Roles whose holders may manage access (and so decide access requests).
MANAGING_ROLES = tuple(
    role
    for role, capabilities in ROLE_CAPABILITIES.items()
    if Capability.MANAGE_ACCESS in capabilities
)


def managed_programmes(access: Access) -> QuerySet[Programme]:
    """Programmes on which the user manages access: MANAGE_ACCESS held programme-wide."""
    ids = [
        programme.pk
        for programme in access.programmes()
        if access.has_programme_wide(Capability.MANAGE_ACCESS, programme)
    ]
    return Programme.objects.filter(pk__in=ids).select_related("organisation").order_by("name")


def grants(programmes: QuerySet[Programme]) -> QuerySet[RoleGrant]:
    """Role grants on ``programmes`` (in force or not), with what a list shows."""
    return (
        RoleGrant.objects.filter(programme__in=programmes)
        .select_related("user", "programme", "site", "granted_by")
        .prefetch_related(Prefetch("areas", queryset=Area.objects.order_by("name")))
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )


def people(programme: Programme, query: str = "") -> QuerySet[User]:
    """Users holding a grant on ``programme``, matched on name or e-mail, each with their
    grants there (``programme_grants``)."""
    users = User.objects.filter(role_grants__programme=programme)
    if query:
        users = users.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(username__icontains=query)
        )
    matching = users.values("pk")
    return (
        User.objects.filter(pk__in=matching)
        .prefetch_related(
            Prefetch(
                "role_grants",
                queryset=grants(Programme.objects.filter(pk=programme.pk)),
                to_attr="programme_grants",
            )
        )
        .order_by("last_name", "first_name", "username")
    )


def people_to_grant(programme: Programme) -> QuerySet[User]:
    """Accounts a role may be granted to from the grant form: those already known on the
    programme (a grant, an invitation or an access request there). Anyone else is invited
    by e-mail, which grants the role to an existing account with that address."""
    known = (
        Q(role_grants__programme=programme)
        | Q(invitations__programme=programme)
        | Q(access_requests__programme=programme)
    )
    ids = User.objects.filter(known, is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def pending_invitations(programmes: QuerySet[Programme]) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(programme__in=programmes, accepted_at__isnull=True)
        .select_related("user", "programme", "invited_by")
        .order_by("-invited_at")
    )


def invitations(programmes: QuerySet[Programme]) -> QuerySet[Invitation]:
    return Invitation.objects.filter(programme__in=programmes).select_related(
        "user", "programme", "invited_by"
    )


def pending_requests(programmes: QuerySet[Programme]) -> QuerySet[AccessRequest]:
    return (
        AccessRequest.objects.filter(programme__in=programmes, status=AccessRequest.Status.PENDING)
        .select_related("user", "programme")
        .order_by("created_at")
    )


def visible_requests(access: Access, user: User) -> QuerySet[AccessRequest]:
    """Access requests the user may read: their own, and every one on the programmes where
    they manage access."""
    return (
        AccessRequest.objects.filter(Q(user=user) | Q(programme__in=managed_programmes(access)))
        .select_related("user", "programme", "decided_by", "granted_site")
        .prefetch_related("granted_areas")
        .order_by("-created_at")
    )


def sites(programme: Programme) -> QuerySet[Site]:
    return Site.objects.filter(organisation_id=programme.organisation_id).order_by("name")


def areas(programme: Programme, *, keep: Iterable[int] = ()) -> QuerySet[Area]:
    """Areas a grant may name: the programme's organisation's areas still in use, and those
    in ``keep`` (a grant being changed may keep an area retired since it was granted)."""
    return (
        Area.objects.filter(site__organisation_id=programme.organisation_id)
        .filter(Q(is_active=True) | Q(pk__in=list(keep)))
        .select_related("site")
        .order_by("site__name", "name")
    )


def approvers(programme: Programme) -> QuerySet[User]:
    """Who decides access requests on ``programme``: holders of a programme-wide grant of a
    role that manages access, in force today, with an e-mail address."""
    in_force = RoleGrant.objects.in_force(timezone.localdate()).filter(
        programme=programme, role__in=MANAGING_ROLES, site__isnull=True, areas__isnull=True
    )
    return (
        User.objects.filter(pk__in=in_force.values("user_id"), is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def scope_label(grant: RoleGrant) -> str:
    """'Whole programme', 'Site: X' or the areas' names, as the lists show a grant's reach."""
    if grant.site is not None:
        return f"Site: {grant.site.name}"
    names = [area.name for area in grant.areas.all()]
    return ", ".join(names) if names else "Whole programme"
