"""The service desk in a new go-live copied from a previous one (``golive.copying``): its
categories, SLA targets and resolver groups serve every go-live already, and known issues
belong to the programme, so there is nothing per go-live to copy. The step says so in the
preview rather than staying silent. Tickets, escalations and surveys are never copied."""

from __future__ import annotations

from golive.access import Access
from golive.copying import CopyStep, TargetPlan, register_copy_step
from golive.models import GoLive


def plan_desk(source: GoLive, plan: TargetPlan) -> list[str]:
    return []


def apply_desk(source: GoLive, target: GoLive, plan: TargetPlan, access: Access) -> list[str]:
    return []


def register() -> None:
    register_copy_step(
        CopyStep(
            "support",
            "Service desk settings",
            80,
            plan_desk,
            apply_desk,
            note="Categories, SLA targets, resolver groups and known issues are shared by "
            "every go-live of the programme already: nothing to copy. No tickets are copied.",
        )
    )
