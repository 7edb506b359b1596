"""Built-in mapping profiles for the workforce sources NHS trusts actually have: an ESR staff
extract, an OLM learning-completions report and an e-roster shift export. Plain data, read
by ``profiles`` (which validates them like any saved profile); the columns each reads are
documented in docs/imports-workforce.md, with sample files in docs/samples.

A preset cannot know a trust's own codes: ESR organisations and e-roster units become Golive
areas only through an area value map, and learning-system course titles become courses
through a course value map (or by matching a course's name). A trust saves a copy of the
preset (the profile builder, or the JSON editor) and adds its codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Preset:
    description: str
    spec: dict[str, Any]


# ESR staff groups, as the Electronic Staff Record names them, to Golive's role groups.
# Additional Professional Scientific and Technical is mostly pharmacists and pharmacy
# technicians in an acute trust (psychologists sit there too): a trust that wants it
# otherwise changes its copy.
ESR_STAFF_GROUPS = {
    "Nursing and Midwifery Registered": "nursing",
    "Medical and Dental": "medical",
    "Allied Health Professionals": "ahp",
    "Additional Clinical Services": "support",
    "Administrative and Clerical": "admin",
    "Healthcare Scientists": "scientific",
    "Additional Professional Scientific and Technical": "pharmacy",
    "Estates and Ancillary": "other",
    "Students": "other",
}

ESR_STAFF = Preset(
    description=(
        "NHS Electronic Staff Record staff extract: one row per assignment, names written "
        "'Surname, Forename', dates DD/MM/YYYY. The file is the full staff list. Add your "
        "ESR organisations to the area value map in a copy of this profile."
    ),
    spec={
        "kind": "staff",
        "columns": {
            "staff_number": "Employee Number",
            "full_name": "Full Name",
            "role_group": "Staff Group",
            "job_title": "Job Role",
            "area": "Organisation",
            "start_date": "Assignment Start Date",
            "end_date": "Assignment End Date",
            "epr_user_id": "EPR User ID",
        },
        "value_maps": {"role_group": ESR_STAFF_GROUPS},
        "date_format": "%d/%m/%Y",
        "name_order": "surname_first",
        "full_extract": True,
    },
)

OLM_COMPLETIONS = Preset(
    description=(
        "Oracle Learning Management (ESR OLM) completions report: rows whose Status is not "
        "'Completed' (enrolled, in progress, cancelled) are skipped with a notice. Courses "
        "match a Golive course's code or name, or the course value map of a copy."
    ),
    spec={
        "kind": "training",
        "columns": {
            "staff_number": "Employee Number",
            "course": "Course Name",
            "completed_on": "Completion Date",
            "status": "Status",
        },
        "value_maps": {"status": {"Completed": "completed", "Passed": "completed"}},
        "unmapped_codes": {"status": "not_completed"},
        "date_format": "%d/%m/%Y",
    },
)

EROSTER_SHIFTS = Preset(
    description=(
        "E-roster shift export (HealthRoster or Allocate style): the shift date, then start "
        "and end times; an end at or before the start is on the next day. Add your roster "
        "units to the area value map in a copy of this profile."
    ),
    spec={
        "kind": "roster",
        "columns": {"staff_number": "Staff Number", "area": "Unit"},
        "composite_columns": {
            "starts_at": ["Shift Date", "Start"],
            "ends_at": ["Shift Date", "End"],
        },
        "date_format": "%d/%m/%Y %H:%M",
    },
)

PRESETS: dict[str, Preset] = {
    "esr-staff": ESR_STAFF,
    "olm-completions": OLM_COMPLETIONS,
    "eroster-shifts": EROSTER_SHIFTS,
}
