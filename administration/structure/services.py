"""Use cases that change a programme's set-up: sites, areas (retire and reinstate with a
reason kept in the history), programmes, go-lives with their dates and scope, and releases.

Every service checks MANAGE_GO_LIVES programme-wide for the programme (or an organisation's
programme) concerned, refuses with a ``ValidationError`` naming the field and a ``code``,
and records the reason a form asked for as the history's change reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from administration.structure.selectors import (
    require_manages,
    require_manages_organisation,
    scope_choices,
)
from golive.access import Access, Capability
from golive.identifiers import remove_nhs_numbers
from golive.models import Area, GoLive, Organisation, Programme, Release, Site
from golive.refusals import Conflict

REASON_MAX = 100  # django-simple-history's change reason column


def _reason(text: str) -> str | None:
    cleaned = remove_nhs_numbers(text.strip())[:REASON_MAX]
    return cleaned or None


def _clean_and_save(instance: Site | Area | Programme | GoLive | Release) -> None:
    # Field validators (codes, lengths, choices); the natural keys are checked before this
    # with a named field, so only what is left can still be refused here.
    instance.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as clash:
        # Someone saved the same code or name a moment earlier: a refusal, not a 500.
        raise Conflict(
            "It clashes with one saved a moment ago (the same code or name): reload and check.",
            code="duplicate",
        ) from clash


@transaction.atomic
def save_site(
    *, access: Access, organisation: Organisation, site: Site | None, code: str, name: str
) -> Site:
    """Create a site of ``organisation`` or edit ``site`` (code and name)."""
    require_manages_organisation(access, organisation.pk)
    if site is None:
        site = Site(organisation=organisation)
    elif site.organisation_id != organisation.pk:
        raise PermissionDenied("That site belongs to another organisation.")
    code = code.strip()
    taken = Site.objects.filter(organisation=organisation, code__iexact=code).exclude(pk=site.pk)
    if taken.exists():
        raise ValidationError(
            {"code": ValidationError(f"Another site already has the code {code}.", "duplicate")}
        )
    site.code, site.name = code, name.strip()
    _clean_and_save(site)
    return site


@dataclass(frozen=True)
class AreaDetails:
    site: Site
    code: str
    name: str
    area_type: str
    specialty: str = ""


@transaction.atomic
def save_area(*, access: Access, area: Area | None, details: AreaDetails) -> Area:
    """Create an area or edit one (it may move to another site of the same organisation)."""
    require_manages_organisation(access, details.site.organisation_id)
    if area is None:
        area = Area()
    else:
        require_manages_organisation(access, area.site.organisation_id)
        if area.site.organisation_id != details.site.organisation_id:
            raise ValidationError(
                {"site": ValidationError("Choose a site of the same trust.", "other_organisation")}
            )
    code = details.code.strip()
    taken = Area.objects.filter(site=details.site, code__iexact=code).exclude(pk=area.pk)
    if taken.exists():
        raise ValidationError(
            {
                "code": ValidationError(
                    f"{details.site.name} already has an area with the code {code}.", "duplicate"
                )
            }
        )
    area.site, area.code, area.name = details.site, code, details.name.strip()
    area.area_type, area.specialty = details.area_type, details.specialty.strip()
    _clean_and_save(area)
    return area


@transaction.atomic
def retire_area(*, access: Access, area: Area, reason: str) -> Area:
    """Retire an area: its history and past data stay; it is offered for no new work (go-live
    scope, grants). The reason is kept as the history's change reason."""
    area = Area.objects.select_for_update().select_related("site").get(pk=area.pk)
    require_manages_organisation(access, area.site.organisation_id)
    if not area.is_active:
        raise Conflict(f"{area.name} is already retired.", code="already_retired")
    why = _reason(reason)
    if why is None:
        raise ValidationError(
            {"reason": ValidationError("Say why the area is retired.", "reason_required")}
        )
    area.is_active = False
    area._change_reason = why  # type: ignore[attr-defined]
    area.save(update_fields=["is_active"])
    return area


@transaction.atomic
def reinstate_area(*, access: Access, area: Area, reason: str = "") -> Area:
    area = Area.objects.select_for_update().select_related("site").get(pk=area.pk)
    require_manages_organisation(access, area.site.organisation_id)
    if area.is_active:
        raise Conflict(f"{area.name} is not retired.", code="not_retired")
    area.is_active = True
    area._change_reason = _reason(reason) or "Reinstated"  # type: ignore[attr-defined]
    area.save(update_fields=["is_active"])
    return area


@dataclass(frozen=True)
class ProgrammeDetails:
    name: str
    epr_supplier: str = ""
    journey_stage: str = Programme.JourneyStage.IMPLEMENTATION
    description: str = ""


def _check_programme_name(organisation: Organisation, name: str, pk: int | None) -> None:
    taken = Programme.objects.filter(organisation=organisation, name__iexact=name)
    if pk is not None:
        taken = taken.exclude(pk=pk)
    if taken.exists():
        raise ValidationError(
            {"name": ValidationError(f"There is already a programme called {name}.", "duplicate")}
        )


def _apply_programme(programme: Programme, details: ProgrammeDetails) -> Programme:
    programme.name = details.name.strip()
    _check_programme_name(programme.organisation, programme.name, programme.pk)
    programme.epr_supplier = details.epr_supplier.strip()
    programme.journey_stage = details.journey_stage
    programme.description = remove_nhs_numbers(details.description.strip())
    _clean_and_save(programme)
    return programme


@transaction.atomic
def create_programme(
    *, access: Access, organisation: Organisation, details: ProgrammeDetails
) -> Programme:
    """A new programme of ``organisation``: administrators (of a programme of that
    organisation) and superusers only."""
    allowed = access.is_superuser or any(
        access.has_programme_wide(Capability.ADMINISTER, programme)
        for programme in Programme.objects.filter(organisation=organisation)
    )
    if not allowed:
        raise PermissionDenied("Only an administrator may create a programme.")
    return _apply_programme(Programme(organisation=organisation), details)


@transaction.atomic
def update_programme(
    *, access: Access, programme: Programme, details: ProgrammeDetails
) -> Programme:
    require_manages(access, programme)
    return _apply_programme(programme, details)


@dataclass(frozen=True)
class GoLiveDetails:
    name: str
    approach: str
    user_go_live_date: dt.date
    stage: str
    technical_go_live_date: dt.date | None = None
    dual_running_ends_on: dt.date | None = None
    stabilisation_ends_on: dt.date | None = None
    scope_note: str = ""


def check_dates(details: GoLiveDetails) -> None:
    """The model's date constraints, as errors beside the fields that break them."""
    errors: dict[str, ValidationError] = {}
    user, technical = details.user_go_live_date, details.technical_go_live_date
    if technical is not None and technical > user:
        errors["technical_go_live_date"] = ValidationError(
            "The technical go-live must be on or before the user go-live.", "technical_after_user"
        )
    if details.stabilisation_ends_on is not None and details.stabilisation_ends_on < user:
        errors["stabilisation_ends_on"] = ValidationError(
            "Stabilisation must end on or after the user go-live.", "stabilisation_before_user"
        )
    dual = details.dual_running_ends_on
    if dual is not None and technical is not None and dual < technical:
        errors["dual_running_ends_on"] = ValidationError(
            "Dual running must end on or after the technical go-live.",
            "dual_running_before_technical",
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_go_live(
    *,
    access: Access,
    programme: Programme,
    go_live: GoLive | None,
    details: GoLiveDetails,
    areas: Iterable[Area],
    reason: str = "",
) -> GoLive:
    """Create a go-live of ``programme`` or edit one: dates (in the model's order), stage,
    approach, cohort note and scope. Scope areas are the organisation's active areas (an
    area already in scope may stay after it is retired). ``reason`` becomes the change
    reason of the history rows this writes."""
    require_manages(access, programme)
    if go_live is not None:
        go_live = GoLive.objects.select_for_update().get(pk=go_live.pk)
        if go_live.programme_id != programme.pk:
            raise PermissionDenied("That go-live belongs to another programme.")
    name = details.name.strip()
    taken = GoLive.objects.filter(programme=programme, name__iexact=name)
    if go_live is not None:
        taken = taken.exclude(pk=go_live.pk)
    if taken.exists():
        raise ValidationError(
            {"name": ValidationError(f"There is already a go-live called {name}.", "duplicate")}
        )
    check_dates(details)
    wanted = {area.pk for area in areas}
    keep = go_live.areas.all() if go_live is not None else None
    allowed = set(
        scope_choices([programme.organisation_id], keep=keep)
        .filter(pk__in=wanted)
        .values_list("pk", flat=True)
    )
    if allowed != wanted:
        raise ValidationError(
            {"areas": ValidationError("Choose active areas of this trust.", "invalid_area")}
        )
    go_live = go_live or GoLive(programme=programme)
    go_live.name = name
    for field in (
        "approach", "user_go_live_date", "stage", "technical_go_live_date",
        "dual_running_ends_on", "stabilisation_ends_on",
    ):  # fmt: skip
        setattr(go_live, field, getattr(details, field))
    go_live.scope_note = remove_nhs_numbers(details.scope_note.strip())[:200]
    go_live._change_reason = _reason(reason)  # type: ignore[attr-defined]
    _clean_and_save(go_live)
    if set(go_live.areas.values_list("pk", flat=True)) != wanted:
        go_live.areas.set(sorted(wanted))
    return go_live


@dataclass(frozen=True)
class ReleaseDetails:
    name: str
    version: str = ""
    planned_date: dt.date | None = None
    description: str = ""


@transaction.atomic
def save_release(
    *, access: Access, go_live: GoLive, release: Release | None, details: ReleaseDetails
) -> Release:
    require_manages(access, go_live.programme)
    if release is not None and release.go_live_id != go_live.pk:
        raise PermissionDenied("That release belongs to another go-live.")
    release = release or Release(go_live=go_live)
    name = details.name.strip()
    taken = Release.objects.filter(go_live=go_live, name__iexact=name).exclude(pk=release.pk)
    if taken.exists():
        raise ValidationError(
            {"name": ValidationError(f"This go-live already has {name}.", "duplicate")}
        )
    release.name, release.version = name, details.version.strip()
    release.planned_date = details.planned_date
    release.description = remove_nhs_numbers(details.description.strip())
    _clean_and_save(release)
    return release


@transaction.atomic
def delete_release(*, access: Access, release: Release) -> None:
    require_manages(access, release.go_live.programme)
    release.delete()
