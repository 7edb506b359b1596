"""Writes to the service desk's settings: the category tree, the SLA target of each
priority and the resolver groups. These are one set for the whole installation (every
programme's desk triages with them), so changing them takes a programme manager's or an
administrator's programme-wide grant. Each function checks that, validates, and writes in
one transaction; refusals carry a code. History keeps every earlier version."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from golive.access import Access, Capability
from golive.identifiers import remove_nhs_numbers
from golive.refusals import Conflict
from support.models import Category, Priority, ResolverGroup, SlaTarget

REASON_MAX = 100  # simple-history's change-reason column
SLUG_MAX = Category._meta.get_field("slug").max_length or 50


def may_configure_desk(access: Access) -> bool:
    """Whether the user may change the desk's settings: a programme-wide grant to manage
    go-lives (programme manager, administrator) on some programme."""
    if access.is_superuser:
        return True
    return any(
        access.has_programme_wide(Capability.MANAGE_GO_LIVES, programme)
        for programme in access.programmes()
    )


def _require(access: Access) -> None:
    if not may_configure_desk(access):
        raise PermissionDenied(
            "Only a programme manager or administrator may change the service desk's settings."
        )


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError({"name": ValidationError("Enter a name.", code="required")})
    return cleaned


def _reason(reason: str) -> str:
    cleaned = " ".join(remove_nhs_numbers(reason).split())
    if not cleaned:
        raise ValidationError(
            {"reason": ValidationError("Enter the reason for the change.", code="required")}
        )
    return cleaned[:REASON_MAX]


# Categories: a tree two levels deep (the desk's triage and its suggestions rely on that).


def _check_name_free(name: str, parent: Category | None, *, exclude: int | None = None) -> None:
    siblings = Category.objects.filter(parent=parent, name__iexact=name)
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    if siblings.exists():
        where = f"under {parent.name}" if parent is not None else "at the top level"
        raise ValidationError(
            {
                "name": ValidationError(
                    f"There is already a category called “{name}” {where}.", code="duplicate_name"
                )
            }
        )


def _free_slug(name: str, parent: Category | None) -> str:
    base = slugify(name)[:SLUG_MAX] or "category"
    if parent is not None and Category.objects.filter(slug=base).exists():
        base = slugify(f"{parent.slug}-{name}")[:SLUG_MAX]
    slug, n = base, 2
    while Category.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug, n = f"{base[: SLUG_MAX - len(suffix)]}{suffix}", n + 1
    return slug


@transaction.atomic
def add_category(*, access: Access, name: str, parent: Category | None) -> Category:
    """Add a category at the top level or under a top-level one (``too_deep`` below that;
    ``duplicate_name`` for a name its siblings have). It goes last among its siblings."""
    _require(access)
    name = _clean_name(name)
    if parent is not None:
        parent = Category.objects.select_for_update().get(pk=parent.pk)
        if parent.parent_id is not None:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        "Categories go two levels deep: choose a top-level category.",
                        code="too_deep",
                    )
                }
            )
        if not parent.is_active:
            raise Conflict(
                f"{parent.name} is switched off: switch it on before adding to it.",
                code="parent_inactive",
            )
    _check_name_free(name, parent)
    last = Category.objects.filter(parent=parent).order_by("-position").first()
    return Category.objects.create(
        name=name,
        parent=parent,
        slug=_free_slug(name, parent),
        position=last.position + 1 if last is not None else 0,
    )


@transaction.atomic
def rename_category(*, access: Access, category: Category, name: str, position: int) -> Category:
    """Rename a category or move it among its siblings. Its slug (what the desk's
    suggestions name) stays, so tickets and rules keep pointing at it."""
    _require(access)
    name = _clean_name(name)
    if position < 0:
        raise ValidationError(
            {"position": ValidationError("Enter 0 or a positive number.", code="negative")}
        )
    locked = (
        Category.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=category.pk)
    )
    _check_name_free(name, locked.parent, exclude=locked.pk)
    locked.name, locked.position = name, position
    locked.save(update_fields=["name", "position"])
    return locked


@transaction.atomic
def set_category_active(
    *, access: Access, category: Category, active: bool, reason: str
) -> list[Category]:
    """Switch a category off (no longer offered for new tickets; tickets filed under it keep
    it) or back on, recording ``reason`` in history. Switching a top-level category off
    switches its children off too; one cannot be switched on under a parent that is off
    (``parent_inactive``). Returns the categories changed (none when already so)."""
    _require(access)
    reason = _reason(reason)
    locked = (
        Category.objects.select_for_update(of=("self",))
        .select_related("parent")
        .get(pk=category.pk)
    )
    if active and locked.parent is not None and not locked.parent.is_active:
        raise Conflict(
            f"{locked.parent.name} is switched off: switch it on first.", code="parent_inactive"
        )
    affected = [locked]
    if not active:
        affected += list(locked.children.select_for_update().filter(is_active=True))
    changed = [row for row in affected if row.is_active != active]
    for row in changed:
        row.is_active = active
        row._change_reason = reason  # type: ignore[attr-defined]
        row.save(update_fields=["is_active"])
    return changed


# SLA targets: one per priority.


@transaction.atomic
def set_sla_target(
    *,
    access: Access,
    priority: str,
    first_response_minutes: int,
    resolve_minutes: int,
    clock: str,
) -> SlaTarget:
    """Set how fast tickets of ``priority`` must get a first response and be resolved, and
    whether the clock runs around the clock or in business hours. Applies to tickets'
    clocks from the next time they are read. Both times must be positive and resolving
    cannot be due before the first response (``resolve_before_response``)."""
    _require(access)
    if priority not in Priority.values:
        raise ValidationError("There is no such priority.", code="invalid_priority")
    errors: dict[str, ValidationError] = {}
    for field, value in (
        ("first_response_minutes", first_response_minutes),
        ("resolve_minutes", resolve_minutes),
    ):
        if value < 1:
            errors[field] = ValidationError(
                "Enter a time of 1 minute or more.", code="not_positive"
            )
    if not errors and resolve_minutes < first_response_minutes:
        errors["resolve_minutes"] = ValidationError(
            "Resolving cannot be due before the first response: enter a resolution time at "
            "least as long as the first-response time.",
            code="resolve_before_response",
        )
    if clock not in SlaTarget.Clock.values:
        errors["clock"] = ValidationError("Choose when the clock runs.", code="invalid_choice")
    if errors:
        raise ValidationError(errors)
    target, _ = SlaTarget.objects.update_or_create(
        priority=priority,
        defaults={
            "first_response_minutes": first_response_minutes,
            "resolve_minutes": resolve_minutes,
            "clock": clock,
        },
    )
    return target


# Resolver groups.


def _check_group_name_free(name: str, *, exclude: int | None = None) -> None:
    same = ResolverGroup.objects.filter(name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise ValidationError(
            {
                "name": ValidationError(
                    f"There is already a resolver group called “{name}”.", code="duplicate_name"
                )
            }
        )


@transaction.atomic
def add_resolver_group(*, access: Access, name: str) -> ResolverGroup:
    """Add a team tickets can be routed to (``duplicate_name`` if one has the name)."""
    _require(access)
    name = _clean_name(name)
    _check_group_name_free(name)
    return ResolverGroup.objects.create(name=name)


@transaction.atomic
def rename_resolver_group(*, access: Access, group: ResolverGroup, name: str) -> ResolverGroup:
    """Rename a resolver group; tickets routed to it stay with it."""
    _require(access)
    name = _clean_name(name)
    locked = ResolverGroup.objects.select_for_update().get(pk=group.pk)
    _check_group_name_free(name, exclude=locked.pk)
    locked.name = name
    locked.save(update_fields=["name"])
    return locked
