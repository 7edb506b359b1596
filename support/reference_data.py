"""The triage tree, SLA targets and resolver groups a desk starts with (editable in the
admin). Rows are matched on natural keys, so running this again (or after edits) only adds
what is missing. Used by the data migration, the demo, and tests whose database was emptied
by a transactional test."""

from __future__ import annotations

from typing import Any

from django.apps import apps as django_apps

CATEGORY_TREE: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "access",
        "Access, login and single sign-on",
        [
            ("access-password", "Password or account locked"),
            ("access-smartcard", "Smartcard"),
            ("access-sso", "Single sign-on"),
            ("access-permissions", "Role or permissions"),
        ],
    ),
    (
        "hardware",
        "Hardware and equipment",
        [
            ("hardware-workstation", "Computer or workstation on wheels"),
            ("hardware-scanner", "Barcode scanner"),
            ("hardware-mobile", "Mobile device"),
        ],
    ),
    (
        "printing",
        "Printing",
        [
            ("printing-wristband", "Wristband printer"),
            ("printing-labels", "Label printer"),
            ("printing-documents", "Document printer"),
        ],
    ),
    (
        "epr",
        "EPR functionality",
        [
            ("epr-orders", "Orders and results"),
            ("epr-documentation", "Clinical documentation"),
            ("epr-prescribing", "Prescribing and administration"),
            ("epr-patient-admin", "Admissions, transfers and discharges"),
        ],
    ),
    (
        "clinical-content",
        "Clinical content and configuration",
        [
            ("clinical-content-forms", "Forms and templates"),
            ("clinical-content-order-sets", "Order sets and pathways"),
        ],
    ),
    (
        "data",
        "Data and migration",
        [
            ("data-missing", "Missing or wrong migrated data"),
            ("data-duplicates", "Duplicate records"),
        ],
    ),
    (
        "interfaces",
        "Interfaces",
        [
            ("interfaces-pathology", "Pathology interface"),
            ("interfaces-radiology", "Radiology interface"),
        ],
    ),
    ("training", "Training need", []),
    ("enhancement", "Enhancement request", []),
    ("other", "Other", []),
]

# Minutes to first response and to resolution (hypercare runs around the clock).
SLA_TARGETS = {"P1": (15, 240), "P2": (30, 480), "P3": (120, 1440), "P4": (480, 4320)}

RESOLVER_GROUPS = [
    "Service desk",
    "Access management",
    "EPR application team",
    "Clinical content team",
    "Desktop and devices",
    "Integration team",
    "Data migration team",
    "Training team",
]


def ensure_reference_data(apps: Any = django_apps) -> None:
    Category = apps.get_model("support", "Category")
    SlaTarget = apps.get_model("support", "SlaTarget")
    ResolverGroup = apps.get_model("support", "ResolverGroup")
    for position, (slug, name, children) in enumerate(CATEGORY_TREE):
        parent, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        for child_position, (child_slug, child_name) in enumerate(children):
            Category.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "parent": parent, "position": child_position},
            )
    for priority, (respond, resolve) in SLA_TARGETS.items():
        SlaTarget.objects.get_or_create(
            priority=priority,
            defaults={"first_response_minutes": respond, "resolve_minutes": resolve},
        )
    for name in RESOLVER_GROUPS:
        ResolverGroup.objects.get_or_create(name=name)
