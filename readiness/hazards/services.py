"""Use cases that change the hazard log: adding and editing hazards (each edit a new
version), the clinical safety officer's sign-off of the version they read, linking desk
tickets, and raising a hazard straight from a clinical-safety-flagged ticket."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from golive.access import Access, Capability
from golive.models import Programme, Role, User
from golive.refusals import Conflict
from readiness.guards import require
from readiness.models import CriterionTemplate, Hazard, HazardTicket
from support.models import Ticket

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
    require(
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
            raise Conflict(
                f"{hazard.reference} was changed by someone else (it is now version "
                f"{hazard.version}). Reload it and make your change again.",
                code="stale",
            )
        hazard.version += 1
    for name, value in fields.items():
        text = name in HAZARD_TEXT_FIELDS and isinstance(value, str)
        setattr(hazard, name, str(value).strip() if text else value)
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
        raise Conflict(
            f"{hazard.reference} has changed since you read it (version {version}; it is now "
            f"version {hazard.version}). Review it and sign off again.",
            code="stale",
        )
    hazard.cso_signed_off_by = user
    hazard.cso_signed_off_at = timezone.now()
    hazard.cso_signed_version = version
    hazard._change_reason = f"Clinical safety sign-off of version {version}"  # type: ignore[attr-defined]
    hazard.save(update_fields=["cso_signed_off_by", "cso_signed_off_at", "cso_signed_version"])
    return hazard


@transaction.atomic
def link_ticket(*, access: Access, user: User, hazard: Hazard, ticket: Ticket) -> HazardTicket:
    require(
        access.has(Capability.MANAGE_HAZARDS, programme=hazard.programme),
        "Only a clinical safety officer may link tickets to hazards.",
    )
    if ticket.go_live.programme_id != hazard.programme_id:
        raise ValidationError("That ticket belongs to another programme.", code="other_programme")
    link, _ = HazardTicket.objects.get_or_create(
        hazard=hazard, ticket=ticket, defaults={"linked_by": user, "linked_at": timezone.now()}
    )
    return link


@transaction.atomic
def raise_hazard_from_ticket(
    *,
    access: Access,
    user: User,
    ticket: Ticket,
    fields: dict[str, object],
    criteria: Sequence[CriterionTemplate],
) -> Hazard:
    """Add a hazard to the programme's log and link the ticket to it, together or not at
    all. Only for a ticket flagged as a clinical safety concern, by someone who keeps the
    hazard log (the clinical safety officer)."""
    programme = ticket.go_live.programme
    if not access.has(Capability.MANAGE_HAZARDS, programme=programme):
        raise PermissionDenied("Only a clinical safety officer may add to the hazard log.")
    if not ticket.is_clinical_safety:
        raise Conflict(
            "Only a ticket flagged as a clinical safety concern can raise a hazard; flag it "
            "at triage first.",
            "not_clinical_safety",
        )
    hazard = save_hazard(
        access=access, programme=programme, hazard=None, fields=fields, criteria=criteria
    )
    link_ticket(access=access, user=user, hazard=hazard, ticket=ticket)
    return hazard
