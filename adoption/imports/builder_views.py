"""The mapping-profile builder: start from a sample file, a checked batch or a profile; choose
the field each column feeds; map the codes the file uses; name and save. Between steps the
draft spec and the sample's analysis (masked samples, coded values with row counts, never a
raw row) are kept in the session. Also a profile's version history."""

from __future__ import annotations

import io
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from administration.structure.selectors import managed_organisations
from administration.structure.services import AreaDetails, save_area
from adoption.imports import builder, references, services
from adoption.imports.builder_forms import (
    CodesForm,
    ColumnsForm,
    NewAreaForm,
    SampleForm,
    SaveForm,
    StartFromForm,
)
from adoption.imports.fields import FIELDS_BY_KIND, FieldType
from adoption.imports.files import FileRefused
from adoption.imports.profiles import BUILTIN_NAMES, ISO, builtin_profile, reference_profile
from adoption.imports.selectors import can_edit_profiles, visible_batches, visible_profiles
from adoption.models import ImportBatch, MappingProfile
from golive.access import Access
from golive.http import section_access, signed_in_user
from golive.identifiers import mask
from golive.models import Programme
from golive.navigation import current_go_live
from golive.refusals import apply_errors

STATE_KEY = "golive:profile-builder"
STARTING_BATCHES = (ImportBatch.Status.REJECTED, ImportBatch.Status.CHECKED)


def _programme(request: HttpRequest) -> tuple[Access, Programme]:
    """Whoever may edit the current programme's profiles may build them (403 otherwise)."""
    access = section_access(request, "adoption")
    go_live = current_go_live(request)
    if go_live is None or not can_edit_profiles(access, go_live.programme):
        raise PermissionDenied("You may not change this programme's mapping profiles.")
    return access, go_live.programme


def _state(request: HttpRequest, programme: Programme) -> dict[str, Any] | None:
    state = request.session.get(STATE_KEY)
    if not isinstance(state, dict) or state.get("programme_id") != programme.pk:
        return None
    return state


def _keep(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[STATE_KEY] = state


def _editable_profile(access: Access, pk: int) -> MappingProfile:
    profile = get_object_or_404(visible_profiles(access).select_related("programme"), pk=pk)
    if not can_edit_profiles(access, profile.programme):
        raise PermissionDenied("You may not change this programme's mapping profiles.")
    return profile


# Starting: a sample file, a saved or built-in profile, or a checked batch.


def _start_choices(access: Access, programme: Programme) -> list[tuple[str, str]]:
    saved = visible_profiles(access).filter(programme=programme).order_by("name")
    return [
        *((f"builtin:{name}", f"{name} (built in)") for name in BUILTIN_NAMES),
        *((f"saved:{p.pk}", f"{p.name} (v{p.version})") for p in saved),
    ]


def _batch_choices(access: Access, programme: Programme) -> list[tuple[str, str]]:
    batches = visible_batches(access).filter(programme=programme, status__in=STARTING_BATCHES)
    return [
        (str(b.pk), f"Batch {b.pk}: {b.file_name} ({b.get_status_display().lower()})")
        for b in batches[:50]
    ]


def _spec_of(access: Access, programme: Programme, start: str) -> tuple[dict[str, Any], int | None]:
    """The spec a start choice names, and the saved profile's id when it is one."""
    source, _, key = start.partition(":")
    if source == "builtin":
        return builtin_profile(key).to_spec(), None
    profile = get_object_or_404(visible_profiles(access).filter(programme=programme), pk=key)
    return dict(profile.spec), profile.pk


def _begin(
    request: HttpRequest,
    programme: Programme,
    spec: dict[str, Any],
    analysis: dict[str, Any],
    profile_id: int | None,
) -> HttpResponse:
    _keep(
        request,
        {
            "programme_id": programme.pk,
            "profile_id": profile_id,
            "spec": spec,
            "analysis": analysis,
        },
    )
    return redirect("adoption:profile_builder_columns")


def _from_sample(
    form: SampleForm, base: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The draft spec and analysis of an uploaded sample (None, with the form's error, if the
    file cannot be read). The upload is read in memory and dropped."""
    kind = form.cleaned_data["kind"]
    upload = form.cleaned_data["file"]
    try:
        header, rows, more = builder.read_sample(upload)
    except FileRefused as refusal:
        form.add_error("file", refusal.message)
        return None
    finally:
        upload.close()
    spec = base or reference_profile(kind).to_spec()
    present = [column for column in header if column]
    columns = {f: c for f, c in spec.get("columns", {}).items() if c in present}
    proposed = builder.propose_columns(kind, present)
    for name, column in proposed.items():
        if name not in columns and column not in columns.values():
            columns[name] = column
    spec = {**spec, "columns": columns}
    analysis = builder.analyse(
        kind, header, rows, source=upload.name or "", truncated=more, columns=columns
    )
    dated = [c for c in analysis["columns"] if c["name"] in columns.values() and c["date_format"]]
    if dated and (base is None or spec.get("date_format", ISO) == ISO):
        spec["date_format"] = dated[0]["date_format"]
    return spec, analysis


Started = tuple[dict[str, Any], dict[str, Any], int | None]  # spec, analysis, profile id


def _start_forms(
    request: HttpRequest, access: Access, programme: Programme, kinds: list[str]
) -> tuple[SampleForm, StartFromForm, StartFromForm]:
    source = request.POST.get("source")
    sample = SampleForm(
        request.POST if source == "sample" else None,
        request.FILES or None,
        kinds=kinds,
        prefix="sample",
    )
    start = StartFromForm(
        request.POST if source == "profile" else None,
        choices=_start_choices(access, programme),
        label="Profile to start from",
        prefix="profile",
    )
    batch = StartFromForm(
        request.POST if source == "batch" else None,
        choices=_batch_choices(access, programme),
        label="Checked or rejected batch",
        prefix="batch",
    )
    return sample, start, batch


def _from_batch(access: Access, programme: Programme, pk: str) -> Started:
    """A batch's profile as it ran, its unknown values, and the saved profile of that name."""
    found = get_object_or_404(visible_batches(access).filter(programme=programme), pk=pk)
    spec = dict(found.profile_spec)
    analysis = builder.analysis_of_spec(spec, found.unknown_values or {})
    saved = MappingProfile.objects.filter(programme=programme, name=found.profile_name)
    return spec, analysis, saved.values_list("pk", flat=True).first()


class SampleUploadHandler(FileUploadHandler):
    """Keeps the start of an uploaded sample in memory (one byte past what ``read_sample``
    reads, so it can tell the file goes on) and drops the rest: a sample holds patient
    identifiers and never touches the disk, not even as Django's temporary file."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = builder.SAMPLE_MAX_BYTES + 1 - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


# Upload handlers can only be replaced before the CSRF check reads the body, so the check
# is made here, after the handler is in place (Django's documented pattern): still enforced.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def builder_start(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    request.upload_handlers = [SampleUploadHandler(request)]
    return _builder_start(request, pk)


@csrf_protect
def _builder_start(request: HttpRequest, pk: int | None) -> HttpResponse:
    access, programme = _programme(request)
    request.session.pop(STATE_KEY, None)  # starting (over) drops any earlier draft
    profile = _editable_profile(access, pk) if pk is not None else None
    kinds = [profile.kind] if profile else list(FIELDS_BY_KIND)
    sample, start, batch = _start_forms(request, access, programme, kinds)
    source = request.POST.get("source")
    base = dict(profile.spec) if profile else None
    profile_id = profile.pk if profile else None
    started: Started | None = None
    if source == "sample" and sample.is_valid():
        built = _from_sample(sample, base)
        started = (*built, profile_id) if built is not None else None
    elif source == "profile" and start.is_valid():
        spec, saved_id = _spec_of(access, programme, start.cleaned_data["start"])
        started = spec, builder.analysis_of_spec(spec, {}), saved_id
    elif source == "batch" and batch.is_valid():
        started = _from_batch(access, programme, batch.cleaned_data["start"])
    elif source == "continue" and base is not None:
        started = base, builder.analysis_of_spec(base, {}), profile_id
    if started is not None:
        return _begin(request, programme, *started)
    context: dict[str, Any] = {"sample": sample, "start": start, "batch": batch}
    context |= {"profile": profile, "limits": builder.sample_limits()}
    return render(request, "adoption/profile_builder.html", context)


# Step 1: which column feeds each field.


def _columns_shown(state: dict[str, Any], form: ColumnsForm) -> list[dict[str, Any]]:
    """Each column with its select and samples; masked where it feeds an identifier field."""
    spec = state["spec"]
    identifiers = {f.name for f in FIELDS_BY_KIND[spec["kind"]] if f.is_identifier}
    identifier_columns = {c for f, c in spec.get("columns", {}).items() if f in identifiers}
    shown = []
    for column, (_, field) in zip(state["analysis"]["columns"], form.column_fields(), strict=True):
        hide = column["masked"] or column["name"] in identifier_columns
        samples = [mask(value) for value in column["samples"]] if hide else column["samples"]
        shown.append({"name": column["name"], "field": field, "samples": samples})
    return shown


@require_http_methods(["GET", "POST"])
def builder_columns(request: HttpRequest) -> HttpResponse:
    _, programme = _programme(request)
    state = _state(request, programme)
    if state is None:
        return redirect("adoption:profile_builder")
    spec = state["spec"]
    by_column = {column: name for name, column in spec.get("columns", {}).items()}
    initial: dict[str, Any] = {
        f"column_{i}": by_column.get(c["name"], "")
        for i, c in enumerate(state["analysis"]["columns"])
    }
    initial |= {
        "date_format": spec.get("date_format", ISO),
        "time_zone": spec.get("time_zone", "Europe/London"),
        "patient_id_type": spec.get("patient_id_type", "nhs_number"),
        "event_id_columns": spec.get("composite_columns", {}).get("event_id", []),
    }
    form = ColumnsForm(
        request.POST or None,
        initial=initial,
        kind=spec["kind"],
        columns=state["analysis"]["columns"],
    )
    if request.method == "POST" and form.is_valid():
        options = {key: form.cleaned_data[key] for key in ("date_format", "time_zone")}
        if "patient_id_type" in form.cleaned_data:
            options["patient_id_type"] = form.cleaned_data["patient_id_type"]
        state["spec"] = builder.with_columns(
            spec,
            columns=form.cleaned_data["mapping"],
            composite=form.cleaned_data["composite"],
            options=options,
        )
        _keep(request, state)
        return redirect("adoption:profile_builder_codes")
    context = {
        "form": form,
        "columns": _columns_shown(state, form),
        "analysis": state["analysis"],
        "spec": spec,
    }
    return render(request, "adoption/profile_builder_columns.html", context)


# Step 2: the codes the sample uses that do not map yet.


def _targets(kind: str, programme: Programme) -> dict[str, list[references.Target]]:
    targets: dict[str, list[references.Target]] = {}
    for spec_field in builder.coded_fields(kind):
        if spec_field.type == FieldType.AREA:
            targets[spec_field.name] = references.area_targets(programme)
        elif spec_field.type == FieldType.COURSE:
            targets[spec_field.name] = references.course_targets(programme)
        else:
            targets[spec_field.name] = [references.Target(c, c) for c in spec_field.choices]
    return targets


def _codes_form(request: HttpRequest, state: dict[str, Any], programme: Programme) -> CodesForm:
    spec = state["spec"]
    known = {"area": references.area_codes(programme), "course": references.course_codes(programme)}
    read = spec.get("columns", {})
    fallbacks = {
        f.name: spec.get("unmapped_codes", {}).get(f.name, "")
        for f in builder.coded_fields(spec["kind"])
        if f.type == FieldType.CODE and f.name in read
    }
    return CodesForm(
        request.POST if request.POST.get("action") == "map" else None,
        values=builder.unmapped_values(spec, state["analysis"], known),
        targets=_targets(spec["kind"], programme),
        fallbacks=fallbacks,
    )


def _may_create_areas(access: Access, programme: Programme) -> bool:
    return managed_organisations(access).filter(pk=programme.organisation_id).exists()


def _create_area(request: HttpRequest, access: Access, form: NewAreaForm) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    details = AreaDetails(
        site=data["site"], code=data["code"], name=data["name"], area_type=data["area_type"]
    )
    try:
        area = save_area(access=access, area=None, details=details)
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, f"Area {area.site.code}/{area.code} ({area.name}) was created.")
    return True


@require_http_methods(["GET", "POST"])
def builder_codes(request: HttpRequest) -> HttpResponse:
    access, programme = _programme(request)
    state = _state(request, programme)
    if state is None:
        return redirect("adoption:profile_builder")
    may_create = _may_create_areas(access, programme)
    creating = request.POST.get("action") == "create_area"
    if creating and not may_create:
        raise PermissionDenied("Only the programme's managers and administrators may add areas.")
    area_form = NewAreaForm(
        request.POST if creating else None, organisation_id=programme.organisation_id
    )
    if creating and _create_area(request, access, area_form):
        return redirect("adoption:profile_builder_codes")
    form = _codes_form(request, state, programme)
    if request.POST.get("action") == "map" and form.is_valid():
        state["spec"] = builder.with_value_maps(
            state["spec"], additions=form.additions(), fallbacks=form.chosen_fallbacks()
        )
        _keep(request, state)
        return redirect("adoption:profile_builder_save")
    uses_areas = "area" in state["spec"].get("columns", {})
    context = {
        "form": form,
        "area_form": area_form if may_create and uses_areas else None,
        "spec": state["spec"],
    }
    return render(request, "adoption/profile_builder_codes.html", context)


# Step 3: name, review and save.


@require_http_methods(["GET", "POST"])
def builder_save(request: HttpRequest) -> HttpResponse:
    _, programme = _programme(request)
    state = _state(request, programme)
    if state is None:
        return redirect("adoption:profile_builder")
    existing = (
        MappingProfile.objects.filter(programme=programme, pk=state["profile_id"]).first()
        if state["profile_id"]
        else None
    )
    taken = MappingProfile.objects.filter(programme=programme)
    if existing is not None:
        taken = taken.exclude(pk=existing.pk)
    initial = {"name": existing.name, "description": existing.description} if existing else {}
    form = SaveForm(
        request.POST or None, initial=initial, taken_names=taken.values_list("name", flat=True)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_mapping_profile(
                programme=programme,
                user=signed_in_user(request),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                spec=state["spec"],
                profile=existing,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            request.session.pop(STATE_KEY, None)
            messages.success(
                request, f"Mapping profile {saved.name} (version {saved.version}) was saved."
            )
            return redirect("adoption:profiles")
    preview = json.dumps(state["spec"], indent=2, ensure_ascii=False)
    return render(
        request,
        "adoption/profile_builder_save.html",
        {"form": form, "preview": preview, "existing": existing},
    )


# A profile's versions.


@require_GET
def profile_history(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_object_or_404(visible_profiles(section_access(request, "adoption")), pk=pk)
    versions = profile.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )
    return render(
        request, "adoption/profile_history.html", {"profile": profile, "versions": versions}
    )


@require_GET
def profile_version_export(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    profile = get_object_or_404(visible_profiles(section_access(request, "adoption")), pk=pk)
    old = profile.history.filter(history_id=history_id).first()
    if old is None:
        raise Http404("This profile has no such version.")
    body = {
        "name": old.name,
        "description": old.description,
        "version": old.version,
        "spec": old.spec,
    }
    response = JsonResponse(body, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"golive-profile-{slugify(old.name) or 'profile'}-v{old.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
