"""Files to raw frames: every cell as text, so the validator can say which cell is wrong and why."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import BinaryIO

import pandas as pd

DELIMITERS = ",;\t|"
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")  # latin-1 decodes any byte, so it is the last resort
SNIFF_BYTES = 64 * 1024


class ImportRejected(Exception):
    """The whole file was refused; nothing was stored. The message says what is wrong and where."""

    def __init__(self, source: str, message: str):
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


def _raw_bytes(source: str | Path | BinaryIO) -> bytes:
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes()
    source.seek(0)
    return source.read()


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ImportRejected(name, "could not decode the file as UTF-8 or Latin-1 text.")  # pragma: no cover


def _delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        return max(DELIMITERS, key=first.count)


def read_csv(source: str | Path | BinaryIO, name: str) -> pd.DataFrame:
    """A CSV with any of , ; tab | as delimiter, in UTF-8 (with or without BOM) or Latin-1."""
    text, _ = _decode(_raw_bytes(source), name)
    if not text.strip():
        raise ImportRejected(name, "the file is empty.")
    try:
        return pd.read_csv(io.StringIO(text), sep=_delimiter(text[:SNIFF_BYTES]), dtype=str,
                           keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as error:
        raise ImportRejected(name, f"not a readable CSV file ({str(error).strip()}).") from None


def read_excel(source: str | Path | BinaryIO, name: str, sheet: str | None) -> pd.DataFrame:
    """One sheet of a workbook; with several sheets the caller must say which."""
    try:
        book = pd.ExcelFile(source)
    except Exception as error:  # noqa: BLE001 - any reader failure means: not a workbook we can read
        raise ImportRejected(name, f"not a readable Excel workbook ({error}).") from None
    sheets = book.sheet_names
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


def read_table(source: Source, name: str | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Read any supported source into a frame; ImportRejected when it cannot be read at all."""
    name = source_name(source, name)
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        suffix = Path(source if isinstance(source, (str, Path)) else name).suffix.lower()
        kind = READERS.get(suffix)
        if kind is None:
            raise ImportRejected(name, f"unsupported file type {suffix or '(none)'}; "
                                       "use CSV, Excel (.xlsx) or Parquet.")
        if isinstance(source, (str, Path)) and not Path(source).exists():
            raise ImportRejected(name, "the file does not exist.")
        if kind == "csv":
            frame = read_csv(source, name)
        elif kind == "excel":
            frame = read_excel(source, name, sheet)
        else:
            frame = read_parquet(source, name)
    if frame.empty:
        raise ImportRejected(name, "the file has a header but no data rows." if len(frame.columns)
                             else "the file is empty.")
    return frame
