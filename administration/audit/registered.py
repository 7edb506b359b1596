"""Administration's part of the audit trail (``golive.audit``): invitations, access
requests and go-lives copied from previous ones."""

from __future__ import annotations

from administration.models import AccessRequest, GoLiveCopy, Invitation
from golive.audit import register_audited


def register() -> None:
    register_audited(Invitation, label="Invitation", programme_path="programme_id")
    register_audited(
        AccessRequest,
        label="Access request",
        programme_path="programme_id",
        related=("user", "programme"),
    )
    register_audited(
        GoLiveCopy,
        label="Go-live copy",
        programme_path="target__programme_id",
        related=("source", "target"),
    )
