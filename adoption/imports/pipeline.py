"""One batch, start to finish: claim it, check the file, validate every row, and merge
the valid rows in a single transaction (or none at all)."""

from __future__ import annotations

import collections
import contextlib
import csv
import datetime as dt
import logging
import os
import re
import threading
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from adoption.imports import conflicts, fastpath, loading, outcome, reactions
from adoption.imports.files import (
    FileRefused,
    LineReader,
    check_not_binary,
    check_uncompressed_size,
    open_binary,
    read_head,
    records,
)
from adoption.imports.findings import Collected, clock_change_notices, coded_columns
from adoption.imports.locks import lock_programme_kind
from adoption.imports.permissions import capability_for
from adoption.imports.profiles import Profile, parse_spec
from adoption.imports.roster import merge_roster
from adoption.imports.rows import STAGERS, Issue, Lookups, check_record, read_header
from adoption.imports.staff import merge_staff
from adoption.imports.training import merge_completions
from adoption.models import ImportBatch, ImportIssue
from golive.access import Access
from golive.models import Area, StaffMember
from training.models import Course

logger = logging.getLogger(__name__)
Status = ImportBatch.Status
ACTIVE = [Status.VALIDATING, Status.LOADING]
PROGRESS_EVERY_ROWS = 20_000
WRITE_EVERY_ROWS = 5_000


def issue_cap() -> int:
    return int(settings.IMPORT_ISSUE_CAP)


def claim(batch_id: int) -> ImportBatch | None:
    """Move a queued batch to validating; exactly one caller wins."""
    now = timezone.now()
    won = ImportBatch.objects.filter(pk=batch_id, status=Status.QUEUED).update(
        status=Status.VALIDATING, attempts=F("attempts") + 1, started_at=now, heartbeat_at=now
    )
    return ImportBatch.objects.get(pk=batch_id) if won == 1 else None


def _areas(organisation_id: int) -> dict[str, int]:
    """Area codes as files write them: "SITE/CODE", and a bare "CODE" where it is unique in
    the trust (upper case)."""
    areas: dict[str, int] = {}
    bare: dict[str, list[int]] = {}
    for pk, site_code, code in Area.objects.filter(
        site__organisation_id=organisation_id
    ).values_list("pk", "site__code", "code"):
        areas[f"{site_code}/{code}".upper()] = pk
        bare.setdefault(code.upper(), []).append(pk)
    areas.update(
        {code: ids[0] for code, ids in bare.items() if len(ids) == 1 and code not in areas}
    )
    return areas


def _allowed_area_ids(batch: ImportBatch, kind: str) -> set[int] | None:
    """The areas the uploader may load rows for (None: all of them)."""
    access = Access(batch.uploaded_by)
    if access.is_superuser:
        return None
    areas = access.areas(capability_for(kind), programme=batch.programme)
    return set(areas.values_list("pk", flat=True))


def _staff_by_epr_id(organisation_id: int) -> dict[str, int]:
    return {
        epr.upper(): pk
        for pk, epr in StaffMember.objects.filter(organisation_id=organisation_id)
        .exclude(epr_user_id="")
        .values_list("pk", "epr_user_id")
    }


def _epr_owners(organisation_id: int) -> dict[str, str]:
    return {
        epr.upper(): number
        for number, epr in StaffMember.objects.filter(organisation_id=organisation_id)
        .exclude(epr_user_id="")
        .values_list("staff_number", "epr_user_id")
    }


def _staff_by_number(organisation_id: int) -> dict[str, tuple[int, frozenset[int]]]:
    """Staff number -> (staff id, the ids of their areas)."""
    placements: dict[int, set[int]] = {}
    for staff_id, area_id in StaffMember.areas.through.objects.filter(
        staffmember__organisation_id=organisation_id
    ).values_list("staffmember_id", "area_id"):
        placements.setdefault(staff_id, set()).add(area_id)
    return {
        number.upper(): (pk, frozenset(placements.get(pk, ())))
        for pk, number in StaffMember.objects.filter(organisation_id=organisation_id).values_list(
            "pk", "staff_number"
        )
    }


def _courses(programme_id: int) -> dict[str, int]:
    """Course code -> id, and each course's name where no code or other course has it (a
    learning system's report names courses by title)."""
    rows = list(Course.objects.filter(programme_id=programme_id).values_list("pk", "code", "name"))
    codes = {code.upper(): pk for pk, code, _ in rows}
    names: dict[str, list[int]] = {}
    for pk, _, name in rows:
        names.setdefault(name.strip().upper(), []).append(pk)
    by_name = {name: ids[0] for name, ids in names.items() if len(ids) == 1 and name not in codes}
    return {**by_name, **codes}


def _lookups(batch: ImportBatch, kind: str) -> Lookups:
    """The reference data rows of this kind are checked against, loaded once per batch."""
    organisation_id = batch.programme.organisation_id
    return Lookups(
        organisation_id=organisation_id,
        trust_tz=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        areas=_areas(organisation_id),
        allowed_area_ids=_allowed_area_ids(batch, kind),
        staff_by_epr_id=_staff_by_epr_id(organisation_id) if kind == "events" else {},
        epr_owners=_epr_owners(organisation_id) if kind == "staff" else {},
        staff_by_number=(
            _staff_by_number(organisation_id) if kind in {"training", "staff", "roster"} else {}
        ),
        courses=_courses(batch.programme_id) if kind == "training" else {},
        pseudonym_key=settings.PSEUDONYMISATION_KEY,
        now=timezone.now(),
    )


def _progress(batch: ImportBatch, *, rows: int, bytes_done: int) -> None:
    ImportBatch.objects.filter(pk=batch.pk, attempts=batch.attempts, status__in=ACTIVE).update(
        rows_read=rows, bytes_processed=bytes_done, heartbeat_at=timezone.now()
    )


WORK_FILE = re.compile(r"batch-(?P<batch>\d+)-attempt-(?P<attempt>\d+)\.csv")


def private_folder(path: Path) -> Path:
    """A folder only Golive's own user may read (0700): uploads and work files hold raw
    identifiers. ``mkdir``'s mode is cut by the umask and ignored for a folder that exists,
    so the mode is set explicitly."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def work_path(batch: ImportBatch) -> Path:
    """The attempt's work file, created empty and private (0600) before anything is written
    to it. (``housekeeping.purge_work_files`` removes those of attempts that are over.)"""
    path = private_folder(Path(settings.IMPORT_WORK_DIR)) / (
        f"batch-{batch.pk}-attempt-{batch.attempts}.csv"
    )
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)  # an existing file keeps its mode through os.open
    return path


@dataclass(frozen=True)
class Validated:
    rows: int
    collected: Collected
    notices: list[str]
    present_fields: frozenset[str] = frozenset()  # fields the file (or profile) supplies


def _validate(
    batch: ImportBatch, profile: Profile, work_file: Path, *, fast: bool = True
) -> Validated:
    """Stream the file once: check every row, write valid ones (transformed) to the work
    file. Valid event rows take the fast path (``fastpath``); if the file turns out to be
    badly encoded or not CSV, it is read again the slow way, which reports exactly where."""
    path = Path(batch.stored_path)
    check_not_binary(read_head(path))
    total = check_uncompressed_size(path, settings.IMPORT_MAX_BYTES)
    ImportBatch.objects.filter(pk=batch.pk).update(bytes_total=total)
    lookups = _lookups(batch, profile.kind)
    if fast and profile.kind == "events":
        try:
            return _read(batch, profile, work_file, lookups, fast=True)
        except (UnicodeDecodeError, csv.Error):
            lookups = _lookups(batch, profile.kind)
    return _read(batch, profile, work_file, lookups, fast=False)


def _read(
    batch: ImportBatch, profile: Profile, work_file: Path, lookups: Lookups, *, fast: bool
) -> Validated:
    stage = STAGERS[profile.kind]
    collected = Collected(cap=issue_cap())
    rows = 0
    with (
        open_binary(Path(batch.stored_path)) as stream,
        work_file.open("w", newline="", encoding="utf-8") as out,
        contextlib.ExitStack() as stack,
    ):
        reader = LineReader(stream)
        stream_records = fastpath.text_records(stream) if fast else records(reader)
        stack.callback(stream_records.close)
        header = next(stream_records, None)
        while header is not None and fast and not any(cell.strip() for cell in header.cells):
            header = next(stream_records, None)  # the slow reader skips blank lines itself
        if header is None:
            raise FileRefused("NO_DATA_ROWS", "The file is empty: it has no header and no rows.")
        layout = read_header(header, profile)
        plan = layout.plan(profile)
        collected.coded = coded_columns(plan)
        fast_line = fastpath.compile_event_rows(layout, profile, lookups) if fast else None
        writer = csv.writer(out, lineterminator="\n")
        pending: list[str] = []
        for record in stream_records:
            line = fast_line(record) if fast_line is not None else None
            if line is not None:
                pending.append(line)
                if len(pending) >= WRITE_EVERY_ROWS:
                    out.write("".join(pending))
                    pending.clear()
            elif not any(cell.strip() for cell in record.cells):
                continue  # a blank line (only the fast reader yields them)
            else:
                result = check_record(record, layout, profile, lookups, plan)
                if result.issues:
                    collected.add_row(result.issues)
                else:
                    out.write("".join(pending))  # keep the work file in line order
                    pending.clear()
                    writer.writerow(stage(record.line, result.values, profile, lookups))
            rows += 1
            if rows % PROGRESS_EVERY_ROWS == 0:
                done = stream.tell() if fast else reader.bytes_read
                _progress(batch, rows=rows, bytes_done=done)
        out.write("".join(pending))
    if rows == 0:
        raise FileRefused("NO_DATA_ROWS", "The file has a header but no data rows.", line=2)
    unlinked = len(lookups.unlinked_users)
    if unlinked:
        who = "1 EPR user id is" if unlinked == 1 else f"{unlinked:,} EPR user ids are"
        layout.notices.append(
            f"{who} not on the staff list; their events were kept, and are linked to the "
            "staff member when a staff list gives them the id."
        )
    layout.notices.extend(clock_change_notices(lookups, profile))
    layout.notices.extend(conflicts.already_imported_notices(batch))
    present = frozenset(
        spec.name for spec, position, _, default in plan if position >= 0 or default
    )
    return Validated(rows, collected, layout.notices, present)


def _save_issues(batch: ImportBatch, issues: list[Issue]) -> None:
    ImportIssue.objects.filter(batch=batch).delete()
    ImportIssue.objects.bulk_create(
        [
            ImportIssue(
                batch=batch,
                line=i.line,
                column=i.column[:200],
                code=i.code,
                message=i.message,
                value=i.value[:200],
                expected=i.expected[:200],
            )
            for i in issues
        ],
        batch_size=2000,
    )


def _finish(batch: ImportBatch, *, status: str, message: str, **fields: Any) -> bool:
    """Record the outcome, unless a newer attempt owns the batch now (then False). The
    outcome goes into the batch's history too (a queryset update writes none), for the
    audit trail: the pipeline's progress updates do not."""
    now = timezone.now()
    finished = bool(
        ImportBatch.objects.filter(pk=batch.pk, attempts=batch.attempts, status__in=ACTIVE).update(
            status=status, message=message, finished_at=now, heartbeat_at=now, **fields
        )
    )
    if finished:
        outcome = ImportBatch.objects.get(pk=batch.pk)
        ImportBatch.history.bulk_history_create(
            [outcome],
            update=True,
            default_change_reason=f"Import {outcome.get_status_display().lower()}",
        )
    return finished


def refuse(batch: ImportBatch, refusal: FileRefused) -> None:
    with transaction.atomic():
        finished = _finish(
            batch,
            status=Status.CHECKED if batch.dry_run else Status.REJECTED,
            message=(
                f"{outcome.DRY_RUN_PREFIX} The file would be refused: {refusal.message}"
                if batch.dry_run
                else refusal.message
            ),
            issues_total=1,
            issue_counts={refusal.code: 1},
        )
        if finished:
            issue = Issue(
                refusal.line, refusal.column, refusal.code, refusal.message, refusal.value
            )
            _save_issues(batch, [issue])
    if finished:
        delete_uploaded_file(batch)  # a refused file can never be committed


def _verdict(batch: ImportBatch, profile: Profile, counts: outcome.Counts) -> outcome.Verdict:
    return outcome.decide(
        counts=counts,
        dry_run=batch.dry_run,
        partial_allowed=batch.partial_allowed,
        bound=profile.max_rejected_share,
    )


def _reject_rows(
    batch: ImportBatch, profile: Profile, validated: Validated
) -> outcome.Verdict | None:
    """Every row has problems: nothing to stage, so the batch ends here (rejected, or checked
    for a dry run)."""
    rows, collected = validated.rows, validated.collected
    verdict = _verdict(batch, profile, outcome.Counts(rows, collected.rows_rejected))
    with transaction.atomic():
        finished = _finish(
            batch,
            status=verdict.status,
            message=verdict.message,
            notices=validated.notices,
            rows_read=rows,
            rows_rejected=collected.rows_rejected,
            issues_total=collected.total,
            issue_counts=dict(collected.counts),
            unknown_values=collected.unknown_values(),
        )
        if finished:
            _save_issues(batch, collected.issues)
    return verdict if finished else None


def _outcome_fields(
    verdict: outcome.Verdict, validated: Validated, merged: loading.MergeResult
) -> dict[str, Any]:
    """The batch's counters: what the merge did (committed), what it would do (a dry run),
    or, for a rejected batch, only what was found (duplicates, conflicts, problems)."""
    collected = validated.collected
    counts = collections.Counter(collected.counts)
    counts["DUPLICATE_IN_FILE"] += merged.duplicate_count
    counts["CONFLICTING_DUPLICATE"] += merged.conflict_rows
    found: dict[str, Any] = {
        "rows_read": validated.rows,
        "rows_duplicate": merged.duplicate_rows,
        "rows_rejected": collected.rows_rejected + merged.conflict_rows,
        "issues_total": collected.total + merged.duplicate_count + merged.conflict_rows,
        "issue_counts": {code: n for code, n in counts.items() if n},
        "unknown_values": collected.unknown_values(),
    }
    if verdict.status == Status.REJECTED:
        return found
    return {
        **found,
        "rows_inserted": merged.inserted,
        "rows_updated": merged.updated,
        "rows_unchanged": merged.unchanged,
        # A batch with rejected or conflicting rows is rejected or committed partially, and
        # neither marks leavers: a dry run of it must not count any either.
        "rows_leavers": 0 if found["rows_rejected"] else merged.leavers,
        # A dry run's own rows can never be superseded: it records the earlier batches' rows
        # it would replace instead.
        "rows_superseded": sum(merged.superseded.values())
        if verdict.status == Status.CHECKED
        else 0,
        "local_dates": list(merged.local_dates) if verdict.keep else [],
    }


@dataclass(frozen=True)
class Staged:
    merged: loading.MergeResult
    issues: list[Issue]  # the row problems and what the merge found (capped)


def _merge(
    batch: ImportBatch, profile: Profile, work_file: Path, validated: Validated
) -> Staged | None:
    """Merge the valid rows and collect the problems the merge found; call inside
    ``_stage``'s savepoint, which decides whether they stay. Returns None (and changes
    nothing) if another attempt has taken the batch over meanwhile."""
    collected = validated.collected
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.attempts != batch.attempts or current.status != Status.LOADING:
            return None
        merged = MERGERS[profile.kind](
            batch_id=batch.pk,
            work_file=work_file,
            present_fields=validated.present_fields,
            correction=current.correction,
        )
        issues = list(collected.issues)
        found = conflicts.conflict_issues(merged.conflicts, profile, validated.present_fields)
        issues.extend(found[: max(issue_cap() - len(issues), 0)])
        for duplicate in merged.duplicates:
            if len(issues) >= issue_cap():
                break
            lines = ", ".join(str(line) for line in duplicate.lines)
            issues.append(
                Issue(
                    duplicate.first_line,
                    "",
                    "DUPLICATE_IN_FILE",
                    f"The same record appears on lines {lines}; it was counted once.",
                )
            )
        return Staged(merged, issues)


def _stage(
    batch: ImportBatch, profile: Profile, work_file: Path, validated: Validated
) -> outcome.Verdict | None:
    """Stage the valid rows in a savepoint, so duplicates and conflicts are counted whatever
    happens; then keep them (commit) or roll them back (a batch that must be rejected, or a
    dry run), and record the outcome, all in one transaction. Rolling the savepoint back
    also drops every on-commit hook registered inside it, so nothing a discarded merge set
    off ever runs. None (and nothing changed) if another attempt has taken the batch over."""
    with transaction.atomic():
        # Locked here, outside the savepoint, so the lock outlives a rollback to it.
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.attempts != batch.attempts or current.status != Status.LOADING:
            return None
        lock_programme_kind(batch.programme_id, batch.kind)  # no withdrawal alongside
        with transaction.atomic():
            staged = _merge(batch, profile, work_file, validated)
            if staged is None:
                return None
            merged = staged.merged
            rejected = validated.collected.rows_rejected
            counts = outcome.Counts(validated.rows, rejected, merged.conflict_rows)
            verdict = _verdict(batch, profile, counts)
            if not verdict.keep:
                transaction.set_rollback(True)
        _save_issues(batch, staged.issues)
        _finish(
            batch,
            status=verdict.status,
            message=verdict.message,
            notices=[
                *validated.notices,
                *merged.notices,
                *(
                    conflicts.superseded_notices(merged, current)
                    if verdict.status != Status.REJECTED
                    else []
                ),
            ],
            **_outcome_fields(verdict, validated, merged),
        )
        if verdict.keep:
            # Rollups, cached figures, alerts: whatever the rest of Golive registered.
            reactions.batch_committed(batch.pk, profile.kind)
    return verdict


def process(batch: ImportBatch) -> None:
    """Validate a claimed batch, stage its valid rows and commit, reject or (a dry run)
    report them. Raises only for transient failures (retried). The upload is deleted as soon
    as the batch is over, unless a programme manager may still commit its valid rows only."""
    profile = parse_spec(batch.profile_name, batch.profile_spec)
    work_file = work_path(batch)
    try:
        try:
            validated = _validate(batch, profile, work_file)
        except FileRefused as refusal:
            refuse(batch, refusal)
            return
        verdict: outcome.Verdict | None
        if validated.collected.rows_rejected >= validated.rows:
            verdict = _reject_rows(batch, profile, validated)
        else:
            moved = ImportBatch.objects.filter(
                pk=batch.pk, attempts=batch.attempts, status=Status.VALIDATING
            ).update(  # rows_rejected: read by mergers that need a whole file (leavers)
                status=Status.LOADING,
                rows_read=validated.rows,
                rows_rejected=validated.collected.rows_rejected,
                heartbeat_at=timezone.now(),
            )
            verdict = _stage(batch, profile, work_file, validated) if moved else None
            if moved and verdict is None:
                logger.warning("Import batch %s was taken over by a newer attempt", batch.pk)
        if verdict is not None and verdict.delete_file:
            delete_uploaded_file(batch)
    finally:
        work_file.unlink(missing_ok=True)


TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def _release_for_retry(batch: ImportBatch) -> None:
    """Put an interrupted batch back in the queue so the task's retry can claim it.

    A restarting PostgreSQL is usually back within seconds, so the release is tried again for
    up to ``IMPORT_RELEASE_WAIT_SECONDS``; only a database that stays away leaves the batch to
    the sweeper, which re-queues it once its heartbeat is ``IMPORT_HEARTBEAT_STALE_SECONDS``
    old."""
    deadline = time.monotonic() + settings.IMPORT_RELEASE_WAIT_SECONDS
    pause = 0.5
    while True:
        try:
            _release_once(batch)
            return
        except TRANSIENT_ERRORS:
            # Django keeps a broken connection until it is closed; the next query reconnects.
            # (Inside an atomic block closing would doom the transaction; the worker is not
            # in one here, a test may be.)
            if not connection.in_atomic_block:
                connection.close()
            if time.monotonic() + pause > deadline:
                logger.warning("Import batch %s left for the sweeper to re-queue", batch.pk)
                return
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _release_once(batch: ImportBatch) -> None:
    limit = settings.IMPORT_MAX_ATTEMPTS
    tried = batch.attempts_in_run
    if tried >= limit:
        reference = f"IMPORT-{batch.pk}-{batch.attempts}"
        message = outcome.failed_after_message(tried, reference, partial=batch.partial_allowed)
        _finish(batch, status=Status.FAILED, message=message)
        return
    ImportBatch.objects.filter(pk=batch.pk, attempts=batch.attempts).update(
        status=Status.QUEUED,
        heartbeat_at=timezone.now(),
        message=outcome.interrupted_message(tried + 1, limit, partial=batch.partial_allowed),
    )


def delete_uploaded_file(batch: ImportBatch) -> None:
    """The upload holds raw patient identifiers: once its rows are loaded (or it can never
    load) it is deleted; only pseudonymised data stays."""
    Path(batch.stored_path).unlink(missing_ok=True)
    ImportBatch.objects.filter(pk=batch.pk).update(file_deleted_at=timezone.now())


class Heartbeat(threading.Thread):
    """Writes the batch's heartbeat every ``IMPORT_HEARTBEAT_SECONDS`` while its attempt
    works, whatever the main thread is doing (a long read, a long merge), so a batch whose
    worker died is noticed within about a minute. One cheap guarded update each time, on the
    thread's own connection; a failed beat is skipped, never raised.

    A beat proves the process is alive, not that the import moves: if the batch's progress
    (status, rows and bytes read) has not moved for ``IMPORT_STALL_SECONDS`` the main thread
    is taken for hung (a lock wait, a stuck read) and the thread stops beating, so the
    sweeper's stale-heartbeat rule re-queues the batch as for a dead worker. A merge holds
    the batch row, and the sweeper leaves a held row alone, so a long merge is not cut off."""

    def __init__(self, batch: ImportBatch, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(name=f"import-heartbeat-{batch.pk}", daemon=True)
        self.batch = batch
        self.stopping = threading.Event()
        self.clock = clock
        self.progress: tuple[Any, ...] | None = None
        self.moved_at = clock()

    def run(self) -> None:
        interval = settings.IMPORT_HEARTBEAT_SECONDS
        try:
            while not self.stopping.wait(interval):
                if not self.beat():
                    return
        finally:
            connection.close()

    def beat(self) -> bool:
        """Write the heartbeat; False (and nothing written) once the batch is stalled."""
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # While the merge holds the batch row, wait briefly rather than queue
                    # behind it: the sweeper treats a locked row as alive anyway.
                    with connection.cursor() as cursor:
                        cursor.execute("SET LOCAL lock_timeout = '2s'")
                attempt = ImportBatch.objects.filter(
                    pk=self.batch.pk, attempts=self.batch.attempts, status__in=ACTIVE
                )
                progress = attempt.values_list("status", "rows_read", "bytes_processed")
                if self.stalled(progress.first()):
                    return False
                attempt.update(heartbeat_at=timezone.now())
        except DatabaseError as error:
            logger.info(
                "Import batch %s heartbeat skipped: %s", self.batch.pk, type(error).__name__
            )
        return True

    def stalled(self, progress: tuple[Any, ...] | None) -> bool:
        now = self.clock()
        if progress != self.progress:
            self.progress, self.moved_at = progress, now
            return False
        if now - self.moved_at < settings.IMPORT_STALL_SECONDS:
            return False
        logger.warning(
            "Import batch %s has not moved for %s s; its heartbeat stops so the sweeper "
            "re-queues it",
            self.batch.pk,
            settings.IMPORT_STALL_SECONDS,
        )
        return True


@contextlib.contextmanager
def heartbeat(batch: ImportBatch, kind: type[Heartbeat] = Heartbeat) -> Iterator[None]:
    beating = kind(batch)
    beating.start()
    try:
        yield
    finally:
        beating.stopping.set()
        beating.join(timeout=5)


def run(batch_id: int) -> None:
    """Claim and process one batch; a no-op unless the batch is queued (idempotent).
    Transient database errors put the batch back in the queue and are raised for the task
    to retry; a batch that hits the time limit fails (trying again would hit it again)."""
    batch = claim(batch_id)
    if batch is None:
        return
    try:
        with heartbeat(batch):
            process(batch)
    except TRANSIENT_ERRORS:
        _release_for_retry(batch)
        raise
    except SoftTimeLimitExceeded:
        _fail(
            batch,
            "Processing took longer than the time limit; nothing was imported. Split "
            "the extract by date range",
        )
    except Exception as error:
        # Unexpected: fail now with a reference rather than leave the batch looking busy.
        # Only the type is logged: a message could quote a row of the file.
        logger.error("Import batch %s failed: %s", batch.pk, type(error).__name__)
        _fail(batch, "Processing failed unexpectedly; nothing was imported")


def _fail(batch: ImportBatch, reason: str) -> None:
    reference = f"IMPORT-{batch.pk}-{batch.attempts}"
    message = f"{reason}. Quote reference {reference} to the Golive administrator."
    if _finish(batch, status=Status.FAILED, message=message):
        delete_uploaded_file(batch)


def stalled_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=settings.IMPORT_STALL_SECONDS)


MERGERS: dict[str, Callable[..., loading.MergeResult]] = {
    "events": loading.merge_events,
    "staff": merge_staff,
    "training": merge_completions,
    "roster": merge_roster,
}
