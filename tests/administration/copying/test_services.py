"""The copy creates exactly what its preview listed (a known answer), at the same offsets,
once: running it again creates nothing more. Nothing that happened is copied."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from administration.copying import services
from administration.models import GoLiveCopy
from champions.models import CoverageTarget, ShiftPattern
from golive.access import Access
from golive.models import GoLive
from readiness.models import (
    CommandCell,
    Criterion,
    DutyAssignment,
    Gate,
    GateSignatory,
    Milestone,
    SignOff,
    StandDownCriterion,
)
from support.models import Ticket
from tests import factories as f
from training.models import Requirement

from .conftest import Source

OFFSET = 91
COPIED_MODELS = (
    Criterion,
    Gate,
    GateSignatory,
    Milestone,
    CommandCell,
    StandDownCriterion,
    DutyAssignment,
    Requirement,
    CoverageTarget,
    ShiftPattern,
)


def _day(source: Source, days: int) -> str:
    day = source.go_live.user_go_live_date + dt.timedelta(days=OFFSET + days)
    where = "go-live day" if days == 0 else f"T{days:+d}"
    return f"{day:%-d %b %Y} ({where})"


def _expected(source: Source) -> dict[str, list[str]]:
    duty_day = source.go_live.user_go_live_date + dt.timedelta(days=OFFSET)
    return {
        "readiness-criteria": [
            "Downtime procedures agreed – Ward A (Standard)",
            "Downtime procedures agreed – Ward B (Standard)",
            "Single sign-on tested – Ward A (Standard)",
            "Single sign-on tested – Ward B (Standard)",
        ],
        "readiness-gates": [
            "Gate T-7: 7 days before go-live; signed off by Senior responsible owner, "
            "Clinical safety officer",
            "Gate T-7 signatory: Clinical safety officer – Cas Safety",
            "Gate T-7 signatory: Senior responsible owner – pm",
        ],
        "readiness-milestones": [
            f"Cutover rehearsal: {_day(source, -30)}",
            f"User go-live: {_day(source, 0)}",
            f"End of stabilisation: {_day(source, 28)}",
        ],
        "readiness-command": [
            "Silver (tactical): Silver command, led by pm",
            "Silver command stands down when: No P1 for 24 hours",
            f"Silver command duty: Incident lead – pm, {duty_day:%-d %b %Y} 07:00 to 19:00",
            f"Silver command duty: Loggist – Alice Ward-A, {duty_day:%-d %b %Y} 07:00 to 19:00",
        ],
        "readiness-comms": [],
        "training": [f"Nursing and midwifery complete EPR basics by {_day(source, -7)}"],
        "champions": [
            "Ward A: one super user or champion per 8 staff on shift",
            "Ward A: Early shift 07:00–15:00, 12 staff planned",
            "Ward B: one super user or champion per 8 staff on shift",
            "Ward B: Early shift 07:00–15:00, 12 staff planned",
        ],
        "support": [],
    }


def _copy(source: Source, name: str = "Wave 3") -> GoLiveCopy:
    pm = source.trust.programme_manager
    return services.copy_go_live(
        access=Access(pm),
        source=source.go_live,
        name=name,
        user_go_live_date=source.go_live.user_go_live_date + dt.timedelta(days=OFFSET),
        by=pm,
    )


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COPIED_MODELS}


def test_preview_lists_the_known_set_up_per_step(source: Source) -> None:
    plan = services.preview_copy(
        access=Access(source.trust.programme_manager),
        source=source.go_live,
        name="Wave 3",
        user_go_live_date=source.go_live.user_go_live_date + dt.timedelta(days=OFFSET),
    )

    assert {step.key: step.items for step in plan.steps} == _expected(source)
    assert plan.offset_days == OFFSET
    assert plan.total == 19


def test_copy_creates_exactly_what_the_preview_listed(source: Source) -> None:
    before = _counts()
    plan = services.preview_copy(
        access=Access(source.trust.programme_manager),
        source=source.go_live,
        name="Wave 3",
        user_go_live_date=source.go_live.user_go_live_date + dt.timedelta(days=OFFSET),
    )

    record = _copy(source)

    assert record.created == {step.key: step.items for step in plan.steps}
    after = _counts()
    assert {name: after[name] - before[name] for name in after} == {
        "Criterion": 4,
        "Gate": 1,
        "GateSignatory": 2,
        "Milestone": 3,
        "CommandCell": 1,
        "StandDownCriterion": 1,
        "DutyAssignment": 2,
        "Requirement": 1,
        "CoverageTarget": 2,
        "ShiftPattern": 2,
    }


def test_copied_milestones_keep_their_offsets_from_the_user_go_live(source: Source) -> None:
    target = _copy(source).target

    def offsets(go_live: GoLive) -> dict[str, tuple[str, int]]:
        return {
            m.name: (m.kind, (m.due_on - go_live.user_go_live_date).days)
            for m in go_live.milestones.all()
        }

    assert offsets(target) == offsets(source.go_live)
    assert not target.milestones.filter(completed_on__isnull=False).exists()


def test_the_new_go_live_is_planning_in_the_same_programme_with_the_sources_active_areas(
    source: Source,
) -> None:
    target = _copy(source).target

    assert target.programme == source.go_live.programme
    assert target.stage == GoLive.Stage.PLANNING
    assert target.approach == source.go_live.approach
    assert set(target.areas.all()) == {source.trust.ward_a, source.trust.ward_b}
    assert not target.releases.exists()


def test_running_the_copy_twice_creates_nothing_more(source: Source) -> None:
    first = _copy(source)
    counts, go_lives = _counts(), GoLive.objects.count()

    again = _copy(source)

    assert again.pk == first.pk
    assert _counts() == counts
    assert GoLive.objects.count() == go_lives
    again.refresh_from_db()
    assert again.created == first.created


def test_a_second_preview_lists_nothing_left_to_create(source: Source) -> None:
    _copy(source)

    plan = services.preview_copy(
        access=Access(source.trust.programme_manager),
        source=source.go_live,
        name="Wave 3",
        user_go_live_date=source.go_live.user_go_live_date,
    )

    assert plan.total == 0
    assert plan.target.existing is not None


def test_the_copy_is_recorded_in_history(source: Source) -> None:
    record = _copy(source)

    entry = record.history.get()
    assert entry.history_type == "+"
    assert entry.created_by == source.trust.programme_manager
    assert entry.offset_days == OFFSET


def test_no_sign_offs_assessments_or_tickets_are_copied(source: Source) -> None:
    target = _copy(source).target

    assert not SignOff.objects.filter(gate__go_live=target).exists()
    assert not Ticket.objects.filter(go_live=target).exists()
    assert set(target.criteria.values_list("rag", flat=True)) == {"not_assessed"}
    assert not StandDownCriterion.objects.filter(cell__go_live=target, met=True).exists()


def test_criteria_keep_the_owner_their_area_had(source: Source) -> None:
    target = _copy(source).target

    def owners(area: object) -> set[int | None]:
        return set(target.criteria.filter(area=area).values_list("owner", flat=True))

    assert owners(source.trust.ward_a) == {source.trust.ward_manager.pk}
    assert owners(source.trust.ward_b) == {None}


def test_a_new_area_takes_the_sources_usual_shift_pattern(source: Source) -> None:
    pm = source.trust.programme_manager
    record = services.copy_go_live(
        access=Access(pm),
        source=source.go_live,
        name="Wave 3",
        user_go_live_date=source.go_live.user_go_live_date + dt.timedelta(days=OFFSET),
        areas=[source.trust.ward_c],
        by=pm,
    )

    assert list(
        ShiftPattern.objects.filter(go_live=record.target).values_list("area__name", "name")
    ) == [("Ward C", "Early")]


def test_a_name_another_go_live_holds_is_refused(source: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        _copy(source, name="Wave 2")

    assert refused.value.error_dict["name"][0].code == "name_taken"


def test_a_technical_go_live_after_the_user_go_live_is_refused(source: Source) -> None:
    pm = source.trust.programme_manager
    user_day = source.go_live.user_go_live_date + dt.timedelta(days=OFFSET)
    with pytest.raises(ValidationError) as refused:
        services.copy_go_live(
            access=Access(pm),
            source=source.go_live,
            name="Wave 3",
            user_go_live_date=user_day,
            technical_go_live_date=user_day + dt.timedelta(days=1),
            by=pm,
        )

    assert refused.value.error_dict["technical_go_live_date"][0].code == "technical_after_user"


def test_an_area_of_another_trust_is_refused(source: Source) -> None:
    elsewhere = f.AreaFactory()
    pm = source.trust.programme_manager
    with pytest.raises(ValidationError) as refused:
        services.copy_go_live(
            access=Access(pm),
            source=source.go_live,
            name="Wave 3",
            user_go_live_date=source.go_live.user_go_live_date,
            areas=[elsewhere],
            by=pm,
        )

    assert refused.value.error_dict["areas"][0].code == "area_not_in_programme"


@pytest.mark.parametrize("who", ["ward_manager", "executive", "outsider"])
def test_only_a_programme_wide_manager_may_copy(source: Source, who: str) -> None:
    user = getattr(source.trust, who)
    with pytest.raises(PermissionDenied):
        services.copy_go_live(
            access=Access(user),
            source=source.go_live,
            name="Wave 3",
            user_go_live_date=source.go_live.user_go_live_date,
            by=user,
        )
    assert not GoLiveCopy.objects.exists()


def test_a_user_go_live_more_than_ten_years_away_is_refused(source: Source) -> None:
    pm = source.trust.programme_manager
    with pytest.raises(ValidationError) as refused:
        services.preview_copy(
            access=Access(pm),
            source=source.go_live,
            name="Wave 3",
            user_go_live_date=dt.date(9999, 12, 31),
        )

    assert refused.value.error_dict["user_go_live_date"][0].code == "too_far"
