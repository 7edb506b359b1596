"""Assessment pages: readiness groups with their meetings and actions, the board of areas
× domains, one criterion's editor and its evidence. Every list asks ``Access``; writes go
through ``readiness.assessment.services``, which check the same rights again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.access import Access, Capability
from golive.charts import Chart, Series
from golive.dashboard import visible_scope
from golive.http import (
    HtmxHttpRequest,
    render_page,
    section_access,
    section_go_live,
    signed_in_user,
)
from golive.models import GoLive, Site
from golive.refusals import apply_errors
from readiness.assessment import exports, selectors, services
from readiness.assessment.forms import (
    ActionForm,
    ActionStatusForm,
    ApplyTemplatesForm,
    BoardFilterForm,
    CriterionForm,
    GroupForm,
    MeetingForm,
)
from readiness.assessment.scoring import EXPLANATION
from readiness.models import Action, Criterion
from readiness.pages import posted, programme_users
from readiness.people import people_in, person_filter, visible_staff


@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    access, go_live = section_go_live(request, "readiness")
    programme = go_live.programme
    can_create = access.has(Capability.MANAGE_GO_LIVES, programme=programme)
    form = GroupForm(posted(request), users=programme_users(programme))
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied("Only a programme manager may set up readiness groups.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                group = services.create_group(access=access, programme=programme, **data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{group.name} was set up.")
                return redirect("readiness:group", pk=group.pk)
    context = {
        "go_live": go_live,
        "groups": selectors.visible_groups(access).filter(programme=programme),
        "form": form if can_create else None,
    }
    return render(request, "readiness/groups.html", context)


@require_http_methods(["GET", "POST"])
def group(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's meetings, decisions and actions; its co-chairs record new ones here."""
    access = section_access(request, "readiness")
    row = get_object_or_404(selectors.visible_groups(access), pk=pk)
    users = programme_users(row.programme)
    kind = request.POST.get("form") if request.method == "POST" else None
    meeting_form = MeetingForm(request.POST if kind == "meeting" else None)
    action_form = ActionForm(
        request.POST if kind == "action" else None,
        users=users,
        staff=visible_staff(access, row.programme),
    )
    can_manage = selectors.can_manage_group(access, row)
    if kind and not can_manage:
        raise PermissionDenied("Only the group's co-chairs may do this.")
    if kind == "meeting" and meeting_form.is_valid():
        data = meeting_form.cleaned_data
        services.record_meeting(
            access=access,
            group=row,
            held_on=data["held_on"],
            notes=data["notes"],
            decisions=data["decisions"].splitlines(),
        )
        messages.success(request, "The meeting was recorded.")
        return redirect("readiness:group", pk=row.pk)
    if kind == "action" and action_form.is_valid():
        services.add_action(access=access, group=row, **action_form.cleaned_data)
        messages.success(request, "The action was added.")
        return redirect("readiness:group", pk=row.pk)
    actions = row.actions.select_related("owner", "owner_staff")
    owner = request.GET.get("owner", "")
    by_owner = person_filter(owner, user_field="owner", staff_field="owner_staff")
    context = {
        "group": row,
        "meetings": row.meetings.prefetch_related("decisions"),
        "actions": actions.filter(by_owner) if by_owner is not None else actions,
        "owners": people_in(actions, user_field="owner", staff_field="owner_staff"),
        "owner": owner,
        "today": timezone.localdate(),
        "can_manage": can_manage,
        "meeting_form": meeting_form,
        "action_form": action_form,
    }
    return render(request, "readiness/group.html", context)


@require_POST
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, "readiness")
    action = get_object_or_404(
        Action.objects.filter(group__in=selectors.visible_groups(access)).select_related("group"),
        pk=pk,
    )
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(
            access=access,
            user=signed_in_user(request),
            action=action,
            status=form.cleaned_data["status"],
        )
        messages.success(request, "The action was updated.")
    return redirect("readiness:group", pk=action.group_id)


# Board.


def _board_filters(
    access: Access, go_live: GoLive, data: QueryDict
) -> tuple[BoardFilterForm, selectors.BoardFilters]:
    sites = Site.objects.filter(areas__in=visible_scope(access, go_live)).distinct()
    form = BoardFilterForm(data or None, sites=sites, owners=selectors.owners(go_live))
    if not form.is_valid():
        return form, selectors.BoardFilters()
    data_ = form.cleaned_data
    return form, selectors.BoardFilters(
        site=data_["site"].pk if data_.get("site") else None,
        domain=data_.get("domain") or None,
        owner=data_["owner"].pk if data_.get("owner") else None,
        status=data_.get("status") or None,
    )


@require_http_methods(["GET", "POST"])
def board(request: HtmxHttpRequest) -> HttpResponse:
    """The assessment heat-map: areas × domains with weighted scores."""
    access, go_live = section_go_live(request, "readiness")
    form, filters = _board_filters(access, go_live, request.GET)
    can_apply = access.has(Capability.MANAGE_GO_LIVES, programme=go_live.programme)
    apply_form = ApplyTemplatesForm(
        posted(request), sets=selectors.template_sets(go_live.programme)
    )
    if request.method == "POST":
        if not can_apply:
            raise PermissionDenied("Only a programme manager may apply criteria.")
        if apply_form.is_valid():
            created = services.apply_template_set(
                access=access, go_live=go_live, template_set=apply_form.cleaned_data["template_set"]
            )
            added = "1 criterion was" if created == 1 else f"{created} criteria were"
            messages.success(request, f"{added} added to {go_live.name}.")
            return redirect("readiness:board")
    trend = selectors.score_trend(access, go_live, today=timezone.localdate())
    chart = Chart(
        dom_id="readiness-trend",
        title="Readiness score of assessed criteria, week by week",
        labels=[day.isoformat() for day, _ in trend],
        series=[Series("Score (%)", [value for _, value in trend])],
        y_label="Weighted score (%)",
    )
    context = {
        "go_live": go_live,
        "form": form,
        "trend_chart": chart,
        "query": request.GET.urlencode(),
        "board": selectors.board(access, go_live, filters, today=timezone.localdate()),
        "explanation": EXPLANATION,
        "apply_form": apply_form if can_apply else None,
    }
    return render_page(request, "readiness/board.html", context, partial="heatmap")


@require_GET
def board_export(request: HttpRequest, fmt: str) -> HttpResponse:
    access, go_live = section_go_live(request, "readiness")
    _, filters = _board_filters(access, go_live, request.GET)
    data = selectors.board(access, go_live, filters, today=timezone.localdate())
    return exports.respond(f"golive-readiness-{go_live.pk}", fmt, data)


def _criterion(request: HttpRequest, pk: int) -> tuple[Access, Criterion]:
    access, go_live = section_go_live(request, "readiness")
    row = get_object_or_404(selectors.visible_criteria(access, go_live), pk=pk)
    return access, row


@require_http_methods(["GET", "POST"])
def criterion(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Edit one criterion. With htmx the form opens beside the board and, once saved, the
    heat-map cell and the area's score update in place; without, it is a page."""
    access, row = _criterion(request, pk)
    today = timezone.localdate()
    state = selectors.criterion_states(access, [row], today=today)[0]
    if not state.editable:
        raise PermissionDenied(
            "You may not update this criterion: it is outside your areas or domains."
        )
    initial = {
        "rag": row.rag,
        "evidence_link": row.evidence_link,
        "comment": row.comment,
        "owner": row.owner,
    }
    form = CriterionForm(
        posted(request),
        request.FILES or None,
        owners=programme_users(row.go_live.programme),
        initial=initial,
    )
    if request.htmx:
        # The form opens beside the board: take keyboard focus there (htmx honours autofocus).
        form.fields["rag"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_criterion(
                access=access, user=signed_in_user(request), criterion=row, **data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if request.htmx:
                cell, area_score = selectors.cell_and_area_score(
                    access, row.go_live, row.area, row.template.domain, today=today
                )
                context = {"cell": cell, "area_score": area_score, "area": row.area, "saved": row}
                return render(request, "readiness/_saved.html", context)
            messages.success(request, f"{row.template.title} in {row.area.name} was updated.")
            return redirect(
                reverse("readiness:board") + f"#{'cell-'}{row.area_id}-{row.template.domain}"
            )
    context = {"criterion": row, "state": state, "form": form}
    return render_page(request, "readiness/criterion.html", context, partial="editor")


@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is served only to users who may see the criterion, never from a public URL."""
    _, row = _criterion(request, pk)
    if not row.evidence_file:
        raise Http404("No evidence file.")
    return FileResponse(
        row.evidence_file.open("rb"),
        as_attachment=True,
        filename=row.evidence_file_name or "evidence",
    )
