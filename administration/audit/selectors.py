"""The audit trail as people read it: the simple-history rows of every audited type
(``golive.audit``) of the programmes where the user holds VIEW_AUDIT programme-wide, newest
first, each with who, what, when, the reason and its changes as before → after.

One page costs a fixed number of queries whatever its length: the count and the page's keys
(one UNION over the audited tables), then per type on the page its rows (with the id of
each row's previous record) and their previous records, per many-to-many field its
historical links, and per related model the objects named.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    ForeignKey,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from golive.access import Access, Capability
from golive.audit import AuditedType, audited_type, audited_types
from golive.models import Programme

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
SYSTEM = "system"
# Longest value shown for one field (a long text or a mapping's JSON spec).
VALUE_LIMIT = 1000
# Fields whose text the free-text filter searches, where a type has them.
SEARCHED_FIELDS = ("name", "title", "file_name", "email", "code")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    when: dt.datetime
    who: str
    action: str  # created / changed / deleted
    object_type: str
    object_id: str
    object: str
    reason: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""  # an audited type's label; empty: every type
    person: str = ""  # words of the name or username of who made the change
    date_from: dt.date | None = None  # local days, inclusive
    date_to: dt.date | None = None
    text: str = ""  # in the object's name or title, or the reason


def audit_programmes(access: Access) -> list[Programme] | None:
    """Programmes whose audit trail the user may read (VIEW_AUDIT programme-wide); None for
    a superuser (every programme)."""
    if access.is_superuser:
        return None
    return [
        programme
        for programme in access.programmes()
        if access.has_programme_wide(Capability.VIEW_AUDIT, programme)
    ]


class AuditLog:
    """The entries a user may see, filtered: sized and sliced like a list (``count()`` and
    ``[start:stop]``), so Django's paginator, DRF's and the CSV export page through it."""

    def __init__(self, access: Access, filters: AuditFilters) -> None:
        self.filters = filters
        programmes = audit_programmes(access)
        self._programme_ids: list[int] | None = None
        self._organisation_ids: list[int] | None = None
        if programmes is not None:
            self._programme_ids = [programme.pk for programme in programmes]
            self._organisation_ids = sorted({p.organisation_id for p in programmes})
        self._types = self._chosen_types()
        self._count: int | None = None

    def _chosen_types(self) -> list[AuditedType]:
        if self._programme_ids == []:
            return []
        if self.filters.object_type:
            chosen = audited_type(self.filters.object_type)
            return [chosen] if chosen is not None else []
        return audited_types()

    def _condition(self, audited: AuditedType) -> Q:
        condition = Q()
        if self._programme_ids is not None and self._organisation_ids is not None:
            if audited.programme_path is not None:
                condition &= Q(**{f"{audited.programme_path}__in": self._programme_ids})
            else:
                condition &= Q(**{f"{audited.organisation_path}__in": self._organisation_ids})
        filters = self.filters
        for word in filters.person.split():
            condition &= (
                Q(history_user__username__icontains=word)
                | Q(history_user__first_name__icontains=word)
                | Q(history_user__last_name__icontains=word)
            )
        zone = timezone.get_current_timezone()
        if filters.date_from is not None:
            start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone)
            condition &= Q(history_date__gte=start)
        if filters.date_to is not None and filters.date_to < dt.date.max:
            # (The last day there is leaves no day after it to stop before: no upper bound.)
            end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min)
            condition &= Q(history_date__lt=end.replace(tzinfo=zone))
        if filters.text.strip():
            text = filters.text.strip()
            matches = Q(history_change_reason__icontains=text)
            names = {f.name for f in audited.history_model._meta.get_fields()}
            for name in SEARCHED_FIELDS:
                if name in names:
                    matches |= Q(**{f"{name}__icontains": text})
            condition &= matches
        return condition

    def _keys(self) -> QuerySet[Any]:
        """(type index, history id, history date) of every matching row, newest first."""
        parts = [
            audited.history_model._default_manager.filter(self._condition(audited))
            .annotate(audit_type=Value(index, output_field=IntegerField()))
            .values_list("audit_type", "history_id", "history_date")
            .order_by()
            for index, audited in enumerate(self._types)
        ]
        first, *others = parts
        combined = first.union(*others, all=True) if others else first
        return combined.order_by("-history_date", "-history_id")

    def count(self) -> int:
        if self._count is None:
            self._count = self._keys().count() if self._types else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, key: int) -> Entry: ...
    @overload
    def __getitem__(self, key: slice) -> list[Entry]: ...
    def __getitem__(self, key: int | slice) -> Entry | list[Entry]:
        if isinstance(key, int):
            return self[key : key + 1][0]
        if not self._types:
            return []
        keys = list(self._keys()[key])
        return _entries(self._types, keys)

    def __iter__(self) -> Iterator[Entry]:
        yield from self.chunks(size=500)

    def chunks(self, *, size: int, limit: int | None = None) -> Iterator[Entry]:
        """Every entry (at most ``limit``), loaded ``size`` at a time."""
        start = 0
        while limit is None or start < limit:
            stop = start + size if limit is None else min(start + size, limit)
            batch = self[start:stop]
            yield from batch
            if len(batch) < stop - start:
                return
            start = stop


def _entries(types: list[AuditedType], keys: list[tuple[int, int, dt.datetime]]) -> list[Entry]:
    by_type: dict[int, list[int]] = defaultdict(list)
    for index, history_id, _ in keys:
        by_type[index].append(history_id)
    built: dict[tuple[int, int], Entry] = {}
    for index, history_ids in by_type.items():
        for history_id, entry in _type_entries(types[index], history_ids).items():
            built[(index, history_id)] = entry
    return [built[(index, history_id)] for index, history_id, _ in keys]


def _type_entries(audited: AuditedType, history_ids: list[int]) -> dict[int, Entry]:
    history = audited.history_model
    manager = history._default_manager
    pk_name = audited.model._meta.pk.attname
    previous = (
        manager.filter(**{pk_name: OuterRef(pk_name)}, history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    rows = list(
        manager.filter(history_id__in=history_ids)
        .select_related("history_user")
        .annotate(prev_history_id=Subquery(previous))
    )
    changed = [row for row in rows if row.history_type == "~" and row.prev_history_id]
    prev_ids = [row.prev_history_id for row in changed]
    prevs = manager.in_bulk(prev_ids, field_name="history_id") if prev_ids else {}
    m2m_fields = list(getattr(history, "_history_m2m_fields", []))
    m2m_links = _m2m_links(history, m2m_fields, [*history_ids, *prev_ids]) if changed else {}
    diffs = {
        row.history_id: _diff(audited, row, prevs[row.prev_history_id], m2m_fields, m2m_links)
        for row in changed
        if row.prev_history_id in prevs
    }
    names = _RelatedNames()
    for row in rows:
        for name in audited.related:
            names.want(audited.model._meta.get_field(name), getattr(row, f"{name}_id"))
    for raw_changes in diffs.values():
        for model_field, before, after in raw_changes:
            if isinstance(model_field, ForeignKey):
                names.want(model_field, before)
                names.want(model_field, after)
            elif model_field.many_to_many:
                for ids in (before, after):
                    for target in ids:
                        names.want(model_field, target)
    names.load()
    return {
        row.history_id: Entry(
            when=row.history_date,
            who=_person(row.history_user),
            action=ACTIONS.get(row.history_type, row.history_type),
            object_type=audited.label,
            object_id=str(getattr(row, pk_name)),
            object=_object_name(audited, row, names),
            reason=row.history_change_reason or "",
            changes=[
                Change(
                    field=str(model_field.verbose_name).capitalize(),
                    before=_shown(model_field, before, names),
                    after=_shown(model_field, after, names),
                )
                for model_field, before, after in diffs.get(row.history_id, [])
            ],
        )
        for row in rows
    }


def _diff(
    audited: AuditedType,
    row: Any,
    prev: Any,
    m2m_fields: list[Any],
    m2m_links: dict[tuple[str, int], frozenset[int]],
) -> list[tuple[Any, Any, Any]]:
    """(model field, before, after) for each changed field: plain fields through
    simple-history's diff (in memory), many-to-many ones from the links loaded in bulk."""
    m2m_names = {m2m.name for m2m in m2m_fields}
    delta = row.diff_against(prev, excluded_fields=[*audited.hidden_fields, *m2m_names])
    fields = audited.model._meta
    changes = [
        (fields.get_field(change.field), change.old, change.new)
        for change in delta.changes
        if change.field not in audited.hidden_fields
    ]
    for m2m in m2m_fields:
        before = m2m_links.get((m2m.name, prev.history_id), frozenset())
        after = m2m_links.get((m2m.name, row.history_id), frozenset())
        if before != after:
            changes.append((m2m, before, after))
    return changes


def _m2m_links(
    history: type[Model], m2m_fields: list[Any], history_ids: list[int]
) -> dict[tuple[str, int], frozenset[int]]:
    """Each historical row's many-to-many targets, per field: one query per field."""
    links: dict[tuple[str, int], set[int]] = defaultdict(set)
    for m2m in m2m_fields:
        through = getattr(history, m2m.name).model
        target = next(
            f.attname
            for f in through._meta.fields
            if isinstance(f, ForeignKey) and f.related_model is m2m.related_model
        )
        pairs = through._default_manager.filter(history_id__in=history_ids).values_list(
            "history_id", target
        )
        for history_id, target_id in pairs:
            links[(m2m.name, history_id)].add(target_id)
    return {key: frozenset(ids) for key, ids in links.items()}


class _RelatedNames:
    """Objects that entries name (an FK's before and after, an object's parts), loaded with
    one query per related model."""

    def __init__(self) -> None:
        self._wanted: dict[type[Model], set[Any]] = defaultdict(set)
        self._loaded: dict[type[Model], dict[Any, Model]] = {}

    def want(self, model_field: Any, pk: Any) -> None:
        if pk is not None:
            self._wanted[model_field.related_model].add(pk)

    def load(self) -> None:
        for model, pks in self._wanted.items():
            self._loaded[model] = model._base_manager.in_bulk(pks)

    def get(self, model: type[Model], pk: Any) -> Model | None:
        return self._loaded.get(model, {}).get(pk)


def _person(user: Any) -> str:
    return SYSTEM if user is None else str(user.display_name)


def _name(obj: Model) -> str:
    display = getattr(obj, "display_name", None)
    return str(display) if display else str(obj)


def _object_name(audited: AuditedType, row: Any, names: _RelatedNames) -> str:
    instance = row.history_object
    for name in audited.related:
        model_field: Any = audited.model._meta.get_field(name)
        related = names.get(model_field.related_model, getattr(row, f"{name}_id"))
        if related is not None:
            setattr(instance, name, related)
    try:
        return str(instance)
    except ObjectDoesNotExist:  # a part of its name has since been deleted
        return f"{audited.label} {getattr(row, audited.model._meta.pk.attname)}"


def _shown(model_field: Any, value: Any, names: _RelatedNames) -> str:
    """A value as people read it: a related object's name (its id if it is gone), a
    choice's label, dates in ISO 8601; long text cut short."""
    if model_field.many_to_many:
        labels = []
        for pk in sorted(value):
            related = names.get(model_field.related_model, pk)
            labels.append(_name(related) if related is not None else str(pk))
        return "; ".join(sorted(labels))
    if value is None or value == "":
        return ""
    if isinstance(model_field, ForeignKey):
        related = names.get(model_field.related_model, value)
        return _name(related) if related is not None else str(value)
    text = _text(model_field, value)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _text(model_field: Any, value: Any) -> str:
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def entries(access: Access, filters: AuditFilters) -> AuditLog:
    """The audit entries ``access`` may see, filtered."""
    return AuditLog(access, filters)


def type_labels() -> Iterable[str]:
    return [audited.label for audited in audited_types()]
