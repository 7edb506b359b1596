"""The one place that decides what a user may see and do.

Every view, list, export and API queryset asks an ``Access`` object. A role is granted per
programme, either across the whole programme or for named areas; a capability held through
an area-scoped grant applies only to those areas.

``ROLE_CAPABILITIES`` is each role's reach, defined once: the ``VIEW_*`` capabilities say
which sections a role may read (``golive.navigation.SECTIONS`` names the capability of each),
and pages, the API, the navigation and the links rendered in templates all ask for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from golive.models import Area, GoLive, Programme, Role, RoleGrant, StaffMember

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from golive.models import User


class Capability(StrEnum):
    VIEW = "view"  # the programme's go-lives and areas: every role
    # Reading a section (its pages, its API and the links to it).
    VIEW_READINESS = "view_readiness"
    VIEW_COMMAND = "view_command"  # command and control: cells, sit-reps, escalations
    VIEW_TRAINING = "view_training"
    VIEW_CHAMPIONS = "view_champions"
    VIEW_SUPPORT = "view_support"
    VIEW_ADOPTION = "view_adoption"
    VIEW_STAFF = "view_staff"  # the staff list: people's names
    # The audit trail: who changed what, when and why (DCB0160 evidence).
    VIEW_AUDIT = "view_audit"
    # Champions' names: who holds a champion role, who is rostered, who asked for cover.
    # Without it the champions pages, exports and API show figures only (executives).
    VIEW_CHAMPION_NAMES = "view_champion_names"
    # Champions' nomination scores and notes, withdrawal and cover reasons; a champion sees
    # their own without it (champions.visibility applies both).
    VIEW_CHAMPION_DETAILS = "view_champion_details"
    MANAGE_GO_LIVES = "manage_go_lives"
    EDIT_READINESS = "edit_readiness"
    SIGN_OFF_GATES = "sign_off_gates"
    MANAGE_HAZARDS = "manage_hazards"
    MANAGE_TRAINING = "manage_training"
    MANAGE_CHAMPIONS = "manage_champions"
    LOG_TICKETS = "log_tickets"
    TRIAGE_TICKETS = "triage_tickets"
    MANAGE_ADOPTION = "manage_adoption"
    IMPORT_STAFF = "import_staff"
    RECORD_COMPLETIONS = "record_completions"
    # People and access: invitations, role grants, access requests.
    MANAGE_ACCESS = "manage_access"
    ADMINISTER = "administer"


C = Capability
# Every section's pages and API; people's names (the staff list) take VIEW_STAFF as well.
EVERY_SECTION = frozenset(
    {
        C.VIEW_READINESS,
        C.VIEW_COMMAND,
        C.VIEW_TRAINING,
        C.VIEW_CHAMPIONS,
        C.VIEW_SUPPORT,
        C.VIEW_ADOPTION,
    }
)
# Who champions are and what was said about them: for those who pick, roster and work with
# them; a champion sees colleagues' names only; executives see figures (issue 22, F8).
CHAMPION_PEOPLE = frozenset({C.VIEW_CHAMPION_NAMES, C.VIEW_CHAMPION_DETAILS})
# Each role's reach: the sections it may read. Pages, the API, the navigation and the links
# rendered in templates all follow this table (through ``golive.navigation.SECTIONS``).
ROLE_READS: dict[str, frozenset[Capability]] = {
    # Plans go-lives and waves and watches the whole picture.
    Role.PROGRAMME_MANAGER: EVERY_SECTION | CHAMPION_PEOPLE | {C.VIEW_STAFF, C.VIEW_AUDIT},
    # Reviews criteria for their domain and signs off; sits in the command structure.
    Role.READINESS_CHAIR: EVERY_SECTION | CHAMPION_PEOPLE,
    # The hazard log, clinical-safety sign-off at each gate, safety-flagged tickets.
    Role.CLINICAL_SAFETY_OFFICER: frozenset(
        {
            C.VIEW_READINESS,
            C.VIEW_COMMAND,
            C.VIEW_CHAMPIONS,
            C.VIEW_SUPPORT,
            C.VIEW_ADOPTION,
            C.VIEW_AUDIT,
        }
    )
    | CHAMPION_PEOPLE,
    # Their wards: readiness, staff trained, champions, gaps; not the command centre, which
    # covers every area of a go-live.
    Role.WARD_MANAGER: frozenset(
        {
            C.VIEW_READINESS,
            C.VIEW_TRAINING,
            C.VIEW_CHAMPIONS,
            C.VIEW_SUPPORT,
            C.VIEW_ADOPTION,
            C.VIEW_STAFF,
        }
    )
    | CHAMPION_PEOPLE,
    # Courses, requirements, completions and trajectory; adoption shows training's effect.
    Role.TRAINING_LEAD: frozenset(
        {C.VIEW_TRAINING, C.VIEW_CHAMPIONS, C.VIEW_SUPPORT, C.VIEW_ADOPTION, C.VIEW_STAFF}
    )
    | CHAMPION_PEOPLE,
    # Logs and triages go-live issues: the desk, known issues, who is on the floor.
    Role.SERVICE_DESK_AGENT: frozenset({C.VIEW_CHAMPIONS, C.VIEW_SUPPORT}) | CHAMPION_PEOPLE,
    # Helps colleagues on the ward: training, rosters, the desk's front door.
    Role.CHAMPION: frozenset(
        {C.VIEW_TRAINING, C.VIEW_CHAMPIONS, C.VIEW_SUPPORT, C.VIEW_CHAMPION_NAMES}
    ),
    # Read-only dashboards and board packs of every section; not people's names (neither
    # staff nor champions).
    Role.EXECUTIVE: EVERY_SECTION,
}
# What each role may change.
ROLE_WRITES: dict[str, frozenset[Capability]] = {
    Role.PROGRAMME_MANAGER: frozenset(
        {
            C.MANAGE_GO_LIVES,
            C.EDIT_READINESS,
            C.SIGN_OFF_GATES,
            C.MANAGE_TRAINING,
            C.MANAGE_CHAMPIONS,
            C.LOG_TICKETS,
            C.TRIAGE_TICKETS,
            C.MANAGE_ADOPTION,
            C.IMPORT_STAFF,
            C.RECORD_COMPLETIONS,
            C.MANAGE_ACCESS,
        }
    ),
    Role.READINESS_CHAIR: frozenset({C.EDIT_READINESS, C.SIGN_OFF_GATES, C.LOG_TICKETS}),
    Role.CLINICAL_SAFETY_OFFICER: frozenset(
        {C.EDIT_READINESS, C.SIGN_OFF_GATES, C.MANAGE_HAZARDS, C.LOG_TICKETS, C.TRIAGE_TICKETS}
    ),
    Role.WARD_MANAGER: frozenset(
        {
            C.EDIT_READINESS,
            C.MANAGE_CHAMPIONS,
            C.LOG_TICKETS,
            C.IMPORT_STAFF,
            C.RECORD_COMPLETIONS,
        }
    ),
    Role.TRAINING_LEAD: frozenset(
        {C.MANAGE_TRAINING, C.LOG_TICKETS, C.IMPORT_STAFF, C.RECORD_COMPLETIONS}
    ),
    Role.SERVICE_DESK_AGENT: frozenset({C.LOG_TICKETS, C.TRIAGE_TICKETS}),
    Role.CHAMPION: frozenset({C.LOG_TICKETS}),
    Role.EXECUTIVE: frozenset(),
}
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    **{role: frozenset({C.VIEW} | ROLE_READS[role] | ROLE_WRITES[role]) for role in ROLE_READS},
    Role.ADMINISTRATOR: frozenset(Capability),
}
READ_CAPABILITIES = (
    frozenset({C.VIEW, C.VIEW_STAFF, C.VIEW_AUDIT}) | EVERY_SECTION | CHAMPION_PEOPLE
)
# Capabilities that change data; a user holding none of them is read-only.
WRITE_CAPABILITIES = frozenset(Capability) - READ_CAPABILITIES


@dataclass(frozen=True)
class _Grant:
    role: str
    programme_id: int
    organisation_id: int
    area_ids: frozenset[int]  # empty: the whole programme (a site grant: its areas)
    site_id: int | None = None

    def covers_area(self, area: Area) -> bool:
        if area.site.organisation_id != self.organisation_id:
            return False
        return not self.area_ids or area.pk in self.area_ids


def _grant_of(row: RoleGrant) -> _Grant:
    """A grant as the policy reads it: a site grant reaches the site's areas as they are now
    (areas added to the site later included); a site with no areas yet reaches none."""
    if row.site is not None:
        area_ids = frozenset(area.pk for area in row.site.areas.all()) or frozenset({0})
    else:
        area_ids = frozenset(area.pk for area in row.areas.all())
    return _Grant(
        role=row.role,
        programme_id=row.programme_id,
        organisation_id=row.programme.organisation_id,
        area_ids=area_ids,
        site_id=row.site_id,
    )


class Access:
    """What one user may see and do. Build one per request with ``access_for``."""

    def __init__(self, user: User | AnonymousUser) -> None:
        self.user = user
        self.is_authenticated = bool(user.is_authenticated)
        self.is_superuser = bool(self.is_authenticated and user.is_superuser)

    @cached_property
    def grants(self) -> tuple[_Grant, ...]:
        if not self.is_authenticated or self.user.pk is None:
            return ()
        rows = (
            RoleGrant.objects.filter(user_id=int(self.user.pk))
            .in_force(timezone.localdate())
            .select_related("programme")
            .prefetch_related("areas", "site__areas")
        )
        return tuple(_grant_of(row) for row in rows)

    @cached_property
    def roles(self) -> frozenset[str]:
        if self.is_superuser:
            return frozenset({Role.ADMINISTRATOR.value})
        return frozenset(grant.role for grant in self.grants)

    def _grants_with(self, capability: Capability) -> list[_Grant]:
        return [g for g in self.grants if capability in ROLE_CAPABILITIES.get(g.role, frozenset())]

    def has(
        self,
        capability: Capability,
        *,
        area: Area | None = None,
        programme: Programme | None = None,
    ) -> bool:
        """Whether the user holds ``capability`` (for ``area`` / ``programme`` if given)."""
        if self.is_superuser:
            return True
        for grant in self._grants_with(capability):
            if programme is not None and grant.programme_id != programme.pk:
                continue
            if area is not None and not grant.covers_area(area):
                continue
            return True
        return False

    def has_programme_wide(self, capability: Capability, programme: Programme) -> bool:
        """Whether ``capability`` is held for the whole programme, not just named areas: what
        actions reaching every area (known issues, gate decisions) require."""
        if self.is_superuser:
            return True
        return any(
            grant.programme_id == programme.pk and not grant.area_ids
            for grant in self._grants_with(capability)
        )

    def has_role(self, role: str, programme: Programme) -> bool:
        """Whether the user holds ``role`` on ``programme`` (not on some other programme)."""
        return self.is_superuser or any(
            grant.role == role and grant.programme_id == programme.pk for grant in self.grants
        )

    @property
    def holds_programme_wide_grant(self) -> bool:
        """Whether any grant in force reaches a whole programme (no site or area scope)."""
        return any(not grant.area_ids for grant in self.grants)

    @property
    def is_read_only(self) -> bool:
        return not any(self.has(capability) for capability in WRITE_CAPABILITIES)

    def _area_filter(
        self, capability: Capability, prefix: str = "", programme: Programme | None = None
    ) -> Q:
        """A ``Q`` matching the areas where ``capability`` applies (nothing when none),
        through grants on ``programme`` only when one is given."""
        if self.is_superuser:
            return Q()
        condition = Q(pk__in=[])
        for grant in self._grants_with(capability):
            if programme is not None and grant.programme_id != programme.pk:
                continue
            if grant.area_ids:
                # The organisation check guards against a grant naming another trust's area.
                condition |= Q(
                    **{
                        f"{prefix}pk__in": grant.area_ids,
                        f"{prefix}site__organisation_id": grant.organisation_id,
                    }
                )
            else:
                condition |= Q(**{f"{prefix}site__organisation_id": grant.organisation_id})
        return condition

    def areas(
        self, capability: Capability = C.VIEW, *, programme: Programme | None = None
    ) -> QuerySet[Area]:
        condition = self._area_filter(capability, programme=programme)
        return Area.objects.filter(condition).select_related("site")

    def programmes(self) -> QuerySet[Programme]:
        if self.is_superuser:
            return Programme.objects.all()
        return Programme.objects.filter(pk__in={g.programme_id for g in self.grants})

    def go_lives(self) -> QuerySet[GoLive]:
        """Go-lives the user may see: all of a programme-wide grant's, else those touching
        the user's areas."""
        if self.is_superuser:
            return GoLive.objects.select_related("programme")
        condition = Q(pk__in=[])
        for grant in self.grants:
            if grant.area_ids:
                condition |= Q(programme_id=grant.programme_id, areas__in=grant.area_ids)
            else:
                condition |= Q(programme_id=grant.programme_id)
        visible = GoLive.objects.filter(condition).values("pk")
        return GoLive.objects.filter(pk__in=visible).select_related("programme")

    def sees_every_area(self, go_live: GoLive) -> bool:
        """Whether every area of ``go_live`` is visible to the user: what pages covering the
        whole go-live (command and control, gate evidence) require."""
        in_scope = go_live.areas.values("pk")
        hidden = Area.objects.filter(pk__in=in_scope).exclude(pk__in=self.areas().values("pk"))
        return not hidden.exists()

    def staff(self) -> QuerySet[StaffMember]:
        """Staff the user may see: those working in an area where they may view staff."""
        if self.is_superuser:
            return StaffMember.objects.all()
        area_ids = self.areas(C.VIEW_STAFF).values("pk")
        visible = StaffMember.objects.filter(areas__in=area_ids).values("pk")
        return StaffMember.objects.filter(pk__in=visible)

    def filter_by_area(
        self, queryset: QuerySet, *, area_field: str, capability: Capability = C.VIEW
    ) -> QuerySet:
        """Scope any queryset whose rows belong to an area reached through ``area_field``."""
        if self.is_superuser:
            return queryset
        # Through a subquery, so rows linked to several visible areas appear once.
        matching = queryset.model.objects.filter(
            **{f"{area_field}__in": self.areas(capability).values("pk")}
        ).values("pk")
        return queryset.filter(pk__in=matching)


def access_for(request: HttpRequest) -> Access:
    """The request's ``Access``, built once per request."""
    cached: Access | None = getattr(request, "_golive_access", None)
    if cached is None or cached.user is not request.user:
        cached = Access(request.user)
        request._golive_access = cached  # type: ignore[attr-defined]
    return cached
