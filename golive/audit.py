"""Which change histories make up the audit trail, and how each reaches its programme.

django-simple-history keeps the history of each model; the audit trail shows some of them
(the clinical safety officer's DCB0160 evidence, the programme team's record of who changed
what). The core knows no feature app: each app names its own audited models here in
``AppConfig.ready`` (``register_audited``), and the audit pages read ``audited_types()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model

from golive.models import Area, GoLive, Programme, Release, RoleGrant, Site

# Never shown, whatever a history keeps (the user history excludes them already).
HIDDEN_FIELDS = frozenset({"password", "last_login"})


@dataclass(frozen=True)
class AuditedType:
    """One audited model: ``label`` names it to people ("Hazard"); its historical rows reach
    their programme through ``programme_path`` (a lookup ending in the programme's id), or,
    for what belongs to the trust rather than a programme (sites, areas), through
    ``organisation_path`` (ending in the organisation's id). ``related`` names foreign keys
    that the object's name needs (loaded in one query per page, not per row)."""

    model: type[Model]
    label: str
    programme_path: str | None
    organisation_path: str | None
    related: tuple[str, ...]
    hidden_fields: frozenset[str]

    @property
    def history_model(self) -> type[Model]:
        history: type[Model] = self.model.history.model  # type: ignore[attr-defined]
        return history


_registry: dict[str, AuditedType] = {}


def register_audited(
    model: type[Model],
    *,
    label: str,
    programme_path: str | None = None,
    organisation_path: str | None = None,
    related: tuple[str, ...] = (),
    hidden_fields: tuple[str, ...] = (),
) -> None:
    """Show ``model``'s simple-history rows in the audit trail as ``label``. Exactly one of
    ``programme_path`` and ``organisation_path`` says whose programme's auditors see them.
    Registering the same label again replaces it, so an app's ``ready`` may run twice."""
    if (programme_path is None) == (organisation_path is None):
        raise ValueError("Give exactly one of programme_path and organisation_path.")
    if not hasattr(model, "history"):
        raise ValueError(f"{model.__name__} keeps no history.")
    _registry[label] = AuditedType(
        model=model,
        label=label,
        programme_path=programme_path,
        organisation_path=organisation_path,
        related=related,
        hidden_fields=HIDDEN_FIELDS | frozenset(hidden_fields),
    )


def audited_types() -> list[AuditedType]:
    """Every audited type, by label."""
    return [_registry[label] for label in sorted(_registry)]


def audited_type(label: str) -> AuditedType | None:
    return _registry.get(label)


def register_core_types() -> None:
    """The core's own audited models (called from ``GoliveConfig.ready``)."""
    register_audited(Programme, label="Programme", programme_path="id")
    register_audited(GoLive, label="Go-live", programme_path="programme_id")
    register_audited(Release, label="Release", programme_path="go_live__programme_id")
    register_audited(
        RoleGrant, label="Role grant", programme_path="programme_id", related=("user", "programme")
    )
    register_audited(Site, label="Site", organisation_path="organisation_id")
    register_audited(Area, label="Area", organisation_path="site__organisation_id")
