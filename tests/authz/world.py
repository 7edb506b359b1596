"""The world the authorisation matrix runs in: the demo trust (every feature has demo data,
since ``seed_demo`` must show each one), kept small, plus marker strings on one ward's data.

Ward A is the demo ward manager's Ward 7B; ward B is Ward 3 at St Aldhelm's, which belongs to
``ward.manager2``. Everything identifying that only ward B holds carries ``B_MARKER``, so a
single substring search over a response finds any leak.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Model, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from administration import models as administration
from administration.copying.demo import seed_copying_demo
from administration.models import GoLiveCopy
from administration.people.demo import seed_people_demo
from adoption import models as adoption
from adoption.analytics.demo import seed_analytics_demo
from adoption.feedback.demo import seed_feedback_demo
from adoption.imports.demo import seed_adoption_demo
from adoption.imports.profiles import BUILTIN_NAMES
from champions import models as champions
from champions.demo import seed_champions_demo
from golive.access import Access
from golive.accounts import api_tokens
from golive.demo import DEMO_PROGRAMME, seed_demo
from golive.health import record_heartbeat
from golive.models import Area, GoLive, Programme, Release, RoleGrant, Site, StaffMember, User
from readiness import models as readiness
from readiness.assessment import services as readiness_services
from readiness.demo import seed_readiness_demo
from support import models as support
from support import services as support_services
from support.demo import seed_support_demo
from support.survey import survey_token
from training import models as training
from training import services as training_services
from training.demo import seed_training_demo

from .routes import Route

B_MARKER = "Zqxb"  # an unlikely string: the demo's names and texts never contain it

# The matrix's roles and the demo login that plays each.
USERNAMES: dict[str, str | None] = {
    "anonymous": None,
    "pm": "pm",
    "chair": "chair",
    "cso": "cso",
    "ward_manager": "ward.manager",
    "training_lead": "trainer",
    "desk": "desk",
    "champion": "champion",
    "executive": "exec",
    "admin": "admin",
}
WARD_A = ("NGH", "W7B")
WARD_B = ("SAH", "WARD3")


@dataclass
class World:
    programme: Programme
    go_live: GoLive  # the wave covering both wards
    area_a: Area
    area_b: Area
    users: dict[str, User | None]
    b_strings: tuple[str, ...]  # samples of B's marked strings, for search boxes


def _area(site_code: str, code: str) -> Area:
    return Area.objects.select_related("site").get(site__code=site_code, code=code)


def _mark_ward_b(area_a: Area, area_b: Area) -> tuple[str, ...]:
    """Put ``B_MARKER`` into what identifies people and problems that only ward B holds."""
    only_b = StaffMember.objects.filter(areas=area_b).exclude(areas=area_a)
    # Staff who also work in A are legitimately visible there, so they stay unmarked.
    shared = StaffMember.objects.filter(areas=area_b).exclude(pk__in=only_b.values("pk"))
    shared_ids = list(shared.values_list("pk", flat=True))
    only_b.update(
        full_name=Concat(F("full_name"), Value(f" {B_MARKER}")),
        staff_number=Concat(Value(f"{B_MARKER}"), F("id")),
        epr_user_id=Concat(Value(f"{B_MARKER}E"), F("id")),
    )
    support.Ticket.objects.filter(area=area_b).update(
        description=Concat(F("description"), Value(f" {B_MARKER}T")),
        reporter_name=Concat(F("reporter_name"), Value(f" {B_MARKER}R")),
    )
    support.TicketComment.objects.filter(ticket__area=area_b).update(
        body=Concat(F("body"), Value(f" {B_MARKER}C"))
    )
    adoption.SurveyResponse.objects.filter(area=area_b).exclude(comment="").update(
        comment=Concat(F("comment"), Value(f" {B_MARKER}S"))
    )
    training.ConfidenceResponse.objects.filter(area=area_b).exclude(comment="").update(
        comment=Concat(F("comment"), Value(f" {B_MARKER}F"))
    )
    readiness.Criterion.objects.filter(area=area_b).exclude(comment="").update(
        comment=Concat(F("comment"), Value(f" {B_MARKER}N"))
    )
    champions.CoverRequest.objects.filter(assignment__shift__area=area_b).exclude(
        assignment__staff_id__in=shared_ids
    ).exclude(reason="").update(reason=Concat(F("reason"), Value(f" {B_MARKER}V")))
    sample = StaffMember.objects.filter(full_name__contains=B_MARKER).order_by("pk").first()
    ticket = support.Ticket.objects.filter(area=area_b).order_by("pk").first()
    assert sample is not None, "the demo left ward B without staff"
    assert ticket is not None, "ward B has no tickets"
    return (sample.full_name, sample.staff_number, ticket.reporter_name)


def _log_tickets(go_live: GoLive, areas: tuple[Area, ...]) -> None:
    """The demo's tickets belong to the wave already live; both wards need their own."""
    desk = User.objects.get(username="desk")
    for area in areas:
        for n in range(2):
            ticket = support_services.log_ticket(
                user=desk,
                go_live=go_live,
                area=area,
                reporter_name=f"Reporter {n} of {area.code}",
                reporter_contact=f"bleep 40{n}",
                description=f"Cannot print wristbands on {area.name} ({n})",
            )
            support_services.add_comment(
                ticket=ticket, user=desk, body="Called back.", visibility="internal"
            )


def _evidence_and_scope(go_live: GoLive, areas: tuple[Area, ...]) -> None:
    """Rows the demo does not seed but routes serve: an evidence file on a criterion and a
    training scope change, in each ward."""
    pm = User.objects.get(username="pm")
    access = Access(pm)
    for area in areas:
        criterion = (
            readiness.Criterion.objects.filter(
                go_live=go_live, area=area, template__computed_key=""
            )
            .order_by("pk")
            .first()
        )
        assert criterion is not None, f"the demo has no manual criterion for {area}"
        readiness_services.update_criterion(
            access=access,
            user=pm,
            criterion=criterion,
            rag=criterion.rag,
            comment=criterion.comment,
            evidence_link="",
            evidence_file=SimpleUploadedFile(f"evidence-{area.code}.pdf", b"%PDF-1.4 test"),
            owner=criterion.owner,
        )
        # Someone the programme manager may book: in the go-live's scope (the demo excludes
        # a few people by hand) and working in the area.
        staff = (
            training_services.staff_in_reach(access, go_live)
            .filter(areas=area)
            .order_by("pk")
            .first()
        )
        assert staff is not None
        course = training.Course.objects.filter(programme=go_live.programme).order_by("pk")[0]
        training_services.book_staff(
            access=access,
            user=pm,
            go_live=go_live,
            course=course,
            session_on=timezone.localdate() + dt.timedelta(days=7),
            staff_ids=[staff.pk],
        )
        training_services.change_scope(
            access=access,
            user=pm,
            go_live=go_live,
            staff=staff,
            kind=training.ScopeChange.Kind.EXCLUDE,
            reason=f"Long-term leave ({area.code})",
        )


def build_world() -> World:
    seed_demo(staff_count=150)
    programme = Programme.objects.get(name=DEMO_PROGRAMME)
    pm = User.objects.get(username="pm")
    trainer = User.objects.get(username="trainer")
    seed_adoption_demo(programme=programme, user=pm, per_day=40)
    seed_training_demo(programme=programme, user=trainer)
    seed_champions_demo(programme=programme)
    seed_support_demo(programme=programme)
    seed_analytics_demo(programme=programme, user=pm)
    seed_feedback_demo(programme=programme, user=pm)
    seed_readiness_demo(programme=programme)
    # A pending access request and invitation, a dated grant (people and access).
    list(seed_people_demo(programme=programme))
    seed_copying_demo(programme=programme)
    area_a, area_b = _area(*WARD_A), _area(*WARD_B)
    go_live = GoLive.objects.filter(areas=area_a).filter(areas=area_b).order_by("pk").first()
    assert go_live is not None
    _log_tickets(go_live, (area_a, area_b))
    _evidence_and_scope(go_live, (area_a, area_b))
    record_heartbeat()  # so /readyz answers as it does with a worker running
    users = {
        role: User.objects.get(username=name) if name else None for role, name in USERNAMES.items()
    }
    return World(
        programme=programme,
        go_live=go_live,
        area_a=area_a,
        area_b=area_b,
        users=users,
        b_strings=_mark_ward_b(area_a, area_b),
    )


# How each model's rows reach an area; models absent here belong to the whole programme.
AREA_PATHS: dict[type[Model], str] = {
    Area: "pk",
    StaffMember: "areas",
    GoLive: "areas",
    readiness.Criterion: "area",
    champions.Designation: "area",
    champions.ShiftPattern: "area",
    champions.Shift: "area",
    champions.Assignment: "shift__area",
    champions.CoverRequest: "assignment__shift__area",
    champions.RotaEntry: "area",
    support.Ticket: "area",
    adoption.SurveyResponse: "area",
    training.Completion: "staff__areas",
    training.Booking: "staff__areas",
    training.ScopeChange: "staff__areas",
}
# Programme-wide rows: how each reaches its programme.
PROGRAMME_PATHS: dict[type[Model], str] = {
    readiness.Milestone: "go_live__programme",
    readiness.ReadinessGroup: "programme",
    readiness.Action: "group__programme",
    readiness.Gate: "go_live__programme",
    readiness.Hazard: "programme",
    readiness.SitRep: "cell__go_live__programme",
    readiness.CommsItem: "go_live__programme",
    readiness.EngagementEvent: "go_live__programme",
    readiness.CriterionTemplate: "programme",
    training.TrainingAlert: "go_live__programme",
    training.Course: "programme",
    training.Requirement: "go_live__programme",
    adoption.ImportBatch: "programme",
    adoption.MappingProfile: "programme",
    adoption.Metric: "programme",
    adoption.ChangeMarker: "programme",
    adoption.Survey: "go_live__programme",
    support.KnownIssue: "programme",
    GoLiveCopy: "target__programme",
    RoleGrant: "programme",
    administration.Invitation: "programme",
    administration.AccessRequest: "programme",
}


def _go_live_path(model: type[Model]) -> str | None:
    if model is GoLive:
        return "pk"
    if model is readiness.SitRep:
        return "cell__go_live"
    names = {field.name for field in model._meta.get_fields()}
    return "go_live" if "go_live" in names else None


# The object behind each HTML route's ``pk`` (API routes name theirs through the viewset),
# with an optional filter choosing a row the action applies to.
HTML_OBJECTS: dict[str, tuple[type[Model], Q]] = {
    "readiness:complete_milestone": (readiness.Milestone, Q()),
    "readiness:group": (readiness.ReadinessGroup, Q()),
    "readiness:action_status": (readiness.Action, Q()),
    "readiness:criterion": (readiness.Criterion, Q()),
    "readiness:evidence_file": (readiness.Criterion, ~Q(evidence_file="")),
    "readiness:gate": (readiness.Gate, Q()),
    "readiness:evidence_pack": (readiness.Gate, Q(evidence_pack__isnull=False)),
    "readiness:hazard_edit": (readiness.Hazard, Q()),
    "readiness:hazard_sign_off": (readiness.Hazard, Q()),
    "readiness:hazard_tickets": (readiness.Hazard, Q()),
    "readiness:sitrep": (readiness.SitRep, Q()),
    "readiness:comms_status": (readiness.CommsItem, Q()),
    "training:acknowledge_alert": (training.TrainingAlert, Q()),
    "training:course_edit": (training.Course, Q()),
    "training:requirement_delete": (training.Requirement, Q()),
    "training:scope_change_delete": (training.ScopeChange, Q()),
    "champions:accept": (champions.Designation, Q()),
    "champions:withdraw": (champions.Designation, Q()),
    "champions:target": (Area, Q()),
    "champions:remove_pattern": (champions.ShiftPattern, Q()),
    "champions:cancel_assignment": (champions.Assignment, Q()),
    "champions:ask_cover": (champions.Assignment, Q()),
    "champions:answer_cover": (champions.CoverRequest, Q(status="open")),
    "champions:cancel_cover": (champions.CoverRequest, Q(status="open")),
    "champions:cell": (champions.Shift, Q()),
    "champions:fill": (champions.Shift, Q()),
    "adoption:batch": (adoption.ImportBatch, Q()),
    "adoption:commit_valid_rows": (adoption.ImportBatch, Q()),
    "adoption:withdraw": (adoption.ImportBatch, Q()),
    "adoption:error_report": (adoption.ImportBatch, Q(issues__isnull=False)),
    "adoption:unknown_values_report": (adoption.ImportBatch, Q()),
    "adoption:profile_edit": (adoption.MappingProfile, Q()),
    "adoption:profile_export": (adoption.MappingProfile, Q()),
    "adoption:profile_builder_edit": (adoption.MappingProfile, Q()),
    "adoption:profile_history": (adoption.MappingProfile, Q()),
    "adoption:profile_version_export": (adoption.MappingProfile, Q()),
    "adoption:area": (Area, Q()),
    "adoption:metric_edit": (adoption.Metric, Q()),
    "adoption:marker_edit": (adoption.ChangeMarker, Q()),
    "adoption:marker_delete": (adoption.ChangeMarker, Q()),
    "adoption:survey_toggle": (adoption.Survey, Q()),
    "adoption:response_tag": (adoption.SurveyResponse, Q()),
    "support:ticket": (support.Ticket, Q()),
    "support:claim": (support.Ticket, Q()),
    "support:triage": (support.Ticket, Q()),
    "support:status": (support.Ticket, Q()),
    "support:comment": (support.Ticket, Q()),
    "support:escalate_ticket": (support.Ticket, Q()),
    "support:link_known_issue": (support.Ticket, Q()),
    "support:known_issue": (support.KnownIssue, Q()),
    "support:known_issue_edit": (support.KnownIssue, Q()),
    "support:known_issue_fix": (support.KnownIssue, Q()),
    "readiness-gate-evidence-pack": (readiness.Gate, Q(evidence_pack__isnull=False)),
    # API actions on viewsets that name no queryset.
    "training-go-live-breakdown": (GoLive, Q()),
    "training-go-live-confidence": (GoLive, Q()),
    "training-go-live-people": (GoLive, Q()),
    "training-go-live-plan": (GoLive, Q()),
    "training-go-live-trajectory": (GoLive, Q()),
    "training-go-live-gaps": (GoLive, Q()),
    "adoption:metric_delete": (adoption.Metric, Q()),
    "adoption:drill_down": (GoLive, Q()),
    "adoption:drill_down_area": (GoLive, Q()),
    "readiness:cell": (readiness.CommandCell, Q()),
    "readiness:escalation": (support.Escalation, Q()),
    "support:notice_seen": (support.Notice, Q()),
    "support:raise_hazard": (support.Ticket, Q()),
    "readiness:library_edit": (readiness.CriterionTemplate, Q()),
    "readiness:library_delete": (readiness.CriterionTemplate, Q()),
    "support:category_edit": (support.Category, Q()),
    "support:category_status": (support.Category, Q()),
    "support:resolver_group_edit": (support.ResolverGroup, Q()),
    "setup:go_live_copy": (GoLiveCopy, Q()),
    # Programme set-up (administration/structure).
    "setup:site_edit": (Site, Q()),
    "setup:area_edit": (Area, Q()),
    "setup:area_retire": (Area, Q()),
    "setup:area_reinstate": (Area, Q()),
    "setup:programme_edit": (Programme, Q()),
    "setup:go_live": (GoLive, Q()),
    "setup:go_live_edit": (GoLive, Q()),
    "setup:release_new": (GoLive, Q()),
    "setup:release_edit": (Release, Q()),
    "setup:release_delete": (Release, Q()),
    # People and access: the demo locum's dated grant and the new starter's request.
    "people:grant_edit": (RoleGrant, Q(user__username="locum")),
    "people:grant_revoke": (RoleGrant, Q(user__username="locum")),
    "people:request": (administration.AccessRequest, Q(status="pending")),
    "role-grant-detail": (RoleGrant, Q(user__username="locum")),
    "access-request-detail": (administration.AccessRequest, Q(status="pending")),
    "access-request-approve": (administration.AccessRequest, Q(status="pending")),
    "access-request-decline": (administration.AccessRequest, Q(status="pending")),
}


def _survey_token(world: World, area: Area) -> str:
    survey = adoption.Survey.objects.filter(go_live__programme=world.programme).order_by("pk")
    row = survey.first()
    assert row is not None, "the demo has no staff survey"
    return row.token


def _ticket_survey_token(world: World, area: Area) -> str:
    ticket = support.Ticket.objects.filter(area=area).order_by("pk").first()
    assert ticket is not None
    return survey_token(ticket)


def _profile_history_id(world: World, area: Area) -> int:
    """A version of the profile ``pick`` names (the programme's first)."""
    profile = adoption.MappingProfile.objects.filter(programme=world.programme).order_by("pk")
    row = profile.first()
    assert row is not None, "the demo has no saved mapping profile"
    version = row.history.order_by("history_id").first()
    assert version is not None
    return int(version.history_id)


def _someone_elses_api_token(world: World, area: Area) -> int:
    owner, _ = User.objects.get_or_create(username="token.owner")
    api_tokens.create_token(user=owner, name="Someone else's script", days=30)
    return int(api_tokens.tokens_of(owner).values_list("pk", flat=True)[0])


# Non-``pk`` URL parameters, by parameter name or by "route name.parameter".
STRING_KWARGS: dict[str, Callable[[World, Area], str | int]] = {
    "fmt": lambda world, area: "csv",
    "adoption:export.table": lambda world, area: "areas",
    "adoption:export.fmt": lambda world, area: "csv",
    "adoption:programme_export.table": lambda world, area: "areas",
    "adoption:drill_down_area.area": lambda world, area: area.pk,
    "name": lambda world, area: next(iter(BUILTIN_NAMES)),
    "area_pk": lambda world, area: area.pk,
    "adoption:survey_answer.token": _survey_token,
    "adoption:survey_thanks.token": _survey_token,
    "support:survey.token": _ticket_survey_token,
    "support:sla_edit.priority": lambda world, area: "P1",
    "adoption:profile_version_export.history_id": _profile_history_id,
    # A set-password link that does not work (any user's token is refused the same way).
    "password_reset_confirm.uidb64": lambda world, area: "MQ",
    "password_reset_confirm.token": lambda world, area: "set-password",
    "account:api_token_revoke.token_id": _someone_elses_api_token,
}


def model_of(route: Route) -> tuple[type[Model], Q] | None:
    """The model a route's ``pk`` names, if it has one."""
    if route.name in HTML_OBJECTS:
        return HTML_OBJECTS[route.name]
    cls: Any = getattr(route.view, "cls", None)
    if cls is None:
        return None
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model, Q()
    serializer = getattr(cls, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    model = getattr(meta, "model", None)
    return (model, Q()) if model is not None else None


def pick(
    model: type[Model], condition: Q, world: World, area: Area, *, strict: bool
) -> Model | None:
    """A row of ``model`` in ``area`` (or, for programme-wide rows, in the programme). When
    ``area`` has none and ``strict`` is off, a row of another area of the programme."""
    rows = model._default_manager.filter(condition)
    if model in AREA_PATHS:
        in_area = rows.filter(**{AREA_PATHS[model]: area.pk}).distinct()
        if strict or in_area.exists():
            return in_area.order_by("pk").first()
    if model in AREA_PATHS:
        rows = rows.distinct()
    elif model in PROGRAMME_PATHS:
        rows = rows.filter(**{PROGRAMME_PATHS[model]: world.programme})
    # Prefer rows of the go-live both wards share: the one pages show by default.
    path = _go_live_path(model)
    if path and rows.filter(**{path: world.go_live}).exists():
        rows = rows.filter(**{path: world.go_live})
    return rows.order_by("pk").first()


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


class MissingObjectError(LookupError):
    pass


def url_kwargs(route: Route, world: World, area: Area, *, strict: bool = False) -> dict[str, Any]:
    """Values for ``route``'s URL parameters, naming ``area``'s objects (only those when
    ``strict``, else another area's when ``area`` has none)."""
    values: dict[str, Any] = {}
    for name in PARAMETER.findall(route.pattern):
        if name == "pk":
            found = model_of(route)
            if found is None:
                raise MissingObjectError(
                    f"{route.name}: add it to HTML_OBJECTS in tests/authz/world.py "
                    "(the model its pk names)"
                )
            row = pick(*found, world, area, strict=strict)
            if row is None:
                raise MissingObjectError(
                    f"{route.name}: the demo data has no {found[0].__name__} for "
                    f"{area} (seed one in the app's demo module)"
                )
            values[name] = row.pk
            continue
        maker = STRING_KWARGS.get(f"{route.name}.{name}") or STRING_KWARGS.get(name)
        if maker is None:
            raise MissingObjectError(
                f"{route.name}: add '{route.name}.{name}' to STRING_KWARGS in tests/authz/world.py"
            )
        values[name] = maker(world, area)
    return values
