"""File-level checks and streaming. Nothing here holds a whole file in memory."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
SNIFF_BYTES = 64 * 1024
MAX_CELL_BYTES = 16 * 1024 * 1024


class FileRefused(Exception):  # noqa: N818 - a refusal, not a programming error
    """The file as a whole cannot be imported; ``code`` is the stable reason."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        line: int | None = None,
        column: str = "",
        value: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.value = value  # masked by whoever raises


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size = size / 1000  # type: ignore[assignment]
    return f"{size} bytes"


def too_large(size: int, limit: int) -> FileRefused:
    return FileRefused(
        "FILE_TOO_LARGE",
        f"The file is {human_size(size)} when uncompressed; the limit is {human_size(limit)}. "
        "Split the extract by date range and upload the parts.",
    )


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def max_line_bytes() -> int:
    return int(settings.IMPORT_MAX_LINE_BYTES)


class LineLengths:
    """Follows the lines of a byte stream chunk by chunk and refuses the first one longer
    than ``limit``, so no reader ever has to hold it: a few hundred KB of gzip can hold a
    single line of hundreds of MB, and Python's line readers read a whole line at once."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.run = 0  # bytes since the last newline
        self.newlines = 0

    def feed(self, data: bytes) -> None:
        if len(data) > self.limit:  # a whole line could hide inside a bigger chunk
            for start in range(0, len(data), self.limit):
                self.feed(data[start : start + self.limit])
            return
        first = data.find(b"\n")
        if first < 0:
            self.run += len(data)
        else:
            if self.run + first > self.limit:
                raise self.refusal()
            # Lines wholly inside this chunk are shorter than the chunk, so within the limit.
            self.newlines += data.count(b"\n")
            self.run = len(data) - data.rfind(b"\n") - 1
        if self.run > self.limit:
            raise self.refusal()

    def refusal(self) -> FileRefused:
        line = self.newlines + 1
        return FileRefused(
            "LINE_TOO_LONG",
            f"Line {line} is longer than {human_size(self.limit)}, far longer than any row of "
            "an extract, so the file was not read further. Check that this is the right "
            "file, exported as CSV with one row per line.",
            line=line,
        )


class LineCapped(io.RawIOBase):
    """A binary stream read through ``LineLengths``: reading stops at the first over-long
    line, whoever reads (``LineReader``, the fast path's text wrapper, ``read_head``)."""

    def __init__(self, inner: io.BufferedIOBase, limit: int) -> None:
        self.inner = inner
        self.lines = LineLengths(limit)
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        self.lines.feed(data)
        size = len(data)
        buffer[:size] = data
        self.bytes_read += size
        return size

    def tell(self) -> int:
        return self.bytes_read  # progress: uncompressed bytes read so far

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_binary(path: Path) -> BinaryIO:
    # The caller closes the returned stream, which closes ``inner``.
    inner = gzip.open(path, "rb") if is_gzip(path) else path.open("rb")  # noqa: SIM115
    capped = LineCapped(inner, max_line_bytes())
    return io.BufferedReader(capped, SNIFF_BYTES)


def check_not_binary(head: bytes) -> None:
    """Refuse spreadsheets, archives and other binaries renamed to .csv."""
    if head.startswith(ZIP_MAGIC):
        raise FileRefused(
            "FILE_NOT_TEXT_CSV",
            "This is a ZIP or Excel (.xlsx) file, not a CSV. Save or export it as "
            "'CSV UTF-8 (comma delimited)' and upload that.",
        )
    if b"\x00" in head:
        raise FileRefused(
            "FILE_NOT_TEXT_CSV",
            "The file contains binary data (NUL bytes), so it is not a text CSV. "
            "Export the report as CSV and upload that.",
        )


def check_uncompressed_size(path: Path, limit: int) -> int:
    """The uncompressed size, stopping as soon as it passes ``limit`` (a compressed bomb) or
    a line passes ``IMPORT_MAX_LINE_BYTES``: both refused at upload, before any row work."""
    compressed = is_gzip(path)
    if not compressed and path.stat().st_size > limit:
        raise too_large(path.stat().st_size, limit)
    total = 0
    lines = LineLengths(max_line_bytes())
    # gzip.open reads every member of a multi-member file, as the import will; reading in
    # bounded chunks means a bomb never expands past the limit in memory.
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                total += len(chunk)
                if total > limit:
                    raise too_large(total, limit)
                lines.feed(chunk)
    except (OSError, EOFError, zlib.error):
        raise FileRefused(
            "FILE_NOT_TEXT_CSV", "The .gz file is damaged and cannot be opened."
        ) from None
    return total


def read_head(path: Path) -> bytes:
    with open_binary(path) as handle:
        try:
            return handle.read(SNIFF_BYTES)
        except (OSError, EOFError, zlib.error):
            raise FileRefused(
                "FILE_NOT_TEXT_CSV", "The .gz file is damaged and cannot be opened."
            ) from None


@dataclass
class LineReader:
    """Decodes a byte stream as UTF-8 line by line, counting lines and bytes, and refusing
    the first invalid byte with its line and offset."""

    stream: BinaryIO
    line_no: int = 0
    bytes_read: int = 0

    def __iter__(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        for raw in self.stream:
            self.line_no += 1
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as error:
                offset = self.bytes_read + error.start + 1
                raise FileRefused(
                    "FILE_ENCODING",
                    f"Line {self.line_no} is not valid UTF-8 (byte {offset} of the file). "
                    "Re-export the file as UTF-8 (in Excel: 'CSV UTF-8').",
                    line=self.line_no,
                ) from None
            if self.line_no == 1 and text.startswith("\ufeff"):
                text = text[1:]  # a UTF-8 byte order mark, as Excel writes
            self.bytes_read += len(raw)
            yield text
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileRefused(
                "FILE_ENCODING",
                f"The file ends part-way through a character (line {self.line_no}). Re-export "
                "the file as UTF-8 (in Excel: 'CSV UTF-8').",
                line=self.line_no,
            ) from None


@dataclass(frozen=True)
class Record:
    line: int  # the line the record starts on, as an editor numbers it (header = 1)
    cells: list[str]


def records(reader: LineReader) -> Generator[Record]:
    """CSV records with the line each starts on (quoted cells may span lines)."""
    # Python's default cell limit (128 KB) would refuse the whole file over one huge cell;
    # raised, such a cell becomes that row's FIELD_TOO_LONG instead.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_BYTES))
    rows = csv.reader(reader, strict=True)
    previous_end = 0
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileRefused(
                "FILE_NOT_TEXT_CSV",
                f"Line {previous_end + 1} cannot be read as CSV ({error}). Check for an "
                "unclosed quote.",
                line=previous_end + 1,
            ) from None
        start = previous_end + 1
        previous_end = rows.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, e.g. a trailing newline from a spreadsheet
        yield Record(start, cells)


def check_head_encoding(path: Path) -> None:
    """Refuse a file whose first block is not UTF-8, at upload, before any row work. A
    multi-byte character cut by the end of the block is not an error."""
    head = read_head(path)
    complete = head if len(head) < SNIFF_BYTES else head[: head.rfind(b"\n") + 1]
    for _ in LineReader(io.BytesIO(complete)):
        pass


def first_records(path: Path, count: int) -> list[Record]:
    """The header and first data rows, for checks at upload time."""
    head = read_head(path)
    reader = LineReader(io.BytesIO(head))
    found: list[Record] = []
    try:
        for record in records(reader):
            found.append(record)
            if len(found) >= count:
                break
    except FileRefused:
        # A record cut off by the sniff window is not an error in the file; the full read
        # in the worker checks the rest.
        if len(head) < SNIFF_BYTES:
            raise
    return found
