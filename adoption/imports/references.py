"""What a mapping profile's area and course maps may point at: the trust's areas, written as
files write them ("SITE/CODE", or a bare code unique in the trust), and the programme's
course codes. Read the way the import pipeline reads them, so a target accepted at save is
one the import will find."""

from __future__ import annotations

from dataclasses import dataclass

from adoption.imports.profiles import Profile, normalise_code
from golive.models import Area, Programme
from training.models import Course


@dataclass(frozen=True)
class Target:
    code: str  # as the profile writes it, e.g. "NGH/W7B"
    label: str  # as a select shows it, e.g. "NGH/W7B — Ward 7B"


def area_targets(programme: Programme) -> list[Target]:
    """The trust's active areas as "SITE/CODE — name", by site and name."""
    areas = (
        Area.objects.filter(site__organisation_id=programme.organisation_id, is_active=True)
        .select_related("site")
        .order_by("site__code", "code")
    )
    return [
        Target(f"{area.site.code}/{area.code}", f"{area.site.code}/{area.code} — {area.name}")
        for area in areas
    ]


def area_codes(programme: Programme) -> set[str]:
    """Every code an area map may name (normalised): "SITE/CODE" of every area of the trust,
    and the bare code where only one area has it, as ``pipeline._areas`` reads them."""
    codes: set[str] = set()
    bare: dict[str, int] = {}
    for site_code, code in Area.objects.filter(
        site__organisation_id=programme.organisation_id
    ).values_list("site__code", "code"):
        codes.add(normalise_code(f"{site_code}/{code}"))
        bare[normalise_code(code)] = bare.get(normalise_code(code), 0) + 1
    return codes | {code for code, count in bare.items() if count == 1}


def course_targets(programme: Programme) -> list[Target]:
    courses = Course.objects.filter(programme=programme).order_by("code")
    return [Target(course.code, f"{course.code} — {course.name}") for course in courses]


def course_codes(programme: Programme) -> set[str]:
    codes = Course.objects.filter(programme=programme).values_list("code", flat=True)
    return {normalise_code(code) for code in codes}


def unknown_targets(profile: Profile, programme: Programme) -> list[str]:
    """One message per area or course map entry whose target this trust does not have:
    "NGH/W7Z (for 'Ward 7B') is not an area of this trust"."""
    problems: list[str] = []
    checks = (
        ("area", "an area of this trust", area_codes),
        ("course", "a course of this programme", course_codes),
    )
    for name, what, known_codes in checks:
        mapping = profile.value_maps.get(name, {})
        default = profile.defaults.get(name)
        if not mapping and not default:
            continue
        known = known_codes(programme)
        for vendor, target in mapping.items():
            if normalise_code(target) not in known:
                problems.append(f"{target} (for {vendor!r}) is not {what}.")
        if default and normalise_code(default) not in known:
            problems.append(f"{default} (the default {name}) is not {what}.")
    return problems
