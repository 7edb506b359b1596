from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from adoption.imports import services
from adoption.imports.fields import FIELDS_BY_KIND
from adoption.imports.files import human_size
from adoption.imports.findings import unknown_value_rows, unknown_value_tables
from adoption.imports.forms import (
    BatchFilterForm,
    CommitValidRowsForm,
    MappingProfileForm,
    ProfileImportForm,
    UploadForm,
    kind_plural,
)
from adoption.imports.housekeeping import worker_silent_since
from adoption.imports.permissions import capability_for
from adoption.imports.profiles import (
    BUILTIN_NAMES,
    ProfileError,
    builtin_description,
    builtin_profile,
    parse_spec,
    reference_profile,
)
from adoption.imports.progress import about, progress_of
from adoption.imports.selectors import (
    can_edit_profiles,
    import_programmes,
    visible_batches,
    visible_profiles,
)
from adoption.models import ImportBatch, MappingProfile
from golive.access import Access, Capability, access_for
from golive.exports import csv_response
from golive.http import HtmxHttpRequest, render_page, section_access, signed_in_user
from golive.models import Programme
from golive.navigation import current_go_live
from golive.refusals import apply_errors

ISSUES_SHOWN = 100
BATCHES_PER_PAGE = 25
ERROR_REPORT_HEADER = ("line", "column", "code", "message", "value", "expected")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The programme's go-lives and releases: the events adoption is measured against."""
    access = section_access(request, "adoption")
    go_lives = (
        access.go_lives()
        .annotate(area_count=Count("areas", filter=Q(areas__in=access.areas()), distinct=True))
        .prefetch_related("releases")
        .order_by("user_go_live_date")
    )
    context = {
        "current": current_go_live(request),
        "go_lives": go_lives,
        "today": timezone.localdate(),
    }
    return render(request, "adoption/home.html", context)


# Shared helpers: who may do what, and rendering a page or its fragment.


def _programme(request: HttpRequest) -> Programme | None:
    """Uploads and saved profiles belong to the programme of the go-live being looked at."""
    go_live = current_go_live(request)
    return go_live.programme if go_live else None


def _importable_kinds(access: Access, programme: Programme | None) -> list[str]:
    """Kinds Golive can read (those with a reference format) that the user may import."""
    if programme is None:
        return []
    kinds = dict.fromkeys(BUILTIN_NAMES.values())
    return [kind for kind in kinds if access.has(capability_for(kind), programme=programme)]


# Imports: the list, uploading, a batch's page and its error report.


@require_GET
def import_list(request: HtmxHttpRequest) -> HttpResponse:
    access = section_access(request, "adoption")
    form = BatchFilterForm(request.GET or None)
    batches = visible_batches(access)
    if form.is_valid():
        if form.cleaned_data["kind"]:
            batches = batches.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            batches = batches.filter(status=form.cleaned_data["status"])
    page = Paginator(batches, BATCHES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_upload": bool(_importable_kinds(access, _programme(request))),
    }
    return render_page(request, "adoption/import_list.html", context, partial="results")


def _usable_profiles(access: Access, programme: Programme, kinds: list[str]) -> dict[str, str]:
    """Profile name -> the kind it reads: built-ins, then the programme's saved profiles."""
    usable = {name: kind for name, kind in BUILTIN_NAMES.items() if kind in kinds}
    saved = visible_profiles(access).filter(programme=programme, kind__in=kinds)
    usable.update(saved.order_by("name").values_list("name", "kind"))
    return usable


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    access = section_access(request, "adoption")
    programme = _programme(request)
    kinds = _importable_kinds(access, programme)
    if programme is None or not kinds:
        if programme is not None or not import_programmes(access).exists():
            raise PermissionDenied("You may not import files.")
        return render(request, "adoption/upload.html", {"form": None})
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        profiles=_usable_profiles(access, programme, kinds),
        initial={"kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            services.count_upload_attempt(user=signed_in_user(request))
            batch = services.create_import_batch(
                user=signed_in_user(request),
                programme=programme,
                kind=form.cleaned_data["kind"],
                profile_name=form.cleaned_data["profile"],
                upload=uploaded,
                file_name=uploaded.name or "upload.csv",
                dry_run=form.cleaned_data["dry_run"],
                correction=form.cleaned_data["correction"],
                mark_leavers=form.cleaned_data["mark_leavers"],
            )
        except services.OptionNotAllowed as refusal:
            form.add_error(refusal.field, str(refusal))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                apply_errors(form, error)
            else:
                form.add_error("file", error)
        else:
            if batch.awaiting_broker:
                messages.warning(request, f"{batch.file_name}: {batch.message}")
            else:
                checked = "checked (dry run)" if batch.dry_run else "checked"
                messages.success(request, f"{batch.file_name} was uploaded and is being {checked}.")
            return redirect("adoption:batch", pk=batch.pk)
    context = {
        "form": form,
        "programme": programme,
        "may_edit_profiles": can_edit_profiles(access, programme),
    }
    return render(request, "adoption/upload.html", context)


def _duration(batch: ImportBatch) -> str | None:
    if not (batch.started_at and batch.finished_at):
        return None
    seconds = max((batch.finished_at - batch.started_at).total_seconds(), 0)
    return f"{seconds:.1f} seconds" if seconds < 60 else about(seconds).removeprefix("about ")


def _may_commit_valid_rows(access: Access, batch: ImportBatch) -> bool:
    """The offer the service would accept: a batch rejected for a few bad rows."""
    if batch.status != ImportBatch.Status.REJECTED or not batch.rows_rejected:
        return False
    if batch.partial_allowed or batch.rows_rejected >= batch.rows_read:
        return False
    if batch.file_deleted_at is not None:
        return False
    if not access.has(Capability.MANAGE_GO_LIVES, programme=batch.programme):
        return False
    try:
        bound = parse_spec(batch.profile_name, batch.profile_spec).max_rejected_share
    except ProfileError:
        return False
    return batch.rows_rejected / max(batch.rows_read, 1) <= bound


def _profile_link(access: Access, batch: ImportBatch) -> str | None:
    """Where to fix the profile the batch was read with: the saved profile's editor, or the
    profile builder (a new profile) for a built-in one; None if the user may not edit."""
    if not can_edit_profiles(access, batch.programme):
        return None
    saved = MappingProfile.objects.filter(programme=batch.programme, name=batch.profile_name)
    profile_id = saved.values_list("pk", flat=True).first()
    if profile_id is not None:
        return reverse("adoption:profile_edit", args=[profile_id])
    try:
        return f"{reverse('adoption:profile_builder')}?batch={batch.pk}"
    except NoReverseMatch:  # the builder is not installed: a new profile from the JSON form
        return f"{reverse('adoption:profile_new')}?kind={batch.kind}"


def _render_batch(
    request: HtmxHttpRequest, batch: ImportBatch, commit_form: CommitValidRowsForm | None = None
) -> HttpResponse:
    access = access_for(request)
    if commit_form is None and _may_commit_valid_rows(access, batch):
        commit_form = CommitValidRowsForm(rows_rejected=batch.rows_rejected)
    context = {
        "checked": batch.status == ImportBatch.Status.CHECKED,  # a finished dry run: "would"
        "counts_by_reason": sorted(
            batch.issue_counts.items(), key=lambda item: (-item[1], item[0])
        ),
        "unknown_values": unknown_value_tables(batch.unknown_values),
        "profile_link": _profile_link(access, batch) if batch.unknown_values else None,
        "batch": batch,
        "file_size": human_size(batch.file_size),
        "progress": progress_of(batch, now=timezone.now()),
        "worker_silent_since": worker_silent_since(batch, now=timezone.now()),
        "duration": _duration(batch),
        "issues": batch.issues.all()[:ISSUES_SHOWN] if batch.is_final else [],
        "commit_form": commit_form,
    }
    return render_page(request, "adoption/batch.html", context, partial="progress")


@require_GET
def batch_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(visible_batches(section_access(request, "adoption")), pk=pk)
    return _render_batch(request, batch)


@require_POST
def commit_valid_rows(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(visible_batches(section_access(request, "adoption")), pk=pk)
    form = CommitValidRowsForm(request.POST, rows_rejected=batch.rows_rejected)
    if form.is_valid():
        try:
            services.commit_valid_rows_only(batch=batch, user=signed_in_user(request))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"The valid rows of batch {batch.pk} are being committed; "
                f"{batch.rows_rejected:,} rows will not be imported.",
            )
            return redirect("adoption:batch", pk=batch.pk)
    return _render_batch(request, batch, form)


@require_GET
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(visible_batches(section_access(request, "adoption")), pk=pk)
    rows = batch.issues.order_by("line", "pk").values_list(*ERROR_REPORT_HEADER)
    return csv_response(f"golive-batch-{batch.pk}-errors.csv", ERROR_REPORT_HEADER, rows)


@require_GET
def unknown_values_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The distinct unknown values of the batch's coded columns, for a profile's value maps
    (formula-escaped like the error report; never identifiers)."""
    batch = get_object_or_404(visible_batches(section_access(request, "adoption")), pk=pk)
    rows = unknown_value_rows(batch.unknown_values)
    header = ("field", "column", "value", "rows")
    return csv_response(f"golive-batch-{batch.pk}-unknown-values.csv", header, rows)


# Mapping profiles: list, create, edit, export and import as JSON.


def _spec_text(spec: Any) -> str:
    return json.dumps(spec, indent=2, ensure_ascii=False)


def _profile_programme(request: HttpRequest, access: Access) -> Programme:
    """New and imported profiles belong to the current go-live's programme."""
    programme = _programme(request)
    if programme is None or not can_edit_profiles(access, programme):
        raise PermissionDenied("You may not change this programme's mapping profiles.")
    return programme


def _builtin_summary(name: str) -> dict[str, object]:
    """A built-in profile as the profile list shows it: the source columns it reads."""
    profile = builtin_profile(name)
    rows = []
    for spec in FIELDS_BY_KIND[profile.kind]:
        column = profile.columns.get(spec.name) or " + ".join(
            profile.composite_columns.get(spec.name, ())
        )
        if column:
            rows.append({"column": column, "field": spec})
    return {
        "name": name,
        "plural": kind_plural(profile.kind),
        "description": builtin_description(name),
        "rows": rows,
    }


@require_GET
def profile_list(request: HttpRequest) -> HttpResponse:
    access = section_access(request, "adoption")
    programme = _programme(request)
    editable = [p.pk for p in import_programmes(access) if can_edit_profiles(access, p)]
    context = {
        "builtins": [_builtin_summary(name) for name in BUILTIN_NAMES],
        "new_kinds": [{"kind": kind, "plural": kind_plural(kind)} for kind in FIELDS_BY_KIND],
        "saved": visible_profiles(access).select_related("programme", "updated_by"),
        "editable_programme_ids": editable,
        "can_create": programme is not None and programme.pk in editable,
    }
    return render(request, "adoption/profile_list.html", context)


def _save_profile(
    request: HttpRequest,
    form: MappingProfileForm,
    programme: Programme,
    profile: MappingProfile | None,
) -> MappingProfile | None:
    """Save through the service; its refusals become form errors (and None is returned)."""
    try:
        return services.save_mapping_profile(
            programme=programme,
            user=signed_in_user(request),
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            spec=form.cleaned_data["spec"],
            profile=profile,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return None


def _taken_names(programme: Programme, profile: MappingProfile | None = None) -> list[str]:
    names = MappingProfile.objects.filter(programme=programme)
    if profile is not None:
        names = names.exclude(pk=profile.pk)
    return list(names.values_list("name", flat=True))


@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest) -> HttpResponse:
    programme = _profile_programme(request, section_access(request, "adoption"))
    kind = request.GET.get("kind", "events")
    kind = kind if kind in FIELDS_BY_KIND else "events"
    form = MappingProfileForm(
        request.POST or None,
        initial={"spec": _spec_text(reference_profile(kind).to_spec())},
        taken_names=_taken_names(programme),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_profile(request, form, programme, None)
        if saved is not None:
            messages.success(request, f"Mapping profile {saved.name} was saved.")
            return redirect("adoption:profiles")
    others = {other: kind_plural(other) for other in FIELDS_BY_KIND if other != kind}
    context = {"form": form, "profile": None, "plural": kind_plural(kind), "others": others}
    return render(request, "adoption/profile_form.html", context)


@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, "adoption")
    profile = get_object_or_404(visible_profiles(access).select_related("programme"), pk=pk)
    if not can_edit_profiles(access, profile.programme):
        raise PermissionDenied("You may not change this programme's mapping profiles.")
    form = MappingProfileForm(
        request.POST or None,
        initial={
            "name": profile.name,
            "description": profile.description,
            "spec": _spec_text(profile.spec),
        },
        taken_names=_taken_names(profile.programme, profile),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_profile(request, form, profile.programme, profile)
        if saved is not None:
            messages.success(request, f"Mapping profile {saved.name} was saved.")
            return redirect("adoption:profiles")
    return render(request, "adoption/profile_form.html", {"form": form, "profile": profile})


def _profile_download(name: str, description: str, spec: Any) -> JsonResponse:
    body = {"name": name, "description": description, "spec": spec}
    response = JsonResponse(body, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"golive-profile-{slugify(name) or 'profile'}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def profile_export(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(visible_profiles(section_access(request, "adoption")), pk=pk)
    return _profile_download(profile.name, profile.description, profile.spec)


@require_GET
def builtin_profile_export(request: HttpRequest, name: str) -> HttpResponse:
    section_access(request, "adoption")
    if name not in BUILTIN_NAMES:
        raise Http404("There is no built-in profile with that name.")
    return _profile_download(name, builtin_description(name), builtin_profile(name).to_spec())


def _import_errors(error: ValidationError) -> list[str]:
    """The service's per-field refusals, worded for a file rather than a form."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    prefixes = {"name": "The profile's name: ", "spec": "The profile's spec: "}
    return [
        prefixes.get(field, "") + message
        for field, messages_ in error.message_dict.items()
        for message in messages_
    ]


@require_http_methods(["GET", "POST"])
def profile_import(request: HttpRequest) -> HttpResponse:
    programme = _profile_programme(request, section_access(request, "adoption"))
    form = ProfileImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        existing = MappingProfile.objects.filter(programme=programme, name=data["name"]).first()
        try:
            saved = services.save_mapping_profile(
                programme=programme, user=signed_in_user(request), profile=existing, **data
            )
        except ValidationError as error:
            form.add_error("file", _import_errors(error))
        else:
            verb = "updated" if existing else "created"
            messages.success(request, f"Mapping profile {saved.name} was {verb} from the file.")
            return redirect("adoption:profiles")
    return render(request, "adoption/profile_import.html", {"form": form})
