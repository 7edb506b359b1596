"""Use cases that change assessment data: readiness groups, their meetings and actions;
applying a template set; assessing a criterion. Each checks the user's rights again, so pages
and the API share one set of rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from golive.access import Access, Capability
from golive.models import GoLive, Programme, StaffMember, User
from golive.refusals import Conflict
from readiness import people
from readiness.assessment import selectors
from readiness.guards import require
from readiness.models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    Action,
    Criterion,
    CriterionTemplate,
    Decision,
    Meeting,
    Rag,
    ReadinessGroup,
)

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
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=programme),
        "Only a programme manager may set up readiness groups.",
    )
    if clinical_chair == operational_chair:
        raise ValidationError(
            "The clinical and operational co-chairs must be different people.", code="same_chair"
        )
    if ReadinessGroup.objects.filter(programme=programme, name=name).exists():
        raise Conflict("A readiness group with this name already exists.", code="duplicate")
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
    require(selectors.can_manage_group(access, group), "Only the group's co-chairs may do this.")
    meeting = Meeting.objects.create(group=group, held_on=held_on, notes=notes.strip())
    Decision.objects.bulk_create(
        [Decision(meeting=meeting, text=text.strip()) for text in decisions if text.strip()]
    )
    return meeting


@transaction.atomic
def add_action(
    *,
    access: Access,
    group: ReadinessGroup,
    description: str,
    due_on: dt.date,
    owner: User | None = None,
    owner_staff: StaffMember | None = None,
    meeting: Meeting | None = None,
) -> Action:
    """Add an action owned by one person: a user (``owner``) or, for someone without an
    account, a staff member the user may see (``owner_staff``)."""
    require(selectors.can_manage_group(access, group), "Only the group's co-chairs may do this.")
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError("That meeting belongs to another group.", code="other_group")
    people.one_person(owner, owner_staff, "owner")
    people.check_staff(access, owner_staff, group.programme, "owner")
    return Action.objects.create(
        group=group,
        meeting=meeting,
        description=description.strip(),
        owner=owner,
        owner_staff=owner_staff,
        due_on=due_on,
    )


@transaction.atomic
def set_action_status(*, access: Access, user: User, action: Action, status: str) -> Action:
    """The owner or the group's co-chairs close or reopen an action."""
    require(
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
    require(
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
    require(
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
    criterion.comment = comment.strip()
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
