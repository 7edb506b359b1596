"""Use cases that change gates: setting one up, naming its signatories, and signing it off
(the last required sign-off decides it and freezes its evidence)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from golive.access import Access, Capability
from golive.models import GoLive, Role, User
from golive.refusals import Conflict
from readiness.gates import selectors
from readiness.guards import require
from readiness.models import EvidencePack, Gate, GateSignatory, SignOff, SignOffRole, Verdict


@transaction.atomic
def create_gate(
    *, access: Access, go_live: GoLive, name: str, days_before: int, required_roles: Sequence[str]
) -> Gate:
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme),
        "Only a programme manager may set up gates.",
    )
    if not required_roles:
        raise ValidationError("Choose at least one required sign-off.", code="no_roles")
    if Gate.objects.filter(go_live=go_live, name=name).exists():
        raise Conflict("This go-live already has a gate with that name.", code="duplicate")
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
    require(
        access.has_programme_wide(Capability.SIGN_OFF_GATES, gate.go_live.programme),
        "Only someone who signs off for the whole programme may sign off its gates.",
    )
    programme = gate.go_live.programme
    if role == SignOffRole.CSO and not access.has_role(Role.CLINICAL_SAFETY_OFFICER, programme):
        raise PermissionDenied("Only a clinical safety officer may give the CSO sign-off.")
    if gate.is_decided:
        raise Conflict("This gate has already been decided.", code="decided")
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
        raise Conflict("This role has already signed off.", code="already_signed")
    now = timezone.now()
    sign_off = SignOff.objects.create(
        gate=gate, role=role, verdict=verdict, note=note.strip(), signed_by=user, signed_at=now
    )
    verdicts = dict(gate.sign_offs.values_list("role", "verdict"))
    # The audit trail records each sign-off in the gate's history, the note as its reason
    # (the sign-off row keeps the note in full).
    reason = _sign_off_reason(sign_off)
    if all(required in verdicts for required in gate.required_roles):
        gate.decision = _decision(list(verdicts.values()))
        gate.decided_at = now
        gate._change_reason = reason  # type: ignore[attr-defined]
        gate._history_user = user  # type: ignore[attr-defined]
        gate.save(update_fields=["decision", "decided_at"])
        freeze_evidence(gate, now=now)
    else:
        Gate.history.bulk_history_create(
            [gate], update=True, default_user=user, default_change_reason=reason
        )
    return sign_off


def _sign_off_reason(sign_off: SignOff) -> str:
    reason = f"{sign_off.get_role_display()} signed off: {sign_off.get_verdict_display()}"
    if sign_off.note:
        reason += f" ({sign_off.note})"
    # The history keeps at most 100 characters of a reason.
    return reason if len(reason) <= 100 else reason[:99] + "…"


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
    require(
        access.has(Capability.MANAGE_GO_LIVES, programme=programme),
        "Only a programme manager may name a gate's signatories.",
    )
    if gate.is_decided:
        raise Conflict("This gate has already been decided.", code="decided")
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
    # One row at a time, so the audit trail records who was un-named and who named.
    for named in GateSignatory.objects.filter(gate=gate, role=role):
        named.delete()
    return [
        GateSignatory.objects.create(gate=gate, role=role, user=person)
        for person in dict.fromkeys(users)
    ]
