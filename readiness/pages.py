"""What readiness pages share beyond ``golive/http.py``: the posted data of a form page and
the programme's people to choose from."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from golive.models import Programme, User


def posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def programme_users(programme: Programme) -> QuerySet[User]:
    return (
        User.objects.filter(role_grants__programme=programme, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
