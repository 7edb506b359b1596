"""Use cases of imports: uploading an extract, confirming a partial commit, saving mapping
profiles. (Re-queueing stalled work is the sweeper's: ``housekeeping`` and ``tasks``.)"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from adoption.imports import tasks
from adoption.imports.files import (
    FileRefused,
    check_head_encoding,
    check_not_binary,
    check_uncompressed_size,
    first_records,
    human_size,
    read_head,
)
from adoption.imports.permissions import capability_for
from adoption.imports.pipeline import private_folder
from adoption.imports.profiles import (
    BUILTIN_NAMES,
    Profile,
    ProfileError,
    builtin_profile,
    parse_spec,
)
from adoption.imports.references import unknown_targets
from adoption.imports.rows import check_identifiers_in_place, read_header
from adoption.models import ImportBatch, MappingProfile
from golive.access import Access, Capability
from golive.models import Programme, User
from golive.refusals import Conflict, TooManyRequests

Status = ImportBatch.Status


def _queue_after_commit(batch_id: int) -> None:
    """Queue the import once the batch row is committed. Sending never raises: if the queue
    is down the upload still succeeds, the batch keeps its file, says it is waiting for the
    queue, and the sweeper sends it when the queue is back. (A named function, not a
    ``partial``: Django's log line for a failing hook needs its ``__qualname__``.)"""

    def send_import() -> None:
        tasks.send_import(batch_id)

    transaction.on_commit(send_import, robust=True)


def saved_profile_version(*, programme: Programme, name: str) -> int | None:
    """The version of the saved profile called ``name`` (None for a built-in one)."""
    return (
        MappingProfile.objects.filter(programme=programme, name=name)
        .values_list("version", flat=True)
        .first()
    )


def resolve_profile(*, programme: Programme, kind: str, name: str) -> Profile:
    """A built-in profile (a reference format or a preset) or a saved one;
    ``ValidationError`` if unusable."""
    if name in BUILTIN_NAMES:
        if BUILTIN_NAMES[name] != kind:
            raise ValidationError(
                f"Profile {name} reads {BUILTIN_NAMES[name]} files.", "profile_kind"
            )
        return builtin_profile(name)
    saved = MappingProfile.objects.filter(programme=programme, name=name).first()
    if saved is None:
        raise ValidationError(f"There is no mapping profile called {name!r}.", "profile_missing")
    if saved.kind != kind:
        raise ValidationError(f"Profile {name} reads {saved.kind} files.", "profile_kind")
    try:
        return parse_spec(saved.name, saved.spec)
    except ProfileError as error:
        raise ValidationError(f"Profile {name} is not valid: {error}", "profile_invalid") from None


def _store(upload: IO[bytes], file_name: str) -> tuple[Path, int, str]:
    """Write the upload to disk, hashing as it goes; refuse it once it passes the limit."""
    folder = private_folder(Path(settings.IMPORT_UPLOAD_DIR))
    suffix = ".csv.gz" if file_name.lower().endswith(".gz") else ".csv"
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    size = 0
    limit = settings.IMPORT_MAX_BYTES
    # Created private (0600): the upload holds raw identifiers until its rows are loaded.
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        while chunk := upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise ValidationError(
                    f"The file is larger than the limit of {human_size(limit)}. Split the "
                    "extract by date range and upload the parts.",
                    "FILE_TOO_LARGE",
                )
            digest.update(chunk)
            out.write(chunk)
    return path, size, digest.hexdigest()


def _precheck(path: Path, profile: Profile) -> None:
    """File-level checks that need no row work: type, size once uncompressed, header, rows."""
    try:
        check_not_binary(read_head(path))
        check_uncompressed_size(path, settings.IMPORT_MAX_BYTES)
        check_head_encoding(path)
        found = first_records(path, 2)
        if not found:
            raise FileRefused("NO_DATA_ROWS", "The file is empty: it has no header and no rows.")
        layout = read_header(found[0], profile)
        if len(found) < 2:
            raise FileRefused("NO_DATA_ROWS", "The file has a header but no data rows.")
        check_identifiers_in_place(found[1], layout.plan(profile), profile)
    except FileRefused as refusal:
        raise ValidationError(refusal.message, refusal.code) from None


def _already_imported(programme: Programme, kind: str, sha256: str) -> ImportBatch | None:
    """The real upload of this file that is queued, running or committed (dry runs import
    nothing, so they never count)."""
    return (
        ImportBatch.objects.filter(programme=programme, kind=kind, sha256=sha256, dry_run=False)
        .exclude(status__in=ImportBatch.REPEATABLE)
        .select_related("uploaded_by")
        .first()
    )


def count_upload_attempt(*, user: User) -> None:
    """Count one upload request by ``user`` (the page and the API call this first), refusing
    it once they have tried more than ``IMPORT_UPLOADS_PER_WINDOW`` in the current window.
    Every attempt counts, refused ones too: checking a file (decompressing it, reading every
    line) is the expensive part. Operators' own tools (the command line, the demo) are not
    limited."""
    limit = settings.IMPORT_UPLOADS_PER_WINDOW
    window = settings.IMPORT_UPLOAD_WINDOW_SECONDS
    now = time.time()
    start = int(now // window) * window
    key = f"golive:import-uploads:{user.pk}:{start}"
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: the first of a new window
            cache.set(key, 1, timeout=window)
            count = 1
    except RedisError:
        # The cache is down: uploads still work, limited by the batches they left behind.
        since = timezone.now() - dt.timedelta(seconds=window)
        count = ImportBatch.objects.filter(uploaded_by=user, uploaded_at__gte=since).count() + 1
    if count > limit:
        retry_after = max(int(start + window - now), 1)
        raise TooManyRequests(
            f"You have uploaded {limit} files in the last {window // 60} minutes, the most "
            f"Golive accepts; try again in {retry_after // 60 + 1} minutes.",
            "IMPORT_RATE_LIMITED",
            retry_after=retry_after,
        )


# Rejections that only a new file or a changed profile can fix. Others (an unknown area,
# staff number or course; rows outside the uploader's areas; a date in the future; an EPR
# user id another person holds) may clear once Golive's own records change, so the same file
# is welcome again.
FIXED_ONLY_BY_FILE_OR_PROFILE = frozenset(
    {
        "FILE_TOO_LARGE",
        "FILE_NOT_TEXT_CSV",
        "FILE_ENCODING",
        "HEADER_MISMATCH",
        "NO_DATA_ROWS",
        "LINE_TOO_LONG",
        "IDENTIFIER_IN_WRONG_COLUMN",
        "COLUMN_COUNT",
        "MISSING_VALUE",
        "FIELD_TOO_LONG",
        "INVALID_DATE",
        "UNKNOWN_CODE",
        "INVALID_IDENTIFIER",
        "INVALID_SHIFT",
    }
)


def _rejected_before(
    *, user: User, programme: Programme, kind: str, sha256: str, profile: Profile
) -> ImportBatch | None:
    """A recent upload of the same file by the same user, read with the same profile, that
    was rejected for reasons only a new file or profile can fix: it would fail again."""
    seconds = settings.IMPORT_REJECTED_REPEAT_SECONDS
    since = timezone.now() - dt.timedelta(seconds=seconds)
    candidates = ImportBatch.objects.filter(
        uploaded_by=user,
        programme=programme,
        kind=kind,
        sha256=sha256,
        status=Status.REJECTED,
        uploaded_at__gte=since,
    ).order_by("-uploaded_at")
    spec = profile.to_spec()
    for batch in candidates[:5]:
        codes = list(batch.issues.values_list("code", flat=True))
        complete = len(codes) == batch.issues_total  # no issue left out by the cap
        if (
            batch.profile_spec == spec
            and complete
            and codes
            and set(codes) <= FIXED_ONLY_BY_FILE_OR_PROFILE
        ):
            return batch
    return None


def _rejected_before_error(earlier: ImportBatch) -> Conflict:
    when = timezone.localtime(earlier.uploaded_at)
    codes = ", ".join(sorted(set(earlier.issues.values_list("code", flat=True))))
    return Conflict(
        f"You uploaded this file at {when:%H:%M} on {when:%d %b %Y} (batch {earlier.pk}) and it "
        f"was rejected for {codes}. With the same mapping profile it would be rejected again: "
        "fix the file or the profile first (the batch's page lists every problem).",
        "REJECTED_BEFORE",
    )


def _duplicate_error(earlier: ImportBatch) -> Conflict:
    when = timezone.localtime(earlier.uploaded_at)
    if not earlier.is_final:
        waiting = (
            "is saved and will be processed when the queue is back"
            if earlier.awaiting_broker
            else "is waiting to be processed"
            if earlier.status == Status.QUEUED
            else "is being processed"
        )
        return Conflict(
            f"This file was already uploaded on {when:%d %b %Y at %H:%M} by "
            f"{earlier.uploaded_by.get_username()} (batch {earlier.pk}) and {waiting}; "
            "there is no need to upload it again.",
            "ALREADY_QUEUED",
        )
    return Conflict(
        f"This file was already imported on {when:%d %b %Y at %H:%M} by "
        f"{earlier.uploaded_by.get_username()} (batch {earlier.pk}); nothing changed.",
        "ALREADY_IMPORTED",
    )


class OptionNotAllowed(PermissionDenied):
    """An upload option the user may not choose; ``field`` names it (for a form)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def _check_options(
    *, user: User, programme: Programme, kind: str, correction: bool, mark_leavers: bool
) -> None:
    """Correcting earlier imports changes rows other batches committed: only a programme
    manager may choose it. Marking leavers is open to anyone who may import the staff list
    (the caller checks that): ``staff._manageable`` limits it to the staff they look after."""
    if mark_leavers and kind != "staff":
        raise ValidationError(
            {"mark_leavers": ValidationError("Only a staff list can mark leavers.", "invalid")}
        )
    if not correction or Access(user).has(Capability.MANAGE_GO_LIVES, programme=programme):
        return
    raise OptionNotAllowed(
        "Only a programme manager may correct earlier imports.", field="correction"
    )


def leavers_by_default(profile: Profile) -> bool:
    """A staff list read with a profile that says it is the full list marks leavers unless
    the uploader says otherwise."""
    return profile.kind == "staff" and profile.full_extract


def create_import_batch(
    *,
    user: User,
    programme: Programme,
    kind: str,
    profile_name: str,
    upload: IO[bytes],
    file_name: str,
    dry_run: bool = False,
    correction: bool = False,
    mark_leavers: bool | None = None,
) -> ImportBatch:
    """Store an uploaded extract and queue it. File-level problems are refused here with a
    ``ValidationError`` (code = the contract's reason) and nothing is kept.

    ``dry_run``: validate and report only; the file is deleted when the check ends.
    ``correction``: rows already imported with different content are replaced (programme
    managers only). ``mark_leavers``: a staff list is the full list, so staff missing from
    it are marked as leavers (only those the uploader's areas cover); None means the
    profile's ``full_extract``."""
    if not Access(user).has(capability_for(kind), programme=programme):
        raise PermissionDenied("You may not import this kind of file.")
    profile = resolve_profile(programme=programme, kind=kind, name=profile_name)
    if mark_leavers is None:
        mark_leavers = leavers_by_default(profile)
    _check_options(
        user=user,
        programme=programme,
        kind=kind,
        correction=correction,
        mark_leavers=mark_leavers,
    )
    path, size, sha256 = _store(upload, file_name)
    try:
        rejected = _rejected_before(
            user=user, programme=programme, kind=kind, sha256=sha256, profile=profile
        )
        if rejected is not None:
            raise _rejected_before_error(rejected)
        _precheck(path, profile)
        # Any file can be validated: a dry run of one already imported says so in its report.
        earlier = None if dry_run else _already_imported(programme, kind, sha256)
        if earlier is not None:
            if earlier.awaiting_broker:
                tasks.send_import(earlier.pk)  # the queue may be back: try it now
                earlier.refresh_from_db()
            raise _duplicate_error(earlier)
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                programme=programme,
                kind=kind,
                profile_name=profile.name,
                profile_spec=profile.to_spec(),
                profile_version=saved_profile_version(programme=programme, name=profile.name),
                uploaded_by=user,
                file_name=file_name[:255],
                file_size=size,
                sha256=sha256,
                stored_path=str(path),
                dry_run=dry_run,
                correction=correction,
                mark_leavers=mark_leavers,
            )
    except IntegrityError:
        path.unlink(missing_ok=True)
        earlier = _already_imported(programme, kind, sha256)
        raise _duplicate_error(earlier) if earlier else ValidationError("Try again.") from None
    except BaseException:
        # Whatever went wrong, no batch row points at the file: do not keep it.
        path.unlink(missing_ok=True)
        raise
    # From here the file belongs to the saved batch: nothing below may delete it.
    _queue_after_commit(batch.pk)
    batch.refresh_from_db(fields=["status", "awaiting_broker", "message"])
    return batch


@transaction.atomic
def commit_valid_rows_only(*, batch: ImportBatch, user: User) -> ImportBatch:
    """A named user accepts that the rejected rows will be left out; the batch runs again in
    partial mode. Only for rejected batches within the profile's bound."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if not Access(user).has(Capability.MANAGE_GO_LIVES, programme=locked.programme):
        raise PermissionDenied("Only a programme manager may commit the valid rows only.")
    if locked.status != Status.REJECTED or not locked.rows_rejected or locked.partial_allowed:
        raise Conflict("Only a batch rejected for row errors can do this.", "not_rejected")
    share = locked.rows_rejected / max(locked.rows_read, 1)
    bound = parse_spec(locked.profile_name, locked.profile_spec).max_rejected_share
    if share > bound or locked.rows_rejected >= locked.rows_read:
        raise Conflict(
            f"{share:.2%} of rows were rejected; valid rows can be committed on their own only "
            f"when at most {bound:.1%} are.",
            "too_many_rejected",
        )
    if locked.file_deleted_at is not None:
        raise Conflict(
            "The file has been deleted since it was rejected; upload it again.", "file_deleted"
        )
    if _already_imported(locked.programme, locked.kind, locked.sha256):
        raise _duplicate_error(_already_imported(locked.programme, locked.kind, locked.sha256))  # type: ignore[arg-type]
    locked.partial_allowed = True
    locked.partial_confirmed_by = user
    locked.partial_confirmed_at = timezone.now()
    # attempts keep counting up, so a worker still busy with an earlier attempt can never
    # record its outcome over this one; the partial run counts from a fixed base so that
    # people see its own attempts ("attempt 2 of 3" means a retry of this run, not a failure).
    locked.attempts = max(locked.attempts, ImportBatch.PARTIAL_RUN_ATTEMPTS_FROM)
    locked.status = Status.QUEUED
    locked.message = "Queued to commit the valid rows only."
    locked.save(
        update_fields=[
            "partial_allowed",
            "partial_confirmed_by",
            "partial_confirmed_at",
            "attempts",
            "status",
            "message",
        ]
    )
    _queue_after_commit(locked.pk)
    return locked


@transaction.atomic
def delete_mapping_profile(*, profile: MappingProfile) -> None:
    """Batches keep the spec they ran with, so deleting a profile loses no history."""
    profile.delete()


@transaction.atomic
def save_mapping_profile(
    *,
    programme: Programme,
    user: User,
    name: str,
    description: str,
    spec: dict[str, Any],
    profile: MappingProfile | None = None,
) -> MappingProfile:
    """Create or update a saved profile after validating its spec: area and course map
    targets must exist in the programme's trust (refused naming the target and the vendor
    value). A changed spec counts up the version."""
    if name in BUILTIN_NAMES:
        raise ValidationError({"name": f"{name} is a built-in profile name."})
    try:
        parsed = parse_spec(name, spec)
    except ProfileError as error:
        raise ValidationError({"spec": str(error)}) from None
    unknown = unknown_targets(parsed, programme)
    if unknown:
        raise ValidationError({"spec": ValidationError(" ".join(unknown), "unknown_target")})
    row = profile or MappingProfile(programme=programme)
    row.name = name
    row.description = description
    row.kind = parsed.kind
    spec_changed = row.pk is not None and row.spec != parsed.to_spec()
    row.spec = parsed.to_spec()
    row.updated_by = user
    if spec_changed:
        row.version += 1
    clash = MappingProfile.objects.filter(programme=programme, name=name).exclude(pk=row.pk)
    taken = ValidationError({"name": ValidationError(f"A profile called {name} exists.", "unique")})
    if clash.exists():
        raise taken
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise taken from None  # a concurrent save of the same name
    return row
