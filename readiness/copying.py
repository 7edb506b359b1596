"""What a new go-live takes from a previous one's readiness set-up (``golive.copying``): the
criteria template sets applied to it, its gates with their named signatories, its milestones
at the same offsets from the user go-live, its command cells with their stand-down criteria
and duty rota, and its communications plan.

Nothing that happened is copied: no assessments (criteria start not assessed), no sign-offs
or decisions, no evidence packs, no ticked stand-down criteria, no sit-reps, no escalations
or their steps. The hazard log and readiness groups are the programme's, shared already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from functools import partial

from golive.access import Access, Capability
from golive.copying import (
    CopyStep,
    Planned,
    TargetPlan,
    create_missing,
    missing,
    register_copy_step,
    relative_day,
    shift_datetime,
)
from golive.models import Area, GoLive, Role
from readiness.assessment import services as assessment
from readiness.models import (
    CommandCell,
    CommsItem,
    Criterion,
    CriterionTemplate,
    DutyAssignment,
    Gate,
    GateSignatory,
    Milestone,
    SignOffRole,
    StandDownCriterion,
)

# Criteria: the source's template sets, applied to the target's areas.


def _made_by_service(target: GoLive) -> None:
    """Criteria are created together by the template-set service (see ``apply_criteria``)."""


def _template_sets(source: GoLive) -> list[str]:
    return sorted(
        set(
            Criterion.objects.filter(go_live=source).values_list(
                "template__template_set", flat=True
            )
        )
    )


def _criteria_wanted(source: GoLive, areas: tuple[Area, ...] | list[Area]) -> list[Planned]:
    templates = CriterionTemplate.objects.filter(
        programme_id=source.programme_id, template_set__in=_template_sets(source)
    ).order_by("template_set", "domain", "title", "pk")
    ordered = sorted(areas, key=lambda area: (area.site.name, area.name, area.pk))
    return [
        Planned(
            key=(area.pk, template.pk),
            label=f"{template.title} – {area.name} ({template.template_set})",
            create=_made_by_service,
        )
        for template in templates
        for area in ordered
    ]


def _criteria_existing(target: GoLive | None) -> set[Hashable]:
    if target is None:
        return set()
    return set(Criterion.objects.filter(go_live=target).values_list("area_id", "template_id"))


def plan_criteria(source: GoLive, plan: TargetPlan) -> list[str]:
    wanted = _criteria_wanted(source, plan.areas)
    return [item.label for item in missing(wanted, _criteria_existing(plan.existing))]


def apply_criteria(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    """Apply each template set through the readiness service (idempotent), then give each new
    criterion the owner its area had in the source, where it had one."""
    before = _criteria_existing(target)
    wanted = missing(_criteria_wanted(source, list(target.areas.select_related("site"))), before)
    for template_set in _template_sets(source):
        assessment.apply_template_set(access=access, go_live=target, template_set=template_set)
    owners = {
        (area_id, template_id): owner_id
        for area_id, template_id, owner_id in Criterion.objects.filter(
            go_live=source, owner__isnull=False
        ).values_list("area_id", "template_id", "owner_id")
    }
    for criterion in Criterion.objects.filter(go_live=target, owner__isnull=True):
        owner_id = owners.get((criterion.area_id, criterion.template_id))
        if owner_id is not None and (criterion.area_id, criterion.template_id) not in before:
            criterion.owner_id = owner_id
            criterion.save(update_fields=["owner"])
    return [item.label for item in wanted]


# Gates and their named signatories.


def _may_sign(user_id: int, role: str, gate: Gate, people: dict[int, Access]) -> bool:
    """Whether the person may still be named for ``role`` (as ``name_signatories`` checks)."""
    access = people[user_id]
    programme = gate.go_live.programme
    if not access.has_programme_wide(Capability.SIGN_OFF_GATES, programme):
        return False
    return role != SignOffRole.CSO or access.has_role(Role.CLINICAL_SAFETY_OFFICER, programme)


def _create_gate(target: GoLive, *, gate: Gate) -> Gate:
    return Gate.objects.create(
        go_live=target,
        name=gate.name,
        days_before=gate.days_before,
        required_roles=list(gate.required_roles),
    )


def _create_signatory(target: GoLive, *, gate: Gate, row: GateSignatory) -> GateSignatory:
    return GateSignatory.objects.create(
        gate=Gate.objects.get(go_live=target, name=gate.name), role=row.role, user_id=row.user_id
    )


def _gates_wanted(source: GoLive) -> list[Planned]:
    wanted: list[Planned] = []
    gates = Gate.objects.filter(go_live=source).select_related("go_live__programme")
    signatories = GateSignatory.objects.filter(gate__go_live=source).select_related("user")
    people = {row.user_id: Access(row.user) for row in signatories}
    for gate in gates.order_by("-days_before", "name"):
        roles = ", ".join(label for _, label in gate.required_role_labels())
        wanted.append(
            Planned(
                key=("gate", gate.name),
                label=f"Gate {gate.name}: {gate.days_before} days before go-live; "
                f"signed off by {roles}",
                create=partial(_create_gate, gate=gate),
            )
        )
        for row in signatories:
            if row.gate_id != gate.pk or not _may_sign(row.user_id, row.role, gate, people):
                continue
            wanted.append(
                Planned(
                    key=("signatory", gate.name, row.role, row.user_id),
                    label=f"Gate {gate.name} signatory: {row.get_role_display()} – "
                    f"{row.user.display_name}",
                    create=partial(_create_signatory, gate=gate, row=row),
                )
            )
    return wanted


def _gates_existing(target: GoLive | None) -> set[Hashable]:
    if target is None:
        return set()
    keys: set[Hashable] = {
        ("gate", name)
        for name in Gate.objects.filter(go_live=target).values_list("name", flat=True)
    }
    keys |= {
        ("signatory", name, role, user_id)
        for name, role, user_id in GateSignatory.objects.filter(gate__go_live=target).values_list(
            "gate__name", "role", "user_id"
        )
    }
    return keys


def plan_gates(source: GoLive, plan: TargetPlan) -> list[str]:
    return [item.label for item in missing(_gates_wanted(source), _gates_existing(plan.existing))]


def apply_gates(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    return create_missing(_gates_wanted(source), _gates_existing(target), target)


# Milestones, at the same offsets from the user go-live.


def _create_milestone(target: GoLive, *, milestone: Milestone, due: dt.date) -> Milestone:
    return Milestone.objects.create(
        go_live=target, name=milestone.name, kind=milestone.kind, due_on=due
    )


def _milestones_wanted(source: GoLive, plan: TargetPlan) -> list[Planned]:
    wanted = []
    for milestone in Milestone.objects.filter(go_live=source).order_by("due_on", "name"):
        due = plan.shift(milestone.due_on)
        wanted.append(
            Planned(
                key=milestone.name,
                label=f"{milestone.name}: {relative_day(due, plan.user_go_live_date)}",
                create=partial(_create_milestone, milestone=milestone, due=due),
            )
        )
    return wanted


def _milestones_existing(target: GoLive | None) -> set[Hashable]:
    if target is None:
        return set()
    return set(Milestone.objects.filter(go_live=target).values_list("name", flat=True))


def plan_milestones(source: GoLive, plan: TargetPlan) -> list[str]:
    wanted = _milestones_wanted(source, plan)
    return [item.label for item in missing(wanted, _milestones_existing(plan.existing))]


def apply_milestones(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    return create_missing(_milestones_wanted(source, plan), _milestones_existing(target), target)


# Command cells, their stand-down criteria and the duty rota.


def _cell_of(target: GoLive, cell: CommandCell) -> CommandCell:
    return CommandCell.objects.get(go_live=target, level=cell.level, name=cell.name)


def _duty_when(duty: DutyAssignment, offset_days: int) -> tuple[dt.datetime, dt.datetime]:
    return shift_datetime(duty.starts_at, offset_days), shift_datetime(duty.ends_at, offset_days)


def _create_cell(target: GoLive, *, cell: CommandCell) -> CommandCell:
    return CommandCell.objects.create(
        go_live=target, level=cell.level, name=cell.name, lead_id=cell.lead_id
    )


def _create_stand_down(
    target: GoLive, *, cell: CommandCell, criterion: StandDownCriterion
) -> StandDownCriterion:
    return StandDownCriterion.objects.create(
        cell=_cell_of(target, cell),
        kind=criterion.kind,
        title=criterion.title,
        hours=criterion.hours,
        per_hour=criterion.per_hour,
    )


def _create_duty(
    target: GoLive,
    *,
    cell: CommandCell,
    duty: DutyAssignment,
    starts: dt.datetime,
    ends: dt.datetime,
) -> DutyAssignment:
    return DutyAssignment.objects.create(
        cell=_cell_of(target, cell),
        user_id=duty.user_id,
        staff_id=duty.staff_id,
        role=duty.role,
        starts_at=starts,
        ends_at=ends,
    )


def _command_wanted(source: GoLive, plan: TargetPlan) -> list[Planned]:
    wanted: list[Planned] = []
    cells = CommandCell.objects.filter(go_live=source).select_related("lead")
    for cell in cells.order_by("level", "name"):
        wanted.append(
            Planned(
                key=("cell", cell.level, cell.name),
                label=f"{cell.get_level_display()}: {cell.name}, led by {cell.lead.display_name}",
                create=partial(_create_cell, cell=cell),
            )
        )
        for criterion in cell.stand_down_criteria.order_by("pk"):
            wanted.append(
                Planned(
                    key=("stand_down", cell.level, cell.name, criterion.title),
                    label=f"{cell.name} stands down when: {criterion.title}",
                    create=partial(_create_stand_down, cell=cell, criterion=criterion),
                )
            )
        duties = cell.duties.select_related("user", "staff").order_by("starts_at", "pk")
        for duty in duties:
            starts, ends = _duty_when(duty, plan.offset_days)
            person = duty.user.display_name if duty.user else duty.staff.full_name  # type: ignore[union-attr]
            wanted.append(
                Planned(
                    key=("duty", cell.level, cell.name, duty.role, starts, duty.user_id,
                         duty.staff_id),
                    label=f"{cell.name} duty: {duty.role} – {person}, "
                    f"{starts:%-d %b %Y %H:%M} to {ends:%H:%M}",
                    create=partial(_create_duty, cell=cell, duty=duty, starts=starts, ends=ends),
                )
            )  # fmt: skip
    return wanted


def _command_existing(target: GoLive | None) -> set[Hashable]:
    if target is None:
        return set()
    keys: set[Hashable] = {
        ("cell", level, name)
        for level, name in CommandCell.objects.filter(go_live=target).values_list("level", "name")
    }
    keys |= {
        ("stand_down", level, name, title)
        for level, name, title in StandDownCriterion.objects.filter(
            cell__go_live=target
        ).values_list("cell__level", "cell__name", "title")
    }
    keys |= {
        ("duty", *row)
        for row in DutyAssignment.objects.filter(cell__go_live=target).values_list(
            "cell__level", "cell__name", "role", "starts_at", "user_id", "staff_id"
        )
    }
    return keys


def plan_command(source: GoLive, plan: TargetPlan) -> list[str]:
    wanted = _command_wanted(source, plan)
    return [item.label for item in missing(wanted, _command_existing(plan.existing))]


def apply_command(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    return create_missing(_command_wanted(source, plan), _command_existing(target), target)


# The communications plan.


def _create_comms_item(target: GoLive, *, item: CommsItem, day: dt.date) -> CommsItem:
    return CommsItem.objects.create(
        go_live=target,
        title=item.title,
        audience=item.audience,
        channel=item.channel,
        planned_on=day,
        owner_id=item.owner_id,
    )


def _comms_wanted(source: GoLive, plan: TargetPlan) -> list[Planned]:
    wanted = []
    for item in CommsItem.objects.filter(go_live=source).order_by("planned_on", "pk"):
        day = plan.shift(item.planned_on)
        wanted.append(
            Planned(
                key=item.title,
                label=f"{item.title} ({item.get_channel_display()}, {item.audience}): "
                f"{relative_day(day, plan.user_go_live_date)}",
                create=partial(_create_comms_item, item=item, day=day),
            )
        )
    return wanted


def _comms_existing(target: GoLive | None) -> set[Hashable]:
    if target is None:
        return set()
    return set(CommsItem.objects.filter(go_live=target).values_list("title", flat=True))


def plan_comms(source: GoLive, plan: TargetPlan) -> list[str]:
    wanted = _comms_wanted(source, plan)
    return [item.label for item in missing(wanted, _comms_existing(plan.existing))]


def apply_comms(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    return create_missing(_comms_wanted(source, plan), _comms_existing(target), target)


def register() -> None:
    for step in (
        CopyStep(
            "readiness-criteria",
            "Readiness criteria",
            10,
            plan_criteria,
            apply_criteria,
            note="The source's template sets applied to the new go-live's areas, not assessed; "
            "owners kept for areas both go-lives share.",
        ),
        CopyStep(
            "readiness-gates",
            "Go/no-go gates and their signatories",
            20,
            plan_gates,
            apply_gates,
            note="Same days before go-live and required sign-offs; no sign-offs or decisions. "
            "Signatories who no longer sign off for the programme are left out.",
        ),
        CopyStep(
            "readiness-milestones",
            "Milestones",
            30,
            plan_milestones,
            apply_milestones,
            note="At the same offsets from the user go-live; none completed.",
        ),
        CopyStep(
            "readiness-command",
            "Command cells and duty rota",
            40,
            plan_command,
            apply_command,
            note="Cells, stand-down criteria (unticked) and duties at the same offsets; no "
            "sit-reps or escalations.",
        ),
        CopyStep(
            "readiness-comms",
            "Communications plan",
            50,
            plan_comms,
            apply_comms,
            note="At the same offsets from the user go-live, all planned.",
        ),
    ):
        register_copy_step(step)
