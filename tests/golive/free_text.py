"""Which stored text fields are free text (people type them) and which are not, for the tests
that prove no NHS number is stored (test_free_text_fields, test_identifier_canary).

Every ``CharField``/``TextField`` (and subclass) of every model of the project's apps is
either a ``golive.fields`` Free* field or listed in ``NOT_FREE_TEXT`` with the reason it
cannot hold typed text. A new plain text field fails ``test_free_text_fields`` until it is
one or the other."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from golive.fields import FreeCharField, FreeTextField, FreeURLField

PROJECT_APPS = (
    "golive",
    "administration",
    "readiness",
    "training",
    "champions",
    "support",
    "adoption",
)
FREE_TYPES = (FreeCharField, FreeTextField, FreeURLField)

# Fields with ``choices`` are allowed without a listing: the form, the API and the database
# check refuse anything else. Everything else is listed here, with one word:
#   code       a short key checked by a validator or matched against a lookup table
#   identifier an account or system key that must round-trip exactly (sign-in, joins)
#   pseudonym  a keyed hash written by identifiers.pseudonymise or keyed_hash
#   hash       a digest of content
#   email      validated as an e-mail address
#   path       a file path Golive generates (random name, never the uploader's)
#   system     written by Golive itself, never from a person's input
#   token      a random string Golive generates
NOT_FREE_TEXT: dict[str, str] = {
    "administration.Invitation.email": "email",
    # EPR user ids come from extracts; the import side refuses NHS numbers in them.
    "adoption.DailyUserActivity.epr_user_id": "identifier",
    "adoption.Event.epr_user_id": "identifier",
    "adoption.Event.patient_pseudonym": "pseudonym",
    "adoption.ImportBatch.sha256": "hash",
    "adoption.ImportBatch.stored_path": "path",
    "adoption.ImportIssue.code": "code",
    "adoption.ImportIssue.expected": "system",
    "adoption.Survey.token": "token",
    "adoption.SurveyResponse.respondent": "hash",
    # knox's hash of an API token, and its first characters (to find the row).
    "golive.ApiToken.digest": "hash",
    "golive.ApiToken.token_key": "token",
    "golive.Area.code": "code",
    "golive.Organisation.ods_code": "code",
    "golive.Site.code": "code",
    "golive.StaffMember.epr_user_id": "identifier",
    "golive.StaffMember.staff_number": "identifier",
    "golive.User.email": "email",
    "golive.User.oidc_subject": "identifier",
    "golive.User.password": "hash",
    "golive.User.username": "identifier",
    "golive.WorkerHeartbeat.hostname": "system",
    "golive.WorkerHeartbeat.name": "system",
    "readiness.CriterionTemplate.computed_key": "code",
    "readiness.CriterionTemplate.key": "code",
    "readiness.EvidencePack.checksum": "hash",
    "support.Category.slug": "code",
    "support.Ticket.external_reference_key": "pseudonym",
    "training.Course.code": "code",
}


def project_models() -> list[type[models.Model]]:
    """Concrete models of the project's apps; history models are covered by their bases
    (simple-history copies each field, Free* class included)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and not model._meta.proxy
        and not hasattr(model, "instance_type")  # simple-history's Historical* models
    ]


def label(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def text_fields() -> list[models.Field]:
    return [
        field
        for model in project_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and field.model is model
    ]


def free_text_fields() -> list[models.Field]:
    return [field for field in text_fields() if isinstance(field, FREE_TYPES)]
