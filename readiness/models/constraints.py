"""Constraints shared by readiness models."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def one_person(user: str, staff: str, name: str, what: str) -> models.CheckConstraint:
    """Exactly one of a user (who signs in) and a staff member (who need not) holds it."""
    return models.CheckConstraint(
        condition=Q(**{f"{user}__isnull": False, f"{staff}__isnull": True})
        | Q(**{f"{user}__isnull": True, f"{staff}__isnull": False}),
        name=name,
        violation_error_message=f"{what} is held by one person: a user or a staff member.",
    )
