"""The signed-in user's account page and the second-factor steps (set up, verify, remove)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from golive.accounts import second_factor
from golive.accounts.forms import CodeForm, VerifyForm
from golive.http import signed_in_user


def _next_url(request: HttpRequest) -> str:
    """Where to go once done: the ``next`` the sign-in carried, if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "single_sign_on": second_factor.is_single_sign_on(request),
        "authenticator": second_factor.authenticator(user),
        "recovery_codes_left": second_factor.recovery_codes_left(user),
        "required": second_factor.is_required(request),
    }
    return render(request, "accounts/account.html", context)


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the secret), then confirm with a code from the app."""
    if second_factor.is_single_sign_on(request):
        messages.info(request, "Your organisation's sign-in asks for your second factor.")
        return redirect("account:home")
    user = signed_in_user(request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = second_factor.enrol(request=request, code=form.cleaned_data["code"])
        if codes is not None:
            done = {"codes": codes, "next": _next_url(request)}
            return render(request, "accounts/recovery_codes.html", done)
        form.refuse()
    key = second_factor.setup_key(request)
    context: dict[str, Any] = {
        "form": form,
        "qr_code": second_factor.qr_code_svg(second_factor.config_url(user, key)),
        "secret": second_factor.manual_entry_secret(key),
        "replacing": second_factor.authenticator(user) is not None,
        "must_set_up": second_factor.outstanding(request) == second_factor.SET_UP,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/set_up.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a password sign-in, for a user who has an authenticator."""
    if second_factor.outstanding(request) != second_factor.VERIFY:
        return HttpResponseRedirect(_next_url(request))
    form = VerifyForm(request.POST or None)
    if form.is_valid():
        if second_factor.verify(request=request, code=form.cleaned_data["code"]):
            return HttpResponseRedirect(_next_url(request))
        form.refuse()
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "accounts/verify.html", context)


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest) -> HttpResponse:
    """Remove one's own authenticator and recovery codes (a lost phone: set up again)."""
    user = signed_in_user(request)
    if second_factor.authenticator(user) is None and not second_factor.recovery_codes_left(user):
        return redirect("account:home")
    if request.method == "POST":
        second_factor.remove_devices(user)
        messages.success(request, "Your authenticator app and recovery codes were removed.")
        return redirect("account:home")
    context = {"required": second_factor.is_required(request)}
    return render(request, "accounts/remove.html", context)
