"""Demo readiness for ``manage.py seed_demo``: a criteria library applied to every wave,
assessments that tell a believable story (Wave 1 live and green; Wave 2 six weeks out and
clearly amber on single sign-on and login readiness; Wave 3 barely started), three readiness
groups with meetings and some overdue actions, T-30/T-7/T-1 gates, a hazard log,
milestones, bronze/silver/gold cells with a rota and a published sit-rep, and Wave 2's
communications plan and engagement events.

Idempotent: everything is keyed on natural keys; assessments are written only on criteria
nobody has assessed yet, and gates are signed only while unsigned, so later runs leave
users' changes alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from golive.access import Access
from golive.models import GoLive, Programme, Role, User
from readiness.assessment import services as assessment
from readiness.command import services as command
from readiness.gates import services as gates
from readiness.models import (
    Action,
    Attendance,
    CommandCell,
    CommsItem,
    Criterion,
    CriterionTemplate,
    Decision,
    Domain,
    DutyAssignment,
    EngagementEvent,
    Gate,
    Hazard,
    HazardTicket,
    Meeting,
    Milestone,
    Rag,
    ReadinessGroup,
    SignOff,
    SignOffRole,
    SitRep,
    StandDownCriterion,
    Verdict,
)
from support.models import Escalation, Ticket

TEMPLATE_SET = "Northshire go-live standard"
SSO_KEY = "sso-login-tested"
D = Domain
# key, title, domain, owner role, weight, computed key, evidence required, pass rule
TEMPLATES = (
    (
        "trained",
        "90% of in-scope staff trained",
        D.PEOPLE,
        Role.TRAINING_LEAD,
        5,
        "trained_share",
        "Training compliance from the LMS",
        "At least 90% of staff with required courses trained",
    ),
    (
        "super-user-cover",
        "A super user on every shift of go-live week",
        D.PEOPLE,
        Role.WARD_MANAGER,
        4,
        "super_user_every_shift",
        "The champions roster",
        "Every shift meets its super-user target",
    ),
    (
        "downtime",
        "Downtime procedures tested",
        D.PROCESS,
        Role.WARD_MANAGER,
        3,
        "",
        "A signed record of the downtime drill",
        "A drill run on the ward, with paper forms to hand",
    ),
    (
        "dual-running",
        "Dual running plan agreed",
        D.PROCESS,
        Role.PROGRAMME_MANAGER,
        2,
        "",
        "The agreed plan",
        "Appointments dual-run until user go-live",
    ),
    (
        SSO_KEY,
        "Single sign-on and login tested on every device type",
        D.TECHNOLOGY,
        Role.WARD_MANAGER,
        5,
        "",
        "Login test log per device type",
        "Every device type logs in with a smartcard in under 10 seconds",
    ),
    (
        "devices",
        "Devices and printers installed and tested",
        D.TECHNOLOGY,
        Role.WARD_MANAGER,
        3,
        "",
        "Device checklist",
        "Workstations, label and wristband printers tested",
    ),
    (
        "migration",
        "Data migration reconciled",
        D.DATA,
        Role.PROGRAMME_MANAGER,
        3,
        "",
        "Reconciliation report",
        "Migrated records reconcile with the legacy system",
    ),
    (
        "safety-case",
        "Clinical safety case and hazards reviewed",
        D.CLINICAL_SAFETY,
        Role.CLINICAL_SAFETY_OFFICER,
        4,
        "",
        "CSO review note",
        "No open hazard rated 4 or 5",
    ),
    (
        "briefed",
        "Staff briefed on go-live arrangements",
        D.COMMUNICATIONS,
        Role.WARD_MANAGER,
        2,
        "",
        "Briefing attendance",
        "Every shift briefed in the fortnight before go-live",
    ),
    (
        "no-p1",
        "No open P1 tickets",
        D.SUPPORT,
        Role.SERVICE_DESK_AGENT,
        3,
        "no_open_p1_tickets",
        "The service desk",
        "No open P1 ticket in the area",
    ),
    (
        "floor-support",
        "Floorwalker and service desk arrangements confirmed",
        D.SUPPORT,
        Role.PROGRAMME_MANAGER,
        2,
        "",
        "Rota and desk numbers",
        "Rota published; desk number on every workstation",
    ),
)
ROLES = [r.value for r in SignOffRole]
EVIDENCE = "https://intranet.northshire.example/epr/readiness/evidence"


def _templates(programme: Programme) -> list[CriterionTemplate]:
    rows = []
    for key, title, domain, owner, weight, computed, evidence, rule in TEMPLATES:
        row, _ = CriterionTemplate.objects.get_or_create(
            programme=programme,
            template_set=TEMPLATE_SET,
            key=key,
            defaults={
                "title": title,
                "domain": domain,
                "owner_role": owner,
                "weight": weight,
                "computed_key": computed,
                "evidence_required": evidence,
                "pass_rule": rule,
            },
        )
        rows.append(row)
    return rows


def _rag_for(wave: int, key: str, rng: random.Random) -> str:
    roll = rng.random()
    if wave == 1:
        return Rag.GREEN
    if wave == 3:
        return Rag.AMBER if roll < 0.2 else Rag.NOT_ASSESSED
    if key == SSO_KEY:  # the story: login readiness is the programme's worry
        return Rag.GREEN if roll < 0.15 else Rag.RED if roll < 0.3 else Rag.AMBER
    return Rag.GREEN if roll < 0.6 else Rag.AMBER if roll < 0.88 else Rag.RED


def _assess(go_live: GoLive, wave: int, by: User) -> int:
    rng = random.Random(f"readiness-{go_live.name}")  # noqa: S311 - demo data, not security
    fresh = list(
        Criterion.objects.filter(
            go_live=go_live, updated_at__isnull=True, template__computed_key=""
        )
        .select_related("template", "area")
        .order_by("area__site__code", "area__code", "template__key")
    )
    now = timezone.now()
    for criterion in fresh:
        criterion.rag = _rag_for(wave, criterion.template.key, rng)
        if criterion.rag == Rag.GREEN:
            criterion.evidence_link = f"{EVIDENCE}/{criterion.template.key}/{criterion.area.code}"
        if criterion.template.key == SSO_KEY and criterion.rag == Rag.AMBER:
            criterion.comment = (
                "Smartcard readers on the shared workstations fail tap-and-go; fix due next week."
            )
        criterion.owner = by
        criterion.updated_at = now
        criterion.updated_by = by
    fields = ["rag", "evidence_link", "comment", "owner", "updated_at", "updated_by"]
    bulk_update_with_history(fresh, Criterion, fields, batch_size=500)
    return len(fresh)


def _groups(programme: Programme, users: dict[str, User], today: dt.date) -> None:
    specs = (
        (
            "Clinical readiness group",
            [D.CLINICAL_SAFETY, D.PEOPLE, D.COMMUNICATIONS],
            "chair",
            "pm",
        ),
        ("Technical readiness group", [D.TECHNOLOGY, D.DATA], "chair", "pm"),
        ("Operational readiness group", [D.PROCESS, D.SUPPORT], "cso", "pm"),
    )
    for name, domains, clinical, operational in specs:
        group, created = ReadinessGroup.objects.get_or_create(
            programme=programme,
            name=name,
            defaults={
                "domains": list(domains),
                "clinical_chair": users[clinical],
                "operational_chair": users[operational],
                "cadence": ReadinessGroup.Cadence.WEEKLY,
            },
        )
        if not created:
            continue
        group.members.set(
            [users[u] for u in ("pm", "chair", "cso", "ward.manager", "trainer") if u in users]
        )
        meeting = Meeting.objects.create(
            group=group,
            held_on=today - dt.timedelta(days=5),
            notes="Weekly review of Wave 2 criteria.",
        )
        Decision.objects.create(
            meeting=meeting, text=f"{name}: proceed to the T-30 gate with the exceptions noted."
        )
        Action.objects.create(
            group=group,
            meeting=meeting,
            owner=users["pm"],
            due_on=today - dt.timedelta(days=3),
            description=f"{name}: chase the open amber criteria with the ward managers.",
        )
        Action.objects.create(
            group=group,
            meeting=meeting,
            owner=users["chair"],
            due_on=today + dt.timedelta(days=4),
            description=f"{name}: confirm the floorwalker rota for go-live week.",
        )


def _gates(go_live: GoLive, wave: int, users: dict[str, User]) -> None:
    pm, cso = users["pm"], users["cso"]
    for name, days in (("T-30", 30), ("T-7", 7), ("T-1", 1)):
        gate, _ = Gate.objects.get_or_create(
            go_live=go_live, name=name, defaults={"days_before": days, "required_roles": ROLES}
        )
        if gate.is_decided or SignOff.objects.filter(gate=gate).exists():
            continue
        # Each gate names its clinical safety officer: only they give the CSO sign-off.
        gates.name_signatories(access=Access(pm), gate=gate, role=SignOffRole.CSO, users=[cso])
        if wave == 1:
            for role in ROLES:
                signer = cso if role == SignOffRole.CSO else pm
                gates.sign_off_gate(
                    access=Access(signer),
                    user=signer,
                    gate=gate,
                    role=role,
                    verdict=Verdict.GO,
                    note="",
                )
        elif wave == 2 and name == "T-30":
            gates.sign_off_gate(
                access=Access(pm),
                user=pm,
                gate=gate,
                role=SignOffRole.SRO,
                verdict=Verdict.GO,
                note="",
            )
            gates.sign_off_gate(
                access=Access(cso),
                user=cso,
                gate=gate,
                role=SignOffRole.CSO,
                verdict=Verdict.GO_WITH_CONDITIONS,
                note=(
                    "Go only if single sign-on works on every device type by T-7 (hazard HAZ-001)."
                ),
            )


def _hazards(
    programme: Programme, users: dict[str, User], templates: list[CriterionTemplate]
) -> None:
    by_key = {t.key: t for t in templates}
    specs = (
        (
            "Wrong patient record open after a shared login",
            "Shared workstation left logged in; slow smartcard tap-and-go",
            "Observations or drugs recorded against the wrong patient",
            4,
            4,
            "Tap-and-go SSO; 2-minute auto-lock; banner with patient name",
            4,
            2,
            [SSO_KEY],
        ),
        (
            "Missed doses during downtime",
            "EPR unavailable without tested paper procedures",
            "Time-critical medicines delayed",
            4,
            3,
            "Downtime drills; paper drug charts on every ward",
            3,
            2,
            ["downtime"],
        ),
        (
            "Results not acknowledged after migration",
            "Legacy results migrated without an acknowledgement state",
            "Abnormal results not acted on",
            5,
            2,
            "Reconciliation; results inbox review for the first fortnight",
            4,
            1,
            ["migration"],
        ),
    )
    for number, (title, cause, effect, s1, l1, controls, s2, l2, keys) in enumerate(specs, start=1):
        hazard, created = Hazard.objects.get_or_create(
            programme=programme,
            number=number,
            defaults={
                "title": title,
                "cause": cause,
                "effect": effect,
                "initial_severity": s1,
                "initial_likelihood": l1,
                "controls": controls,
                "residual_severity": s2,
                "residual_likelihood": l2,
                "owner": users["cso"],
            },
        )
        if created:
            hazard.criteria.set([by_key[k] for k in keys])
    first = Hazard.objects.get(programme=programme, number=1)
    flagged = Ticket.objects.filter(go_live__programme=programme, is_clinical_safety=True).order_by(
        "pk"
    )[:2]
    for ticket in flagged:
        HazardTicket.objects.get_or_create(
            hazard=first,
            ticket=ticket,
            defaults={"linked_by": users["cso"], "linked_at": timezone.now()},
        )


def _milestones(go_live: GoLive, today: dt.date) -> None:
    user_day = go_live.user_go_live_date
    technical = go_live.technical_go_live_date
    plan = [
        ("User go-live", Milestone.Kind.USER_GO_LIVE, user_day),
        (
            "End of stabilisation",
            Milestone.Kind.STABILISATION_END,
            user_day + dt.timedelta(days=28),
        ),
        ("Cutover rehearsal complete", Milestone.Kind.OTHER, user_day - dt.timedelta(days=45)),
    ]
    if technical:
        plan += [
            ("Technical go-live", Milestone.Kind.TECHNICAL_GO_LIVE, technical),
            ("Dual running starts", Milestone.Kind.DUAL_RUNNING_START, technical),
            ("Dual running ends", Milestone.Kind.DUAL_RUNNING_END, user_day),
        ]
    for name, kind, due in plan:
        # Past milestones are done, except Wave 2's cutover rehearsal: it slipped (overdue).
        slipped = name == "Cutover rehearsal complete" and due < today <= user_day
        done = due if due < today and not slipped else None
        Milestone.objects.get_or_create(
            go_live=go_live, name=name, defaults={"kind": kind, "due_on": due, "completed_on": done}
        )


CELLS = (
    (CommandCell.Level.GOLD, "Gold command", "pm"),
    (CommandCell.Level.SILVER, "Silver command centre", "chair"),
    (CommandCell.Level.BRONZE, "Bronze: service desk and floorwalkers", "desk"),
)


def _command(go_live: GoLive, wave: int, users: dict[str, User]) -> None:
    """Cells for the live and the next wave; a duty rota for go-live day; for the live wave,
    the go-live morning's sit-rep, published by the silver lead."""
    if wave > 2:
        return
    cells = {}
    for level, name, lead in CELLS:
        cells[level], _ = CommandCell.objects.get_or_create(
            go_live=go_live, level=level, name=name, defaults={"lead": users.get(lead, users["pm"])}
        )
    silver = cells[CommandCell.Level.SILVER]
    day = go_live.user_go_live_date
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0)))
    if not DutyAssignment.objects.filter(cell__go_live=go_live).exists():
        for level, role, who in (
            (CommandCell.Level.SILVER, "Incident lead", "chair"),
            (CommandCell.Level.SILVER, "Loggist", "pm"),
            (CommandCell.Level.GOLD, "Gold on call", "pm"),
        ):
            DutyAssignment.objects.create(
                cell=cells[level], user=users.get(who, users["pm"]), role=role,
                starts_at=start, ends_at=start + dt.timedelta(hours=12),
            )  # fmt: skip
    if wave == 1:
        _stand_down(silver, users)
        _step_up(go_live, users)
        sitrep = command.draft_sitrep(
            access=Access(users["pm"]), cell=silver, now=start + dt.timedelta(hours=5), hours=5
        )
        if sitrep.status == SitRep.Status.DRAFT:
            command.publish_sitrep(
                access=Access(users["chair"]), user=users["chair"], sitrep=sitrep,
                summary=sitrep.summary + "\nMost calls are smartcard log-ins; bronze has "
                "sent floorwalkers with spare cards to the busiest wards.",
            )  # fmt: skip


STAND_DOWN = (
    (StandDownCriterion.Kind.NO_P1_OPEN, "No P1 ticket open for 48 hours", 48, None),
    (StandDownCriterion.Kind.ARRIVALS_BELOW, "Fewer than 5 tickets an hour for 24 hours", 24, 5),
    (StandDownCriterion.Kind.MANUAL, "Ward managers confirm business as usual", None, None),
)


def _stand_down(silver: CommandCell, users: dict[str, User]) -> None:
    """Silver's stand-down criteria: two read from the desk, one the lead confirms."""
    if silver.stand_down_criteria.exists():
        return
    access = Access(users["pm"])
    for kind, title, hours, per_hour in STAND_DOWN:
        criterion = command.add_stand_down_criterion(
            access=access, cell=silver, kind=kind, title=title, hours=hours, per_hour=per_hour
        )
    command.tick_stand_down_criterion(
        access=access, user=users["pm"], criterion=criterion, met=False,
        note="Two wards still on paper for drug rounds; review at the 16:00 huddle.",
    )  # fmt: skip


def _step_up(go_live: GoLive, users: dict[str, User]) -> None:
    """The desk's login escalation, stepped up from silver to gold by the silver lead."""
    escalation = (
        Escalation.objects.filter(go_live=go_live, level=Escalation.Level.SILVER)
        .order_by("escalated_at")
        .first()
    )
    if escalation is None:
        return
    lead = CommandCell.objects.get(go_live=go_live, level=CommandCell.Level.SILVER).lead
    command.step_up_escalation(
        access=Access(lead), user=lead, escalation=escalation, to_level=Escalation.Level.GOLD,
        note="Log-in failures on every ward: gold to decide on pausing non-urgent clinics.",
    )  # fmt: skip


def _comms(go_live: GoLive, users: dict[str, User]) -> None:
    """The next wave's communications plan and engagement events, with attendance."""
    day = go_live.user_go_live_date
    items = (
        ("Go-live date announced", "All staff at both acute sites", CommsItem.Channel.EMAIL, -60),
        (
            "Smartcard amnesty: bring your card",
            "All clinical staff",
            CommsItem.Channel.INTRANET,
            -21,
        ),
        ("Downtime procedures briefing", "Ward managers", CommsItem.Channel.BRIEFING, -14),
        ("What changes on day one", "Every ward team", CommsItem.Channel.HUDDLE, -3),
    )
    for title, audience, channel, offset in items:
        planned = day + dt.timedelta(days=offset)
        CommsItem.objects.get_or_create(
            go_live=go_live,
            title=title,
            defaults={
                "audience": audience,
                "channel": channel,
                "planned_on": planned,
                "owner": users["pm"],
                "status": CommsItem.Status.DONE if offset <= -60 else CommsItem.Status.PLANNED,
            },
        )
    events = (
        (
            EngagementEvent.Kind.WORKSHOP,
            "EPR open workshop",
            -35,
            {"nursing": 42, "medical": 11, "ahp": 9, "admin": 17},
        ),
        (
            EngagementEvent.Kind.DROP_IN,
            "Smartcard drop-in",
            -28,
            {"nursing": 25, "medical": 6, "admin": 12},
        ),
        (
            EngagementEvent.Kind.DEMONSTRATION,
            "Ordering and results demo",
            -20,
            {"medical": 19, "nursing": 7},
        ),
    )
    for kind, title, offset, counts in events:
        event, created = EngagementEvent.objects.get_or_create(
            go_live=go_live,
            title=title,
            held_on=day + dt.timedelta(days=offset),
            defaults={"kind": kind},
        )
        if created:
            Attendance.objects.bulk_create(
                [Attendance(event=event, role_group=g, count=n) for g, n in counts.items()]
            )


@transaction.atomic
def seed_readiness_demo(*, programme: Programme, today: dt.date | None = None) -> list[str]:
    """Readiness for every go-live of the programme. Returns lines to print."""
    today = today or timezone.localdate()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["pm", "chair", "cso", "ward.manager", "trainer", "desk"]
        )
    }
    if not {"pm", "chair", "cso"} <= users.keys():
        return []
    templates = _templates(programme)
    _groups(programme, users, today)
    _hazards(programme, users, templates)
    lines = []
    # The three waves golive.demo seeds; a later wave (Wave 4, set up from Wave 2 by the
    # copy demo) keeps what the copy made, unassessed.
    waves = programme.go_lives.order_by("user_go_live_date")[:3]
    for wave, go_live in enumerate(waves, start=1):
        assessment.apply_template_set(
            access=Access(users["pm"]), go_live=go_live, template_set=TEMPLATE_SET
        )
        assessed = _assess(go_live, wave, users["pm"])
        _milestones(go_live, today)
        _gates(go_live, wave, users)
        _command(go_live, wave, users)
        if wave == 2:
            _comms(go_live, users)
        lines.append(
            f"Readiness for {go_live.name}: {go_live.criteria.count()} criteria "
            f"({assessed} newly assessed)."
        )
    return lines
