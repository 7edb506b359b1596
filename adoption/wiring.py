"""What the adoption app's parts set off in each other and in the rest of Golive, connected
once at start-up (``AdoptionConfig.ready``). The import pipeline imports none of what reacts
to it; analytics and training are told here.

A committed import batch (``adoption.imports.reactions``):

- events, or a staff list that links earlier events: the rollups of the days they touch are
  recomputed (a Celery task, by batch id);
- a staff list or training completions: cached figures are stale at once (they join staff
  and completions, which a bulk write changes without a signal), and training's trajectory
  alerts are re-checked.

A withdrawn batch (``adoption.imports.withdrawing``), inside the withdrawal's transaction: the
days an events batch touched are rebuilt exactly; training or e-roster rows gone make cached
figures stale, and training's alerts are re-checked once it commits.

Staff and completions edited anywhere else (the admin, other apps' services, which cannot
import adoption): in-place edits through the ORM, and training's bulk writes of completions
(``training.signals.completions_changed``), make cached figures stale. Every route ends in
the one ``analytics_cache.figures_changed``.

This module also loads the app's task modules, so a Celery worker knows every task (its
autodiscovery imports ``adoption.tasks`` only, which is not there).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from adoption.analytics import cache as analytics_cache
from adoption.analytics import rollups
from adoption.analytics import tasks as analytics_tasks
from adoption.imports import reactions
from adoption.imports import tasks as import_tasks  # noqa: F401 - registers them with Celery
from adoption.models import ImportBatch, ImportKind, MappingProfile
from golive.audit import register_audited
from golive.celery import delay_after_commit
from golive.models import StaffMember
from training import tasks as training_tasks
from training.models import Completion
from training.signals import completions_changed


def queue_rollup(batch_id: int) -> None:
    analytics_tasks.rollup_batch.delay(batch_id)


def batch_changed_figures(batch_id: int) -> None:
    analytics_cache.figures_changed()


def queue_training_alert_refresh(batch_id: int) -> None:
    training_tasks.refresh_all_training_alerts.delay()


def rebuild_withdrawn_days(batch_id: int) -> None:
    """In the withdrawal's transaction: the days the batch's events fell on, rebuilt without
    them (exactly, so cells left empty go); cached figures are marked stale by the rollups."""
    rollups.rebuild_days(rollups.days_touched_by(batch_id))


def queue_training_alert_refresh_after_commit(batch_id: int) -> None:
    delay_after_commit(training_tasks.refresh_all_training_alerts)


def staff_or_training_changed(**_: Any) -> None:
    analytics_cache.figures_changed()


def staff_areas_changed(action: str, **_: Any) -> None:
    if action.startswith("post_"):  # once per change, not before and after
        analytics_cache.figures_changed()


def connect() -> None:
    register_audited(MappingProfile, label="Mapping profile", programme_path="programme_id")
    # The batch's history: its upload, a partial commit confirmed, and its outcome.
    register_audited(
        ImportBatch,
        label="Import batch",
        programme_path="programme_id",
        hidden_fields=("stored_path",),
    )
    reactions.on_commit_of([ImportKind.EVENTS, ImportKind.STAFF], queue_rollup)
    reactions.on_commit_of([ImportKind.STAFF, ImportKind.TRAINING], batch_changed_figures)
    reactions.on_commit_of([ImportKind.STAFF, ImportKind.TRAINING], queue_training_alert_refresh)
    # A withdrawn batch (staff lists cannot be withdrawn): figures recomputed in its transaction.
    reactions.on_withdrawal_of([ImportKind.EVENTS], rebuild_withdrawn_days)
    reactions.on_withdrawal_of([ImportKind.TRAINING, ImportKind.ROSTER], batch_changed_figures)
    reactions.on_withdrawal_of([ImportKind.TRAINING], queue_training_alert_refresh_after_commit)
    for model in (StaffMember, Completion):
        uid = f"adoption-cache-{model._meta.label}"
        post_save.connect(staff_or_training_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(staff_or_training_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        staff_areas_changed, sender=StaffMember.areas.through, dispatch_uid="adoption-cache-areas"
    )
    completions_changed.connect(staff_or_training_changed, dispatch_uid="adoption-cache-bulk")
