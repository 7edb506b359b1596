"""Set-up pages (namespace ``setup``): the hub, sites, areas (with retiring and the CSV
import), programmes, go-lives and their releases. Each page asks ``setup_access`` (the
section, then MANAGE_GO_LIVES programme-wide on some programme) and reads only what the
user runs (``selectors``); services check the programme concerned again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from administration.structure import bulk, selectors, services
from administration.structure.forms import (
    AreaFilterForm,
    AreaForm,
    AreaImportForm,
    GoLiveForm,
    NewGoLiveForm,
    NewProgrammeForm,
    ProgrammeForm,
    ReasonForm,
    ReleaseForm,
    SiteForm,
)
from golive.access import Access, Capability
from golive.http import HtmxHttpRequest, render_page, section_access
from golive.models import Area, GoLive, Organisation, Release
from golive.refusals import apply_errors

SECTION = "setup"
IMPORT_SESSION_KEY = "setup:area_import"
T = "administration/structure/"


def setup_access(request: HttpRequest) -> Access:
    """The user's access, refusing (403) anyone who runs no programme's set-up."""
    access = section_access(request, SECTION)
    if not access.is_superuser and not selectors.managed_programmes(access).exists():
        raise PermissionDenied("Set-up needs a programme manager's or administrator's role.")
    return access


def _posted(request: HttpRequest) -> dict[str, object] | None:
    return request.POST if request.method == "POST" else None  # type: ignore[return-value]


def may_create_programme(access: Access) -> bool:
    return access.is_superuser or any(
        access.has_programme_wide(Capability.ADMINISTER, p) for p in access.programmes()
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    access = setup_access(request)
    programmes = list(selectors.managed_programmes(access))
    areas = selectors.managed_areas(access)
    context = {
        "programmes": programmes,
        "site_count": selectors.managed_sites(access).count(),
        "active_count": areas.filter(is_active=True).count(),
        "retired_count": areas.filter(is_active=False).count(),
        "go_live_count": selectors.managed_go_lives(access).count(),
    }
    return render(request, f"{T}home.html", context)


# Sites


@require_GET
def sites(request: HttpRequest) -> HttpResponse:
    access = setup_access(request)
    return render(request, f"{T}sites.html", {"sites": selectors.managed_sites(access)})


@require_http_methods(["GET", "POST"])
def site_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access = setup_access(request)
    site = get_object_or_404(selectors.managed_sites(access), pk=pk) if pk else None
    initial = (
        {"organisation": site.organisation, "code": site.code, "name": site.name} if site else {}
    )
    organisations = selectors.managed_organisations(access)
    form = SiteForm(_posted(request), organisations=organisations, initial=initial)
    if site is not None:
        form.fields["organisation"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_site(
                access=access, organisation=data["organisation"], site=site,
                code=data["code"], name=data["name"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{saved.name} was saved.")
            return redirect("setup:sites")
    return render(request, f"{T}site_form.html", {"form": form, "site": site})


# Areas


@require_GET
def areas(request: HtmxHttpRequest) -> HttpResponse:
    access = setup_access(request)
    form = AreaFilterForm(request.GET or None, sites=selectors.managed_sites(access))
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filter_areas(
        selectors.managed_areas(access), site=data.get("site"),
        area_type=data.get("area_type", ""), status=data.get("status", ""), q=data.get("q", ""),
    )  # fmt: skip
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render_page(request, f"{T}areas.html", context, partial="results")


@require_http_methods(["GET", "POST"])
def area_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access = setup_access(request)
    area = get_object_or_404(selectors.managed_areas(access), pk=pk) if pk else None
    initial: dict[str, object] = {"site": request.GET.get("site")}
    if area is not None:
        initial = {f: getattr(area, f) for f in ("site", "code", "name", "area_type", "specialty")}
    form = AreaForm(_posted(request), sites=selectors.managed_sites(access), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_area(access=access, area=area, details=form.details())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{saved.name} ({saved.site.name}) was saved.")
            if "another" in request.POST:
                return redirect(f"{request.path}?site={saved.site_id}")
            return redirect("setup:areas")
    return render(request, f"{T}area_form.html", {"form": form, "area": area})


@require_http_methods(["GET", "POST"])
def area_retire(request: HttpRequest, pk: int) -> HttpResponse:
    access = setup_access(request)
    area = get_object_or_404(selectors.managed_areas(access), pk=pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.retire_area(access=access, area=area, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{area.name} was retired.")
            return redirect("setup:areas")
    go_lives = area.go_lives.select_related("programme").order_by("user_go_live_date")
    context = {"form": form, "area": area, "go_lives": go_lives}
    return render(request, f"{T}area_retire.html", context)


@require_POST
def area_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    access = setup_access(request)
    area = get_object_or_404(selectors.managed_areas(access), pk=pk)
    try:
        services.reinstate_area(access=access, area=area, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{area.name} was reinstated.")
    return redirect("setup:areas")


def _preview(request: HttpRequest, plan: bulk.Plan, organisation: Organisation) -> HttpResponse:
    counts = {action: plan.count(action) for action in ("create", "update", "unchanged")}
    context = {"plan": plan, "organisation": organisation, "counts": counts}
    return render(request, f"{T}areas_import_preview.html", context)


@require_http_methods(["GET", "POST"])
def areas_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of areas: the file is read, checked and planned, and the preview shown;
    only the parsed lines are kept (in the session) for the confirmation."""
    access = setup_access(request)
    organisations = selectors.managed_organisations(access)
    form = AreaImportForm(_posted(request), request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            parsed = bulk.read_file(form.cleaned_data["file"].read(bulk.MAX_BYTES + 1))
        except ValidationError as error:
            form.add_error("file", error)
        else:
            plan = bulk.plan_import(organisation=organisation, parsed=parsed)
            request.session[IMPORT_SESSION_KEY] = {
                "organisation": organisation.pk,
                "previewed": [row.action for row in plan.rows],
                **parsed.to_session(),
            }
            return _preview(request, plan, organisation)
    return render(request, f"{T}areas_import.html", {"form": form})


@require_POST
def areas_import_confirm(request: HttpRequest) -> HttpResponse:
    access = setup_access(request)
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("sha256") != request.POST.get("sha256"):
        messages.error(request, "That preview has expired. Upload the file again.")
        return redirect("setup:areas_import")
    organisation = get_object_or_404(
        selectors.managed_organisations(access), pk=stored["organisation"]
    )
    parsed = bulk.ParsedFile.from_session(stored)
    try:
        plan = bulk.import_areas(
            access=access,
            organisation=organisation,
            parsed=parsed,
            previewed=stored.get("previewed"),
        )
    except ValidationError as refused:
        # The areas changed since the preview: show the file's plan as it is now, to confirm.
        if refused.code == "plan_changed":
            messages.warning(request, refused.message)
        fresh = bulk.plan_import(organisation=organisation, parsed=parsed)
        stored["previewed"] = [row.action for row in fresh.rows]
        request.session[IMPORT_SESSION_KEY] = stored
        return _preview(request, fresh, organisation)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(
        request,
        f"Areas imported: {plan.count('create')} created, {plan.count('update')} updated, "
        f"{plan.count('unchanged')} unchanged.",
    )
    return redirect("setup:areas")


# Programmes


@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    access = setup_access(request)
    context = {
        "programmes": selectors.managed_programmes(access),
        "can_create": may_create_programme(access),
    }
    return render(request, f"{T}programmes.html", context)


@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    access = setup_access(request)
    if not may_create_programme(access):
        raise PermissionDenied("Only an administrator may create a programme.")
    organisations = selectors.managed_organisations(access)
    form = NewProgrammeForm(_posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(
                access=access,
                organisation=form.cleaned_data["organisation"],
                details=form.details(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{programme.name} was created.")
            return redirect("setup:programmes")
    return render(request, f"{T}programme_form.html", {"form": form, "programme": None})


@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = setup_access(request)
    programme = get_object_or_404(selectors.managed_programmes(access), pk=pk)
    fields = ("name", "epr_supplier", "journey_stage", "description")
    form = ProgrammeForm(_posted(request), initial={f: getattr(programme, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_programme(access=access, programme=programme, details=form.details())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{programme.name} was saved.")
            return redirect("setup:programmes")
    return render(request, f"{T}programme_form.html", {"form": form, "programme": programme})


# Go-lives and releases


@require_GET
def go_lives(request: HttpRequest) -> HttpResponse:
    access = setup_access(request)
    return render(request, f"{T}go_lives.html", {"go_lives": selectors.managed_go_lives(access)})


@require_GET
def go_live(request: HttpRequest, pk: int) -> HttpResponse:
    access = setup_access(request)
    shown = get_object_or_404(selectors.managed_go_lives(access), pk=pk)
    scope = shown.areas.select_related("site").order_by("site__name", "name")
    by_site: dict[str, list[Area]] = {}
    for area in scope:
        by_site.setdefault(area.site.name, []).append(area)
    context = {"go_live": shown, "releases": shown.releases.all(), "sites": list(by_site.items())}
    return render(request, f"{T}go_live.html", context)


GO_LIVE_FIELDS = (
    "name", "approach", "technical_go_live_date", "dual_running_ends_on", "user_go_live_date",
    "stabilisation_ends_on", "stage", "scope_note",
)  # fmt: skip


@require_http_methods(["GET", "POST"])
def go_live_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access = setup_access(request)
    editing = get_object_or_404(selectors.managed_go_lives(access), pk=pk) if pk else None
    managed = selectors.managed_programmes(access)
    if editing is not None:
        choices = selectors.scope_choices(
            [editing.programme.organisation_id], keep=editing.areas.all()
        )
        initial = {f: getattr(editing, f) for f in GO_LIVE_FIELDS} | {
            "areas": list(editing.areas.all())
        }
        form: GoLiveForm = GoLiveForm(_posted(request), areas=choices, initial=initial)
    else:
        organisations = managed.values("organisation_id")
        choices = selectors.scope_choices(organisations)
        form = NewGoLiveForm(_posted(request), areas=choices, programmes=managed)
    if request.method == "POST" and form.is_valid():
        programme = editing.programme if editing else form.cleaned_data["programme"]
        try:
            saved = services.save_go_live(
                access=access, programme=programme, go_live=editing, details=form.details(),
                areas=form.cleaned_data["areas"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{saved.name} was saved.")
            return redirect("setup:go_live", pk=saved.pk)
    return render(request, f"{T}go_live_form.html", {"form": form, "go_live": editing})


def _release_page(
    request: HttpRequest, access: Access, parent: GoLive, release: Release | None
) -> HttpResponse:
    fields = ("name", "version", "planned_date", "description")
    initial = {f: getattr(release, f) for f in fields} if release else {}
    form = ReleaseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_release(
                access=access, go_live=parent, release=release, details=form.details()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{saved} was saved.")
            return redirect("setup:go_live", pk=parent.pk)
    context = {"form": form, "go_live": parent, "release": release}
    return render(request, f"{T}release_form.html", context)


@require_http_methods(["GET", "POST"])
def release_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a release to go-live ``pk``."""
    access = setup_access(request)
    parent = get_object_or_404(selectors.managed_go_lives(access), pk=pk)
    return _release_page(request, access, parent, None)


@require_http_methods(["GET", "POST"])
def release_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = setup_access(request)
    release = get_object_or_404(selectors.managed_releases(access), pk=pk)
    return _release_page(request, access, release.go_live, release)


@require_http_methods(["GET", "POST"])
def release_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access = setup_access(request)
    release = get_object_or_404(selectors.managed_releases(access), pk=pk)
    if request.method == "POST":
        services.delete_release(access=access, release=release)
        messages.success(request, f"{release} was deleted.")
        return redirect("setup:go_live", pk=release.go_live_id)
    return render(request, f"{T}release_delete.html", {"release": release})
