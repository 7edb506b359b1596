"""Demo adoption data for ``seed_demo``: a vendor-format EPR audit extract for the live wave
(~500,000 events over 120 days, with a go-live dip and recovery), imported through the real
pipeline with a saved mapping profile, plus a small staff file and one rejected upload so the
error report can be seen.

Everything is anchored to the first wave's go-live date, which the demo keeps, so the files
are identical on every run and re-seeding imports nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from adoption.imports import pipeline, services, withdrawal, withdrawing
from adoption.imports.references import area_targets
from adoption.models import ImportBatch, MappingProfile
from golive.models import Area, GoLive, Programme, StaffMember, User
from training.models import Course

VENDOR_PROFILE_NAME = "Example EPR audit report"
VENDOR_PROFILE = {
    "kind": "events",
    "columns": {
        "event_id": "AUDIT_ID",
        "occurred_at": "AUDIT_TS",
        "event_type": "ACTION_CD",
        "order_type": "ORDER_CAT",
        "user_id": "USER_NAME",
        "role": "USER_ROLE",
        "area": "LOCATION",
        "patient_id": "NHS_NUMBER",
    },
    "value_maps": {
        "event_type": {
            "LOGON": "login",
            "LOGON_FAIL": "login_failed",
            "ORD_SIGN": "order_placed",
            "RES_VIEW": "result_viewed",
            "NOTE_SIGN": "note_signed",
            "DOC_SAVE": "documentation",
            "MAR_GIVE": "medication_administered",
            "PROC_DOC": "procedure_recorded",
        },
        "order_type": {
            "LAB": "pathology",
            "RAD": "radiology",
            "RX": "pharmacy",
            "MICRO": "microbiology",
        },
        "role": {
            "RN": "nursing",
            "HCA": "nursing",
            "DR": "medical",
            "CONS": "medical",
            "AHP": "ahp",
            "PHARM": "pharmacy",
            "CLERK": "admin",
        },
    },
    "unmapped_codes": {"role": "other"},
    "date_format": "%d/%m/%Y %H:%M:%S",
}
ACTIONS = [
    ("LOGON", 16),
    ("ORD_SIGN", 20),
    ("RES_VIEW", 20),
    ("DOC_SAVE", 24),
    ("NOTE_SIGN", 9),
    ("MAR_GIVE", 9),
    ("PROC_DOC", 2),
]
ORDER_CATS = [("LAB", 60), ("RAD", 25), ("RX", 12), ("MICRO", 3)]
ROLE_CODES = {"nursing": "RN", "medical": "DR", "ahp": "AHP", "pharmacy": "PHARM", "admin": "CLERK"}
HEADER = [
    "AUDIT_ID",
    "AUDIT_TS",
    "ACTION_CD",
    "ORDER_CAT",
    "USER_NAME",
    "USER_ROLE",
    "LOCATION",
    "NHS_NUMBER",
]
DAYS = 120


def nhs_number(rng: random.Random) -> str:
    """A random NHS number with a valid check digit (never a real person's: 999 prefix)."""
    while True:
        digits = [9, 9, 9] + [rng.randint(0, 9) for _ in range(6)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def activity(day: int) -> float:
    """Share of steady-state use on day ``day`` after go-live: a dip that recovers."""
    return 1.0 - 0.38 * math.exp(-((day - 6) ** 2) / 40) - 0.12 * math.exp(-day / 25)


def login_failure_rate(day: int) -> float:
    """Access problems dominate the first days of a go-live, then fade."""
    return 0.02 + 0.18 * math.exp(-day / 6)


def _events(
    go_live: dt.date, areas: list[Area], staff: list[tuple[str, str, int]], per_day: int
) -> Iterator[list[str]]:
    rng = random.Random(7)
    patients = [nhs_number(rng) for _ in range(3000)]
    actions, action_weights = zip(*ACTIONS, strict=True)
    cats, cat_weights = zip(*ORDER_CATS, strict=True)
    by_area: dict[int, list[tuple[str, str, int]]] = {}
    for person in staff:
        by_area.setdefault(person[2], []).append(person)
    serial = 0
    for day in range(DAYS):
        date = go_live + dt.timedelta(days=day)
        for _ in range(round(per_day * activity(day))):
            area = rng.choice(areas)
            user, role, _ = rng.choice(by_area.get(area.pk) or staff)
            action = rng.choices(actions, action_weights)[0]
            if action == "LOGON" and rng.random() < login_failure_rate(day):
                action = "LOGON_FAIL"
            seconds = int(rng.triangular(7 * 3600, 22 * 3600, 11 * 3600))
            moment = dt.datetime.combine(date, dt.time()) + dt.timedelta(seconds=seconds)
            serial += 1
            yield [
                f"A{serial:08d}",
                moment.strftime("%d/%m/%Y %H:%M:%S"),
                action,
                rng.choices(cats, cat_weights)[0] if action == "ORD_SIGN" else "",
                user,
                ROLE_CODES.get(role, "OTH"),
                f"{area.site.code}/{area.code}",
                rng.choice(patients) if action not in {"LOGON", "LOGON_FAIL"} else "",
            ]


def _import(
    *, programme: Programme, user: User, kind: str, profile: str, data: bytes, name: str
) -> str:
    try:
        batch = services.create_import_batch(
            user=user,
            programme=programme,
            kind=kind,
            profile_name=profile,
            upload=io.BytesIO(data),
            file_name=name,
        )
    except ValidationError as error:
        if error.code in {"ALREADY_IMPORTED", "ALREADY_QUEUED"}:
            return "already imported"
        raise
    pipeline.run(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk).status_label


def _with_other_roles(extract: bytes, *, rows: int) -> bytes:
    """The extract's first rows again, each with a different role code: the same audit ids
    with different content, so the report shows them as conflicting duplicates."""
    reader = csv.reader(io.StringIO(extract.decode()))
    header = next(reader)
    role = header.index("USER_ROLE")
    resent = []
    for row, _ in zip(reader, range(rows), strict=False):
        row[role] = "CLERK" if row[role] != "CLERK" else "RN"
        resent.append(row)
    return _csv(resent, header)


def _csv(rows: Iterator[list[str]] | list[list[str]], header: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


COURSES = [
    ("EPR101", "EPR essentials", Course.Delivery.E_LEARNING, 90),
    ("EPR201", "Ward workflows in the EPR", Course.Delivery.CLASSROOM, 180),
    ("SU301", "Super-user training", Course.Delivery.SUPER_USER, 360),
]


def _seed_completions(*, programme: Programme, user: User) -> str:
    """An LMS export: most of the live wave trained before go-live, the next wave part-way."""
    for code, name, delivery, minutes in COURSES:
        Course.objects.get_or_create(
            programme=programme,
            code=code,
            defaults={"name": name, "delivery": delivery, "duration_minutes": minutes},
        )
    rng = random.Random(11)
    waves = list(GoLive.objects.filter(programme=programme).order_by("user_go_live_date")[:2])
    rows: list[list[str]] = []
    for wave, share in zip(waves, (0.93, 0.55), strict=False):
        cutoff = wave.user_go_live_date - dt.timedelta(days=3)
        staff = StaffMember.objects.filter(areas__in=wave.areas.all(), start_date__lte=cutoff)
        for number in staff.distinct().order_by("pk").values_list("staff_number", flat=True):
            if rng.random() > share:
                continue
            for code, *_ in COURSES[:2]:
                # A wave still to come has only trained up to yesterday.
                last = min(cutoff, timezone.localdate() - dt.timedelta(days=1))
                day = last - dt.timedelta(days=rng.randint(0, 70))
                rows.append([number, code, day.isoformat()])
    data = _csv(rows, ["staff_number", "course", "completed_on"])
    return _import(
        programme=programme,
        user=user,
        kind="training",
        profile="golive-training",
        data=data,
        name="lms-completions.csv",
    )


BUILT_PROFILE_NAME = "Theatre system audit (built from a sample)"


def seed_built_profile(*, programme: Programme, user: User) -> None:
    """A profile as the builder leaves it, at version 2: the vendor's spelling kept in its
    value maps, then a second save mapping two more codes."""
    if MappingProfile.objects.filter(programme=programme, name=BUILT_PROFILE_NAME).exists():
        return
    targets = area_targets(programme)[:2]
    spec: dict[str, Any] = {
        "kind": "events",
        "columns": {
            "occurred_at": "Event Time",
            "event_type": "Action",
            "user_id": "Username",
            "area": "Location",
        },
        "composite_columns": {"event_id": ["Source Table", "Row Id"]},
        "value_maps": {
            "event_type": {"Log On": "login", "Ord Sign": "order_placed"},
            "area": {f"Theatre {n}": target.code for n, target in enumerate(targets, 1)},
        },
        "date_format": "%d/%m/%Y %H:%M",
    }
    description = "Built in the profile builder from a sample of the theatre system's audit."
    saved = services.save_mapping_profile(
        programme=programme, user=user, name=BUILT_PROFILE_NAME, description=description, spec=spec
    )
    spec["value_maps"]["event_type"] |= {
        "Result Viewed": "result_viewed",
        "Doc Save": "documentation",
    }
    services.save_mapping_profile(
        programme=programme,
        user=user,
        name=BUILT_PROFILE_NAME,
        description=description,
        spec=spec,
        profile=saved,
    )


ESR_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "esr-staff.csv"


def _seed_esr_staff(*, programme: Programme, user: User) -> str:
    """The ESR sample (docs/samples) through the built-in ESR preset: a dozen staff, with
    assignment end dates, two of them past (leavers) and one to come. It lists only these
    people, so it is not taken as the full list: nobody else becomes a leaver."""
    try:
        batch = services.create_import_batch(
            user=user,
            programme=programme,
            kind="staff",
            profile_name="esr-staff",
            upload=io.BytesIO(ESR_SAMPLE.read_bytes()),
            file_name=ESR_SAMPLE.name,
            mark_leavers=False,
        )
    except ValidationError as error:
        if error.code in {"ALREADY_IMPORTED", "ALREADY_QUEUED"}:
            return "already imported"
        raise
    pipeline.run(batch.pk)
    return ImportBatch.objects.get(pk=batch.pk).status_label


def _vendor_profile(*, programme: Programme, user: User) -> None:
    MappingProfile.objects.get_or_create(
        programme=programme,
        name=VENDOR_PROFILE_NAME,
        defaults={
            "kind": "events",
            "spec": VENDOR_PROFILE,
            "updated_by": user,
            "description": "The audit report of the demo trust's EPR supplier.",
        },
    )


def seed_adoption_demo(*, programme: Programme, user: User, per_day: int = 4400) -> list[str]:
    """Import the demo extracts; returns one line per file saying what happened."""
    _vendor_profile(programme=programme, user=user)
    seed_built_profile(programme=programme, user=user)
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    if live is None:
        return []
    areas = list(live.areas.select_related("site").order_by("pk"))
    staff = list(
        # Staff who were in post at go-live, so later new starters never change the file.
        StaffMember.objects.filter(areas__in=areas, start_date__lte=live.user_go_live_date)
        .exclude(epr_user_id="")
        .values_list("epr_user_id", "role_group", "areas")
        .order_by("pk")
    )
    folder = Path(settings.VAR_DIR) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    extract = _csv(_events(live.user_go_live_date, areas, staff, per_day), HEADER)
    (folder / "epr-audit-extract.csv").write_bytes(extract)
    results = [
        "EPR audit extract: "
        + _import(
            programme=programme,
            user=user,
            kind="events",
            profile=VENDOR_PROFILE_NAME,
            data=extract,
            name="epr-audit-extract.csv",
        )
    ]
    bad = _csv(
        [
            ["B1", "31/02/2026 10:00:00", "LOGON", "", "EPR100001", "RN", "RCH/RIV1", ""],
            [
                "B2",
                "01/03/2026 10:00:00",
                "ORD_SIGN",
                "LAB",
                "EPR100002",
                "RN",
                "RCH/NOWHERE",
                "9990000000",
            ],
        ],
        HEADER,
    )
    results.append(
        "Extract with mistakes: "
        + _import(
            programme=programme,
            user=user,
            kind="events",
            profile=VENDOR_PROFILE_NAME,
            data=bad,
            name="audit-with-mistakes.csv",
        )
    )
    resent_name = "audit-resent-with-other-roles.csv"
    # Rejected for its conflicts, so the same file would be welcome again: send it once.
    resent_before = ImportBatch.objects.filter(programme=programme, file_name=resent_name)
    results.append(
        "Extract resent with other roles: "
        + (
            "already sent"
            if resent_before.exists()
            else _import(
                programme=programme,
                user=user,
                kind="events",
                profile=VENDOR_PROFILE_NAME,
                data=_with_other_roles(extract, rows=3),
                name=resent_name,
            )
        )
    )
    starters = _csv(
        [
            [
                f"N9{n:05d}",
                f"New Starter {n}",
                "nursing",
                "Staff Nurse",
                f"{areas[n % len(areas)].site.code}/{areas[n % len(areas)].code}",
                (live.user_go_live_date + dt.timedelta(days=100 + n % 15)).isoformat(),
                f"EPR9{n:05d}",
            ]
            for n in range(1, 41)
        ],
        [
            "staff_number",
            "full_name",
            "role_group",
            "job_title",
            "area",
            "start_date",
            "epr_user_id",
        ],
    )
    results.append("Training completions: " + _seed_completions(programme=programme, user=user))
    results.append(
        "New starters staff list: "
        + _import(
            programme=programme,
            user=user,
            kind="staff",
            profile="golive-staff",
            data=starters,
            name="new-starters.csv",
        )
    )
    results.append("ESR staff extract: " + _seed_esr_staff(programme=programme, user=user))
    return results


WRONG_MAPPING_FILE = "audit-ward-codes-mapped-wrong.csv"


def seed_withdrawal_demo(*, programme: Programme, user: User) -> list[str]:
    """A small extract whose ward codes were mapped to the wrong wards, imported and then
    withdrawn by the programme manager with a reason, so the imports list shows a withdrawn
    batch and the dashboards label its period. Run once: a withdrawn file could be imported
    again, so re-seeding leaves the first withdrawal as it is."""
    earlier = ImportBatch.objects.filter(
        programme=programme, file_name=WRONG_MAPPING_FILE, status=ImportBatch.Status.WITHDRAWN
    )
    if earlier.exists():
        return ["Withdrawn extract: already withdrawn"]
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    if live is None:
        return []
    area = live.areas.select_related("site").order_by("-pk").first()
    if area is None:
        return []
    day = live.user_go_live_date + dt.timedelta(days=2)
    rows = [
        [f"WM{n}", f"{day:%d/%m/%Y} {8 + n % 10:02d}:{n % 60:02d}:00", "LOGON", "", f"EPR8{n:05d}",
         "RN", f"{area.site.code}/{area.code}", ""]
        for n in range(1, 61)
    ]  # fmt: skip
    outcome = _import(
        programme=programme,
        user=user,
        kind="events",
        profile=VENDOR_PROFILE_NAME,
        data=_csv(rows, HEADER),
        name=WRONG_MAPPING_FILE,
    )
    batch = ImportBatch.objects.filter(programme=programme, file_name=WRONG_MAPPING_FILE).first()
    if batch is None or batch.status != ImportBatch.Status.COMMITTED:
        return [f"Withdrawn extract: {outcome}"]
    withdrawal.request_withdrawal(
        batch=batch,
        user=user,
        reason="The supplier's report used last year's ward codes, so these log-ins were "
        f"counted on {area.name}.",
    )
    withdrawing.run(batch.pk)  # as the worker would; its own message then finds it done
    return [f"Withdrawn extract: {ImportBatch.objects.get(pk=batch.pk).status_label}"]


DRY_RUN_FILE = "new-audit-report-check.csv"
# Codes a newer version of the supplier's report writes that the saved profile does not map.
NEW_ACTIONS = [
    "ORD_CANCEL",
    "ORD_CANCEL",
    "ORD_CANCEL",
    "WRISTBAND_SCAN",
    "WRISTBAND_SCAN",
    "BP_OBS",
]


def seed_dry_run_demo(*, programme: Programme, user: User) -> list[str]:
    """A dry run of a newer audit report: nothing imported, the would-be counts, and the
    action codes and locations the profile does not know yet, for the profile's editor."""
    if ImportBatch.objects.filter(programme=programme, file_name=DRY_RUN_FILE).exists():
        return ["Dry run of a newer audit report: already checked"]
    live = GoLive.objects.filter(programme=programme).order_by("user_go_live_date").first()
    if live is None:
        return []
    _vendor_profile(programme=programme, user=user)
    areas = [f"{a.site.code}/{a.code}" for a in live.areas.select_related("site").order_by("pk")]
    day = live.user_go_live_date + dt.timedelta(days=20)
    actions = [code for code, _ in ACTIONS] * 4 + NEW_ACTIONS
    rows = [
        [
            f"DRY{n}",
            f"{day:%d/%m/%Y} {8 + n % 10:02d}:{n % 60:02d}:00",
            action,
            "LAB" if action == "ORD_SIGN" else "",
            f"EPR1{n % 40:05d}",
            "RN",
            areas[n % len(areas)] if n % 17 else "RCH/OLD-WARD-9",
            "",
        ]
        for n, action in enumerate(actions)
    ]
    batch = services.create_import_batch(
        user=user,
        programme=programme,
        kind="events",
        profile_name=VENDOR_PROFILE_NAME,
        upload=io.BytesIO(_csv(rows, HEADER)),
        file_name=DRY_RUN_FILE,
        dry_run=True,
    )
    pipeline.run(batch.pk)
    return [f"Dry run of a newer audit report: {ImportBatch.objects.get(pk=batch.pk).status_label}"]
