"""Withdrawing a committed batch from its page: a confirmation page asking why, then the
service (``withdrawal.request_withdrawal``); the batch's page shows the progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from adoption.imports import withdrawal
from adoption.imports.forms import WithdrawForm
from adoption.imports.selectors import visible_batches
from golive.access import Capability
from golive.http import section_access, signed_in_user
from golive.refusals import apply_errors


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = section_access(request, "adoption")
    batch = get_object_or_404(visible_batches(access), pk=pk)
    if not access.has(Capability.MANAGE_GO_LIVES, programme=batch.programme):
        raise PermissionDenied("Only a programme manager may withdraw a batch.")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal.request_withdrawal(
                batch=batch, user=signed_in_user(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Batch {batch.pk} is being withdrawn: its rows are being removed and the "
                "figures recomputed.",
            )
            return redirect("adoption:batch", pk=batch.pk)
    context = {"batch": batch, "form": form, "refusal": withdrawal.refusal_of(batch)}
    return render(request, "adoption/withdraw.html", context)
