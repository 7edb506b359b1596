"""What every readiness page starts with: the section check and the go-live being looked
at, the signed-in user, the programme's people to choose from, and a service's refusal put
on the form."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, QueryDict

from golive.access import Access, access_for
from golive.models import GoLive, Programme, User
from golive.navigation import current_go_live, require_section


def section(request: HttpRequest) -> tuple[Access, GoLive | None]:
    require_section(request, "readiness")
    return access_for(request), current_go_live(request)


def section_go_live(request: HttpRequest) -> tuple[Access, GoLive]:
    access, go_live = section(request)
    if go_live is None:
        raise Http404("There is no go-live to show.")
    return access, go_live


def posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def signed_in_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def programme_users(programme: Programme) -> QuerySet[User]:
    return (
        User.objects.filter(role_grants__programme=programme, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
