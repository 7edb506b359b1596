"""The criteria library's pages: the programme's templates by set and domain, a template's
form, deleting one no criterion uses, and copying a whole set. Only those who may keep the
library (``selectors.may_manage_library``) reach them; services check again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from golive.access import Access
from golive.http import section_access
from golive.models import Programme
from golive.refusals import apply_errors
from readiness.library import selectors, services
from readiness.library.forms import CopySetForm, DeleteTemplateForm, LibraryFilterForm, TemplateForm
from readiness.models import CriterionTemplate
from readiness.pages import posted

SECTION = "readiness"
REFUSAL = "Only those who keep the programme's criteria library may open it."


def _library_access(request: HttpRequest) -> tuple[Access, Programme]:
    access = section_access(request, SECTION)
    programme = selectors.library_programme(request)
    if programme is None:
        raise PermissionDenied(REFUSAL)
    return access, programme


def _template(request: HttpRequest, pk: int) -> tuple[Access, CriterionTemplate]:
    access = section_access(request, SECTION)
    if not selectors.manageable_programmes(access):
        raise PermissionDenied(REFUSAL)
    return access, get_object_or_404(selectors.templates_of(access), pk=pk)


def _set_url(template_set: str) -> str:
    return f"{reverse('readiness:library')}?{urlencode({'set': template_set})}"


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """Every template of the programme, by set and domain; filtered to one set."""
    _, programme = _library_access(request)
    sets = selectors.template_sets(programme)
    form = LibraryFilterForm(request.GET or None, sets=sets)
    chosen = form.cleaned_data["set"] if form.is_valid() else ""
    context = {
        "programme": programme,
        "form": form,
        "chosen": chosen,
        "library": selectors.library(programme, template_set=chosen or None),
        "has_sets": bool(sets),
    }
    return render(request, "readiness/library.html", context)


@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    access, programme = _library_access(request)
    initial = {"template_set": request.GET.get("set", ""), "weight": 1}
    form = TemplateForm(posted(request), new=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.create_template(
                access=access,
                programme=programme,
                template_set=form.cleaned_data["template_set"],
                details=form.details(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{template.title}” was added to {template.template_set}.")
            return redirect(_set_url(template.template_set))
    context = {"form": form, "programme": programme, "template": None}
    return render(request, "readiness/library_form.html", context)


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access, template = _template(request, pk)
    initial = {name: getattr(template, name) for name in TemplateForm.base_fields}
    form = TemplateForm(posted(request), new=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_template(access=access, template=template, details=form.details())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{template.title}” was saved.")
            return redirect(_set_url(template.template_set))
    context = {
        "form": form,
        "programme": template.programme,
        "template": template,
        "in_use": template.criteria.count(),
    }
    return render(request, "readiness/library_form.html", context)


@require_http_methods(["GET", "POST"])
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask why, then delete a template no criterion uses; one in use is explained, not
    deleted."""
    access, template = _template(request, pk)
    form = DeleteTemplateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_template(
                access=access, template=template, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"“{template.title}” was deleted from the library.")
            return redirect(_set_url(template.template_set))
    context = {"form": form, "template": template, "in_use": template.criteria.count()}
    return render(request, "readiness/library_delete.html", context)


@require_http_methods(["GET", "POST"])
def copy_set(request: HttpRequest) -> HttpResponse:
    access, programme = _library_access(request)
    sets = selectors.template_sets(programme)
    initial = {"source_set": request.GET.get("set", "")}
    form = CopySetForm(posted(request), sets=sets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copied = services.copy_template_set(
                access=access,
                programme=programme,
                source_set=data["source_set"],
                new_set=data["new_set"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            new_set = " ".join(data["new_set"].split())
            messages.success(request, f"{copied} templates were copied into {new_set}.")
            return redirect(_set_url(new_set))
    return render(request, "readiness/library_copy.html", {"form": form, "programme": programme})
