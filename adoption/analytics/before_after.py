"""Before and after a change: which areas it touched, which areas serve as controls, the
comparison (``comparison``) and its sentence (``stats_wording``), and what the user may be told
about the controls.

The controls are chosen the same way whoever asks, so the same question gets the same
answer: by default the areas of the go-live that the change did not touch (all of them, not
only those the user sees), or the areas an analyst picks. A user who cannot see every
control area (a ward manager) gets the same figures pooled, without the per-area rows that
would name areas they may not see. When one or two of the control areas are ones the user
cannot see, no comparison with controls is shown to them at all: the touched areas' change
minus the difference in differences is the average control's change, and with the areas
they can see taken out, that leaves the figures of one or two areas they may not see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from adoption.analytics import comparison, metrics, stats_wording
from adoption.analytics.markers import MarkerView
from adoption.models import DailyRollup, Metric
from golive.access import Access
from golive.dashboard import visible_scope
from golive.models import Area, GoLive, Programme, Release

# Fewest unseen control areas whose pooled figures may reach a user who cannot see them.
FEWEST_POOLED = 3


@dataclass(frozen=True)
class ControlRow:
    area: Area
    figures: comparison.AreaChange | None  # None: no data in a window


@dataclass(frozen=True)
class Outcome:
    treated: list[Area]
    result: comparison.Comparison | None  # None: a window has no data
    did: comparison.DifferenceInDifferences | None  # None: no usable controls
    control_count: int  # control areas compared: the DiD's when there is one
    chosen: bool  # the analyst chose the controls (else: the go-live's untouched areas)
    named: bool  # the user may see every control area, so rows name them
    # The average control area's own figures (means, changes) may be shown: the user sees
    # every control, or at least FEWEST_POOLED unseen ones are pooled.
    control_figures: bool
    # One or two controls are areas the user cannot see: the comparison with controls is
    # withheld from them (``did`` is None), since it would give those areas' figures away.
    withheld: bool
    control_rows: list[ControlRow]  # empty unless ``named``
    summary: str | None


def areas_with_data(areas: list[Area], start: dt.date, end: dt.date) -> set[int]:
    """Areas with any events in the range: controls without data would read as zeros."""
    return set(
        DailyRollup.objects.filter(
            area_id__in=[a.pk for a in areas], local_date__range=(start, end)
        )
        .values_list("area_id", flat=True)
        .distinct()
    )


def programme_areas(access: Access, programme: Programme) -> list[Area]:
    """Areas of the programme's go-lives the user may see: what an analyst may pick as
    controls."""
    return list(
        access.areas(programme=programme)
        .filter(go_lives__programme=programme)
        .distinct()
        .select_related("site")
        .order_by("site__name", "name")
    )


def touched_area_ids(marker: MarkerView) -> frozenset[int]:
    """Every area the change touched, seen or not (empty: the whole programme). A user's
    marker list keeps only the areas they see, but an unseen touched area must still never
    serve as a control."""
    kind, pk = marker.key[0], int(marker.key[1:])
    if kind == "m":
        return frozenset(Area.objects.filter(change_markers=pk).values_list("pk", flat=True))
    if kind == "r":
        pk = Release.objects.filter(pk=pk).values_list("go_live_id", flat=True).first() or 0
    return frozenset(Area.objects.filter(go_lives=pk).values_list("pk", flat=True))


def check_controls(marker: MarkerView, chosen: Iterable[Area]) -> None:
    """Refuse chosen controls that the change touched: they are not controls. The marker's
    areas as the user sees them suffice, since the user can only pick areas they see."""
    touched = [area.name for area in chosen if marker.touches({area.pk})]
    if not touched:
        return
    if not marker.area_ids:
        message = "This change touched the whole programme, so no area is untouched by it."
    else:
        message = f"The change touched {', '.join(touched)}: choose areas it did not touch."
    raise ValidationError({"controls": message}, code="CONTROL_TOUCHED")


def default_controls(go_live: GoLive, touched: frozenset[int]) -> list[Area]:
    """The go-live's areas the change did not touch (none for a programme-wide change)."""
    if not touched:
        return []
    return list(go_live.areas.exclude(pk__in=touched).select_related("site").order_by("pk"))


def _series(metric: Metric, area_ids: tuple[int, ...], start: dt.date, end: dt.date) -> Any:
    return metrics.series(metric, metrics.Scope(area_ids, start, end))


def before_after(
    access: Access, go_live: GoLive, data: dict[str, Any], marker: MarkerView
) -> Outcome | None:
    """Compare a metric before and after a marker over the touched areas of the go-live the
    user sees (or the one chosen), against the control areas: ``data["controls"]`` when
    given (checked with ``check_controls``), else the go-live's untouched areas. Control
    areas without data in the range are left out. None when the change touched none of the
    user's areas."""
    metric: Metric = data["metric"]
    treated = [a for a in visible_scope(access, go_live) if marker.touches({a.pk})]
    if data.get("area"):
        treated = [a for a in treated if a.pk == data["area"].pk]
    if not treated:
        return None
    chosen = list(data.get("controls") or [])
    candidates = chosen or default_controls(go_live, touched_area_ids(marker))
    start = marker.on - dt.timedelta(days=data["days_before"])
    end = marker.on + dt.timedelta(days=data["settling_days"] + data["days_after"] - 1)
    with_data = areas_with_data(candidates, start, end)
    controls = [a for a in candidates if a.pk in with_data]
    windows = {k: data[k] for k in ("days_before", "days_after", "settling_days")}
    result = comparison.compare(
        _series(metric, tuple(a.pk for a in treated), start, end), marker.on, **windows
    )
    # Each area's own series: the average area, not the sum, is what is compared.
    did = (
        comparison.difference_in_differences(
            [_series(metric, (a.pk,), start, end) for a in treated],
            [_series(metric, (a.pk,), start, end) for a in controls],
            marker.on,
            **windows,
        )
        if controls
        else None
    )
    seen = set(access.areas().filter(pk__in=[a.pk for a in controls]).values_list("pk", flat=True))
    named = len(seen) == len(controls)
    withheld = 0 < len(controls) - len(seen) < FEWEST_POOLED
    if withheld:
        did = None
    rows = did.controls if did else [None] * len(controls)
    count = did.control_count if did else len(controls)
    shown = named or not withheld
    return Outcome(
        treated=treated,
        result=result,
        did=did,
        control_count=count,
        chosen=bool(chosen),
        named=named,
        control_figures=shown,
        withheld=withheld,
        control_rows=(
            [ControlRow(a, r) for a, r in zip(controls, rows, strict=True)] if named else []
        ),
        summary=_summary(
            result,
            did,
            metric=metric,
            treated=treated,
            marker=marker,
            control_count=count,
            control_figures=shown,
        ),
    )


def _summary(
    result: comparison.Comparison | None,
    did: comparison.DifferenceInDifferences | None,
    *,
    metric: Metric,
    treated: list[Area],
    marker: MarkerView,
    control_count: int,
    control_figures: bool,
) -> str | None:
    if result is None:
        return None
    several = len(treated) > 1
    if control_figures:
        controls = f"the {control_count} control areas on average"
    else:
        controls = f"the {control_count} control areas"
    return stats_wording.summary(
        result,
        did,
        metric=metric.name,
        unit=metric.unit_label,
        # The headline is the touched areas' total; the comparison, their average.
        scope=f"{len(treated)} areas together" if several else treated[0].name,
        touched=f"the {len(treated)} touched areas on average" if several else treated[0].name,
        marker=marker.phrase,
        controls=controls if control_count > 1 else "the control area",
        show_controls=control_figures,
        higher_is_better=metric.higher_is_better,
    )
