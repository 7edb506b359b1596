"""People-and-access pages: the people list, inviting, granting, changing and revoking roles,
deciding access requests (programme managers and administrators, programme-wide), and the
request-access page any signed-in user reaches."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods

from administration.models import AccessRequest
from administration.people import selectors, services
from administration.people.forms import (
    AccessRequestForm,
    ApproveForm,
    ChangeGrantForm,
    GrantForm,
    InviteForm,
    PeopleSearchForm,
    ReasonForm,
    scope_initial,
)
from golive.access import Access, access_for
from golive.http import HtmxHttpRequest, render_page, section_access, signed_in_user
from golive.models import Programme, RoleGrant
from golive.navigation import current_go_live
from golive.refusals import apply_errors

SECTION = "people"


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _managed(request: HttpRequest) -> tuple[Access, QuerySet[Programme]]:
    access = section_access(request, SECTION)
    return access, selectors.managed_programmes(access)


def _programme(request: HttpRequest) -> tuple[Access, Programme, QuerySet[Programme]]:
    """The programme the page manages: ``?programme=``, else the go-live shown's, else the
    first the user manages. 403 for a user managing none (an area-scoped grant), 404 for
    one they do not manage."""
    access, managed = _managed(request)
    if not managed.exists():
        raise PermissionDenied("You manage access on no programme as a whole.")
    named = request.GET.get("programme")
    if named:
        is_id = named.isascii() and named.isdigit()
        programme = managed.filter(pk=named).first() if is_id else None
        if programme is None:
            raise Http404("No such programme.")
        return access, programme, managed
    go_live = current_go_live(request)
    shown = managed.filter(pk=go_live.programme_id).first() if go_live else None
    return access, shown or managed[0], managed


def _home(programme: Programme) -> str:
    return f"{reverse('people:home')}?programme={programme.pk}"


def _saved(form: BaseForm, call: Callable[[], object]) -> bool:
    """Run a service call; on a refusal show it on ``form`` and answer False."""
    try:
        call()
    except ValidationError as error:
        apply_errors(form, error)
        return False
    except PermissionDenied as denied:
        # Only the administrator role is refused to a manager who reached the form.
        form.add_error(None, str(denied))
        return False
    return True


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    _access, programme, managed = _programme(request)
    form = PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = Paginator(selectors.people(programme, query), 25).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "programme": programme,
        "programmes": managed,
        "form": form,
        "page": page,
        "query": kept.urlencode(),
        "invitations": selectors.pending_invitations(Programme.objects.filter(pk=programme.pk)),
        "pending_requests": selectors.pending_requests(managed).filter(programme=programme).count(),
    }
    return render_page(request, "administration/people/home.html", context, partial="results")


@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    access, programme, _ = _programme(request)
    form = InviteForm(_posted(request), programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.invite_person(
                access=access, invited_by=signed_in_user(request), programme=programme,
                invitee=form.invitee(), role=form.cleaned_data["role"], scope=form.grant_scope(),
                kind=form.cleaned_data["kind"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            name = done.grant.user.display_name
            if done.invitation is None:
                messages.success(
                    request, f"{name} already had an account: it was granted the role."
                )
            else:
                messages.success(request, f"{name} was invited.")
            return redirect(_home(programme))
    context = {"form": form, "programme": programme}
    return render(request, "administration/people/invite.html", context)


@require_http_methods(["GET", "POST"])
def grant_new(request: HttpRequest) -> HttpResponse:
    access, programme, _ = _programme(request)
    users = selectors.people_to_grant(programme)
    initial = {"user": request.GET.get("user")} if request.GET.get("user") else {}
    form = GrantForm(_posted(request), programme=programme, users=users, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _saved(form, lambda: services.grant_role(
            access=access, granted_by=signed_in_user(request), user=data["user"],
            programme=programme, role=data["role"], scope=form.grant_scope(), reason=data["reason"],
        )):  # fmt: skip
            messages.success(request, f"{data['user'].display_name} was granted the role.")
            return redirect(_home(programme))
    return render(
        request, "administration/people/grant_new.html", {"form": form, "programme": programme}
    )


def _managed_grant(request: HttpRequest, pk: int) -> tuple[Access, RoleGrant]:
    access, managed = _managed(request)
    grant = get_object_or_404(selectors.grants(managed), pk=pk)
    return access, grant


@require_http_methods(["GET", "POST"])
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access, grant = _managed_grant(request, pk)
    initial = scope_initial(
        site=grant.site, areas=grant.areas.all(), starts_on=grant.starts_on, ends_on=grant.ends_on
    )
    form = ChangeGrantForm(
        _posted(request),
        programme=grant.programme,
        keep_areas=[area.pk for area in grant.areas.all()],
        initial=initial,
    )
    if request.method == "POST" and form.is_valid() and _saved(form, lambda: services.change_grant(
        access=access, grant=grant, scope=form.grant_scope(), reason=form.cleaned_data["reason"]
    )):  # fmt: skip
        messages.success(request, f"{grant.user.display_name}'s role was changed.")
        return redirect(_home(grant.programme))
    context = {"form": form, "grant": grant, "programme": grant.programme}
    return render(request, "administration/people/grant_edit.html", context)


@require_http_methods(["GET", "POST"])
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access, grant = _managed_grant(request, pk)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid() and _saved(form, lambda: services.revoke_grant(
        access=access, grant=grant, reason=form.cleaned_data["reason"]
    )):  # fmt: skip
        messages.success(request, f"{grant.user.display_name}'s role was revoked.")
        return redirect(_home(grant.programme))
    context = {"form": form, "grant": grant, "programme": grant.programme}
    return render(request, "administration/people/grant_revoke.html", context)


@require_GET
def requests(request: HttpRequest) -> HttpResponse:
    _access, managed = _managed(request)
    pending = selectors.pending_requests(managed)
    return render(request, "administration/people/requests.html", {"pending": pending})


@require_http_methods(["GET", "POST"])
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access, managed = _managed(request)
    access_request = get_object_or_404(
        AccessRequest.objects.filter(programme__in=managed).select_related("user", "programme"),
        pk=pk,
    )
    decision = request.POST.get("decision") if request.method == "POST" else None
    approve = ApproveForm(
        _posted(request) if decision == "approve" else None, programme=access_request.programme,
        prefix="approve", initial={"role": access_request.requested_role},
    )  # fmt: skip
    decline = ReasonForm(_posted(request) if decision == "decline" else None, prefix="decline")
    user = signed_in_user(request)
    approved = (
        decision == "approve"
        and approve.is_valid()
        and _saved(approve, partial(
            services.approve_access_request, access=access, decided_by=user,
            access_request=access_request, role=approve.cleaned_data["role"],
            scope=approve.grant_scope(),
        ))
    )  # fmt: skip
    declined = (
        decision == "decline"
        and decline.is_valid()
        and _saved(decline, partial(
            services.decline_access_request, access=access, decided_by=user,
            access_request=access_request, reason=decline.cleaned_data["reason"],
        ))
    )  # fmt: skip
    if approved or declined:
        name = access_request.user.display_name
        done = "was granted access" if approved else "was declined access"
        messages.success(request, f"{name} {done}.")
        return redirect("people:requests")
    context = {"access_request": access_request, "approve": approve, "decline": decline}
    return render(request, "administration/people/request_decide.html", context)


@require_http_methods(["GET", "POST"])
def request_access(request: HttpRequest) -> HttpResponse:
    """Any signed-in user (a new one has no role at all) asks a programme for access and
    sees their requests' status. Outside every section, so it needs no capability."""
    user = signed_in_user(request)
    programmes = Programme.objects.order_by("name")
    form = AccessRequestForm(_posted(request), programmes=programmes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _made, created = services.request_access(
                user=user, programme=data["programme"], requested_role=data["requested_role"],
                message=data["message"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if created:
                messages.success(
                    request, "Your request was sent to the programme's administrators."
                )
            else:
                messages.info(request, "You have already asked: your request is waiting below.")
            return redirect("request_access")
    context = {
        "form": form,
        "own_requests": AccessRequest.objects.filter(user=user)
        .select_related("programme", "granted_site")
        .prefetch_related("granted_areas"),
        "has_role": bool(access_for(request).roles),
    }
    return render(request, "administration/people/request_access.html", context)


# Django marks its own dispatch; this class's dispatch needs the mark again.
@method_decorator(login_not_required, name="dispatch")
class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's password-reset confirmation, which an e-mail invitation links to: setting a
    password takes the invitation up."""

    template_name = "registration/password_reset_confirm.html"
    http_method_names = ["get", "post"]

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Django's view answers an unusable link's page to any method; only GET and POST.
        if self.request.method is None or self.request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(self.request)
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form: BaseForm) -> HttpResponseRedirect:
        response = super().form_valid(form)  # type: ignore[arg-type]
        services.accept_email_invitations(user=form.user)  # type: ignore[attr-defined]
        return response  # type: ignore[return-value]


class PasswordSetView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
