"""What a validated batch comes to, once its valid rows have been staged and counted: commit
(keep the staged rows), reject (roll them back), or, for a dry run, report what would have
happened (roll them back too). Pure: the pipeline supplies the counts and acts on the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

COMMITTED, REJECTED, CHECKED = "committed", "rejected", "checked"
DRY_RUN_PREFIX = "Dry run: nothing was imported."


@dataclass(frozen=True)
class Counts:
    rows: int  # data rows read
    rejected: int  # rows with row errors
    conflicts: int = 0  # valid rows clashing with another row of the file or another batch

    @property
    def problems(self) -> int:
        return self.rejected + self.conflicts

    @property
    def share(self) -> float:
        return self.problems / max(self.rows, 1)


@dataclass(frozen=True)
class Verdict:
    status: str
    message: str
    keep: bool  # keep the staged rows (a real commit)
    # Rejected, yet a programme manager may still choose "commit valid rows only": the
    # only case in which the upload (raw identifiers) is kept after the batch ends.
    partial_possible: bool = False

    @property
    def delete_file(self) -> bool:
        return not self.partial_possible


def _commits(counts: Counts, *, partial_allowed: bool, bound: float) -> bool:
    if counts.problems == 0:
        return True
    return partial_allowed and counts.share <= bound and counts.problems < counts.rows


def _problems(counts: Counts) -> str:
    text = f"{counts.problems:,} of {counts.rows:,} rows have problems"
    if counts.conflicts:
        text += (
            f" ({counts.conflicts:,} conflicting with another row of the file or with a row "
            "already imported)"
        )
    return text


def _committed_message(counts: Counts) -> str:
    if counts.problems:
        return f"Committed with {counts.problems:,} rows rejected."
    return "Committed."


def decide(*, counts: Counts, dry_run: bool, partial_allowed: bool, bound: float) -> Verdict:
    """Commit when nothing is wrong, or when a confirmed partial run stays within the
    profile's bound; otherwise reject. A dry run never keeps anything."""
    commits = _commits(counts, partial_allowed=partial_allowed, bound=bound)
    within = counts.problems < counts.rows and counts.share <= bound
    if dry_run:
        if commits:
            would = _committed_message(counts).rstrip(".").lower()
            return Verdict(
                CHECKED,
                f"{DRY_RUN_PREFIX} Imported for real, the file would be {would}.",
                keep=False,
            )
        message = (
            f"{DRY_RUN_PREFIX} Imported for real, the file would be rejected: {_problems(counts)}."
        )
        if within:
            message += (
                f" Because no more than {bound:.1%} of rows have problems, a programme "
                "manager could then choose to commit the valid rows only."
            )
        return Verdict(CHECKED, message, keep=False)
    if commits:
        return Verdict(COMMITTED, _committed_message(counts), keep=True)
    message = (
        f"{_problems(counts)}, so nothing was imported. Download the error report, fix the "
        "file and upload it again."
    )
    partial_possible = within and not partial_allowed
    if partial_possible:
        message += (
            f" Because no more than {bound:.1%} of rows were rejected, a programme manager may "
            "instead choose to commit the valid rows only."
        )
    else:
        message += " The uploaded file was deleted; only the error report is kept."
    return Verdict(REJECTED, message, keep=False, partial_possible=partial_possible)


def interrupted_message(attempt: int, limit: int, *, partial: bool) -> str:
    """For a batch put back in the queue; ``attempt``: the next one, counted within its run."""
    what = "Committing the valid rows only" if partial else "Processing"
    return f"{what} was interrupted; it will retry automatically (attempt {attempt} of {limit})."


def failed_after_message(attempts: int, reference: str, *, partial: bool) -> str:
    what = "Committing the valid rows only" if partial else "Processing"
    return (
        f"{what} failed after {attempts} attempts; nothing was imported. Quote reference "
        f"{reference} to the Golive administrator."
    )
