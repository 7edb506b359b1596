"""Readiness's part of the audit trail (``golive.audit``): criteria, gates, their sign-offs and
named signatories, hazards, and the plans around them."""

from __future__ import annotations

from golive.audit import register_audited
from readiness.models import (
    Action,
    CommandCell,
    CommsItem,
    Criterion,
    CriterionTemplate,
    Gate,
    GateSignatory,
    Hazard,
    Milestone,
    ReadinessGroup,
    SignOff,
)


def register() -> None:
    register_audited(
        Criterion,
        label="Readiness criterion",
        programme_path="go_live__programme_id",
        related=("template", "area"),
    )
    register_audited(CriterionTemplate, label="Criterion template", programme_path="programme_id")
    register_audited(
        Gate, label="Gate", programme_path="go_live__programme_id", related=("go_live",)
    )
    register_audited(
        SignOff,
        label="Gate sign-off",
        programme_path="gate__go_live__programme_id",
        related=("gate",),
    )
    register_audited(
        GateSignatory,
        label="Gate signatory",
        programme_path="gate__go_live__programme_id",
        related=("gate",),
    )
    register_audited(Hazard, label="Hazard", programme_path="programme_id")
    register_audited(Milestone, label="Milestone", programme_path="go_live__programme_id")
    register_audited(CommandCell, label="Command cell", programme_path="go_live__programme_id")
    register_audited(ReadinessGroup, label="Readiness group", programme_path="programme_id")
    register_audited(Action, label="Readiness action", programme_path="group__programme_id")
    register_audited(CommsItem, label="Communication", programme_path="go_live__programme_id")
