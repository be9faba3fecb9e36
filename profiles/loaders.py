"""Read patient profiles from files: JSON, JSON arrays, JSONL, cohort tables, FHIR bundles.

``iter_profiles`` never stops at a bad record: each record carries its profile or its
errors, with where it is (``"cohort.csv, row 17"``). A file that cannot be read at all
raises :class:`rules.errors.ProfileError` naming the path.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from profiles import cohort, fhir
from profiles.model import PatientProfile
from profiles.record import ProfileRecord, validate_record
from rules.errors import ProfileError

JSON_SUFFIXES = (".json",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")
NOTE_SUFFIXES = (".txt", ".text", ".md")
ACCEPTED = ".json (a profile, an array of profiles or a FHIR Bundle), .jsonl, .csv, .tsv, .parquet, a note (.txt, .md: free text, read by profiles.text), or a folder of .json files"


def load_profile(path: str | Path, *, as_of: date | None = None) -> PatientProfile:
    """Read one profile (a profile JSON object, a FHIR Bundle of one patient, or a note:
    free text in a ``.txt`` / ``.md`` file, whose relative dates count back from ``as_of``,
    default today).

    Raises ProfileError, naming the file, the fields and what is accepted, when the file
    cannot be read, holds more than one patient, or the profile is invalid.
    """
    records = list(iter_profiles(path, as_of=as_of))
    if len(records) != 1:
        raise ProfileError(
            f"holds {len(records)} records; load_profile reads one profile",
            where=str(path),
            hint="use iter_profiles or 'trialmatch profile check' for files with many patients",
        )
    record = records[0]
    if record.profile is None:
        raise ProfileError("invalid profile:\n  " + "\n  ".join(record.errors), where=str(path))
    return record.profile


def iter_profiles(path: str | Path, *, as_of: date | None = None) -> Iterator[ProfileRecord]:
    """Yield one record per patient in a file or folder, in file order.

    Decides by extension and content: a ``.json`` object is one profile or one FHIR
    Bundle, a ``.json`` array holds profiles (or bundles); ``.jsonl`` has one per line;
    ``.csv``, ``.tsv`` and ``.parquet`` are cohort tables (docs/cohort.md); a folder holds
    ``.json`` profiles or FHIR bundles, one patient per file.
    """
    path = Path(path)
    if not path.exists():
        raise ProfileError("no such file or folder", where=str(path), hint=f"give {ACCEPTED}")
    if path.is_dir():
        yield from _iter_folder(path)
        return
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        yield from _iter_json(path, _read_json(path))
    elif suffix in JSONL_SUFFIXES:
        yield from _iter_jsonl(path)
    elif suffix in (".csv", ".tsv"):
        yield from _iter_csv(path, delimiter="\t" if suffix == ".tsv" else ",")
    elif suffix == ".parquet":
        yield from _iter_parquet(path)
    elif suffix in NOTE_SUFFIXES:
        yield note_record(path, as_of=as_of)
    else:
        raise ProfileError(
            f"cannot read a {suffix or 'suffix-less'} file as profiles",
            where=str(path),
            hint=f"give {ACCEPTED}",
        )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProfileError(f"not UTF-8 text (byte {exc.start})", where=str(path)) from None
    except OSError as exc:
        raise ProfileError(f"cannot read: {exc.strerror}", where=str(path)) from None


def read_note(path: Path) -> str:
    """The text of a note file; ProfileError when it cannot be read or holds no words."""
    text = _read_text(path)
    if not text.strip():
        raise ProfileError(
            "the note is empty", where=str(path), hint="write the patient's description in it"
        )
    return text


def note_record(path: Path, *, as_of: date | None = None) -> ProfileRecord:
    """One patient read from a note: the profile :func:`profiles.text.extract_profile` finds
    (its id is the file's name without the suffix)."""
    from profiles.text import extract_profile

    found = extract_profile(read_note(path), id=path.stem, as_of=as_of)
    if not found.facts:
        hint = "write the patient's age, sex, diagnosis, stage, biomarkers and treatments"
        return ProfileRecord(
            1, path.name, path.stem, None, [f"{path.name}: nothing recognised in the note: {hint}"]
        )
    return ProfileRecord(1, path.name, found.profile.id, found.profile)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ProfileError(
            f"not valid JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}"
        ) from None


def _one(data: Any, *, position: int, where: str) -> ProfileRecord:
    if isinstance(data, dict) and "resourceType" in data:
        return fhir.bundle_record(data, position=position, where=where)
    return validate_record(data, position=position, where=where)


def _iter_json(path: Path, data: Any) -> Iterator[ProfileRecord]:
    if isinstance(data, list):
        for number, item in enumerate(data, start=1):
            yield _one(item, position=number, where=f"{path.name}, item {number}")
    else:
        yield _one(data, position=1, where=path.name)


def _iter_jsonl(path: Path) -> Iterator[ProfileRecord]:
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}, line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ProfileRecord(
                number,
                where,
                None,
                None,
                [f"{where}: not valid JSON: {exc.msg} (column {exc.colno})"],
            )
            continue
        yield _one(data, position=number, where=where)


def _iter_folder(folder: Path) -> Iterator[ProfileRecord]:
    files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    if not files:
        raise ProfileError(
            "the folder is empty",
            where=str(folder),
            hint="put one .json profile or FHIR Bundle per patient in it",
        )
    for number, file in enumerate(files, start=1):
        where = f"{folder.name}/{file.name}"
        if file.is_dir() or file.suffix.lower() not in JSON_SUFFIXES:
            yield ProfileRecord(
                number,
                where,
                None,
                None,
                [
                    f"{where}: not a .json file; a folder holds one .json profile or FHIR Bundle per patient"
                ],
            )
            continue
        try:
            data = _read_json(file)
        except ProfileError as exc:
            yield ProfileRecord(
                number, where, None, None, [f"{where}: {exc.message} ({exc.where})"]
            )
            continue
        if isinstance(data, list):
            yield ProfileRecord(
                number,
                where,
                None,
                None,
                [f"{where}: holds a JSON array; a folder holds one patient per file"],
            )
            continue
        yield _one(data, position=number, where=where)


def _iter_csv(path: Path, *, delimiter: str) -> Iterator[ProfileRecord]:
    text = _read_text(path)
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    columns = [c.strip() for c in reader.fieldnames or []]
    if not columns:
        raise ProfileError(
            "the table is empty: the first row must name the columns",
            where=str(path),
            hint="see docs/cohort.md",
        )
    reader.fieldnames = columns

    def rows() -> Iterator[dict[str, Any]]:
        for row in reader:
            extra = row.pop(None, None)
            if extra and any(str(x).strip() for x in extra):
                row["__extra__"] = extra
            yield row

    yield from cohort.read_rows(rows(), name=path.name, first_row=2, columns=columns)


def _iter_parquet(path: Path) -> Iterator[ProfileRecord]:
    import polars as pl

    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # polars raises several kinds for a corrupt file
        raise ProfileError(
            f"not a readable Parquet file ({type(exc).__name__})", where=str(path)
        ) from None
    yield from cohort.read_rows(
        frame.iter_rows(named=True), name=path.name, first_row=1, columns=frame.columns
    )
