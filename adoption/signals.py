"""Cached adoption figures join the staff lists and training completions: when one of those
changes in place (a corrected start date, a moved ward, a completion struck off or moved to a
later date), every cached figure is stale. New rows already change the cache's fingerprint;
edits and deletes through the ORM are caught here, and bulk writes of completions (registers,
imports) through ``training.signals.completions_changed``, once the change has committed.
Staff imports roll up afterwards, which clears the cache too (``adoption.rollups``).

Signals rather than a call in each service: staff and completions are also edited in the
admin, which no service sees."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from adoption import analytics_cache
from golive.models import StaffMember
from training.models import Completion
from training.signals import completions_changed


def staff_or_training_changed(**_: Any) -> None:
    transaction.on_commit(analytics_cache.bump, robust=True)


def staff_areas_changed(action: str, **_: Any) -> None:
    if action.startswith("post_"):  # once per change, not before and after
        transaction.on_commit(analytics_cache.bump, robust=True)


def connect() -> None:
    for model in (StaffMember, Completion):
        uid = f"adoption-cache-{model._meta.label}"
        post_save.connect(staff_or_training_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(staff_or_training_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        staff_areas_changed, sender=StaffMember.areas.through, dispatch_uid="adoption-cache-areas"
    )
    completions_changed.connect(staff_or_training_changed, dispatch_uid="adoption-cache-bulk")
