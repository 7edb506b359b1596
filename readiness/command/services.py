"""Use cases of command and control: setting up cells, their stand-down criteria and
standing down, stepping escalations up, the duty rota, and drafting and publishing sit-reps.
Each checks the user's rights again, so pages and the API share one set of rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from golive.access import Access, Capability
from golive.models import GoLive, StaffMember, User
from golive.refusals import Conflict
from readiness import people
from readiness.command import selectors
from readiness.guards import require
from readiness.models import (
    LEVEL_ORDER,
    CommandCell,
    DutyAssignment,
    EscalationStep,
    SitRep,
    StandDownCriterion,
)
from support.models import Escalation

RUN_CELL = "Only the cell's lead or a programme manager may do this."


def _check_cell(go_live: GoLive, level: str, name: str, exclude: int | None = None) -> None:
    if level not in CommandCell.Level.values:
        raise ValidationError(
            {"level": ValidationError("Choose bronze, silver or gold.", "invalid")}
        )
    same = CommandCell.objects.filter(go_live=go_live, level=level, name=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError(
            {"name": ValidationError("This go-live already has that cell.", code="duplicate")}
        )


@transaction.atomic
def create_cell(
    *, access: Access, go_live: GoLive, level: str, name: str, lead: User
) -> CommandCell:
    """Set up a bronze, silver or gold cell for the go-live period (programme managers)."""
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may set up command cells.",
    )
    name = name.strip()
    _check_cell(go_live, level, name)
    return CommandCell.objects.create(go_live=go_live, level=level, name=name, lead=lead)


@transaction.atomic
def update_cell(*, access: Access, cell: CommandCell, name: str, lead: User) -> CommandCell:
    """Rename a cell or hand it to a new lead (programme managers)."""
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=cell.go_live.programme),
        "Only a programme manager may change command cells.",
    )
    name = name.strip()
    _check_cell(cell.go_live, cell.level, name, exclude=cell.pk)
    cell.name, cell.lead = name, lead
    cell.save(update_fields=["name", "lead"])
    return cell


@transaction.atomic
def add_stand_down_criterion(
    *,
    access: Access,
    cell: CommandCell,
    kind: str,
    title: str,
    hours: int | None,
    per_hour: int | None,
) -> StandDownCriterion:
    """Add a condition for standing the cell down. Computed kinds need a number of hours
    (and arrivals a rate); a manual one is ticked later by the lead."""
    require(selectors.can_run_cell(access, cell), RUN_CELL)
    if cell.stood_down_at is not None:
        raise Conflict("This cell has already stood down.", code="stood_down")
    errors: dict[str, ValidationError] = {}
    if kind != StandDownCriterion.Kind.MANUAL and not hours:
        errors["hours"] = ValidationError("Say over how many hours.", code="required")
    if kind == StandDownCriterion.Kind.ARRIVALS_BELOW and not per_hour:
        errors["per_hour"] = ValidationError("Say the hourly rate to stay below.", "required")
    title = title.strip()
    if StandDownCriterion.objects.filter(cell=cell, title=title).exists():
        errors["title"] = ValidationError("The cell already has this criterion.", "duplicate")
    if errors:
        raise ValidationError(errors)
    manual = kind == StandDownCriterion.Kind.MANUAL
    return StandDownCriterion.objects.create(
        cell=cell, kind=kind, title=title,
        hours=None if manual else hours,
        per_hour=per_hour if kind == StandDownCriterion.Kind.ARRIVALS_BELOW else None,
    )  # fmt: skip


@transaction.atomic
def tick_stand_down_criterion(
    *, access: Access, user: User, criterion: StandDownCriterion, met: bool, note: str
) -> StandDownCriterion:
    """The lead confirms (or withdraws) a manual criterion, saying why."""
    require(selectors.can_run_cell(access, criterion.cell), RUN_CELL)
    if criterion.is_computed:
        raise ValidationError(
            "This criterion is read from live figures and cannot be ticked.", code="computed"
        )
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError("Say what confirms it (or why not).", code="required")}
        )
    criterion.met, criterion.note = met, note
    criterion.ticked_by, criterion.ticked_at = user, timezone.now()
    criterion.save(update_fields=["met", "note", "ticked_by", "ticked_at"])
    return criterion


@transaction.atomic
def stand_down_cell(
    *, access: Access, user: User, cell: CommandCell, override_reason: str, now: dt.datetime
) -> CommandCell:
    """Stand the cell down, recording who and when. Refused (code ``criteria_unmet``) while
    any stand-down criterion is unmet, unless ``override_reason`` says why; the reason is
    kept. The cell row is locked, so it stands down once."""
    cell = (
        CommandCell.objects.select_for_update().select_related("go_live__programme").get(pk=cell.pk)
    )
    require(selectors.can_run_cell(access, cell), RUN_CELL)
    if cell.stood_down_at is not None:
        raise Conflict("This cell has already stood down.", code="stood_down")
    states = selectors.stand_down_states(cell, now=now)
    reason = override_reason.strip()
    if not selectors.stand_down_met(states) and not reason:
        unmet = "; ".join(s.criterion.title for s in states if not s.met) or "none are set"
        raise ValidationError(
            f"The stand-down criteria are not met ({unmet}). Give a reason to stand down anyway.",
            code="criteria_unmet",
        )
    cell.stood_down_at, cell.stood_down_by = now, user
    cell.stand_down_override = "" if selectors.stand_down_met(states) else reason
    cell.save(update_fields=["stood_down_at", "stood_down_by", "stand_down_override"])
    return cell


@transaction.atomic
def step_up_escalation(
    *, access: Access, user: User, escalation: Escalation, to_level: str, note: str
) -> EscalationStep:
    """Step an escalation up one level (bronze → silver → gold), recording who, when and
    why. Never down, never twice to a level: the escalation row is locked, so of two
    step-ups at once one succeeds and the other is refused with code ``already_at_level``."""
    escalation = (
        Escalation.objects.select_for_update()
        .select_related("go_live__programme")
        .get(pk=escalation.pk)
    )
    require(not access.is_read_only, "Read-only users cannot step escalations up.")
    order = [str(level) for level in LEVEL_ORDER]
    if to_level not in order:
        raise ValidationError({"to_level": ValidationError("Choose a level.", "invalid")})
    current, target = order.index(escalation.level), order.index(to_level)
    if target <= current:
        raise Conflict(
            f"This escalation is already at {escalation.get_level_display().lower()}; it can "
            "only go up.",
            code="already_at_level",
        )
    if target != current + 1:
        raise ValidationError(
            f"Step up to {order[current + 1]} first: escalations go one level at a time.",
            code="skips_level",
        )
    # Checked after the level, so the loser of a race hears it is already there.
    require(
        selectors.can_step_up(access, escalation),
        "Only a programme manager or the lead of the cell holding it may step it up.",
    )
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": ValidationError("Say why it needs the next level.", code="required")}
        )
    step = EscalationStep.objects.create(
        escalation=escalation, from_level=escalation.level, to_level=to_level,
        stepped_by=user, stepped_at=timezone.now(), note=note,
    )  # fmt: skip
    escalation.level = to_level
    escalation.save(update_fields=["level"])
    return step


@transaction.atomic
def assign_duty(
    *,
    access: Access,
    cell: CommandCell,
    role: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    user: User | None = None,
    staff: StaffMember | None = None,
) -> DutyAssignment:
    """Put one person on the rota: a user or, for someone without an account, a staff
    member the user may see (``staff``)."""
    require(selectors.can_run_cell(access, cell), RUN_CELL)
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": ValidationError("The duty must end after it starts.", code="order")}
        )
    people.one_person(user, staff, "user")
    people.check_staff(access, staff, cell.go_live.programme, "user")
    return DutyAssignment.objects.create(
        cell=cell, user=user, staff=staff, role=role.strip(), starts_at=starts_at, ends_at=ends_at
    )


def draft_summary(figures: dict[str, Any]) -> str:
    """Plain sentences from the figures, for the cell lead to edit before publishing."""
    opened: dict[str, int] = figures["tickets_opened"]
    resolved: dict[str, int] = figures["tickets_resolved"]
    top = ", ".join(f"{name} {count}" for name, count in list(opened.items())[:3])
    lines = [
        f"Tickets: {sum(opened.values())} opened ({top or 'none'}), "
        f"{sum(resolved.values())} resolved; {figures['tickets_open_now']} open now.",
    ]
    if figures["top_issues"]:
        issues = "; ".join(
            f"{i['title']} ({i['open_tickets']} open)" for i in figures["top_issues"]
        )
        lines.append(f"Top issues: {issues}.")
    red = len(figures["readiness_exceptions"])
    lines.append(f"Readiness exceptions: {red} red {'criterion' if red == 1 else 'criteria'}.")
    coverage = figures["coverage"]
    lines.append(
        f"Champion cover: {coverage['shifts_with_gaps']} of {coverage['shifts']} shifts with "
        f"gaps ({coverage['supporters_missing']} supporters short)."
    )
    lines.append(f"Escalations: {len(figures['escalations'])}.")
    alerts = figures.get("training_alerts") or []
    if alerts:
        lines.append(f"Training alerts: {' '.join(alerts)}")
    adoption = figures.get("adoption")
    if adoption:
        # The latest day may be the first with data: then there is no week to compare with.
        previous = adoption["previous_mean"]
        before = (
            "no data for the previous 7 days"
            if previous is None
            else f"previous 7 days: {previous} a day"
        )
        users = adoption["active_users"]
        lines.append(
            f"Adoption: {users} EPR user{'' if users == 1 else 's'} active on "
            f"{adoption['day']} ({before})."
        )
    return "\n".join(lines)


@transaction.atomic
def draft_sitrep(*, access: Access, cell: CommandCell, now: dt.datetime, hours: int = 4) -> SitRep:
    """Draft the sit-rep for the ``hours`` ending at ``now`` from live figures. Idempotent
    per cell and period end: drafting the same period again returns the existing one."""
    require(selectors.can_write_sitreps(access, cell), RUN_CELL)
    return draft_sitrep_for_period(cell=cell, now=now, hours=hours)


@transaction.atomic
def draft_sitrep_for_period(*, cell: CommandCell, now: dt.datetime, hours: int) -> SitRep:
    """The drafting itself, for a person (``draft_sitrep`` checks who) or the schedule."""
    if not 1 <= hours <= 24:
        raise ValidationError("A sit-rep covers 1 to 24 hours.", code="period")
    # One draft per cell and period end, even if the schedule and a person ask at once.
    CommandCell.objects.select_for_update().filter(pk=cell.pk).first()
    existing = SitRep.objects.filter(cell=cell, period_end=now).first()
    if existing is not None:
        return existing
    start = now - dt.timedelta(hours=hours)
    figures = selectors.sitrep_figures(cell.go_live, start=start, end=now)
    return SitRep.objects.create(
        cell=cell,
        period_start=start,
        period_end=now,
        figures=figures,
        summary=draft_summary(figures),
        drafted_at=timezone.now(),
    )


@transaction.atomic
def publish_sitrep(*, access: Access, user: User, sitrep: SitRep, summary: str) -> SitRep:
    """The cell lead edits and publishes a draft; a published sit-rep is not changed. An
    executive leads (and so publishes for) a gold cell only."""
    sitrep = SitRep.objects.select_for_update().select_related("cell__go_live").get(pk=sitrep.pk)
    is_lead = user.pk == sitrep.cell.lead_id and selectors.can_write_sitreps(access, sitrep.cell)
    if not is_lead and not access.is_superuser:
        raise PermissionDenied("Only the cell's lead may publish its sit-reps.")
    if sitrep.status == SitRep.Status.PUBLISHED:
        raise Conflict("This sit-rep has already been published.", code="published")
    if not summary.strip():
        raise ValidationError(
            {"summary": ValidationError("Write the summary to publish.", code="required")}
        )
    sitrep.summary = summary.strip()
    sitrep.status = SitRep.Status.PUBLISHED
    sitrep.published_at = timezone.now()
    sitrep.published_by = user
    sitrep.save(update_fields=["summary", "status", "published_at", "published_by"])
    return sitrep
