"""Files to raw frames: every cell as text, so the validator can say which cell is wrong and why."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pandas as pd

DELIMITERS = ",;\t|"
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")  # latin-1 decodes any byte, so it is the last resort
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16's: FF FE starts both
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
SNIFF_BYTES = 1024 * 1024  # judged for the encoding (linear)
NUL_SNIFF_BYTES = 4096  # judged for UTF-16 without a BOM
DECODE_BLOCK = 1024 * 1024  # read at a time when looking for the first undecodable byte
GUESS_CHARS, GUESS_LINES = 64 * 1024, 50  # judged for the delimiter and the header
ROW_COLUMN = "_row"  # each row's number in the file, header = row 1
HEADERLESS = "headerless"  # frame.attrs key: the file had no header row, columns are named by position


class ImportRejected(Exception):
    """The whole file was refused; nothing was stored. The message says what is wrong and where."""

    def __init__(self, source: str, message: str):
        message = message.replace("\x00", "\\x00")  # a misread file's NUL bytes are shown, never sent to a screen
        super().__init__(f"{source}: {message}")
        self.source = source
        self.reason = message


Source = str | Path | BinaryIO | pd.DataFrame


def source_name(source: Source, name: str | None = None) -> str:
    """How a source is named in reports: the given name, the file name, or 'DataFrame'."""
    if name:
        return name
    if isinstance(source, (str, Path)):
        return Path(source).name
    if isinstance(source, pd.DataFrame):
        return "DataFrame"
    return getattr(source, "name", "upload")


@contextmanager
def _binary(source: str | Path | BinaryIO) -> Iterator[BinaryIO]:
    """The source's bytes from the start; an upload stays open, back at its start, for the reader that follows."""
    if isinstance(source, (str, Path)):
        with Path(source).open("rb") as handle:
            yield handle
    else:
        source.seek(0)
        try:
            yield source
        finally:
            source.seek(0)


def _sample(source: str | Path | BinaryIO) -> bytes:
    with _binary(source) as handle:
        return handle.read(SNIFF_BYTES)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 saved without a BOM: in Latin text every other byte is NUL (the odd ones little-endian)."""
    head = sample[:NUL_SNIFF_BYTES]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 4  # half of the bytes at one parity
    if odd > half and even * 8 < odd:
        return "utf-16-le"
    if even > half and odd * 8 < even:
        return "utf-16-be"
    return None


def _encoding(sample: bytes) -> str:
    """The encoding a BOM or NUL bytes say, else the first that reads the sample (a character cut at the sample's
    end does not count)."""
    marked = next((encoding for bom, encoding in BOMS if sample.startswith(bom)), None) or _utf16_without_bom(sample)
    if marked:
        return marked
    for encoding in ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return ENCODINGS[-1]  # pragma: no cover - latin-1 decodes any byte


def _first_lines(sample: str) -> list[str]:
    """The first lines of the sample, without a last line the sample may cut short."""
    lines = sample[:GUESS_CHARS].splitlines()
    if len(sample) > GUESS_CHARS and len(lines) > 1:
        lines.pop()
    return lines[:GUESS_LINES]


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits the header into most columns and the rows below it into as many.

    Linear in the lines looked at: csv.Sniffer is super-linear on quoted text with commas (minutes on 1 MiB
    of comments, TESTING_NOTES.md), so it is never used.
    """
    def fit(delimiter: str) -> tuple[int, int]:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        if not widths or widths[0] < 2:
            return (0, 0)
        return (sum(w == widths[0] for w in widths), widths[0])
    best = max(DELIMITERS, key=fit)
    return best if fit(best) != (0, 0) else ","


def looks_headerless(cells: list[str]) -> bool:
    """A first row of only numbers and dates is data, not a header (a header names its columns)."""
    values = pd.Series([c.strip() for c in cells], dtype="string")
    values = values[values != ""]
    if values.empty:
        return False
    numeric = pd.to_numeric(values, errors="coerce").notna()
    dated = pd.to_datetime(values, errors="coerce", format="mixed").notna() & values.str.contains(r"\d")
    return bool((numeric | dated).all())


def position_names(count: int) -> list[str]:
    """Column names for a file without a header row, by position, as a mapping can name them."""
    return [f"column {i}" for i in range(1, count + 1)]


@dataclass(frozen=True)
class CsvLayout:
    """What the start of a CSV file says about how to read the rest."""

    encoding: str
    delimiter: str
    header: bool


def csv_layout(sample: bytes) -> CsvLayout:
    """Encoding, delimiter and whether the first row is a header, from the file's first bytes."""
    encoding = _encoding(sample)
    text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    lines = _first_lines(text)
    delimiter = _delimiter(lines)
    first = next(csv.reader(lines[:1], delimiter=delimiter), [])
    return CsvLayout(encoding, delimiter, not looks_headerless(first))


def read_csv_chunks(source: str | Path | BinaryIO, name: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """A CSV in chunks of chunk_rows (so a large file never sits in memory whole), every cell as text.

    Any of , ; tab | as delimiter; UTF-8 or UTF-16 with or without BOM, UTF-32 with one, Windows-1252 or Latin-1,
    judged on the start.
    A file whose first row holds only numbers and dates has no header: its columns are named by position
    (`column 1`, `column 2`, …) and each chunk's attrs say so (HEADERLESS).
    """
    sample = _sample(source)
    if not sample.strip():
        raise ImportRejected(name, "the file is empty.")
    layout = csv_layout(sample)
    handle: str | Path | io.TextIOWrapper
    if isinstance(source, (str, Path)):
        handle = source
    else:
        source.seek(0)
        handle = io.TextIOWrapper(source, encoding=layout.encoding, newline="")
    try:
        reader = pd.read_csv(handle, sep=layout.delimiter, dtype=str, keep_default_na=False,
                             skipinitialspace=True, encoding=layout.encoding, chunksize=chunk_rows,
                             header=0 if layout.header else None)
        with reader:
            for chunk in reader:
                if not layout.header:
                    chunk.columns = position_names(len(chunk.columns))
                    chunk.attrs[HEADERLESS] = True
                yield chunk
    except UnicodeDecodeError as error:
        raise ImportRejected(name, f"the file is not {layout.encoding} text throughout "
                                   f"({_decode_failure(source, layout.encoding, error)}); save it as UTF-8 and "
                                   "import again.") from None
    except (pd.errors.ParserError, csv.Error) as error:
        raise ImportRejected(name, f"not a readable CSV file ({str(error).strip()}).") from None
    finally:
        if isinstance(handle, io.TextIOWrapper):
            handle.detach()


def _decode_failure(source: str | Path | BinaryIO, encoding: str, error: UnicodeDecodeError) -> str:
    """Why and where (byte offset and line in the file) the text stops being `encoding`, found again from the start:
    pandas' error counts bytes from the start of its own read buffer, not of the file."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, line = 0, 1
    with _binary(source) as handle:
        for block in chain(iter(lambda: handle.read(DECODE_BLOCK), b""), [b""]):  # the empty block ends the text
            try:
                line += decoder.decode(block, final=not block).count("\n")
            except UnicodeDecodeError as found:  # found.object: the block, or its end, after bytes held back
                at = offset + len(block) - len(found.object) + found.start
                line += decoder.decode(block[:max(0, at - offset)]).count("\n")
                return f"{found.reason} at byte {at}, line {line}"
            offset += len(block)
    return error.reason  # pragma: no cover - pandas decodes with the same codec, so it fails where this does


def read_excel(source: str | Path | BinaryIO, name: str, sheet: str | None) -> pd.DataFrame:
    """One sheet of a workbook; with several sheets the caller must say which."""
    try:
        book = pd.ExcelFile(source)
    except Exception as error:  # noqa: BLE001 - any reader failure means: not a workbook we can read
        raise ImportRejected(name, f"not a readable Excel workbook ({error}).") from None
    sheets = [str(s) for s in book.sheet_names]  # str already for openpyxl; the stubs allow int
    if sheet is None and len(sheets) > 1:
        raise ImportRejected(name, f"the workbook has {len(sheets)} sheets ({', '.join(sheets)}); "
                                   "name the one to import (--sheet NAME).")
    if sheet is not None and sheet not in sheets:
        raise ImportRejected(name, f"there is no sheet {sheet!r}; the sheets are: {', '.join(sheets)}.")
    return pd.read_excel(book, sheet_name=sheet or sheets[0], dtype=str, keep_default_na=False)


def read_parquet(source: str | Path | BinaryIO, name: str) -> pd.DataFrame:
    """A Parquet file, its typed columns kept as they are."""
    try:
        return pd.read_parquet(source)
    except Exception as error:  # noqa: BLE001
        raise ImportRejected(name, f"not a readable Parquet file ({error}).") from None


READERS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet"}


CHUNK_ROWS = 200_000


def read_chunks(source: Source, name: str | None = None, sheet: str | None = None,
                chunk_rows: int | None = None) -> Iterator[pd.DataFrame]:
    """Any supported source as frames of at most chunk_rows rows (CSV) or one frame (the rest).

    Each frame carries ROW_COLUMN, the row number as a spreadsheet shows it (header = row 1).
    ImportRejected when the source cannot be read at all or holds no data rows.
    """
    name = source_name(source, name)
    if isinstance(source, pd.DataFrame):
        chunks: Iterator[pd.DataFrame] = iter([source.reset_index(drop=True)])
    else:
        suffix = Path(source if isinstance(source, (str, Path)) else name).suffix.lower()
        kind = READERS.get(suffix)
        if kind is None:
            raise ImportRejected(name, f"unsupported file type {suffix or '(none)'}; "
                                       "use CSV, Excel (.xlsx) or Parquet.")
        if isinstance(source, (str, Path)) and not Path(source).exists():
            raise ImportRejected(name, "the file does not exist.")
        if kind == "csv":
            chunks = read_csv_chunks(source, name, chunk_rows or CHUNK_ROWS)
        elif kind == "excel":
            chunks = iter([read_excel(source, name, sheet)])
        else:
            chunks = iter([read_parquet(source, name)])
    rows = 0
    for chunk in chunks:
        first = 1 if chunk.attrs.get(HEADERLESS) else 2  # the first data row's number in the file
        chunk = chunk.copy()
        chunk[ROW_COLUMN] = range(rows + first, rows + first + len(chunk))
        rows += len(chunk)
        if len(chunk):
            yield chunk
    if rows == 0:
        raise ImportRejected(name, "the file has a header but no data rows.")


def read_table(source: Source, name: str | None = None, sheet: str | None = None) -> pd.DataFrame:
    """The whole source as one frame (for layouts that need every row at once)."""
    return pd.concat(list(read_chunks(source, name, sheet)), ignore_index=True)


def sheet_names(source: str | Path | BinaryIO, name: str) -> list[str]:
    """The sheets of a workbook, so a person can pick one."""
    try:
        return [str(s) for s in pd.ExcelFile(source).sheet_names]
    except Exception as error:  # noqa: BLE001
        raise ImportRejected(name, f"not a readable Excel workbook ({error}).") from None
