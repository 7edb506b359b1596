"""The desk's settings pages: the category tree, the SLA target of each priority and the
resolver groups. Only those who may configure the desk (``services.may_configure_desk``)
reach them; the services check again."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from golive.access import Access
from golive.http import section_access
from golive.refusals import apply_errors
from support.configuration import services
from support.configuration.forms import (
    CategoryEditForm,
    CategoryForm,
    ReasonForm,
    ResolverGroupForm,
    SlaTargetForm,
)
from support.models import Category, Priority, ResolverGroup, SlaTarget
from support.pages import SECTION


def _settings_access(request: HttpRequest) -> Access:
    access = section_access(request, SECTION)
    if not services.may_configure_desk(access):
        raise PermissionDenied(
            "Only a programme manager or administrator may change the service desk's settings."
        )
    return access


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _tree() -> list[Category]:
    children = Category.objects.annotate(tickets_count=Count("tickets"))
    return list(
        Category.objects.filter(parent__isnull=True)
        .annotate(tickets_count=Count("tickets"))
        .prefetch_related(Prefetch("children", queryset=children))
    )


def duration(minutes: int) -> str:
    """``1 day 2 hours``, ``1 hour 30 minutes``: a target as people say it."""
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (mins, "minute")]
    return " ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n) or "0 minutes"


@dataclass(frozen=True)
class TargetRow:
    priority: str
    label: str
    target: SlaTarget | None

    @property
    def first_response(self) -> str:
        return duration(self.target.first_response_minutes) if self.target else ""

    @property
    def resolve(self) -> str:
        return duration(self.target.resolve_minutes) if self.target else ""


def _targets() -> list[TargetRow]:
    targets = {t.priority: t for t in SlaTarget.objects.all()}
    return [TargetRow(value, label, targets.get(value)) for value, label in Priority.choices]


@require_GET
def settings_home(request: HttpRequest) -> HttpResponse:
    """The desk's settings at a glance, with the way into each."""
    _settings_access(request)
    context = {
        "categories": Category.objects.filter(is_active=True).count(),
        "inactive": Category.objects.filter(is_active=False).count(),
        "targets": _targets(),
        "groups": ResolverGroup.objects.count(),
    }
    return render(request, "support/settings.html", context)


@require_GET
def categories(request: HttpRequest) -> HttpResponse:
    _settings_access(request)
    return render(request, "support/categories.html", {"tree": _tree()})


@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest) -> HttpResponse:
    """Add a top-level category, or with ``?parent=<id>`` one under it."""
    access = _settings_access(request)
    parent_id = request.GET.get("parent", "")
    if parent_id and not (parent_id.isascii() and parent_id.isdigit()):
        raise Http404("There is no such category.")
    parent = get_object_or_404(Category, pk=parent_id) if parent_id else None
    form = CategoryForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            row = services.add_category(
                access=access, name=form.cleaned_data["name"], parent=parent
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{row}” was added.")
            return redirect("support:categories")
    return render(request, "support/category_form.html", {"form": form, "parent": parent})


@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _settings_access(request)
    row = get_object_or_404(Category.objects.select_related("parent"), pk=pk)
    initial = {"name": row.name, "position": row.position}
    form = CategoryEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_category(access=access, category=row, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The category was saved.")
            return redirect("support:categories")
    context = {"form": form, "category": row, "parent": row.parent}
    return render(request, "support/category_form.html", context)


@require_http_methods(["GET", "POST"])
def category_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Switch a category off (with its children) or back on, saying why."""
    access = _settings_access(request)
    row = get_object_or_404(Category.objects.select_related("parent"), pk=pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_category_active(
                access=access,
                category=row,
                active=not row.is_active,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            state = "switched on" if not row.is_active else "switched off"
            messages.success(request, f"“{row}” was {state}.")
            return redirect("support:categories")
    context = {"form": form, "category": row, "children": row.children.filter(is_active=True)}
    return render(request, "support/category_status.html", context)


@require_GET
def sla_targets(request: HttpRequest) -> HttpResponse:
    _settings_access(request)
    return render(request, "support/sla_targets.html", {"targets": _targets()})


@require_http_methods(["GET", "POST"])
def sla_edit(request: HttpRequest, priority: str) -> HttpResponse:
    access = _settings_access(request)
    labels = dict(Priority.choices)
    if priority not in labels:
        raise Http404("There is no such priority.")
    target = SlaTarget.objects.filter(priority=priority).first()
    initial: dict[str, object] = {"clock": SlaTarget.Clock.ALWAYS}
    if target is not None:
        initial = {
            "first_response_minutes": target.first_response_minutes,
            "resolve_minutes": target.resolve_minutes,
            "clock": target.clock,
        }
    form = SlaTargetForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_sla_target(access=access, priority=priority, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"The {priority} target was saved.")
            return redirect("support:sla")
    context = {"form": form, "priority": priority, "label": labels[priority]}
    return render(request, "support/sla_form.html", context)


@require_http_methods(["GET", "POST"])
def resolver_groups(request: HttpRequest) -> HttpResponse:
    """The resolver groups, and a form to add one."""
    access = _settings_access(request)
    form = ResolverGroupForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            group = services.add_resolver_group(access=access, name=form.cleaned_data["name"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{group.name} was added.")
            return redirect("support:resolver_groups")
    groups = ResolverGroup.objects.annotate(tickets_count=Count("tickets"))
    return render(request, "support/resolver_groups.html", {"form": form, "groups": groups})


@require_http_methods(["GET", "POST"])
def resolver_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = _settings_access(request)
    group = get_object_or_404(ResolverGroup, pk=pk)
    form = ResolverGroupForm(_posted(request), initial={"name": group.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_resolver_group(
                access=access, group=group, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The resolver group was renamed.")
            return redirect("support:resolver_groups")
    return render(request, "support/resolver_group_form.html", {"form": form, "group": group})
