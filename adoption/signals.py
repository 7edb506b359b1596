"""Cached adoption figures join the staff lists and training completions: when one of those
is edited in place (a corrected start date, a moved ward, a completion struck off), every
cached figure is stale. New rows already change the cache's fingerprint; edits and deletes
through the ORM are caught here, once the change has committed. Bulk imports roll up
afterwards, which clears the cache too (``adoption.rollups``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from adoption import analytics_cache
from golive.models import StaffMember
from training.models import Completion


def staff_or_training_changed(**_: Any) -> None:
    transaction.on_commit(analytics_cache.bump, robust=True)


def connect() -> None:
    for model in (StaffMember, Completion):
        post_save.connect(staff_or_training_changed, sender=model, dispatch_uid=f"adoption-{model}")
        post_delete.connect(
            staff_or_training_changed, sender=model, dispatch_uid=f"adoption-del-{model}"
        )
    m2m_changed.connect(
        staff_or_training_changed,
        sender=StaffMember.areas.through,
        dispatch_uid="adoption-staff-areas",
    )
