"""Adoption analytics pages: the dashboard for a go-live, an area's drill-down, before and
after a change, exports, the board pack, the metric catalogue and change markers. Every
figure is for areas the user may see (``golive.access``); pages read rollups only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adoption.analytics import before_after as comparisons
from adoption.analytics import cache as analytics_cache
from adoption.analytics import dashboard, dip_figures, markers, metrics, weekly
from adoption.analytics.exports import table_response
from adoption.analytics.forms import (
    MAX_RANGE_DAYS,
    BeforeAfterForm,
    DashboardFilterForm,
    MarkerForm,
    MetricForm,
)
from adoption.analytics.markers import MarkerView
from adoption.imports import selectors as import_selectors
from adoption.models import ChangeMarker, Metric
from golive import definitions
from golive.access import Access, Capability, access_for
from golive.charts import Chart
from golive.dashboard import visible_scope
from golive.http import render_page, section_access, signed_in_user
from golive.models import GoLive
from golive.navigation import GO_LIVE_PARAM, current_go_live, url_go_live
from golive.refusals import apply_errors

TABLES = ("series", "areas", "waves")
PROGRAMME_TABLES = ("go-lives", "areas")


def _go_live(request: HttpRequest) -> GoLive | None:
    """The go-live a page shows: the one its URL names (a drill-down link), else the one
    chosen in the switcher. Reading either leaves the session as it was."""
    section_access(request, "adoption")
    return url_go_live(request) or current_go_live(request)


def _pin(request: HttpRequest, go_live: GoLive) -> dict[str, Any]:
    """Context for links and filter forms to keep naming the go-live when the URL named it:
    ``pinned`` (the go-live or None) and ``pin`` (a query string to append, or "")."""
    if GO_LIVE_PARAM not in request.GET:
        return {"pinned": None, "pin": ""}
    return {"pinned": go_live, "pin": f"?{GO_LIVE_PARAM}={go_live.pk}"}


def _form_data(request: HttpRequest) -> QueryDict | None:
    """The URL's form fields (filters), if any: the go-live it names is not one."""
    data = request.GET.copy()
    data.pop(GO_LIVE_PARAM, None)
    return data or None


def _view(request: HttpRequest, go_live: GoLive) -> tuple[dashboard.View, DashboardFilterForm]:
    """The dashboard's scope from the URL's filters (ignored when invalid, with messages)."""
    access = access_for(request)
    areas = list(visible_scope(access, go_live))
    form = DashboardFilterForm(_form_data(request), areas=areas)
    start, end = dashboard.default_range(go_live, today=timezone.localdate())
    role_group = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["site"]:
            areas = [a for a in areas if a.site_id == data["site"].pk]
        if data["area"]:
            areas = [a for a in areas if a.pk == data["area"].pk]
        start, end = data["start"] or start, data["end"] or end
        if start > end:
            start = end - dt.timedelta(days=dashboard.HISTORY_DAYS)
        # One date given: the other is a default, and the range still may not be too long.
        start = max(start, end - dt.timedelta(days=MAX_RANGE_DAYS - 1))
        role_group = data["role_group"]
    return dashboard.View(go_live, areas, start, end, role_group), form


def _no_go_live(request: HttpRequest) -> HttpResponse:
    return render(request, "adoption/analytics_no_go_live.html")


@require_GET
@analytics_cache.one_stamp
def dashboard_page(request: HttpRequest) -> HttpResponse:
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    view, form = _view(request, go_live)
    access = access_for(request)
    shown = markers.visible_markers(access, go_live.programme)
    context = {
        "view": view,
        "form": form,
        "charts": dashboard.headline_charts(view, shown) if view.areas else [],
        "area_rows": dashboard.area_rows(view) if view.areas else [],
        "waves": dip_figures.wave_rows(
            access, go_live, today=timezone.localdate(), role_group=view.role_group
        ),
        "first_use": metrics.first_use(go_live, view.area_ids),
        "tiles": dashboard.section_tiles(access, go_live, today=timezone.localdate()),
        "can_see_staff": access.has(Capability.VIEW_STAFF),
        "query": request.GET.urlencode(),
        **_pin(request, go_live),
    }
    return render_page(request, "adoption/dashboard.html", context, partial="results")


@require_GET
@analytics_cache.one_stamp
def programme_dashboard(request: HttpRequest) -> HttpResponse:
    """Every go-live of the current programme that the user may see: each one's tiles and
    adoption headline, charts over all their areas, and areas ranked across the programme."""
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    view, form, rows = _programme(request, go_live)
    shown = markers.visible_markers(access_for(request), go_live.programme)
    context = {
        "view": view,
        "programme": go_live.programme,
        "form": form,
        "rows": rows,
        "charts": dashboard.headline_charts(view, shown) if view.areas else [],
        "area_rows": dashboard.ranked([r for row in rows for r in row.area_rows]),
        "query": request.GET.urlencode(),
        **_pin(request, go_live),
    }
    return render_page(request, "adoption/programme_dashboard.html", context, partial="results")


def _programme(
    request: HttpRequest, go_live: GoLive
) -> tuple[dashboard.View, DashboardFilterForm, list[dashboard.GoLiveRow]]:
    """The programme dashboard's scope (every area of the programme's go-lives the user
    sees, narrowed by the URL's filters) and one row per go-live the user sees."""
    access = access_for(request)
    programme = go_live.programme
    go_lives = list(access.go_lives().filter(programme=programme).order_by("user_go_live_date"))
    today = timezone.localdate()
    areas = dashboard.visible_programme_areas(access, programme)
    form = DashboardFilterForm(_form_data(request), areas=areas)
    start, end = dashboard.programme_default_range(go_lives, today=today)
    view = _filtered(
        form, dashboard.View(go_live, areas, start, end, label=f"all your areas of {programme}")
    )
    return view, form, dashboard.programme_rows(access, view, go_lives, today=today)


@require_GET
@analytics_cache.one_stamp
def programme_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """The programme dashboard's tables as CSV or XLSX, with the same filters and scope."""
    if table not in PROGRAMME_TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("No such export.")
    go_live = _go_live(request)
    if go_live is None:
        raise Http404("Choose a go-live first.")
    view, _, rows = _programme(request, go_live)
    name = f"golive-programme-{table}-{view.start:%Y%m%d}-{view.end:%Y%m%d}"
    notes = [
        *_notes(request, view),
        *definitions.notes(dashboard.TABLE_FIGURES),
        *dip_figures.notes(),
    ]
    if table == "areas":
        areas = dashboard.ranked([r for row in rows for r in row.area_rows])
        header, body = dashboard.programme_area_table(areas)
        return table_response(fmt, name, "Areas", header, body, notes=notes)
    header, body = dashboard.go_live_table(rows)
    return table_response(fmt, name, "Go-lives", header, body, notes=notes)


def _filtered(form: DashboardFilterForm, view: dashboard.View) -> dashboard.View:
    """``view`` narrowed by the URL's filters (ignored when invalid: the form has messages)."""
    if not (form.is_bound and form.is_valid()):
        return view
    data = form.cleaned_data
    areas = view.areas
    if data["site"]:
        areas = [a for a in areas if a.site_id == data["site"].pk]
    if data["area"]:
        areas = [a for a in areas if a.pk == data["area"].pk]
    start, end = data["start"] or view.start, data["end"] or view.end
    if start > end:
        start = end - dt.timedelta(days=dashboard.HISTORY_DAYS)
    start = max(start, end - dt.timedelta(days=MAX_RANGE_DAYS - 1))
    return dashboard.View(view.go_live, areas, start, end, data["role_group"], view.label)


@require_GET
def drill_down(request: HttpRequest, pk: int, area: int | None = None) -> HttpResponse:
    """From the programme dashboard to one go-live's dashboard (or one of its areas), named
    in the target's URL (``?go_live=``): a GET shows it and leaves the go-live chosen in the
    switcher alone (only the switcher's POST changes that). Only a go-live the user may
    see; the filters in the query string come along."""
    access = section_access(request, "adoption")
    go_live = get_object_or_404(access.go_lives(), pk=pk)
    target = reverse("adoption:area", args=[area]) if area else reverse("adoption:dashboard")
    query = request.GET.copy()
    query[GO_LIVE_PARAM] = str(go_live.pk)
    return redirect(f"{target}?{query.urlencode()}")


@require_GET
@analytics_cache.one_stamp
def area_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One area of the go-live: every metric of the programme as a chart."""
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    view, form = _view(request, go_live)
    area = next(
        (a for a in visible_scope(access_for(request), go_live) if a.pk == pk),
        None,
    )
    if area is None:
        raise Http404("No such area in this go-live.")
    view = dashboard.View(go_live, [area], view.start, view.end, view.role_group)
    shown = markers.visible_markers(access_for(request), go_live.programme)
    charts = [
        (metric, dashboard.metric_chart(metric, view, shown, f"area-metric-{metric.pk}"))
        for metric in dashboard.programme_metrics(go_live)
    ]
    dips = dip_figures.area_dips(go_live.user_go_live_date, (area.pk,), view.role_group)
    context = {
        "view": view,
        "area": area,
        "form": form,
        "charts": charts,
        "dip": dips[area.pk],
        "query": request.GET.urlencode(),
        **_pin(request, go_live),
    }
    return render(request, "adoption/area.html", context)


@require_GET
def not_yet_using(request: HttpRequest) -> HttpResponse:
    """Staff in post at go-live who have not used the EPR since: names need VIEW_STAFF and
    cover only staff the user may see."""
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    access = access_for(request)
    if not access.has(Capability.VIEW_STAFF):
        raise PermissionDenied("Your roles do not include staff names.")
    view, form = _view(request, go_live)
    staff = metrics.staff_not_yet_using(go_live, view.area_ids, access.staff())
    page = Paginator(staff.prefetch_related("areas"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "view": view,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        **_pin(request, go_live),
    }
    return render_page(request, "adoption/not_yet_using.html", context, partial="results")


@require_GET
@analytics_cache.one_stamp
def export_table(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise Http404("No such export.")
    go_live = _go_live(request)
    if go_live is None:
        raise Http404("Choose a go-live first.")
    view, _ = _view(request, go_live)
    name = f"golive-adoption-{table}-{view.start:%Y%m%d}-{view.end:%Y%m%d}"
    notes = _notes(request, view)
    if table == "series":
        header, rows = dashboard.series_table(view)
        return table_response(fmt, name, "Daily metrics", header, rows, notes=notes)
    notes += dip_figures.notes()
    if table == "areas":
        notes += definitions.notes(dashboard.TABLE_FIGURES)
        rows = dashboard.area_table(dashboard.area_rows(view))
        return table_response(fmt, name, "Areas", dashboard.area_header(), rows, notes=notes)
    waves = dip_figures.wave_rows(
        access_for(request), go_live, today=timezone.localdate(), role_group=view.role_group
    )
    rows = dip_figures.wave_table(waves)
    return table_response(fmt, name, "Waves", dip_figures.wave_header(), rows, notes=notes)


def _notes(request: HttpRequest, view: dashboard.View) -> list[str]:
    """The data labels of the figures exported (the pages show them through
    ``{% data_labels view %}``)."""
    labels = import_selectors.data_labels(
        access_for(request),
        view.go_live.programme,
        areas=view.areas,
        start=view.start,
        end=view.end,
    )
    return [label.text for label in labels]


@require_GET
@analytics_cache.one_stamp
def board_pack(request: HttpRequest) -> HttpResponse:
    """A print-friendly page for the board: headline figures, areas and waves."""
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    view, _ = _view(request, go_live)
    access = access_for(request)
    shown = markers.visible_markers(access, go_live.programme)
    context = {
        "view": view,
        "charts": _board_charts(view, shown),
        "area_rows": dashboard.area_rows(view) if view.areas else [],
        "waves": dip_figures.wave_rows(
            access, go_live, today=timezone.localdate(), role_group=view.role_group
        ),
        "markers": _markers_in(view, shown),
        "printed": timezone.localtime(),
        **_pin(request, go_live),
    }
    return render(request, "adoption/board_pack.html", context)


@require_GET
@analytics_cache.one_stamp
def programme_board_pack(request: HttpRequest) -> HttpResponse:
    """The programme dashboard for the trust board, to print or save as PDF: the same scope
    and filters, each go-live's tiles and adoption figures, areas ranked, the waves' dip and
    recovery, every figure in a table, and who prepared it when."""
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    view, form, rows = _programme(request, go_live)
    access = access_for(request)
    shown = markers.visible_markers(access, go_live.programme)
    today = timezone.localdate()
    context = {
        "view": view,
        "programme": go_live.programme,
        "form": form,
        "filters": _filters_stated(form, view),
        "rows": rows,
        "charts": _board_charts(view, shown),
        "area_rows": dashboard.ranked([r for row in rows for r in row.area_rows]),
        "waves": dip_figures.wave_rows(access, go_live, today=today, role_group=view.role_group),
        "markers": _markers_in(view, shown),
        "ranking_days": dashboard.RANKING_DAYS,
        "printed": timezone.localtime(),
        "dashboard_url": _with_query(reverse("adoption:programme_dashboard"), request),
    }
    return render(request, "adoption/programme_board_pack.html", context)


def _board_charts(
    view: dashboard.View, shown: list[MarkerView]
) -> list[tuple[Chart, list[weekly.Week]]]:
    """Headline charts with their weekly means: on paper a table replaces the chart's
    daily data table, which is folded away."""
    if not view.areas:
        return []
    charts = dashboard.headline_charts(view, shown)
    return [(chart, weekly.chart_weeks(chart)) for _, chart in charts]


def _markers_in(view: dashboard.View, shown: list[MarkerView]) -> list[MarkerView]:
    return [m for m in shown if view.start <= m.on <= view.end and m.touches(view.area_ids)]


def _filters_stated(form: DashboardFilterForm, view: dashboard.View) -> list[str]:
    """The filters applied, in words (the dates are stated from the view); none when the
    form is unbound or invalid (then ignored)."""
    if not (form.is_bound and form.is_valid()):
        return []
    data = form.cleaned_data
    stated = [f"{name} {data[name].name}" for name in ("site", "area") if data[name]]
    if view.role_group:
        stated.append(f"role group {view.role_group_label}")
    return stated


def _with_query(url: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


# Before and after a change.


@require_GET
@analytics_cache.one_stamp
def before_after(request: HttpRequest) -> HttpResponse:
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    access = access_for(request)
    shown = markers.visible_markers(access, go_live.programme)
    form = BeforeAfterForm(
        _form_data(request),
        metrics=Metric.objects.filter(programme=go_live.programme),
        markers=shown,
        areas=list(visible_scope(access, go_live)),
        control_areas=comparisons.programme_areas(access, go_live.programme),
        initial={"days_before": 28, "days_after": 28, "settling_days": 7},
    )
    outcome = None
    if form.is_bound and form.is_valid():
        marker = next(m for m in shown if m.key == form.cleaned_data["marker"])
        outcome = comparisons.before_after(access, go_live, form.cleaned_data, marker)
        if outcome is None:
            form.add_error("area", "That change did not touch any of the areas you see.")
    return render(
        request,
        "adoption/before_after.html",
        {"form": form, "outcome": outcome, "go_live": go_live, **_pin(request, go_live)},
    )


# The metric catalogue.


@require_GET
def metric_list(request: HttpRequest) -> HttpResponse:
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    programme = go_live.programme
    items = Metric.objects.filter(programme=programme).select_related("numerator", "denominator")
    context = {
        "metrics": items,
        "programme": programme,
        "can_edit": metrics.can_edit_metrics(access_for(request), programme),
    }
    return render(request, "adoption/metric_list.html", context)


@require_http_methods(["GET", "POST"])
def metric_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    go_live = _go_live(request)
    if go_live is None:
        raise PermissionDenied("Choose a go-live first.")
    programme = go_live.programme
    access = access_for(request)
    if not metrics.can_edit_metrics(access, programme):
        raise PermissionDenied("You may not change this programme's metrics.")
    instance = (
        get_object_or_404(Metric, pk=pk, programme=programme) if pk else Metric(programme=programme)
    )
    taken = (
        Metric.objects.filter(programme=programme)
        .exclude(pk=instance.pk)
        .values_list("name", flat=True)
    )
    form = MetricForm(
        request.POST or None, instance=instance, programme=programme, taken_names=list(taken)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = metrics.save_metric(
                access=access, user=signed_in_user(request), metric=form.instance
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Metric {saved.name} was saved.")
            return redirect("adoption:metrics")
    return render(
        request, "adoption/metric_form.html", {"form": form, "metric": instance if pk else None}
    )


@require_http_methods(["GET", "POST"])
def metric_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a metric the programme added; built-ins and metrics a ratio is
    built on are refused with the reason on the same page."""
    go_live = _go_live(request)
    if go_live is None:
        raise PermissionDenied("Choose a go-live first.")
    access = access_for(request)
    if not metrics.can_edit_metrics(access, go_live.programme):
        raise PermissionDenied("You may not change this programme's metrics.")
    metric = get_object_or_404(Metric, pk=pk, programme=go_live.programme)
    problem = ""
    if request.method == "POST":
        try:
            metrics.delete_metric(access=access, user=signed_in_user(request), metric=metric)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"Metric {metric.name} was deleted.")
            return redirect("adoption:metrics")
    context = {"metric": metric, "problem": problem, "used_by": metrics.metric_in_use_by(metric)}
    return render(request, "adoption/metric_delete.html", context)


# Change markers.


@require_GET
def marker_list(request: HttpRequest) -> HttpResponse:
    go_live = _go_live(request)
    if go_live is None:
        return _no_go_live(request)
    access = access_for(request)
    context = {
        "markers": markers.visible_markers(access, go_live.programme),
        "can_record": markers.can_record_markers(access, go_live.programme),
        "area_names": dict(access.areas(programme=go_live.programme).values_list("pk", "name")),
    }
    return render(request, "adoption/marker_list.html", context)


def _marker_areas(access: Access, go_live: GoLive) -> Any:
    return access.areas(Capability.MANAGE_ADOPTION, programme=go_live.programme).order_by(
        "site__name", "name"
    )


@require_http_methods(["GET", "POST"])
def marker_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    go_live = _go_live(request)
    if go_live is None:
        raise PermissionDenied("Choose a go-live first.")
    access = access_for(request)
    if not markers.can_record_markers(access, go_live.programme):
        raise PermissionDenied("You may not record changes for this programme.")
    marker = get_object_or_404(ChangeMarker, pk=pk, programme=go_live.programme) if pk else None
    initial = {}
    if marker is not None:
        initial = {
            "kind": marker.kind,
            "on": marker.on,
            "title": marker.title,
            "description": marker.description,
            "areas": list(marker.areas.all()),
        }
    form = MarkerForm(request.POST or None, areas=_marker_areas(access, go_live), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name]
            for name in ("kind", "on", "title", "description", "areas")
        }
        try:
            if marker is None:
                markers.record_marker(
                    access=access,
                    user=signed_in_user(request),
                    programme=go_live.programme,
                    **fields,
                )
            else:
                markers.update_marker(access=access, marker=marker, **fields)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The change '{fields['title']}' was saved.")
            return redirect("adoption:markers")
    return render(request, "adoption/marker_form.html", {"form": form, "marker": marker})


@require_POST
def marker_delete(request: HttpRequest, pk: int) -> HttpResponse:
    go_live = _go_live(request)
    if go_live is None:
        raise PermissionDenied("Choose a go-live first.")
    marker = get_object_or_404(ChangeMarker, pk=pk, programme=go_live.programme)
    markers.delete_marker(access=access_for(request), marker=marker)
    messages.success(request, f"The change '{marker.title}' was deleted.")
    return redirect("adoption:markers")
