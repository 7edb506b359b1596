"""The audit trail's pages: the searchable history and its CSV export."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from administration.audit import export, selectors
from administration.audit.forms import AuditFilterForm
from golive.access import Access
from golive.http import HtmxHttpRequest, render_page, section_access

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[Access, AuditFilterForm, selectors.AuditLog | None]:
    """The user's access, the filter form, and the entries it selects (None: the filters
    need correcting first)."""
    access = section_access(request, "audit")
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return access, form, None
    filters = form.filters() if form.is_bound else selectors.AuditFilters()
    return access, form, selectors.entries(access, filters)


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    _, form, log = _filtered(request)
    page = Paginator(log if log is not None else [], PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "export_limit": export.EXPORT_LIMIT,
    }
    return render_page(request, "administration/audit/home.html", context, partial="results")


@require_GET
def export_csv(request: HttpRequest) -> HttpResponseBase:
    _, _, log = _filtered(request)
    if log is None:  # the page shows what to correct
        return redirect(f"{reverse('audit:home')}?{request.GET.urlencode()}")
    entries = log.chunks(size=500, limit=export.EXPORT_LIMIT)
    response = StreamingHttpResponse(export.csv_lines(entries), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="golive-audit-trail.csv"'
    response["Cache-Control"] = "no-store"
    return response
