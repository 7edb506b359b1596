"""Service desk pages: the front door (quick log and phone log), the queue, a ticket with
its triage, status and comments, known issues, and the clinical safety officer's list.
The live board and analytics are in ``support.dashboards``."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from golive.access import Access, Capability, access_for
from golive.dashboard import visible_scope
from golive.http import HtmxHttpRequest, render_page, section_access, signed_in_user
from golive.models import GoLive, Role, User
from golive.refusals import apply_errors
from support import selectors, services
from support.configuration.services import may_configure_desk
from support.forms import (
    CommentForm,
    KnownIssueForm,
    LinkKnownIssueForm,
    PhoneLogForm,
    QuickLogForm,
    StatusForm,
    TicketFilterForm,
    TriageForm,
)
from support.models import Category, KnownIssue, Ticket
from support.pages import SECTION, desk_go_live, go_live_or_404
from support.suggest import suggest_category
from support.survey import survey_token
from training.models import Course

TICKETS_PER_PAGE = 25


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The service desk's view of the chosen go-live: what goes live, where, and the doors in."""
    access = section_access(request, SECTION)
    go_live = desk_go_live(request)
    sites: list[tuple[str, list]] = []
    releases: list = []
    if go_live is not None:
        areas = visible_scope(access, go_live)
        sites = [(name, list(group)) for name, group in groupby(areas, key=lambda a: a.site.name)]
        releases = list(go_live.releases.all())
    context = {
        "go_live": go_live,
        "sites": sites,
        "releases": releases,
        "can_log": selectors.can_log(access, go_live),
        "can_triage": selectors.can_triage(access, go_live),
        "is_safety_officer": Role.CLINICAL_SAFETY_OFFICER in access.roles,
        "can_configure": may_configure_desk(access),
        "open_safety_concerns": (
            selectors.clinical_safety_tickets(access, go_live)
            .filter(status__in=Ticket.OPEN_STATUSES)
            .count()
            if go_live is not None
            else 0
        ),
    }
    return render(request, "support/home.html", context)


# The front door.


def _log_context(
    request: HttpRequest, access: Access, go_live: GoLive, form: QuickLogForm, phone: bool
) -> dict[str, Any]:
    return {
        "go_live": go_live,
        "form": form,
        "phone": phone,
        "workarounds": selectors.published_workarounds(go_live)[:10],
        "panel": _suggestion_panel(access, go_live, form),
    }


def _suggestion_panel(access: Access, go_live: GoLive, form: QuickLogForm) -> dict[str, Any]:
    """What the text suggests: a category (with the words that matched), likely duplicates
    in the same area, and published workarounds for that category."""
    text = str(form["description"].value() or "")
    area_field = form.fields["area"]
    try:
        area = area_field.clean(form["area"].value())
    except ValidationError:
        area = None
    suggestion = suggest_category(text)
    category = (
        Category.objects.select_related("parent").filter(slug=suggestion.category_slug).first()
        if suggestion
        else None
    )
    return {
        "suggestion": suggestion,
        "category": category,
        "duplicates": selectors.likely_duplicates(
            access, go_live, area=area, category=category, text=text, now=timezone.now()
        ),
        "related_workarounds": (
            list(selectors.published_workarounds(go_live, category=category)[:3])
            if category
            else []
        ),
    }


def _log_form(request: HttpRequest, areas: list, phone: bool, data: Any = None) -> QuickLogForm:
    if phone:
        return PhoneLogForm(data, areas=areas, categories=selectors.category_choices())
    return QuickLogForm(data, areas=areas)


@require_http_methods(["GET", "POST"])
def log_ticket(request: HttpRequest) -> HttpResponse:
    """Quick log for anyone who may log; ``?mode=phone`` adds triage fields for the desk."""
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    areas = selectors.loggable_areas(access, go_live)
    if not areas:
        raise PermissionDenied("You may not log tickets for this go-live.")
    phone = request.GET.get("mode") == "phone" and selectors.can_triage(access, go_live)
    form = _log_form(request, areas, phone, request.POST or None)
    # Without JavaScript, "Check for known problems" shows the suggestion panel unsaved.
    checking = "check" in request.POST
    if request.method == "POST" and not checking and form.is_valid():
        ticket = _save_logged_ticket(request, go_live, form, phone)
        if ticket is not None:
            messages.success(request, f"Ticket {ticket.reference} logged.")
            if phone:
                return redirect(f"{reverse('support:queue')}?assignee=me&status=open")
            return redirect("support:ticket", pk=ticket.pk)
    return render(request, "support/log.html", _log_context(request, access, go_live, form, phone))


def _save_logged_ticket(
    request: HttpRequest, go_live: GoLive, form: QuickLogForm, phone: bool
) -> Ticket | None:
    name, contact = form.split_reporter()
    user = signed_in_user(request)
    try:
        ticket = services.log_ticket(
            user=user,
            go_live=go_live,
            area=form.cleaned_data["area"],
            reporter_name=name,
            reporter_contact=contact,
            description=form.cleaned_data["description"],
            channel=Ticket.Channel.PHONE if phone else Ticket.Channel.QUICK_LOG,
        )
        if phone:
            data = form.cleaned_data
            ticket = services.triage_ticket(
                ticket=ticket,
                user=user,
                category=data["category"] or ticket.category,
                priority=data["priority"],
                resolver_group=None,
                assignee=user if data["assign_to_me"] else None,
                is_clinical_safety=data["is_clinical_safety"],
            )
    except ValidationError as error:
        apply_errors(form, error)
        return None
    return ticket


@require_POST
def log_suggestions(request: HtmxHttpRequest) -> HttpResponse:
    """The suggestion panel of the quick-log form, refreshed by htmx as people type. POST, so
    what people type (which may name a patient) never lands in a URL or an access log."""
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    areas = selectors.loggable_areas(access, go_live)
    if not areas:
        raise PermissionDenied("You may not log tickets for this go-live.")
    form = QuickLogForm(request.POST, areas=areas)
    context = {"panel": _suggestion_panel(access, go_live, form)}
    return render(request, "support/_suggestions.html", context)


# The queue and a ticket.


def _filtered(tickets: QuerySet[Ticket], form: TicketFilterForm, user: User) -> QuerySet[Ticket]:
    if not form.is_valid():
        return tickets
    data = form.cleaned_data
    if data["status"] == "open":
        tickets = tickets.filter(status__in=Ticket.OPEN_STATUSES)
    elif data["status"]:
        tickets = tickets.filter(status=data["status"])
    if data["category"] is not None:
        category = data["category"]
        tickets = tickets.filter(category__in=[category, *category.children.all()])
    if data["priority"]:
        tickets = tickets.filter(priority=data["priority"])
    if data["area"] is not None:
        tickets = tickets.filter(area=data["area"])
    if data["assignee"] == "me":
        tickets = tickets.filter(assignee=user)
    elif data["assignee"] == "none":
        tickets = tickets.filter(assignee__isnull=True)
    if data["logged_by"] == "me":
        tickets = tickets.filter(logged_by=user)
    return tickets


@require_GET
def queue(request: HtmxHttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    form = TicketFilterForm(
        request.GET or None,
        categories=selectors.category_choices(),
        areas=visible_scope(access, go_live),
    )
    tickets = _filtered(selectors.visible_tickets(access, go_live), form, signed_in_user(request))
    page = Paginator(tickets, TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    targets = selectors.sla_targets()
    rows = [(t, selectors.ticket_sla(t, targets, now=now)) for t in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "go_live": go_live,
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_log": selectors.can_log(access, go_live),
        "can_triage": selectors.can_triage(access, go_live),
    }
    return render_page(request, "support/queue.html", context, partial="results")


def _visible_ticket(access: Access, pk: int) -> Ticket:
    return get_object_or_404(
        selectors.visible_tickets(access).select_related(
            "go_live__programme", "known_issue", "course"
        ),
        pk=pk,
    )


def _courses(ticket: Ticket) -> QuerySet[Course]:
    return Course.objects.filter(programme=ticket.go_live.programme).order_by("name")


def _ticket_page(
    request: HttpRequest, ticket: Ticket, *, forms: dict[str, Form] | None = None
) -> HttpResponse:
    access = access_for(request)
    desk = access.has(Capability.TRIAGE_TICKETS, area=ticket.area)
    may_comment = desk or access.has(Capability.LOG_TICKETS, area=ticket.area)
    forms = forms or {}
    if desk:
        forms.setdefault(
            "triage_form",
            TriageForm(
                initial={
                    "category": ticket.category_id,
                    "priority": ticket.priority,
                    "resolver_group": ticket.resolver_group_id,
                    "assignee": ticket.assignee_id,
                    "is_clinical_safety": ticket.is_clinical_safety,
                },
                categories=selectors.category_choices(),
                assignees=selectors.assignable_users(ticket),
            ),
        )
        forms.setdefault("status_form", StatusForm(courses=_courses(ticket)))
        forms.setdefault(
            "link_form",
            LinkKnownIssueForm(
                initial={"known_issue": ticket.known_issue_id},
                issues=KnownIssue.objects.filter(
                    programme=ticket.go_live.programme, status=KnownIssue.Status.OPEN
                ),
            ),
        )
    if may_comment:
        forms.setdefault("comment_form", CommentForm(desk=desk))
    sla = selectors.ticket_sla(ticket, selectors.sla_targets(), now=timezone.now())
    context = {
        "ticket": ticket,
        "sla": sla,
        "desk": desk,
        "show_reporter": selectors.may_see_reporter(access, ticket),
        "show_text": selectors.may_read_ticket_text(access, ticket),
        "comments": selectors.visible_comments(access, ticket),
        "next_statuses": [
            (value, label)
            for value, label in Ticket.Status.choices
            if value in services.TRANSITIONS[ticket.status]
        ],
        "workarounds": selectors.published_workarounds(ticket.go_live, category=ticket.category)[
            :5
        ],
        "survey_url": (
            request.build_absolute_uri(reverse("support:survey", args=[survey_token(ticket)]))
            if desk and not ticket.is_open
            else ""
        ),
        "escalations": ticket.escalations.select_related("escalated_by"),
        "hazards": [link.hazard for link in ticket.hazard_links.select_related("hazard")],
        "may_raise_hazard": ticket.is_clinical_safety
        and access.has(Capability.MANAGE_HAZARDS, programme=ticket.go_live.programme),
        **forms,
    }
    return render(request, "support/ticket.html", context)


@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    return _ticket_page(request, _visible_ticket(access, pk))


@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _visible_ticket(section_access(request, SECTION), pk)
    try:
        services.claim_ticket(ticket=ticket, user=signed_in_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"You have claimed {ticket.reference}.")
    return redirect("support:ticket", pk=pk)


@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _visible_ticket(section_access(request, SECTION), pk)
    form = TriageForm(
        request.POST,
        categories=selectors.category_choices(),
        assignees=selectors.assignable_users(ticket),
    )
    if form.is_valid():
        try:
            services.triage_ticket(ticket=ticket, user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{ticket.reference} triaged.")
            return redirect("support:ticket", pk=pk)
    return _ticket_page(request, ticket, forms={"triage_form": form})


@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _visible_ticket(section_access(request, SECTION), pk)
    form = StatusForm(request.POST, courses=_courses(ticket))
    if form.is_valid():
        try:
            services.change_status(ticket=ticket, user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{ticket.reference} updated.")
            return redirect("support:ticket", pk=pk)
    return _ticket_page(request, ticket, forms={"status_form": form})


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    ticket = _visible_ticket(access, pk)
    form = CommentForm(request.POST, desk=access.has(Capability.TRIAGE_TICKETS, area=ticket.area))
    if form.is_valid():
        try:
            services.add_comment(ticket=ticket, user=signed_in_user(request), **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Comment added.")
            return redirect("support:ticket", pk=pk)
    return _ticket_page(request, ticket, forms={"comment_form": form})


@require_POST
def link_known_issue(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _visible_ticket(section_access(request, SECTION), pk)
    form = LinkKnownIssueForm(
        request.POST, issues=KnownIssue.objects.filter(programme=ticket.go_live.programme)
    )
    if form.is_valid():
        try:
            services.link_to_known_issue(
                ticket=ticket,
                user=signed_in_user(request),
                known_issue=form.cleaned_data["known_issue"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Known issue link saved.")
            return redirect("support:ticket", pk=pk)
    return _ticket_page(request, ticket, forms={"link_form": form})


@require_POST
def escalate_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise one ticket to silver (e.g. a ward unable to give medicines)."""
    ticket = _visible_ticket(section_access(request, SECTION), pk)
    # The summary goes on the board and the command pages, which executives read: it names
    # the ticket, never its free text (issue 22, F9); silver opens the ticket for that.
    what = ticket.category or "not categorised"
    services.escalate(
        user=signed_in_user(request),
        go_live=ticket.go_live,
        summary=f"{ticket.reference} ({ticket.area.name}): {what}, {ticket.priority}",
        ticket=ticket,
        area=ticket.area,
    )
    messages.success(request, f"{ticket.reference} escalated to silver.")
    return redirect("support:ticket", pk=pk)


# Known issues.


def _visible_known_issues(access: Access, go_live: GoLive) -> QuerySet[KnownIssue]:
    """Known issues of the programme. Everyone on the desk's side sees them; those without
    triage rights see only published ones (the workaround is what they need)."""
    issues = KnownIssue.objects.filter(programme=go_live.programme).select_related("category")
    if not selectors.can_triage(access, go_live):
        issues = issues.filter(is_published=True)
    return issues


@require_GET
def known_issues(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    issues = _visible_known_issues(access, go_live)
    open_children = {
        row["known_issue"]: row["n"]
        for row in selectors.visible_tickets(access, go_live)
        .filter(known_issue__in=issues)
        .values("known_issue")
        .annotate(n=Count("pk"))
    }
    context = {
        "go_live": go_live,
        "issues": [(issue, open_children.get(issue.pk, 0)) for issue in issues],
        "can_triage": selectors.can_triage(access, go_live),
    }
    return render(request, "support/known_issues.html", context)


@require_http_methods(["GET", "POST"])
def known_issue_new(request: HttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    if not selectors.can_triage(access, go_live):
        raise PermissionDenied("Only the service desk manages known issues.")
    form = KnownIssueForm(request.POST or None, categories=selectors.category_choices())
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.create_known_issue(
                user=signed_in_user(request), go_live=go_live, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Known issue “{issue.title}” opened.")
            return redirect("support:known_issue", pk=issue.pk)
    return render(request, "support/known_issue_form.html", {"form": form, "go_live": go_live})


@require_http_methods(["GET", "POST"])
def known_issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    if not selectors.can_triage(access, go_live):
        raise PermissionDenied("Only the service desk manages known issues.")
    issue = get_object_or_404(_visible_known_issues(access, go_live), pk=pk)
    initial = {
        "title": issue.title,
        "description": issue.description,
        "workaround": issue.workaround,
        "category": issue.category_id,
        "is_published": issue.is_published,
    }
    form = KnownIssueForm(
        request.POST or None, initial=initial, categories=selectors.category_choices()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_known_issue(
                known_issue=issue, user=signed_in_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Known issue saved.")
            return redirect("support:known_issue", pk=issue.pk)
    context = {"form": form, "go_live": go_live, "issue": issue}
    return render(request, "support/known_issue_form.html", context)


@require_GET
def known_issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    issue = get_object_or_404(_visible_known_issues(access, go_live), pk=pk)
    context = {
        "issue": issue,
        "tickets": selectors.visible_tickets(access, go_live).filter(known_issue=issue),
        "can_triage": selectors.can_triage(access, go_live),
    }
    return render(request, "support/known_issue.html", context)


@require_POST
def known_issue_fix(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    issue = get_object_or_404(_visible_known_issues(access, go_live), pk=pk)
    try:
        resolved = services.fix_known_issue(known_issue=issue, user=signed_in_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Marked as fixed; {resolved} linked ticket{'s' if resolved != 1 else ''} resolved.",
        )
    return redirect("support:known_issue", pk=pk)


# The clinical safety officer's list.


@require_GET
def safety(request: HtmxHttpRequest) -> HttpResponse:
    access = section_access(request, SECTION)
    go_live = go_live_or_404(request)
    tickets = selectors.clinical_safety_tickets(access, go_live)
    page = Paginator(tickets, TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(ticket, selectors.may_read_ticket_text(access, ticket)) for ticket in page]
    context = {"go_live": go_live, "page": page, "rows": rows, "query": ""}
    return render_page(request, "support/safety.html", context, partial="results")
