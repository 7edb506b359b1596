"""Celery discovers ``<app>.tasks``: the administration packages' tasks, registered here."""

from administration.people.tasks import (
    email_access_decision,
    email_access_request,
    email_invitation,
)

__all__ = ["email_access_decision", "email_access_request", "email_invitation"]
