"""The signed-in user's personal API tokens: list, create (the secret shown once), revoke.

Pages only, never the API: a token is made from a session that proved its second factor
where one is needed (``SecondFactorMiddleware`` sends any other to finish signing in), so no
token, nor a Basic sign-in that skipped the second factor, can make another."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from golive.accounts import api_tokens, second_factor
from golive.accounts.forms import ApiTokenForm
from golive.http import signed_in_user
from golive.refusals import apply_errors

EXAMPLE_PATH = "/api/v1/areas/"


@require_GET
def api_tokens_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {
        "tokens": api_tokens.tokens_of(user),
        "max_days": settings.API_TOKEN_MAX_DAYS,
    }
    return render(request, "accounts/api_tokens.html", context)


@require_http_methods(["GET", "POST"])
def api_token_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if second_factor.outstanding(request) is not None:
        # SecondFactorMiddleware sends such a session elsewhere first; this holds even if
        # that middleware were left out.
        raise PermissionDenied("Finish signing in with your second factor first.")
    form = ApiTokenForm(request.POST or None, expiry_choices=api_tokens.expiry_choices())
    if form.is_valid():
        data = form.cleaned_data
        try:
            secret = api_tokens.create_token(
                user=user, name=data["name"], days=data["days"], read_only=data["read_only"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            context = {
                "secret": secret,
                "name": data["name"],
                "example_url": request.build_absolute_uri(EXAMPLE_PATH),
                "schema_url": request.build_absolute_uri(reverse("api-docs")),
            }
            return render(request, "accounts/api_token_created.html", context)
    return render(request, "accounts/api_token_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Confirm, then revoke one of one's own tokens (anyone else's: 404)."""
    user = signed_in_user(request)
    active = api_tokens.tokens_of(user).filter(revoked_at__isnull=True)
    token = get_object_or_404(active, pk=token_id)
    if request.method == "POST":
        api_tokens.revoke_token(token_id=token.pk, by=user)
        messages.success(
            request, f"“{token.name}” was revoked: scripts using it can no longer call the API."
        )
        return redirect("account:api_tokens")
    return render(request, "accounts/api_token_revoke.html", {"token": token})
