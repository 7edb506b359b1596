"""The live board (htmx polling), escalation to silver, analytics with CSV/XLSX export, and
the reporter's public satisfaction survey."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from golive.charts import Chart, Series
from golive.dashboard import visible_scope
from golive.exports import csv_response, escape_formula
from golive.http import HtmxHttpRequest, render_page, section_access, signed_in_user
from golive.models import GoLive
from golive.refusals import apply_errors
from support import notices, reports, selectors, services
from support.forms import BoardMomentForm, EscalateForm, SurveyForm
from support.models import Ticket
from support.pages import SECTION, go_live_or_404
from support.survey import ticket_id_from_token

BOARD_REFRESH_SECONDS = 30


def _board_moment(request: HttpRequest) -> tuple[BoardMomentForm, dt.datetime, bool]:
    """The moment the board shows: now, or a past moment asked for (a replay)."""
    form = BoardMomentForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["at"] is not None:
        return form, form.cleaned_data["at"], True
    return form, timezone.now(), False


# How long after its user go-live the desk counts a go-live as in hypercare.
HYPERCARE_DAYS = 14


def _first_morning_if_past(go_live: GoLive) -> str | None:
    """For a go-live whose hypercare fortnight is over (so the board is quiet now), the
    moment to replay: 10:00 on its first day, as the board's ``at`` parameter."""
    if go_live.user_go_live_date + dt.timedelta(days=HYPERCARE_DAYS) >= timezone.localdate():
        return None
    return f"{go_live.user_go_live_date:%Y-%m-%d}T10:00"


@require_GET
def board(request: HtmxHttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    form, now, replay = _board_moment(request)
    figures = reports.live_board(access, go_live, now=now)
    context = {
        "go_live": go_live,
        "form": form,
        "board": figures,
        "replay": replay,
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        "can_escalate": selectors.can_triage(access, go_live),
        "self_url": request.get_full_path(),
        "first_morning": None if replay else _first_morning_if_past(go_live),
        "notices": [] if replay else notices.unseen_for(signed_in_user(request), go_live.pk),
        "arrivals_chart": Chart(
            dom_id="arrivals-per-hour",
            title="Tickets arriving per hour",
            labels=figures.hour_labels,
            series=[Series("Tickets", [float(n) for n in figures.hourly])],
            kind="bar",
            y_label="Tickets",
        ),
    }
    return render_page(request, "support/board.html", context, partial="figures")


@require_POST
def notice_seen(request: HttpRequest, pk: int) -> HttpResponse:
    """The recipient clears a notice from their board."""
    section_access(request, SECTION)
    notices.mark_seen(user=signed_in_user(request), notice_id=pk)
    return redirect("support:board")


@require_POST
def escalate(request: HttpRequest) -> HttpResponse:
    """One click from a spike on the board: record a raise to silver (who, when, what)."""
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    form = EscalateForm(
        request.POST,
        areas=visible_scope(access, go_live),
    )
    if not form.is_valid():
        messages.error(
            request, "The escalation could not be recorded: the spike was not recognised."
        )
        return redirect("support:board")
    try:
        services.escalate(user=signed_in_user(request), go_live=go_live, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Escalated to silver: {form.cleaned_data['summary']}")
    return redirect("support:board")


# Analytics and exports.


def _minutes(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 120:
        return f"{value:.0f} min"
    return f"{value / 60:.1f} h"


@require_GET
def analytics(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    figures = reports.analytics(access, go_live)
    chart = Chart(
        dom_id="tickets-per-day",
        title="Tickets per day by category",
        labels=figures.days,
        series=[
            Series(name, [float(n) for n in figures.per_day_by_category[name]])
            for name in figures.categories
        ],
        kind="bar",
        stacked=True,
        y_label="Tickets",
    )
    context = {
        "go_live": go_live,
        "figures": figures,
        "chart": chart,
        "durations": [
            (
                first.label,
                first.count,
                _minutes(first.median_minutes),
                _minutes(first.p90_minutes),
                resolve.count,
                _minutes(resolve.median_minutes),
                _minutes(resolve.p90_minutes),
            )
            for first, resolve in zip(figures.first_response, figures.resolution, strict=True)
        ],
    }
    return render(request, "support/analytics.html", context)


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    rows = reports.export_rows(access, go_live)
    return csv_response(f"tickets-{go_live.pk}.csv", reports.EXPORT_HEADER, rows)


@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Tickets")
    sheet.append(list(reports.EXPORT_HEADER))
    for row in reports.export_rows(access, go_live):
        # Text cells are escaped as in CSV: a cell starting "=" must stay text in Excel too.
        sheet.append([escape_formula(cell) if isinstance(cell, str) else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tickets-{go_live.pk}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# The reporter's survey: public, reached through a signed link.


@login_not_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    ticket_id = ticket_id_from_token(token)
    ticket = (
        Ticket.objects.filter(pk=ticket_id).select_related("satisfaction").first()
        if ticket_id
        else None
    )
    if ticket is None:
        raise Http404("This survey link is not valid. Ask the service desk for a new one.")
    if hasattr(ticket, "satisfaction"):
        return render(request, "support/survey.html", {"ticket": ticket, "done": True})
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_satisfaction(ticket=ticket, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return render(request, "support/survey.html", {"ticket": ticket, "done": True})
    context: dict[str, Any] = {"ticket": ticket, "form": form, "done": False}
    return render(request, "support/survey.html", context)
