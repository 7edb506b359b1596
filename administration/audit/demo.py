"""Demo changes that carry a reason, so the audit trail shows what one looks like: the
first wave's patient cohort agreed at the programme board, and the supplier's report
renamed in its mapping profile. Idempotent: each is made once."""

from __future__ import annotations

from adoption.models import MappingProfile
from golive.models import GoLive, Programme, User

COHORT_REASON = "Cohort agreed at the programme board"
PROFILE_REASON = "The supplier renamed the report in its spring release"


def seed_audit_demo(*, programme: Programme, user: User) -> list[str]:
    """Make the demo's reasoned changes as ``user`` (the programme manager), once."""
    made = 0
    go_live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    if (
        go_live is not None
        and not go_live.history.filter(history_change_reason=COHORT_REASON).exists()
    ):
        go_live.scope_note = "Adult inpatients only"
        go_live._change_reason = COHORT_REASON  # type: ignore[attr-defined]
        go_live._history_user = user  # type: ignore[attr-defined]
        go_live.save(update_fields=["scope_note"])
        made += 1
    profile = MappingProfile.objects.filter(programme=programme).order_by("pk").first()
    if (
        profile is not None
        and not profile.history.filter(history_change_reason=PROFILE_REASON).exists()
    ):
        profile.description = f"{profile.description} Renamed 'User activity audit' in spring."
        profile.updated_by = user
        profile._change_reason = PROFILE_REASON  # type: ignore[attr-defined]
        profile._history_user = user  # type: ignore[attr-defined]
        profile.save(update_fields=["description", "updated_by", "updated_at"])
        made += 1
    return [f"Audit trail: {made} changes with reasons recorded."] if made else []
