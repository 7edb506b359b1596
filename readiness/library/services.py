"""Writes to a programme's criteria library: add, edit and delete templates, and copy a
whole template set under a new name. Each checks the user may keep the programme's library
(``selectors.may_manage_library``) and writes in one transaction; refusals carry a code."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from golive.access import Access
from golive.identifiers import remove_nhs_numbers
from golive.models import Programme, Role
from golive.refusals import Conflict
from readiness.assessment.providers import PROVIDERS
from readiness.library.selectors import may_manage_library
from readiness.models import CriterionTemplate, Domain

WEIGHT_MIN, WEIGHT_MAX = 1, 10
SET_NAME_MAX = CriterionTemplate._meta.get_field("template_set").max_length or 100
REASON_MAX = 100  # simple-history's change-reason column


@dataclass(frozen=True)
class TemplateDetails:
    """What a person sets on a template (its programme and set are given apart)."""

    key: str
    title: str
    domain: str
    owner_role: str
    weight: int
    evidence_required: str = ""
    pass_rule: str = ""
    computed_key: str = ""  # a provider in readiness.assessment.providers, or "" (manual)


def _require(access: Access, programme: Programme) -> None:
    if not may_manage_library(access, programme):
        raise PermissionDenied(
            "Only a programme manager, readiness chair, clinical safety officer or "
            "administrator for the whole programme may change its criteria library."
        )


def _set_name(value: str, field: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValidationError(
            {field: ValidationError("Enter a template set name.", code="required")}
        )
    if len(name) > SET_NAME_MAX:
        raise ValidationError(
            {field: ValidationError(f"Use {SET_NAME_MAX} characters or fewer.", code="too_long")}
        )
    return name


def _check(details: TemplateDetails) -> None:
    errors: dict[str, ValidationError] = {}
    if not details.title.strip():
        errors["title"] = ValidationError("Enter the criterion's title.", code="required")
    if not WEIGHT_MIN <= details.weight <= WEIGHT_MAX:
        errors["weight"] = ValidationError(
            f"Weight must be a whole number from {WEIGHT_MIN} to {WEIGHT_MAX}.",
            code="weight_range",
        )
    if details.domain not in Domain.values:
        errors["domain"] = ValidationError("Choose a domain from the list.", code="invalid_choice")
    if details.owner_role not in Role.values:
        errors["owner_role"] = ValidationError(
            "Choose an owner role from the list.", code="invalid_choice"
        )
    if details.computed_key and details.computed_key not in PROVIDERS:
        errors["computed_key"] = ValidationError(
            "Choose how the status is set from the list.", code="invalid_choice"
        )
    if errors:
        raise ValidationError(errors)


def _check_key_free(
    programme: Programme, template_set: str, key: str, *, exclude: int | None = None
) -> None:
    taken = CriterionTemplate.objects.filter(
        programme=programme, template_set=template_set, key=key
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {
                "key": ValidationError(
                    f"The set “{template_set}” already has a template with the key “{key}”.",
                    code="duplicate_key",
                )
            }
        )


def _write(template: CriterionTemplate, details: TemplateDetails) -> None:
    template.key = details.key
    template.title = details.title.strip()
    template.domain = details.domain
    template.owner_role = details.owner_role
    template.weight = details.weight
    template.evidence_required = details.evidence_required.strip()
    template.pass_rule = details.pass_rule.strip()
    template.computed_key = details.computed_key


def _locked_programme(programme: Programme) -> None:
    # Writes to one programme's library queue up, so two saves of the same key (or two
    # copies to the same set name) cannot both pass the check.
    Programme.objects.select_for_update().filter(pk=programme.pk).first()


@transaction.atomic
def create_template(
    *, access: Access, programme: Programme, template_set: str, details: TemplateDetails
) -> CriterionTemplate:
    """Add a template to a set of the programme's library (a new set name starts a set).
    Refuses a key the set already has (``duplicate_key``) and a weight outside 1–10."""
    _require(access, programme)
    name = _set_name(template_set, "template_set")
    _check(details)
    _locked_programme(programme)
    _check_key_free(programme, name, details.key)
    template = CriterionTemplate(programme=programme, template_set=name)
    _write(template, details)
    template.save()
    return template


@transaction.atomic
def update_template(
    *, access: Access, template: CriterionTemplate, details: TemplateDetails
) -> CriterionTemplate:
    """Change a template. Criteria made from it follow at once (title, weight, rule): the
    library is what areas are assessed against. History keeps the earlier version."""
    _require(access, template.programme)
    _check(details)
    _locked_programme(template.programme)
    _check_key_free(template.programme, template.template_set, details.key, exclude=template.pk)
    _write(template, details)
    template.save()
    return template


@transaction.atomic
def delete_template(*, access: Access, template: CriterionTemplate, reason: str) -> None:
    """Delete a template no criterion was made from, recording ``reason`` in its history.
    One already applied to a go-live's areas is refused (``in_use``): its criteria keep
    their assessments and evidence."""
    _require(access, template.programme)
    reason = " ".join(remove_nhs_numbers(reason).split())
    if not reason:
        raise ValidationError(
            {"reason": ValidationError("Enter why the template is deleted.", code="required")}
        )
    locked = CriterionTemplate.objects.select_for_update().get(pk=template.pk)
    in_use = locked.criteria.count()
    if in_use:
        raise Conflict(
            f"“{locked.title}” has been applied to {in_use} area criteria, so it cannot be "
            "deleted: their assessments and evidence depend on it. Edit it instead, or copy "
            "the set without it.",
            code="in_use",
        )
    locked._change_reason = reason[:REASON_MAX]  # type: ignore[attr-defined]
    locked.delete()


@transaction.atomic
def copy_template_set(
    *, access: Access, programme: Programme, source_set: str, new_set: str
) -> int:
    """Copy every template of ``source_set`` into a new set named ``new_set`` (for a wave
    whose criteria differ). Refuses a name already in use (``set_exists``) so a copy never
    merges into a set; returns how many templates were copied."""
    _require(access, programme)
    name = _set_name(new_set, "new_set")
    _locked_programme(programme)
    sources = list(CriterionTemplate.objects.filter(programme=programme, template_set=source_set))
    if not sources:
        raise ValidationError(
            {"source_set": ValidationError("Choose a template set to copy.", code="no_templates")}
        )
    if CriterionTemplate.objects.filter(programme=programme, template_set=name).exists():
        raise ValidationError(
            {
                "new_set": ValidationError(
                    f"There is already a template set called “{name}”. Choose another name.",
                    code="set_exists",
                )
            }
        )
    copies = [
        CriterionTemplate(
            programme=programme,
            template_set=name,
            key=source.key,
            title=source.title,
            domain=source.domain,
            owner_role=source.owner_role,
            weight=source.weight,
            evidence_required=source.evidence_required,
            pass_rule=source.pass_rule,
            computed_key=source.computed_key,
        )
        for source in sources
    ]
    bulk_create_with_history(copies, CriterionTemplate)
    return len(copies)
