"""Demo service desk for ``seed_demo``: the go-live fortnight of the wave that has gone live.

About 1,500 tickets over 14 days, with the pattern trusts report: a login/single sign-on
spike on day one (most of the first morning's calls), easing as smartcards are fixed and
people learn the system; realistic categories, areas, priorities and response times; known
issues with their linked tickets; some SLA breaches; a silver escalation on day one; and
reporters' survey answers. A fixed random seed gives the same desk on every machine, and a
go-live that already has tickets is left alone, so running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from golive.models import Area, GoLive, Programme, User
from support.models import (
    Category,
    Escalation,
    KnownIssue,
    Notice,
    Priority,
    SatisfactionResponse,
    SlaTarget,
    Ticket,
    TicketComment,
)
from support.reference_data import ensure_reference_data
from support.suggest import suggest_category
from training.models import Course

LONDON = zoneinfo.ZoneInfo("Europe/London")
DAYS = 14
# Tickets per day of the fortnight: a heavy first day, then the usual decay.
PER_DAY = (330, 215, 165, 135, 110, 95, 82, 72, 64, 58, 52, 45, 40, 36)
# Share of a local hour's tickets: day shift busy, nights quiet.
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 9, 12, 11, 10, 9, 8, 8, 8, 7, 6, 5, 4, 3, 3, 2, 2, 1)

# (category slug, what people say). The first word list feeds the suggestion rules.
SAYINGS: dict[str, tuple[str, ...]] = {
    "access-smartcard": (
        "Smartcard not recognised by the card reader on the ward PC",
        "Smartcard reader keeps dropping my session",
        "My smartcard is locked after three tries",
    ),
    "access-password": (
        "Locked out after typing my password wrong",
        "Password expired and I cannot reset it",
    ),
    "access-sso": (
        "SSO tap in does nothing on the workstation on wheels",
        "Single sign-on asks for my password every time",
    ),
    "access": (
        "Cannot log in to the EPR, says account not found",
        "Can't log in on the nurses' station PC",
        "Agency nurse has no login for the EPR",
    ),
    "access-permissions": ("Greyed out: no access to prescribe as a nurse prescriber",),
    "printing-wristband": ("Wristband printer printing blank wristbands",),
    "printing-labels": ("Label printer not printing specimen labels",),
    "printing": ("Discharge letter will not print on the ward printer",),
    "hardware-workstation": (
        "Workstation on wheels battery dies after an hour",
        "Monitor on the bay 3 computer is blank",
    ),
    "hardware-scanner": ("Barcode scanner will not scan the wristband",),
    "epr-orders": ("Cannot find the order for a chest X-ray request", "Order not sent to the lab"),
    "epr-documentation": (
        "Observation chart does not save my entries",
        "Nursing assessment disappears when I move tabs",
    ),
    "epr-prescribing": ("Drug chart shows the wrong dose unit for paracetamol",),
    "epr-patient-admin": ("Transfer to another ward is stuck on the bed board",),
    "clinical-content-forms": ("The falls assessment form is missing a field",),
    "clinical-content-order-sets": ("Order set for sepsis pathway is missing lactate",),
    "data-missing": (
        "Allergies missing from a migrated record",
        "History not migrated from the old system",
    ),
    "data-duplicates": ("Duplicate record for the same patient after migration",),
    "interfaces-pathology": ("Blood results not coming through from pathology",),
    "interfaces-radiology": ("Radiology report not received in the EPR",),
    "training": (
        "How do I discharge a patient in the new system?",
        "Where do I record a handover?",
        "Not shown how to do fluid balance in training",
    ),
    "enhancement": ("Could we have a shortcut for the daily obs round? A suggestion",),
    "other": ("Phone on the ward desk not working", "Someone left a trolley in the corridor"),
}

# Share of tickets by category slug, on day one and from day three (day two in between).
MIX_DAY_ONE = {
    "access": 0.58,
    "epr": 0.13,
    "printing": 0.08,
    "hardware": 0.06,
    "training": 0.07,
    "clinical-content": 0.03,
    "data": 0.02,
    "interfaces": 0.01,
    "enhancement": 0.01,
    "other": 0.01,
}
MIX_LATER = {
    "access": 0.14,
    "epr": 0.24,
    "printing": 0.08,
    "hardware": 0.07,
    "training": 0.18,
    "clinical-content": 0.10,
    "data": 0.07,
    "interfaces": 0.05,
    "enhancement": 0.05,
    "other": 0.02,
}
PRIORITIES = ((Priority.P1, 3), (Priority.P2, 15), (Priority.P3, 60), (Priority.P4, 22))
RESOLUTIONS = {
    "access": (("configuration", 5), ("training_gap", 3), ("no_fault", 2)),
    "training": (("training_gap", 9), ("no_fault", 1)),
    "enhancement": (("enhancement", 1),),
    "clinical-content": (("configuration", 7), ("enhancement", 3)),
}
DEFAULT_RESOLUTIONS = (("defect", 5), ("configuration", 2), ("training_gap", 2), ("no_fault", 1))
REPLIES = (
    "Account unlocked; confirmed you can log in now.",
    "Reset the smartcard certificate; please try again.",
    "Walked through the steps by phone; it works.",
    "Floorwalker visited and fixed it at the bedside.",
    "Passed to the application team; we will call you back.",
)


@dataclass(frozen=True)
class KnownIssueSeed:
    title: str
    slug: str
    workaround: str
    published: bool
    fixed_on_day: int | None  # None: still open
    link_share: float  # share of matching tickets linked to it


KNOWN_ISSUES = (
    KnownIssueSeed(
        "Smartcard readers drop the session on Riverside workstations",
        "access-smartcard",
        "Log in with your username and password; the floorwalker can reset it.",
        True,
        3,
        0.7,
    ),
    KnownIssueSeed(
        "Wristband printers print blank wristbands after the driver update",
        "printing-wristband",
        "Print wristbands from the ward clerk's PC until the driver is rolled back.",
        True,
        5,
        0.9,
    ),
    KnownIssueSeed(
        "Observation chart does not save when the session times out",
        "epr-documentation",
        "Save each set of observations before moving to the next patient.",
        True,
        None,
        0.4,
    ),
    KnownIssueSeed(
        "Migrated allergies missing for some long-stay patients",
        "data-missing",
        "",
        False,
        None,
        0.5,
    ),
)


def _live_go_live(programme: Programme, today: dt.date) -> GoLive | None:
    """The most recent go-live whose fortnight has passed or started."""
    return (
        GoLive.objects.filter(programme=programme, user_go_live_date__lte=today)
        .order_by("-user_go_live_date")
        .first()
    )


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _mix(day: int) -> dict[str, float]:
    if day == 0:
        return MIX_DAY_ONE
    if day == 1:
        return {k: (MIX_DAY_ONE[k] + MIX_LATER[k]) / 2 for k in MIX_LATER}
    return MIX_LATER


def _moment(rng: random.Random, start: dt.date, day: int) -> dt.datetime:
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    if day == 0:
        # Day one starts at 07:00 with the morning's first logins: most of the spike.
        hour = rng.choices(range(7, 24), [30, 26, 18, 12, 9, 7, 6, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1])[0]
    local = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(hour), tzinfo=LONDON)
    return local.astimezone(dt.UTC) + dt.timedelta(seconds=rng.randint(0, 3599))


def _minutes(rng: random.Random, median: float, spread: float) -> dt.timedelta:
    return dt.timedelta(minutes=max(1.0, rng.lognormvariate(math.log(median), spread)))


@transaction.atomic
def seed_support_demo(*, programme: Programme, today: dt.date | None = None) -> list[str]:
    """Fill the live wave's go-live fortnight; returns a line saying what happened."""
    today = today or timezone.localdate()
    ensure_reference_data()
    # Low-priority questions wait for the working day: shows the business-hours clock.
    SlaTarget.objects.filter(priority=Priority.P4).update(clock=SlaTarget.Clock.BUSINESS_HOURS)
    go_live = _live_go_live(programme, today)
    agent = User.objects.filter(username="desk").first()
    if go_live is None or agent is None:
        return ["Service desk: no live go-live or no desk login; nothing seeded."]
    if Ticket.objects.filter(go_live=go_live).exists():
        count = Ticket.objects.filter(go_live=go_live).count()
        return [f"Service desk: {count} tickets already seeded for {go_live.name}."]
    areas = list(go_live.areas.order_by("pk"))
    if not areas:
        return ["Service desk: the live go-live has no areas; nothing seeded."]
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    targets = {t.priority: t for t in SlaTarget.objects.all()}
    start = go_live.user_go_live_date
    go_live_start = dt.datetime.combine(start, dt.time(7), tzinfo=LONDON)
    ctx = Context(
        go_live=go_live,
        areas=areas,
        agent=agent,
        categories=categories,
        targets=targets,
        issues=_seed_known_issues(programme, agent, categories, go_live_start),
        courses=list(Course.objects.filter(programme=programme).order_by("code")),
    )
    rng = random.Random(7)  # noqa: S311 - demo data: the same desk on every machine
    tickets = [_ticket(rng, ctx, day) for day, count in enumerate(PER_DAY) for _ in range(count)]
    tickets.sort(key=lambda t: t.created_at)
    bulk_create_with_history(tickets, Ticket, batch_size=500)
    saved = list(Ticket.objects.filter(go_live=go_live).order_by("created_at", "pk"))
    _seed_follow_ups(rng, saved, agent)
    Escalation.objects.create(
        go_live=go_live,
        level=Escalation.Level.SILVER,
        summary="Access, login and single sign-on: most of the first hours' tickets",
        category=categories.get("access"),
        escalated_by=agent,
        escalated_at=(go_live_start + dt.timedelta(hours=2, minutes=10)).astimezone(dt.UTC),
    )
    _seed_safety_notices(go_live, saved)
    return [f"Service desk: {len(saved)} tickets seeded for {go_live.name}'s go-live fortnight."]


def _seed_safety_notices(go_live: GoLive, saved: list[Ticket]) -> None:
    """The clinical safety officer's board shows the fortnight's last few safety concerns
    to act on (as e-mailed at the time: the demo sends no mail)."""
    cso = User.objects.filter(username="cso").first()
    if cso is None:
        return
    flagged = [t for t in saved if t.is_clinical_safety][-3:]
    Notice.objects.bulk_create(
        [
            Notice(
                recipient=cso,
                kind=Notice.Kind.CLINICAL_SAFETY,
                go_live=go_live,
                ticket=ticket,
                created_at=ticket.created_at,
                emailed_at=ticket.created_at,
            )
            for ticket in flagged
        ],
        ignore_conflicts=True,
    )


def _seed_known_issues(
    programme: Programme,
    agent: User,
    categories: dict[str, Category],
    go_live_start: dt.datetime,
) -> dict[str, tuple[KnownIssue, KnownIssueSeed]]:
    issues: dict[str, tuple[KnownIssue, KnownIssueSeed]] = {}
    for seed in KNOWN_ISSUES:
        fixed_at = (
            go_live_start + dt.timedelta(days=seed.fixed_on_day, hours=9)
            if seed.fixed_on_day is not None
            else None
        )
        issue, _ = KnownIssue.objects.get_or_create(
            programme=programme,
            title=seed.title,
            defaults={
                "workaround": seed.workaround,
                "is_published": seed.published,
                "category": categories.get(seed.slug),
                "status": KnownIssue.Status.FIXED if fixed_at else KnownIssue.Status.OPEN,
                "fixed_at": fixed_at,
                "fixed_by": agent if fixed_at else None,
                "created_by": agent,
                "created_at": go_live_start + dt.timedelta(hours=3),
            },
        )
        issues[seed.slug] = (issue, seed)
    return issues


@dataclass(frozen=True)
class Context:
    go_live: GoLive
    areas: list[Area]
    agent: User
    categories: dict[str, Category]
    targets: dict[str, SlaTarget]
    issues: dict[str, tuple[KnownIssue, KnownIssueSeed]]
    courses: list[Course]


CHANNELS = (("phone", 50), ("quick_log", 45), ("api", 5))
SAFETY_PRONE = frozenset({"epr-prescribing", "data-missing"})


def _timeline(
    rng: random.Random, target: SlaTarget | None, created: dt.datetime, day: int
) -> tuple[dt.datetime, dt.datetime]:
    """First response and resolution times. Day one's queue is long: responses are slower
    and more of them breach."""
    queue = 3.0 if day == 0 else 1.5 if day == 1 else 1.0  # calls waiting to be answered
    load = 1.8 if day == 0 else 1.3 if day == 1 else 1.0  # work waiting to be done
    respond = (target.first_response_minutes if target else 60) * 0.3 * queue
    resolve = (target.resolve_minutes if target else 600) * 0.2 * load
    first_response = created + _minutes(rng, respond, 0.8)
    return first_response, first_response + _minutes(rng, resolve, 0.9)


def _ticket(rng: random.Random, ctx: Context, day: int) -> Ticket:
    mix = _mix(day)
    top = rng.choices(list(mix), list(mix.values()))[0]
    slug = rng.choice([s for s in SAYINGS if s == top or s.startswith(f"{top}-")])
    text = rng.choice(SAYINGS[slug])
    suggestion = suggest_category(text)
    created = _moment(rng, ctx.go_live.user_go_live_date, day)
    priority = _pick(rng, PRIORITIES)
    first_response, resolved_at = _timeline(rng, ctx.targets.get(priority), created, day)
    resolved: dt.datetime | None = resolved_at
    resolution = _pick(rng, RESOLUTIONS.get(top, DEFAULT_RESOLUTIONS))
    known_issue = None
    pair = ctx.issues.get(slug)
    if pair is not None and rng.random() < pair[1].link_share:
        known_issue = pair[0]
        resolution = "defect"
        if known_issue.fixed_at is not None and created < known_issue.fixed_at:
            resolved = max(resolved_at, known_issue.fixed_at)  # resolved when the fix landed
        elif known_issue.fixed_at is None and rng.random() < 0.8:
            resolved = None  # still waiting for the fix
    if resolved is None:
        status = rng.choice([Ticket.Status.IN_PROGRESS, Ticket.Status.AWAITING_REPORTER])
    else:
        status = Ticket.Status.CLOSED if rng.random() < 0.7 else Ticket.Status.RESOLVED
    wants_course = resolution == "training_gap" and ctx.courses and rng.random() < 0.8
    first = rng.choice(["Alex", "Bea", "Chris", "Dee", "Femi", "Gita", "Hal", "Ines", "Jo"])
    safety = (slug in SAFETY_PRONE and rng.random() < 0.5) or rng.random() < 0.01
    return Ticket(
        go_live=ctx.go_live,
        area=rng.choices(ctx.areas, [3 if i < 4 else 1 for i in range(len(ctx.areas))])[0],
        reporter_name=f"{first} {rng.choice(['Shah', 'Jones', 'Okafor', 'Byrne', 'Wood'])}",
        reporter_contact=f"ext {rng.randint(2000, 7999)}",
        description=text,
        suggested_category=ctx.categories.get(suggestion.category_slug) if suggestion else None,
        category=ctx.categories.get(slug),
        priority=priority,
        is_clinical_safety=safety,
        assignee=ctx.agent,
        status=status,
        resolution_type=resolution if resolved else "",
        known_issue=known_issue,
        course=rng.choice(ctx.courses) if wants_course else None,
        channel=_pick(rng, CHANNELS),
        logged_by=ctx.agent,
        created_at=created,
        first_response_at=min(first_response, resolved) if resolved else first_response,
        resolved_at=resolved,
        closed_at=resolved + dt.timedelta(days=2)
        if status == Ticket.Status.CLOSED and resolved
        else None,
    )


def _seed_follow_ups(rng: random.Random, tickets: list[Ticket], agent: User) -> None:
    comments = []
    answers = []
    for ticket in tickets:
        if ticket.first_response_at is not None and rng.random() < 0.15:
            comments.append(
                TicketComment(
                    ticket=ticket,
                    author=agent,
                    visibility=TicketComment.Visibility.REPORTER,
                    body=rng.choice(REPLIES),
                    created_at=ticket.first_response_at,
                )
            )
        if ticket.resolved_at is not None and rng.random() < 0.22:
            quick = (ticket.resolved_at - ticket.created_at) < dt.timedelta(hours=4)
            weights = (1, 1, 2, 5, 8) if quick else (2, 3, 4, 5, 3)
            answers.append(
                SatisfactionResponse(
                    ticket=ticket,
                    score=rng.choices([1, 2, 3, 4, 5], weights)[0],
                    created_at=ticket.resolved_at + dt.timedelta(hours=rng.randint(1, 30)),
                )
            )
    TicketComment.objects.bulk_create(comments, batch_size=500)
    SatisfactionResponse.objects.bulk_create(answers, batch_size=500)
