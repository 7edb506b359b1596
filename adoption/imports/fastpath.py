"""The fast path for event rows: most of an events import is millions of valid rows whose
cells repeat endlessly (a few dozen codes and areas, thousands of users, a patient seen
dozens of times, every timestamp inside some local hour).

So each cell is converted once per distinct raw text and remembered, a timestamp is converted
through its local hour (one zone conversion per hour of the extract, not per row), and the
staged row is written as one line of text. The conversions themselves are the slow path's own
functions (``rows.CONVERTERS``), so the two paths cannot disagree on what a value means.

The fast path only vouches for rows it is sure of. Anything else (a wrong cell count, an
unusual timestamp, a value that fails a check, a clock-change hour) returns None and the row
goes through ``rows.check_record`` unchanged, so every error is reported exactly as before.
``tests/adoption/imports/test_fastpath.py`` proves both paths write identical work files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Generator
from typing import Any, BinaryIO, Final

from adoption.imports.fields import Field
from adoption.imports.files import MAX_CELL_BYTES, Record
from adoption.imports.keys import event_key
from adoption.imports.profiles import ISO, Profile, parse_datetime_noting_clock_changes
from adoption.imports.rows import CONVERTERS, Cell, Layout, Lookups, staff_for
from golive.identifiers import contains_nhs_number

MEMO_LIMIT: Final = (
    200_000  # distinct raw values remembered per field; beyond it, converted each time
)
_REFUSED: Final = object()  # a remembered "this value fails a check"
# ":MM:SS" tails of a valid timestamp; a set look-up is cheaper than parsing the digits.
_TAILS: Final = frozenset(
    f":{minute:02d}:{second:02d}" for minute in range(60) for second in range(60)
)
_NEEDS_QUOTES: Final = frozenset(',"\r\n')

FastLine = Callable[[Record], "str | None"]


def csv_cell(value: str) -> str:
    """A cell as ``csv.writer`` (minimal quoting) writes it."""
    if _NEEDS_QUOTES.isdisjoint(value):
        return value
    return '"' + value.replace('"', '""') + '"'


def text_records(stream: BinaryIO) -> Generator[Record]:
    """As ``files.records``, but decoded in C and yielding blank rows too (the caller skips
    them). Raises ``UnicodeDecodeError`` or ``csv.Error`` on a bad file: the caller then
    re-reads it the slow way, which reports the problem with its line."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_BYTES))
    # newline="\n": lines end where the slow path's do (a lone "\r" ends no line).
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="\n")
    rows = csv.reader(text, strict=True)
    previous_end = 0
    try:
        for cells in rows:
            start = previous_end + 1
            previous_end = rows.line_num
            yield Record(start, cells)
    finally:
        text.detach()  # the caller owns (and closes) the binary stream


class EventRows:
    """Converts valid event rows straight to staged work-file lines (see the module doc)."""

    def __init__(self, layout: Layout, profile: Profile, lookups: Lookups) -> None:
        self.profile = profile
        self.lookups = lookups
        self.width = layout.width
        self.with_composites = layout.with_composites if layout.composites else None
        self.plan: dict[str, tuple[Field, int, str, str]] = {
            spec.name: (spec, position, column, default)
            for spec, position, column, default in layout.plan(profile)
        }
        self.memos: dict[str, dict[str, Any]] = {name: {} for name in self.plan}
        self.hours: dict[str, Any] = {}
        self.latest = lookups.now + dt.timedelta(minutes=5)

    def convert(self, name: str, raw: str) -> Any:
        """A cell's converted value, or ``_REFUSED``; remembered per raw text."""
        memo = self.memos[name]
        found = memo.get(raw)
        if found is not None:
            return found
        spec, _, column, _ = self.plan[name]
        if not raw:
            found = _REFUSED if spec.required else ""
        elif len(raw) > spec.max_length or contains_nhs_number(raw):
            found = _REFUSED  # the slow path reports it (an NHS number refuses the file)
        else:
            value, issue = CONVERTERS[spec.type](
                Cell(0, column, raw, spec), self.profile, self.lookups
            )
            found = _REFUSED if issue is not None else value
        if len(memo) < MEMO_LIMIT:
            memo[raw] = found
        return found

    def user(self, raw: str) -> Any:
        """(the user id, its CSV cell, its staff id as text), or ``_REFUSED``."""
        memo = self.memos["user_id"]
        found = memo.get(raw)
        if found is None:
            spec = self.plan["user_id"][0]
            if not raw or len(raw) > spec.max_length or contains_nhs_number(raw):
                found = _REFUSED
            else:
                staff_id = staff_for(raw, self.lookups)
                found = (raw, csv_cell(raw), "" if staff_id is None else str(staff_id))
            if len(memo) < MEMO_LIMIT:
                memo[raw] = found
        return found

    def patient(self, raw: str) -> Any:
        """A pseudonym, "" for a blank cell, or ``_REFUSED``."""
        if not raw:
            return ""
        if len(raw) > self.plan["patient_id"][0].max_length:
            return _REFUSED
        # The slow path's converter keeps its own bounded memo of pseudonyms (raw -> pseudonym,
        # "" when invalid): share it rather than keep a second copy.
        known = self.lookups.pseudonyms.get(raw)
        if known is None:
            known = self.convert_uncached("patient_id", raw)
        return known or _REFUSED

    def convert_uncached(self, name: str, raw: str) -> str:
        spec, _, column, _ = self.plan[name]
        value, issue = CONVERTERS[spec.type](Cell(0, column, raw, spec), self.profile, self.lookups)
        return "" if issue is not None else str(value)

    def hour(self, local_hour: str) -> Any:
        """(UTC "YYYY-MM-DD HH", local date) for a local "YYYY-MM-DD HH", or ``_REFUSED``.

        Every second of a local hour maps to UTC by one fixed offset, and passes the
        range check, or the hour is refused and its rows take the slow path (clock changes,
        the current hour, dates out of range, malformed text)."""
        found = self.hours.get(local_hour)
        if found is not None:
            return found
        found = _REFUSED
        try:
            start, start_change = parse_datetime_noting_clock_changes(
                local_hour + ":00:00", self.profile
            )
            end, end_change = parse_datetime_noting_clock_changes(
                local_hour + ":59:59", self.profile
            )
        except (ValueError, OverflowError):
            self.hours[local_hour] = found
            return found
        if (
            not start_change
            and not end_change
            and end - start == dt.timedelta(minutes=59, seconds=59)
            and start.minute == 0
            and start.second == 0
            and end.date() == start.date()
        ):
            in_range = self.profile.dates_are_shifted or (
                end <= self.latest and start.date() >= self.lookups.earliest
            )
            trust_tz = self.lookups.trust_tz
            local_day = start.astimezone(trust_tz).date()
            if in_range and local_day == end.astimezone(trust_tz).date():
                found = (start.strftime("%Y-%m-%d %H"), local_day.isoformat())
        self.hours[local_hour] = found
        return found

    def compile(self) -> FastLine:
        """The per-row function, with everything it needs bound to locals (this loop runs
        millions of times; attribute look-ups show in the profile)."""
        plan = self.plan

        def where(name: str) -> tuple[int, str]:
            return plan[name][1], plan[name][3]

        p_id, d_id = where("event_id")
        p_at, d_at = where("occurred_at")
        p_et, d_et = where("event_type")
        p_ot, d_ot = where("order_type")
        p_us, d_us = where("user_id")
        p_ro, d_ro = where("role")
        p_ar, d_ar = where("area")
        p_pa, d_pa = where("patient_id")
        event_types, order_types = self.memos["event_type"], self.memos["order_type"]
        roles, areas, users = self.memos["role"], self.memos["area"], self.memos["user_id"]
        pseudonyms = self.lookups.pseudonyms
        convert, user_of, patient_of, hour_of = self.convert, self.user, self.patient, self.hour
        hours, tails, width, refused = self.hours, _TAILS, self.width, _REFUSED
        with_composites = self.with_composites
        max_event_id = plan["event_id"][0].max_length
        organisation = self.lookups.organisation_id

        def cell(cells: list[str], position: int, default: str) -> str:
            return (cells[position].strip() if position >= 0 else "") or default

        def line(record: Record) -> str | None:
            cells = record.cells
            if len(cells) != width:
                return None
            if with_composites is not None:
                cells = with_composites(cells)
            occurred = cell(cells, p_at, d_at)
            if len(occurred) != 19 or occurred[10] != " " or occurred[13:] not in tails:
                return None
            hour = hours.get(occurred[:13]) or hour_of(occurred[:13])
            if hour is refused:
                return None
            raw = cell(cells, p_et, d_et)
            event_type = event_types.get(raw) or convert("event_type", raw)
            raw = cell(cells, p_ot, d_ot)
            order_type = order_types.get(raw)
            if order_type is None:
                order_type = convert("order_type", raw)
            raw = cell(cells, p_ro, d_ro)
            role = roles.get(raw)
            if role is None:
                role = convert("role", raw)
            raw = cell(cells, p_ar, d_ar)
            area = areas.get(raw) or convert("area", raw)
            raw = cell(cells, p_pa, d_pa)
            patient = (pseudonyms.get(raw) or patient_of(raw)) if raw else ""
            raw = cell(cells, p_us, d_us)
            user = users.get(raw) or user_of(raw)
            event_id = cell(cells, p_id, d_id)
            if (
                event_type is refused
                or order_type is refused
                or role is refused
                or area is refused
                or patient is refused
                or user is refused
                or len(event_id) > max_event_id
            ):
                return None
            utc = hour[0] + occurred[13:]
            key = event_key(
                organisation, event_id, f"{utc}+00:00", event_type, order_type, user[0], area,
                patient,
            )  # fmt: skip
            return (
                f"{record.line},{key},{utc},{hour[1]},{event_type},{order_type},{area},"
                f"{user[1]},{user[2]},{role},{patient}\n"
            )

        return line


def compile_event_rows(layout: Layout, profile: Profile, lookups: Lookups) -> FastLine | None:
    """The fast per-row function for this file, or None when it does not apply (other
    kinds; date formats other than ISO, which the slow path's parser handles)."""
    if profile.kind != "events" or profile.date_format != ISO:
        return None
    return EventRows(layout, profile, lookups).compile()
