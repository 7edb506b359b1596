"""Who may keep a programme's criteria library, which programme the pages show, and the
library read back grouped by template set and domain."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from golive.access import Access, Capability, access_for
from golive.models import Programme
from golive.navigation import current_go_live
from readiness.models import CriterionTemplate, Domain

# The library sets what every area of every go-live is assessed against, so it takes a
# programme-wide grant: a programme manager (who applies template sets), a readiness chair, a
# clinical safety officer or an administrator; never a ward manager's area-scoped one.
LIBRARY_CAPABILITIES = (Capability.MANAGE_GO_LIVES, Capability.EDIT_READINESS)


def may_manage_library(access: Access, programme: Programme) -> bool:
    return any(access.has_programme_wide(cap, programme) for cap in LIBRARY_CAPABILITIES)


def manageable_programmes(access: Access) -> list[Programme]:
    return [p for p in access.programmes().order_by("pk") if may_manage_library(access, p)]


def library_programme(request: HttpRequest) -> Programme | None:
    """The programme whose library the pages show: the chosen go-live's, when the user may
    keep its library; else the first programme whose library they may keep; else None."""
    access = access_for(request)
    go_live = current_go_live(request)
    if go_live is not None and may_manage_library(access, go_live.programme):
        return go_live.programme
    programmes = manageable_programmes(access)
    return programmes[0] if programmes else None


def templates_of(access: Access) -> QuerySet[CriterionTemplate]:
    """Templates in every library the user may keep (a pk of another is not found)."""
    ids = [p.pk for p in manageable_programmes(access)]
    return CriterionTemplate.objects.filter(programme_id__in=ids).select_related("programme")


def template_sets(programme: Programme) -> list[str]:
    return list(
        CriterionTemplate.objects.filter(programme=programme)
        .values_list("template_set", flat=True)
        .distinct()
        .order_by("template_set")
    )


@dataclass(frozen=True)
class DomainGroup:
    label: str
    templates: list[CriterionTemplate]


@dataclass(frozen=True)
class TemplateSet:
    name: str
    domains: list[DomainGroup]

    @property
    def count(self) -> int:
        return sum(len(group.templates) for group in self.domains)


def library(programme: Programme, *, template_set: str | None = None) -> list[TemplateSet]:
    """The programme's templates by set, then domain (in the domains' own order), each
    annotated with ``in_use``: how many criteria were made from it."""
    rows = CriterionTemplate.objects.filter(programme=programme).annotate(in_use=Count("criteria"))
    if template_set:
        rows = rows.filter(template_set=template_set)
    order = {value: index for index, value in enumerate(Domain.values)}
    labels = dict(Domain.choices)
    ordered = sorted(rows, key=lambda t: (t.template_set, order.get(t.domain, 99), t.title))
    sets = []
    for name, in_set in groupby(ordered, key=lambda t: t.template_set):
        domains = [
            DomainGroup(labels.get(domain, domain), list(group))
            for domain, group in groupby(in_set, key=lambda t: t.domain)
        ]
        sets.append(TemplateSet(name, domains))
    return sets
