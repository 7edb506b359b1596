"""Use cases that change readiness data. Each checks the user's rights again, so pages and
the API share one set of rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from golive.access import Access, Capability
from golive.identifiers import remove_nhs_numbers
from golive.models import Area, GoLive, Programme, Role, User
from readiness import selectors
from readiness.models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    LEVEL_ORDER,
    Action,
    Attendance,
    CommandCell,
    CommsItem,
    Criterion,
    CriterionTemplate,
    Decision,
    DutyAssignment,
    EngagementEvent,
    EscalationStep,
    EvidencePack,
    Gate,
    GateSignatory,
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


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _scrub(text: str) -> str:
    """Free text people type can carry an NHS number; none is stored (as the desk does)."""
    return remove_nhs_numbers(text.strip())


# Groups, meetings and actions.


@transaction.atomic
def create_group(
    *,
    access: Access,
    programme: Programme,
    name: str,
    domains: Sequence[str],
    clinical_chair: User,
    operational_chair: User,
    members: Sequence[User],
    cadence: str,
) -> ReadinessGroup:
    """Create a readiness group (programme managers only)."""
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=programme),
        "Only a programme manager may set up readiness groups.",
    )
    if clinical_chair == operational_chair:
        raise ValidationError(
            "The clinical and operational co-chairs must be different people.", code="same_chair"
        )
    if ReadinessGroup.objects.filter(programme=programme, name=name).exists():
        raise ValidationError("A readiness group with this name already exists.", code="duplicate")
    group = ReadinessGroup.objects.create(
        programme=programme,
        name=name,
        domains=list(domains),
        clinical_chair=clinical_chair,
        operational_chair=operational_chair,
        cadence=cadence,
    )
    group.members.set(members)
    return group


@transaction.atomic
def record_meeting(
    *, access: Access, group: ReadinessGroup, held_on: dt.date, notes: str, decisions: Sequence[str]
) -> Meeting:
    """Record a meeting and its decisions (one per non-empty line)."""
    _require(selectors.can_manage_group(access, group), "Only the group's co-chairs may do this.")
    meeting = Meeting.objects.create(group=group, held_on=held_on, notes=_scrub(notes))
    Decision.objects.bulk_create(
        [Decision(meeting=meeting, text=_scrub(text)) for text in decisions if text.strip()]
    )
    return meeting


@transaction.atomic
def add_action(
    *,
    access: Access,
    group: ReadinessGroup,
    description: str,
    owner: User,
    due_on: dt.date,
    meeting: Meeting | None = None,
) -> Action:
    _require(selectors.can_manage_group(access, group), "Only the group's co-chairs may do this.")
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError("That meeting belongs to another group.", code="other_group")
    return Action.objects.create(
        group=group, meeting=meeting, description=_scrub(description), owner=owner, due_on=due_on
    )


@transaction.atomic
def set_action_status(*, access: Access, user: User, action: Action, status: str) -> Action:
    """The owner or the group's co-chairs close or reopen an action."""
    _require(
        action.owner_id == user.pk or selectors.can_manage_group(access, action.group),
        "Only the action's owner or the group's co-chairs may change it.",
    )
    action.status = status
    action.save(update_fields=["status"])
    return action


# Criteria.


@transaction.atomic
def apply_template_set(*, access: Access, go_live: GoLive, template_set: str) -> int:
    """Create one criterion per template of the set and area of the go-live. Idempotent:
    criteria that exist are left as they are. Returns how many were created."""
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may apply criteria.",
    )
    # Lock the go-live so two applies of the same set queue rather than collide.
    GoLive.objects.select_for_update().filter(pk=go_live.pk).first()
    templates = list(
        CriterionTemplate.objects.filter(programme=go_live.programme, template_set=template_set)
    )
    if not templates:
        raise ValidationError("There is no template set with that name.", code="no_templates")
    areas = list(go_live.areas.all())
    existing = set(Criterion.objects.filter(go_live=go_live).values_list("area_id", "template_id"))
    new = [
        Criterion(go_live=go_live, area=area, template=template)
        for area in areas
        for template in templates
        if (area.pk, template.pk) not in existing
    ]
    bulk_create_with_history(new, Criterion)
    return len(new)


def _check_evidence_file(upload: UploadedFile) -> None:
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        allowed = ", ".join(sorted(EVIDENCE_EXTENSIONS))
        raise ValidationError(
            f"Evidence must be one of these file types: {allowed}.", code="file_type"
        )
    if (upload.size or 0) > EVIDENCE_MAX_BYTES:
        raise ValidationError("Evidence files must be 10 MB or smaller.", code="file_size")


@transaction.atomic
def update_criterion(
    *,
    access: Access,
    user: User,
    criterion: Criterion,
    rag: str,
    comment: str,
    evidence_link: str,
    evidence_file: UploadedFile | None,
    owner: User | None,
) -> Criterion:
    """Record a manual criterion's assessment. Green needs evidence (a link or a file).
    History keeps every earlier version."""
    chaired = selectors.chaired_domains(user, criterion.go_live.programme)
    _require(
        selectors.can_edit_criterion(access, criterion, chaired),
        "You may not update this criterion: it is outside your areas or domains.",
    )
    if criterion.template.is_computed:
        raise ValidationError(
            "This criterion is computed from live figures and cannot be set by hand.",
            code="computed",
        )
    if evidence_file is not None:
        _check_evidence_file(evidence_file)
    has_evidence = bool(evidence_link or evidence_file or criterion.evidence_file)
    if rag == Rag.GREEN and not has_evidence:
        raise ValidationError(
            {
                "evidence_link": ValidationError(
                    "Add evidence (a link or a file) to mark this green.", code="evidence_required"
                )
            }
        )
    criterion.rag = rag
    criterion.comment = _scrub(comment)
    criterion.evidence_link = evidence_link
    criterion.owner = owner
    fields = ["rag", "comment", "evidence_link", "owner", "updated_at", "updated_by"]
    if evidence_file is not None:
        criterion.evidence_file_name = PurePath(evidence_file.name or "evidence").name[:200]
        criterion.evidence_file.save(evidence_file.name or "evidence", evidence_file, save=False)
        fields += ["evidence_file", "evidence_file_name"]
    criterion.updated_at = timezone.now()
    criterion.updated_by = user
    criterion.save(update_fields=fields)
    return criterion


# Gates.


@transaction.atomic
def create_gate(
    *, access: Access, go_live: GoLive, name: str, days_before: int, required_roles: Sequence[str]
) -> Gate:
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may set up gates.",
    )
    if not required_roles:
        raise ValidationError("Choose at least one required sign-off.", code="no_roles")
    if Gate.objects.filter(go_live=go_live, name=name).exists():
        raise ValidationError("This go-live already has a gate with that name.", code="duplicate")
    return Gate.objects.create(
        go_live=go_live, name=name, days_before=days_before, required_roles=list(required_roles)
    )


def _decision(verdicts: Sequence[str]) -> str:
    if Verdict.NO_GO in verdicts:
        return Verdict.NO_GO
    if Verdict.GO_WITH_CONDITIONS in verdicts:
        return Verdict.GO_WITH_CONDITIONS
    return Verdict.GO


def freeze_evidence(gate: Gate, *, now: dt.datetime) -> EvidencePack:
    snapshot = selectors.evidence_snapshot(gate.go_live, today=timezone.localdate(now))
    snapshot["gate"] = {
        "name": gate.name,
        "decision": gate.decision,
        "sign_offs": [
            {
                "role": s.get_role_display(),
                "verdict": s.get_verdict_display(),
                "note": s.note,
                "signed_by": s.signed_by.display_name,
                "signed_at": s.signed_at.isoformat(),
            }
            for s in gate.sign_offs.select_related("signed_by")
        ],
    }
    text = json.dumps(snapshot, sort_keys=True)
    return EvidencePack.objects.create(
        gate=gate,
        frozen_at=now,
        snapshot=snapshot,
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


@transaction.atomic
def sign_off_gate(
    *, access: Access, user: User, gate: Gate, role: str, verdict: str, note: str
) -> SignOff:
    """Sign off one required role of a gate. The gate row is locked, so concurrent
    sign-offs queue: each role is signed once, and the last required one decides the gate
    and freezes its evidence pack, exactly once."""
    gate = Gate.objects.select_for_update().select_related("go_live__programme").get(pk=gate.pk)
    # A gate decides for every area of the go-live: an area-limited grant is not enough.
    _require(
        access.has_programme_wide(Capability.SIGN_OFF_GATES, gate.go_live.programme),
        "Only someone who signs off for the whole programme may sign off its gates.",
    )
    programme = gate.go_live.programme
    if role == SignOffRole.CSO and not access.has_role(Role.CLINICAL_SAFETY_OFFICER, programme):
        raise PermissionDenied("Only a clinical safety officer may give the CSO sign-off.")
    if gate.is_decided:
        raise ValidationError("This gate has already been decided.", code="decided")
    if role not in gate.required_roles:
        raise ValidationError("This gate does not need that sign-off.", code="not_required")
    if verdict != Verdict.GO and not note.strip():
        raise ValidationError(
            {
                "note": ValidationError(
                    "Say what the conditions or the reasons are.", code="note_required"
                )
            }
        )
    named = {s.user_id: s.user for s in gate.signatories.filter(role=role).select_related("user")}
    if named and user.pk not in named:
        people = ", ".join(sorted(person.display_name for person in named.values()))
        raise PermissionDenied(
            f"Only the named signatory for {SignOffRole(role).label} may sign it: {people}."
        )
    if gate.sign_offs.filter(role=role).exists():
        raise ValidationError("This role has already signed off.", code="already_signed")
    now = timezone.now()
    sign_off = SignOff.objects.create(
        gate=gate, role=role, verdict=verdict, note=_scrub(note), signed_by=user, signed_at=now
    )
    verdicts = dict(gate.sign_offs.values_list("role", "verdict"))
    if all(required in verdicts for required in gate.required_roles):
        gate.decision = _decision(list(verdicts.values()))
        gate.decided_at = now
        gate.save(update_fields=["decision", "decided_at"])
        freeze_evidence(gate, now=now)
    return sign_off


@transaction.atomic
def name_signatories(
    *, access: Access, gate: Gate, role: str, users: Sequence[User]
) -> list[GateSignatory]:
    """Name who gives one required sign-off of a gate (replacing anyone named before; an
    empty list opens the role to any programme-wide signatory again). Each person must sign
    off for the whole programme; the CSO sign-off needs the CSO role. One person may be named
    for several roles."""
    gate = Gate.objects.select_for_update().select_related("go_live__programme").get(pk=gate.pk)
    programme = gate.go_live.programme
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=programme),
        "Only a programme manager may name a gate's signatories.",
    )
    if gate.is_decided:
        raise ValidationError("This gate has already been decided.", code="decided")
    if role not in gate.required_roles:
        raise ValidationError(
            {"role": ValidationError("This gate does not need that sign-off.", "not_required")}
        )
    for person in users:
        person_access = Access(person)
        if not person_access.has_programme_wide(Capability.SIGN_OFF_GATES, programme):
            raise ValidationError(
                {
                    "users": ValidationError(
                        f"{person.display_name} does not sign off for the whole programme.",
                        code="not_a_signatory",
                    )
                }
            )
        if role == SignOffRole.CSO and not person_access.has_role(
            Role.CLINICAL_SAFETY_OFFICER, programme
        ):
            raise ValidationError(
                {
                    "users": ValidationError(
                        f"{person.display_name} is not a clinical safety officer on this "
                        "programme.",
                        code="not_cso",
                    )
                }
            )
    GateSignatory.objects.filter(gate=gate, role=role).delete()
    return GateSignatory.objects.bulk_create(
        [GateSignatory(gate=gate, role=role, user=person) for person in dict.fromkeys(users)]
    )


# Hazards.

HAZARD_TEXT_FIELDS = frozenset({"title", "cause", "effect", "controls"})


@transaction.atomic
def save_hazard(
    *,
    access: Access,
    programme: Programme,
    hazard: Hazard | None,
    fields: dict[str, object],
    criteria: Sequence[CriterionTemplate],
    expected_version: int | None = None,
) -> Hazard:
    """Create or edit a hazard. An edit raises the version and clears an earlier CSO
    sign-off: what was signed has changed. ``expected_version`` is the version the editor
    saw; an edit over someone else's newer one is refused (code ``stale``)."""
    _require(
        access.has(Capability.MANAGE_HAZARDS, programme=programme),
        "Only a clinical safety officer may edit the hazard log.",
    )
    if hazard is None:
        # Lock the programme row: two new hazards must not both take the next number.
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        last = Hazard.objects.filter(programme=programme).order_by("-number").first()
        hazard = Hazard(programme=programme, number=(last.number + 1) if last else 1)
    else:
        # The row lock orders this edit against a sign-off of the same hazard.
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        if expected_version is not None and expected_version != hazard.version:
            raise ValidationError(
                f"{hazard.reference} was changed by someone else (it is now version "
                f"{hazard.version}). Reload it and make your change again.",
                code="stale",
            )
        hazard.version += 1
    for name, value in fields.items():
        text = name in HAZARD_TEXT_FIELDS and isinstance(value, str)
        setattr(hazard, name, _scrub(str(value)) if text else value)
    hazard.cso_signed_off_by = None
    hazard.cso_signed_off_at = None
    hazard.cso_signed_version = None
    hazard.full_clean(exclude=["criteria"])
    hazard.save()
    hazard.criteria.set(criteria)
    return hazard


@transaction.atomic
def sign_off_hazard(*, access: Access, user: User, hazard: Hazard, version: int) -> Hazard:
    """The CSO signs off ``version``, the one they read. The row is locked, so an edit
    landing at the same moment either comes first (and this is refused as ``stale``) or
    after (and clears this sign-off): nobody signs a version they did not see."""
    if not access.has_role(Role.CLINICAL_SAFETY_OFFICER, hazard.programme) or not access.has(
        Capability.MANAGE_HAZARDS, programme=hazard.programme
    ):
        raise PermissionDenied("Only a clinical safety officer may sign off a hazard.")
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.version != version:
        raise ValidationError(
            f"{hazard.reference} has changed since you read it (version {version}; it is now "
            f"version {hazard.version}). Review it and sign off again.",
            code="stale",
        )
    hazard.cso_signed_off_by = user
    hazard.cso_signed_off_at = timezone.now()
    hazard.cso_signed_version = version
    hazard.save(update_fields=["cso_signed_off_by", "cso_signed_off_at", "cso_signed_version"])
    return hazard


@transaction.atomic
def link_ticket(*, access: Access, user: User, hazard: Hazard, ticket: Ticket) -> HazardTicket:
    _require(
        access.has(Capability.MANAGE_HAZARDS, programme=hazard.programme),
        "Only a clinical safety officer may link tickets to hazards.",
    )
    if ticket.go_live.programme_id != hazard.programme_id:
        raise ValidationError("That ticket belongs to another programme.", code="other_programme")
    link, _ = HazardTicket.objects.get_or_create(
        hazard=hazard, ticket=ticket, defaults={"linked_by": user, "linked_at": timezone.now()}
    )
    return link


# Milestones.


@transaction.atomic
def add_milestone(
    *, access: Access, go_live: GoLive, name: str, kind: str, due_on: dt.date
) -> Milestone:
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may plan milestones.",
    )
    if Milestone.objects.filter(go_live=go_live, name=name).exists():
        raise ValidationError(
            "This go-live already has a milestone with that name.", code="duplicate"
        )
    return Milestone.objects.create(go_live=go_live, name=_scrub(name), kind=kind, due_on=due_on)


@transaction.atomic
def update_milestone(
    *,
    access: Access,
    milestone: Milestone,
    name: str,
    kind: str,
    due_on: dt.date,
    completed_on: dt.date | None,
) -> Milestone:
    """Rename, re-date or complete a milestone (programme managers only)."""
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=milestone.go_live.programme),
        "Only a programme manager may update milestones.",
    )
    name = _scrub(name)
    if (
        Milestone.objects.filter(go_live=milestone.go_live_id, name=name)
        .exclude(pk=milestone.pk)
        .exists()
    ):
        raise ValidationError(
            {"name": ValidationError("This go-live already has a milestone with that name.",
                                     code="duplicate")}
        )  # fmt: skip
    milestone.name, milestone.kind, milestone.due_on = name, kind, due_on
    milestone.completed_on = completed_on
    milestone.save(update_fields=["name", "kind", "due_on", "completed_on"])
    return milestone


@transaction.atomic
def complete_milestone(*, access: Access, milestone: Milestone, on: dt.date) -> Milestone:
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=milestone.go_live.programme),
        "Only a programme manager may update milestones.",
    )
    milestone.completed_on = on
    milestone.save(update_fields=["completed_on"])
    return milestone


# Command and control.


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
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may set up command cells.",
    )
    name = _scrub(name)
    _check_cell(go_live, level, name)
    return CommandCell.objects.create(go_live=go_live, level=level, name=name, lead=lead)


@transaction.atomic
def update_cell(*, access: Access, cell: CommandCell, name: str, lead: User) -> CommandCell:
    """Rename a cell or hand it to a new lead (programme managers)."""
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=cell.go_live.programme),
        "Only a programme manager may change command cells.",
    )
    name = _scrub(name)
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
    _require(selectors.can_run_cell(access, cell), RUN_CELL)
    if cell.stood_down_at is not None:
        raise ValidationError("This cell has already stood down.", code="stood_down")
    errors: dict[str, ValidationError] = {}
    if kind != StandDownCriterion.Kind.MANUAL and not hours:
        errors["hours"] = ValidationError("Say over how many hours.", code="required")
    if kind == StandDownCriterion.Kind.ARRIVALS_BELOW and not per_hour:
        errors["per_hour"] = ValidationError("Say the hourly rate to stay below.", "required")
    title = _scrub(title)
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
    _require(selectors.can_run_cell(access, criterion.cell), RUN_CELL)
    if criterion.is_computed:
        raise ValidationError(
            "This criterion is read from live figures and cannot be ticked.", code="computed"
        )
    note = _scrub(note)
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
    _require(selectors.can_run_cell(access, cell), RUN_CELL)
    if cell.stood_down_at is not None:
        raise ValidationError("This cell has already stood down.", code="stood_down")
    states = selectors.stand_down_states(cell, now=now)
    reason = _scrub(override_reason)
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
    _require(not access.is_read_only, "Read-only users cannot step escalations up.")
    order = [str(level) for level in LEVEL_ORDER]
    if to_level not in order:
        raise ValidationError({"to_level": ValidationError("Choose a level.", "invalid")})
    current, target = order.index(escalation.level), order.index(to_level)
    if target <= current:
        raise ValidationError(
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
    _require(
        selectors.can_step_up(access, escalation),
        "Only a programme manager or the lead of the cell holding it may step it up.",
    )
    note = _scrub(note)
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
    user: User,
    role: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> DutyAssignment:
    _require(selectors.can_run_cell(access, cell), RUN_CELL)
    if ends_at <= starts_at:
        raise ValidationError(
            {"ends_at": ValidationError("The duty must end after it starts.", code="order")}
        )
    return DutyAssignment.objects.create(
        cell=cell, user=user, role=_scrub(role), starts_at=starts_at, ends_at=ends_at
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
    lines.append(f"Readiness exceptions: {len(figures['readiness_exceptions'])} red criteria.")
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
        lines.append(
            f"Adoption: {adoption['active_users']} EPR users active on {adoption['day']} "
            f"(previous 7 days: {adoption['previous_mean']} a day)."
        )
    return "\n".join(lines)


@transaction.atomic
def draft_sitrep(*, access: Access, cell: CommandCell, now: dt.datetime, hours: int = 4) -> SitRep:
    """Draft the sit-rep for the ``hours`` ending at ``now`` from live figures. Idempotent
    per cell and period end: drafting the same period again returns the existing one."""
    _require(selectors.can_write_sitreps(access, cell), RUN_CELL)
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
        raise ValidationError("This sit-rep has already been published.", code="published")
    if not summary.strip():
        raise ValidationError(
            {"summary": ValidationError("Write the summary to publish.", code="required")}
        )
    sitrep.summary = _scrub(summary)
    sitrep.status = SitRep.Status.PUBLISHED
    sitrep.published_at = timezone.now()
    sitrep.published_by = user
    sitrep.save(update_fields=["summary", "status", "published_at", "published_by"])
    return sitrep


# Communications and engagement.


def _require_planner(access: Access, go_live: GoLive) -> None:
    _require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may change the communications plan.",
    )


@transaction.atomic
def add_comms_item(
    *,
    access: Access,
    go_live: GoLive,
    title: str,
    audience: str,
    channel: str,
    planned_on: dt.date,
    owner: User,
) -> CommsItem:
    _require_planner(access, go_live)
    title = _scrub(title)
    if CommsItem.objects.filter(go_live=go_live, title=title).exists():
        raise ValidationError(
            {
                "title": ValidationError(
                    "The plan already has an item with this title.", code="duplicate"
                )
            }
        )
    return CommsItem.objects.create(
        go_live=go_live, title=title, audience=_scrub(audience), channel=channel,
        planned_on=planned_on, owner=owner,
    )  # fmt: skip


@transaction.atomic
def update_comms_item(
    *,
    access: Access,
    item: CommsItem,
    title: str,
    audience: str,
    channel: str,
    planned_on: dt.date,
    owner: User,
    status: str,
) -> CommsItem:
    """Change any part of a communications plan item (programme managers)."""
    _require_planner(access, item.go_live)
    title = _scrub(title)
    if CommsItem.objects.filter(go_live=item.go_live_id, title=title).exclude(pk=item.pk).exists():
        raise ValidationError(
            {"title": ValidationError("The plan already has an item with this title.", "duplicate")}
        )
    item.title, item.audience, item.channel = title, _scrub(audience), channel
    item.planned_on, item.owner, item.status = planned_on, owner, status
    item.save(update_fields=["title", "audience", "channel", "planned_on", "owner", "status"])
    return item


@transaction.atomic
def set_comms_status(*, access: Access, item: CommsItem, status: str) -> CommsItem:
    _require_planner(access, item.go_live)
    item.status = status
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def add_engagement_event(
    *,
    access: Access,
    go_live: GoLive,
    kind: str,
    title: str,
    held_on: dt.date,
    area: Area | None,
) -> EngagementEvent:
    _require_planner(access, go_live)
    title = _scrub(title)
    if area is not None and not go_live.areas.filter(pk=area.pk).exists():
        raise ValidationError(
            {"area": ValidationError("Choose an area of this go-live.", code="area_not_in_scope")}
        )
    if EngagementEvent.objects.filter(go_live=go_live, title=title, held_on=held_on).exists():
        raise ValidationError(
            {"title": ValidationError("This event is already recorded.", code="duplicate")}
        )
    return EngagementEvent.objects.create(
        go_live=go_live, kind=kind, title=title, held_on=held_on, area=area
    )


@transaction.atomic
def record_attendance(
    *, access: Access, event: EngagementEvent, role_group: str, count: int
) -> Attendance:
    """Set how many of a staff group came (recording it again replaces the count)."""
    _require_planner(access, event.go_live)
    row, _ = Attendance.objects.update_or_create(
        event=event, role_group=role_group, defaults={"count": count}
    )
    return row
