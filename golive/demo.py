"""A believable demo trust for ``manage.py seed_demo``: three sites, ~60 areas, ~4,000 staff,
one programme with three go-live waves, and a login for every role.

Everything is keyed on natural keys, so running it again changes nothing. Go-live dates are
set relative to the first run and then kept, so a demo does not drift under its users.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from golive.accounts import api_tokens
from golive.models import (
    ApiToken,
    Area,
    GoLive,
    Organisation,
    Programme,
    Release,
    Role,
    RoleGrant,
    RoleGroup,
    Site,
    StaffMember,
    User,
)

DEMO_PASSWORD = "golive-demo-login"  # noqa: S105 - published demo credentials, local use only
ODS_CODE = "ZZX"
DEMO_PROGRAMME = "Northshire EPR Programme"  # Z-prefixed codes are not issued to real trusts
A = Area.AreaType

SITES: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "NGH": (
        "Northshire General Hospital",
        [
            ("ED", "Emergency Department", A.DEPARTMENT, "Emergency medicine"),
            ("AMU", "Acute Medical Unit", A.WARD, "Acute medicine"),
            ("ICU", "Intensive Care Unit", A.WARD, "Critical care"),
            ("CCU", "Coronary Care Unit", A.WARD, "Cardiology"),
            ("W1A", "Ward 1A", A.WARD, "Respiratory medicine"),
            ("W1B", "Ward 1B", A.WARD, "Respiratory medicine"),
            ("W2A", "Ward 2A", A.WARD, "Gastroenterology"),
            ("W2B", "Ward 2B", A.WARD, "Diabetes and endocrinology"),
            ("W3A", "Ward 3A", A.WARD, "Care of older people"),
            ("W3B", "Ward 3B", A.WARD, "Care of older people"),
            ("W4A", "Ward 4A", A.WARD, "Stroke"),
            ("W4B", "Ward 4B", A.WARD, "Neurology"),
            ("W5A", "Ward 5A", A.WARD, "General surgery"),
            ("W5B", "Ward 5B", A.WARD, "Colorectal surgery"),
            ("W6A", "Ward 6A", A.WARD, "Trauma and orthopaedics"),
            ("W6B", "Ward 6B", A.WARD, "Trauma and orthopaedics"),
            ("W7A", "Ward 7A", A.WARD, "Urology"),
            ("W7B", "Ward 7B", A.WARD, "Vascular surgery"),
            ("W7C", "Ward 7C", A.WARD, "Renal medicine"),
            ("MAT", "Maternity Ward", A.WARD, "Obstetrics"),
            ("LAB", "Labour Ward", A.WARD, "Obstetrics"),
            ("NNU", "Neonatal Unit", A.WARD, "Neonatology"),
            ("PAED", "Children's Ward", A.WARD, "Paediatrics"),
            ("THM", "Main Theatres", A.THEATRE, "Surgery"),
            ("THD", "Day Surgery Theatres", A.THEATRE, "Day surgery"),
            ("OPM", "Main Outpatients", A.OUTPATIENTS, "General outpatients"),
            ("OPE", "Eye Clinic", A.OUTPATIENTS, "Ophthalmology"),
            ("RAD", "Radiology", A.DEPARTMENT, "Imaging"),
            ("PHA", "Pharmacy", A.SERVICE, "Pharmacy"),
            ("PATH", "Pathology", A.SERVICE, "Laboratory medicine"),
        ],
    ),
    "SAH": (
        "St Aldhelm's Hospital",
        [
            ("UTC", "Urgent Treatment Centre", A.DEPARTMENT, "Urgent care"),
            ("WARD1", "Ward 1", A.WARD, "General medicine"),
            ("WARD2", "Ward 2", A.WARD, "General medicine"),
            ("WARD3", "Ward 3", A.WARD, "Care of older people"),
            ("WARD4", "Ward 4", A.WARD, "Care of older people"),
            ("WARD5", "Ward 5", A.WARD, "Elective orthopaedics"),
            ("WARD6", "Ward 6", A.WARD, "General surgery"),
            ("WARD7", "Ward 7", A.WARD, "Gynaecology"),
            ("WARD8", "Ward 8", A.WARD, "Rehabilitation"),
            ("ONC", "Oncology Day Unit", A.DEPARTMENT, "Oncology"),
            ("HAEM", "Haematology Ward", A.WARD, "Haematology"),
            ("DIAL", "Renal Dialysis Unit", A.DEPARTMENT, "Renal medicine"),
            ("ENDO", "Endoscopy Unit", A.DEPARTMENT, "Gastroenterology"),
            ("THS", "St Aldhelm's Theatres", A.THEATRE, "Surgery"),
            ("OPS", "St Aldhelm's Outpatients", A.OUTPATIENTS, "General outpatients"),
            ("OPO", "Orthopaedic Clinic", A.OUTPATIENTS, "Trauma and orthopaedics"),
            ("RADS", "St Aldhelm's Imaging", A.DEPARTMENT, "Imaging"),
            ("PHS", "St Aldhelm's Pharmacy", A.SERVICE, "Pharmacy"),
            ("PHYS", "Physiotherapy", A.SERVICE, "Therapies"),
            ("BIRTH", "Birth Centre", A.WARD, "Midwifery"),
        ],
    ),
    "RCH": (
        "Riverside Community Hospital",
        [
            ("RIV1", "Riverside Ward", A.WARD, "Community rehabilitation"),
            ("RIV2", "Willow Ward", A.WARD, "Community rehabilitation"),
            ("RIV3", "Oak Ward", A.WARD, "Palliative care"),
            ("MIU", "Minor Injuries Unit", A.DEPARTMENT, "Urgent care"),
            ("RIVOP", "Riverside Outpatients", A.OUTPATIENTS, "General outpatients"),
            ("RIVX", "Riverside X-ray", A.DEPARTMENT, "Imaging"),
            ("DN", "District Nursing", A.SERVICE, "Community nursing"),
            ("CTH", "Community Therapies", A.SERVICE, "Therapies"),
            ("FALLS", "Falls Clinic", A.OUTPATIENTS, "Care of older people"),
            ("MEM", "Memory Clinic", A.OUTPATIENTS, "Old age psychiatry"),
        ],
    ),
}

ROLE_GROUP_WEIGHTS: list[tuple[RoleGroup, int, tuple[str, ...]]] = [
    (
        RoleGroup.NURSING,
        45,
        (
            "Staff Nurse",
            "Senior Staff Nurse",
            "Ward Sister",
            "Midwife",
            "Healthcare Assistant",
            "Nursing Associate",
        ),
    ),
    (
        RoleGroup.MEDICAL,
        18,
        ("Consultant", "Registrar", "Foundation Doctor", "Core Trainee", "Specialty Doctor"),
    ),
    (
        RoleGroup.AHP,
        10,
        (
            "Physiotherapist",
            "Occupational Therapist",
            "Dietitian",
            "Speech and Language Therapist",
            "Radiographer",
        ),
    ),
    (
        RoleGroup.ADMIN,
        12,
        ("Ward Clerk", "Medical Secretary", "Receptionist", "Patient Pathway Coordinator"),
    ),
    (RoleGroup.SUPPORT, 8, ("Porter", "Phlebotomist", "Theatre Support Worker")),
    (RoleGroup.PHARMACY, 3, ("Pharmacist", "Pharmacy Technician")),
    (RoleGroup.SCIENTIFIC, 3, ("Biomedical Scientist", "Clinical Scientist")),
    (RoleGroup.OTHER, 1, ("Chaplain", "Volunteer Coordinator")),
]

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jade",
    "Kieran",
    "Leah",
    "Mohammed",
    "Nia",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosa",
    "Samuel",
    "Tara",
    "Usman",
    "Victoria",
    "William",
    "Xena",
    "Yusuf",
    "Zoe",
    "Aisha",
    "Callum",
    "Deepa",
    "Eamon",
    "Fiona",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kavita",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Patrick",
    "Ruth",
    "Sophie",
    "Tom",
    "Uma",
    "Vikram",
    "Wendy",
    "Adeola",
    "Bronwen",
    "Ciaran",
]
LAST_NAMES = [
    "Adams",
    "Begum",
    "Campbell",
    "Davies",
    "Evans",
    "Fraser",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nwosu",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Young",
    "Zhang",
    "Ahmed",
    "Brown",
    "Clarke",
    "Doyle",
    "Edwards",
    "Foster",
    "Griffiths",
    "Hall",
    "Jackson",
    "Kaur",
    "Lloyd",
    "Murphy",
    "Norris",
    "Owen",
    "Price",
    "Reid",
    "Shah",
    "Thomas",
    "Turner",
    "Wilson",
    "Wright",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    area_codes: tuple[str, ...] = ()  # empty: the whole programme


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("pm", Role.PROGRAMME_MANAGER),
    DemoLogin("chair", Role.READINESS_CHAIR),
    DemoLogin("cso", Role.CLINICAL_SAFETY_OFFICER),
    DemoLogin("ward.manager", Role.WARD_MANAGER, ("NGH/W7B", "NGH/THM")),
    DemoLogin("ward.manager2", Role.WARD_MANAGER, ("SAH/WARD3",)),
    DemoLogin("trainer", Role.TRAINING_LEAD),
    DemoLogin("desk", Role.SERVICE_DESK_AGENT),
    DemoLogin("champion", Role.CHAMPION, ("NGH/W7B",)),
    DemoLogin("exec", Role.EXECUTIVE),
    DemoLogin("admin", Role.ADMINISTRATOR),
)


@dataclass(frozen=True)
class DemoSummary:
    sites: int
    areas: int
    staff: int
    go_lives: int
    logins: tuple[DemoLogin, ...]


def _seed_structure() -> tuple[Organisation, dict[str, Area]]:
    organisation, _ = Organisation.objects.get_or_create(
        ods_code=ODS_CODE,
        defaults={"name": "Northshire Teaching Hospitals NHS Foundation Trust"},
    )
    areas: dict[str, Area] = {}
    for site_code, (site_name, rows) in SITES.items():
        site, _ = Site.objects.get_or_create(
            organisation=organisation, code=site_code, defaults={"name": site_name}
        )
        for code, name, area_type, specialty in rows:
            area, _ = Area.objects.get_or_create(
                site=site,
                code=code,
                defaults={"name": name, "area_type": area_type, "specialty": specialty},
            )
            areas[f"{site_code}/{code}"] = area
    return organisation, areas


def _seed_programme(
    organisation: Organisation, areas: dict[str, Area], *, today: dt.date
) -> tuple[Programme, list[GoLive]]:
    programme, _ = Programme.objects.get_or_create(
        organisation=organisation,
        name=DEMO_PROGRAMME,
        defaults={
            "epr_supplier": "Example EPR Supplier Ltd",
            "journey_stage": Programme.JourneyStage.PHASED_GO_LIVE,
            "description": "Replacing paper and three legacy systems with one EPR, in waves.",
        },
    )
    day = dt.timedelta(days=1)
    waves = [
        (
            "Wave 1 – Riverside pilot",
            GoLive.Approach.PHASED,
            GoLive.Stage.STABILISED,
            today - 134 * day,
            today - 120 * day,
            [key for key in areas if key.startswith("RCH/")],
            [("Inpatient clinical documentation", "1.0"), ("Electronic prescribing (ePMA)", "1.0")],
        ),
        (
            "Wave 2 – Acute sites big bang",
            GoLive.Approach.BIG_BANG,
            GoLive.Stage.READINESS,
            today + 28 * day,
            today + 42 * day,
            [key for key in areas if key.startswith(("NGH/", "SAH/"))],
            [
                ("Patient administration (PAS)", "2.0"),
                ("Order communications: pathology and radiology", "2.0"),
                ("Emergency department", "2.0"),
                ("Inpatient clinical documentation", "2.0"),
                ("Electronic prescribing (ePMA)", "2.0"),
            ],
        ),
        (
            "Wave 3 – Theatres and outpatients",
            GoLive.Approach.MODULAR,
            GoLive.Stage.PLANNING,
            None,
            today + 150 * day,
            [
                key
                for key, area in areas.items()
                if area.area_type in {A.THEATRE, A.OUTPATIENTS} and not key.startswith("RCH/")
            ],
            [("Theatres and anaesthesia", "3.0"), ("Outpatient scheduling", "3.0")],
        ),
    ]
    go_lives = []
    for name, approach, stage, technical, user_date, scope, releases in waves:
        go_live, created = GoLive.objects.get_or_create(
            programme=programme,
            name=name,
            defaults={
                "approach": approach,
                "stage": stage,
                "technical_go_live_date": technical,
                "user_go_live_date": user_date,
            },
        )
        if created:
            go_live.areas.set([areas[key] for key in scope])
        for release_name, version in releases:
            Release.objects.get_or_create(
                go_live=go_live, name=release_name, defaults={"version": version}
            )
        go_lives.append(go_live)
    return programme, go_lives


def _seed_staff(
    organisation: Organisation, areas: dict[str, Area], *, staff_count: int, today: dt.date
) -> int:
    rng = random.Random(2026)  # fixed seed: the same trust on every machine
    existing = set(
        StaffMember.objects.filter(organisation=organisation).values_list("staff_number", flat=True)
    )
    area_list = list(areas.values())
    groups = [group for group, _, _ in ROLE_GROUP_WEIGHTS]
    weights = [weight for _, weight, _ in ROLE_GROUP_WEIGHTS]
    titles = {group: jobs for group, _, jobs in ROLE_GROUP_WEIGHTS}
    new_members: list[StaffMember] = []
    placements: dict[str, list[Area]] = {}
    for index in range(1, staff_count + 1):
        group = rng.choices(groups, weights)[0]
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        # Most staff joined years ago; about 2% are new starters in the last month.
        days_ago = rng.randint(1, 30) if rng.random() < 0.02 else rng.randint(60, 3650)
        staff_number = f"N{index:06d}"
        home = rng.choice(area_list)
        placements[staff_number] = [home, rng.choice(area_list)] if rng.random() < 0.08 else [home]
        job_title = rng.choice(titles[group])
        # Every random draw happens before this check, so a re-run replays the same sequence.
        if staff_number in existing:
            continue
        new_members.append(
            StaffMember(
                organisation=organisation,
                staff_number=staff_number,
                full_name=name,
                role_group=group,
                job_title=job_title,
                start_date=today - dt.timedelta(days=days_ago),
                epr_user_id=f"EPR{100000 + index}",
            )
        )
    if new_members:
        bulk_create_with_history(new_members, StaffMember, batch_size=1000)
    ids = dict(
        StaffMember.objects.filter(organisation=organisation).values_list("staff_number", "pk")
    )
    through = StaffMember.areas.through
    through.objects.bulk_create(
        [
            through(staffmember_id=ids[number], area_id=area.pk)
            for number, placed in placements.items()
            for area in placed
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return StaffMember.objects.filter(organisation=organisation).count()


def _seed_logins(programme: Programme, areas: dict[str, Area]) -> None:
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            username=login.username,
            defaults={
                "first_name": login.role.label.split(" (")[0],
                "last_name": "(demo)",
                "email": f"{login.username}@example.nhs.uk",
            },
        )
        if not created:
            # An account with this name already exists: never change a real person's
            # password, flags or roles.
            continue
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = login.role == Role.ADMINISTRATOR
        user.save()
        grant = RoleGrant.objects.create(user=user, role=login.role, programme=programme)
        grant.areas.set([areas[code] for code in login.area_codes])
        if login.username == DEMO_TOKEN_LOGIN:
            _seed_api_token(user)


DEMO_TOKEN_LOGIN = "trainer"  # noqa: S105 - a username
DEMO_TOKEN_NAME = "Nightly LMS export"  # noqa: S105 - a label


def _seed_api_token(user: User) -> None:
    """A personal API token the training lead's export script uses, so the API tokens page
    shows one. Its secret is thrown away: the demo needs the row, not a working script."""
    api_tokens.create_token(user=user, name=DEMO_TOKEN_NAME, days=90, read_only=True)
    ApiToken.objects.filter(user=user).update(last_used=timezone.now() - dt.timedelta(hours=7))


@transaction.atomic
def seed_demo(*, staff_count: int = 4000, today: dt.date | None = None) -> DemoSummary:
    """Create (or leave as it is) the demo trust. Safe to run any number of times."""
    today = today or timezone.localdate()
    organisation, areas = _seed_structure()
    programme, go_lives = _seed_programme(organisation, areas, today=today)
    staff = _seed_staff(organisation, areas, staff_count=staff_count, today=today)
    _seed_logins(programme, areas)
    return DemoSummary(
        sites=len(SITES),
        areas=len(areas),
        staff=staff,
        go_lives=len(go_lives),
        logins=DEMO_LOGINS,
    )
