"""Staff feedback pages: the public survey (a shareable link, no account) and the team's
page (surveys, net experience score per area and week, comments, themes)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adoption.analytics.exports import table_response
from adoption.feedback import exports, respondents, selectors, services
from adoption.feedback.forms import OpenSurveyForm, SurveyAnswerForm, TagForm, ThemeForm
from adoption.models import FeedbackTheme, Survey
from golive import definitions, small_numbers
from golive.access import access_for
from golive.client_address import client_address, sign_in_address
from golive.http import signed_in_user
from golive.models import GoLive
from golive.navigation import current_go_live, require_section

FEEDBACK_FIGURES = (
    "adoption.feedback.net_experience_score",
    "adoption.feedback.responses",
    "adoption.feedback.repeat_responses",
    small_numbers.KEY,
)


def _open_survey(token: str) -> Survey:
    return get_object_or_404(Survey.objects.select_related("go_live"), token=token, is_open=True)


def _throttled(request: HttpRequest, survey: Survey, seconds: int) -> HttpResponse:
    window = "hour" if seconds >= services.HOUR_SECONDS else "minute"
    response = render(
        request, "adoption/survey_throttled.html", {"survey": survey, "window": window}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """Public: anyone with the link may answer, for its go-live only. One response per
    respondent (this browser's cookie, else the page's signed token) per week counts; later
    ones are kept as repeats. A client sending too many submissions to one link in a minute
    gets a 429 page, as does one sending too many in an hour."""
    survey = _open_survey(token)
    client = sign_in_address(client_address(request.META))
    if request.method == "POST":
        wait = services.survey_submission_wait(token=token, client=client)
        if wait:
            return _throttled(request, survey, wait)
    areas = survey.go_live.areas.select_related("site").order_by("name")
    form = SurveyAnswerForm(
        request.POST or None, areas=areas, survey_token=token, initial={"submission": uuid.uuid4()}
    )
    valid = request.method == "POST" and form.is_valid()
    response: HttpResponse
    # The cookie first: it spans page loads. Without it, the id in the page's token.
    token_id = form.cleaned_data.get("respondent") if form.is_bound else None
    respondent_id = respondents.from_cookie(request) or token_id or respondents.new_id()
    if valid:
        data = form.cleaned_data
        recorded = services.record_response(
            survey=survey,
            submission=data["submission"],
            respondent=respondents.respondent_hash(survey_token=token, respondent_id=respondent_id),
            at=timezone.now(),
            area=data["area"],
            role_group=data["role_group"],
            answers=form.answers(),
            comment=data["comment"],
        )
        thanks_url = reverse("adoption:survey_thanks", kwargs={"token": token})
        response = redirect(f"{thanks_url}?repeat=1" if recorded.is_repeat else thanks_url)
    else:
        context = {
            "survey": survey,
            "form": form,
            "respondent_token": respondents.issue_token(
                survey_token=token, respondent_id=respondent_id
            ),
        }
        response = render(request, "adoption/survey_answer.html", context)
    respondents.remember(response, request, respondent_id)
    return response


@login_not_required
@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = get_object_or_404(Survey, token=token)
    context = {"survey": survey, "repeat": request.GET.get("repeat") == "1"}
    return render(request, "adoption/survey_thanks.html", context)


def _go_live(request: HttpRequest) -> GoLive:
    require_section(request, "adoption")
    go_live = current_go_live(request)
    if go_live is None:
        raise PermissionDenied("Choose a go-live first.")
    return go_live


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    go_live = _go_live(request)
    access = access_for(request)
    responses = selectors.visible_responses(access, go_live)
    rows, weeks = selectors.scores_by_area(responses)
    can_manage = selectors.can_manage_feedback(access, go_live)
    themes = FeedbackTheme.objects.filter(programme=go_live.programme)
    said = selectors.comments(responses, rows)
    comments = [
        (
            response,
            TagForm(initial={"theme": response.theme_id}, themes=themes, prefix=f"r{response.pk}"),
        )
        for response in said.shown
    ]
    context = {
        "go_live": go_live,
        "surveys": selectors.survey_counts(access, go_live, rows),
        "rows": rows,
        "weeks": weeks,
        "comments": comments,
        "comments_withheld": said.withheld,
        "repeats_excluded": selectors.repeats_excluded(access, go_live, rows),
        "themes": themes,
        "can_manage": can_manage,
        "survey_form": OpenSurveyForm(),
        "theme_form": ThemeForm(),
    }
    return render(request, "adoption/feedback.html", context)


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Net experience score per area, overall and by week, as CSV or XLSX: the page's
    figures under the same small-number rule, no comments; the definitions and the repeats
    left out as notes."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("Exports are CSV or XLSX.")
    go_live = _go_live(request)
    access = access_for(request)
    rows, _ = selectors.scores_by_area(selectors.visible_responses(access, go_live))
    repeats = selectors.repeats_excluded(access, go_live, rows)
    notes = [
        f"{definitions.label('adoption.feedback.repeat_responses')}: {repeats}",
        *definitions.notes(FEEDBACK_FIGURES),
    ]
    name = f"feedback-{slugify(go_live.name)}"
    return table_response(
        fmt, name, "Staff feedback", exports.header(), exports.rows(rows), notes=notes
    )


@require_POST
def open_survey(request: HttpRequest) -> HttpResponse:
    go_live = _go_live(request)
    form = OpenSurveyForm(request.POST)
    if form.is_valid():
        survey = services.open_survey(
            access=access_for(request),
            user=signed_in_user(request),
            go_live=go_live,
            title=form.cleaned_data["title"],
        )
        messages.success(
            request, f"The survey '{survey.title}' is open. Share its link with staff."
        )
    else:
        messages.error(request, "Give the survey a title of at most 120 characters.")
    return redirect("adoption:feedback")


@require_POST
def toggle_survey(request: HttpRequest, pk: int) -> HttpResponse:
    go_live = _go_live(request)
    survey = get_object_or_404(Survey, pk=pk, go_live=go_live)
    services.set_survey_open(access=access_for(request), survey=survey, is_open=not survey.is_open)
    messages.success(
        request, f"The survey '{survey.title}' is {'open' if survey.is_open else 'closed'}."
    )
    return redirect("adoption:feedback")


@require_POST
def save_theme(request: HttpRequest) -> HttpResponse:
    go_live = _go_live(request)
    form = ThemeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        existing = FeedbackTheme.objects.filter(
            programme=go_live.programme, name=data["name"]
        ).first()
        services.save_theme(
            access=access_for(request),
            go_live=go_live,
            theme=existing,
            name=data["name"],
            you_said=data["you_said"],
            we_did=data["we_did"],
        )
        messages.success(request, f"The theme '{data['name']}' was saved.")
    else:
        messages.error(request, "Give the theme a name of at most 120 characters.")
    return redirect("adoption:feedback")


@require_POST
def tag(request: HttpRequest, pk: int) -> HttpResponse:
    go_live = _go_live(request)
    access = access_for(request)
    response = get_object_or_404(selectors.visible_responses(access, go_live), pk=pk)
    themes = FeedbackTheme.objects.filter(programme=go_live.programme)
    form = TagForm(request.POST, themes=themes, prefix=f"r{pk}")
    if form.is_valid():
        services.tag_response(access=access, response=response, theme=form.cleaned_data["theme"])
        messages.success(request, "The comment's theme was saved.")
    else:
        messages.error(request, "Choose a theme from the list.")
    return redirect("adoption:feedback")
