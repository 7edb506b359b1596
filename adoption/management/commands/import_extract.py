"""Import an extract from the command line, through the same checks as an upload."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from adoption.imports import pipeline, services
from adoption.imports.fields import FIELDS_BY_KIND
from adoption.imports.permissions import capability_for
from adoption.imports.profiles import BUILTIN_NAMES
from adoption.models import ImportBatch, MappingProfile
from golive.access import Access
from golive.models import Programme, User

POLL_SECONDS = 1.0
PROGRESS_EVERY_SECONDS = 10.0
NO_WORKER_HINT_SECONDS = 30.0
ISSUES_SHOWN = 10


class Command(BaseCommand):
    help = (
        "Import an extract file as a user: refuse it at once if the file itself is wrong, "
        "otherwise queue it for the worker. With --wait, follow it to the end and exit "
        "non-zero unless it committed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV or .csv.gz file.")
        parser.add_argument("--kind", required=True, choices=sorted(FIELDS_BY_KIND))
        parser.add_argument(
            "--mapping",
            metavar="NAME",
            help="Mapping profile name (default: golive-<kind>, the reference format).",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who is importing; may be left out only when there is exactly one superuser.",
        )
        parser.add_argument(
            "--programme",
            metavar="NAME",
            help="Programme name; needed only when the user has several.",
        )
        parser.add_argument(
            "--wait", action="store_true", help="Wait for the final status and report it."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            metavar="SECONDS",
            default=None,
            help="With --wait: give up waiting after this many seconds (the import goes on).",
        )
        parser.add_argument(
            "--in-process",
            action="store_true",
            help="Process the batch in this process instead of a Celery worker (implies --wait).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        path: Path = options["path"]
        if options["timeout"] is not None and options["timeout"] <= 0:
            raise CommandError("--timeout must be a positive number of seconds.")
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        user = _importing_user(options["user"])
        programme = _programme(user, kind, options["programme"])
        profile_name = options["mapping"] or f"golive-{kind}"
        try:
            with path.open("rb") as upload:
                batch = services.create_import_batch(
                    user=user,
                    programme=programme,
                    kind=kind,
                    profile_name=profile_name,
                    upload=upload,
                    file_name=path.name,
                )
        except PermissionDenied:
            raise CommandError(
                f"{user.get_username()} may not import {kind} files into {programme.name}."
            ) from None
        except ValidationError as error:
            message = " ".join(error.messages)
            if error.code in {"profile_missing", "profile_kind"}:
                message += " " + _profiles_hint(programme, kind)
            raise CommandError(f"{path.name} was refused ({error.code}): {message}") from None
        self.stdout.write(f"Batch {batch.pk} queued: {path.name} ({batch.file_size:,} bytes).")
        if options["in_process"]:
            pipeline.run(batch.pk)
        elif not options["wait"]:
            return
        batch = self._wait(batch, options["timeout"])
        self._report(batch)
        if batch.status != ImportBatch.Status.COMMITTED:
            raise CommandError(f"Batch {batch.pk} was not committed ({batch.status}).")

    def _wait(self, batch: ImportBatch, timeout: float | None) -> ImportBatch:
        started = last_line = time.monotonic()
        hinted = False
        while True:
            batch.refresh_from_db()
            if batch.is_final:
                return batch
            now = time.monotonic()
            if timeout is not None and now - started >= timeout:
                raise CommandError(
                    f"Batch {batch.pk} is still {batch.status} after {timeout:g} seconds; it "
                    "carries on in the worker. Its status is on the imports page and at "
                    f"/api/v1/imports/{batch.pk}/."
                )
            if now - last_line >= PROGRESS_EVERY_SECONDS:
                self.stdout.write(_progress_line(batch))
                last_line = now
            if (
                not hinted
                and batch.status == ImportBatch.Status.QUEUED
                and (now - started >= NO_WORKER_HINT_SECONDS)
            ):
                self.stdout.write(
                    "No worker has picked the batch up yet: is a Celery worker running? "
                    "(--in-process imports without one.)"
                )
                hinted = True
            time.sleep(POLL_SECONDS)

    def _report(self, batch: ImportBatch) -> None:
        line = f"Batch {batch.pk}: {batch.status}"
        if batch.status_label.lower() != batch.status:
            line += f" ({batch.status_label})"
        committed = batch.status == ImportBatch.Status.COMMITTED
        self.stdout.write(self.style.SUCCESS(line) if committed else self.style.ERROR(line))
        self.stdout.write(
            f"  read {batch.rows_read:,} / inserted {batch.rows_inserted:,} / "
            f"updated {batch.rows_updated:,} / unchanged {batch.rows_unchanged:,} / "
            f"rejected {batch.rows_rejected:,} / duplicate {batch.rows_duplicate:,}"
        )
        if batch.message:
            self.stdout.write(f"  {batch.message}")
        for notice in batch.notices:
            self.stdout.write(f"  Note: {notice}")
        issues = list(batch.issues.order_by("line", "pk")[:ISSUES_SHOWN])
        for issue in issues:
            where = f"line {issue.line}" if issue.line else "file"
            if issue.column:
                where += f", {issue.column}"
            expected = f" (expected {issue.expected})" if issue.expected else ""
            self.stdout.write(f"  {where}: {issue.code}: {issue.message}{expected}")
        if batch.issues_total > len(issues):
            self.stdout.write(
                f"  ... {batch.issues_total:,} problems in all; see /api/v1/imports/"
                f"{batch.pk}/issues/ or the batch's error report."
            )


def _progress_line(batch: ImportBatch) -> str:
    line = f"  {batch.status}: {batch.rows_read:,} rows read"
    if batch.bytes_total:
        line += f" ({batch.bytes_processed / batch.bytes_total:.0%})"
    if batch.attempts_in_run > 1:
        line += f", attempt {batch.attempts_in_run} of {settings.IMPORT_MAX_ATTEMPTS}"
    return line


def _importing_user(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user called {username!r}.")
        return user
    superusers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
    if len(superusers) != 1:
        raise CommandError(
            "Say who is importing with --user USERNAME: the batch records who uploaded it, "
            "and rows are limited to that user's areas."
        )
    return superusers[0]


def _programme(user: User, kind: str, name: str | None) -> Programme:
    access = Access(user)
    who = user.get_username()
    if name:
        matches = list(access.programmes().filter(name=name)[:2])
        if not matches:
            raise CommandError(f"{who} has no programme called {name!r}.")
        if len(matches) > 1:
            raise CommandError(f"Several programmes are called {name!r}; rename one first.")
        return matches[0]
    allowed = [
        programme
        for programme in access.programmes().order_by("name")
        if access.has(capability_for(kind), programme=programme)
    ]
    if not allowed:
        raise CommandError(f"{who} may not import {kind} files into any programme.")
    if len(allowed) > 1:
        names = ", ".join(programme.name for programme in allowed)
        raise CommandError(f"{who} may import into several programmes ({names}); use --programme.")
    return allowed[0]


def _profiles_hint(programme: Programme, kind: str) -> str:
    names = [name for name, reads in BUILTIN_NAMES.items() if reads == kind]
    names += MappingProfile.objects.filter(programme=programme, kind=kind).values_list(
        "name", flat=True
    )
    return f"Profiles for {kind} files: {', '.join(names)}."
