"""Read ClinicalTrials.gov v2 study records from the files people actually have.

Accepted: the website's JSON download (a JSON array of studies), one study
(``{"protocolSection": ...}``), an API search page (``{"studies": [...]}``), JSON Lines
(one of those per line), any of these gzip-compressed (``.gz``), a folder of them
(searched recursively) or a zip archive of them. A record that cannot be read becomes a
:class:`~rules.errors.CorpusError` saying where it is and why; the others still come.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rules.errors import CorpusError
from rules.trial import Trial

#: File name endings read inside folders and archives (others there are skipped).
DATA_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".gz", ".zip")
ACCEPTED = (
    'a JSON array of study records, one study {"protocolSection": ...}, an API search page '
    '{"studies": [...]}, JSON Lines, any of these .gz-compressed, a folder or a .zip of them'
)

Progress = Callable[[int], None]
_Binary = IO[bytes] | gzip.GzipFile


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One raw study record and where it was found (``line`` for JSON Lines, else ``record``)."""

    source: str
    position: int
    record: Any
    unit: str = "record"

    @property
    def where(self) -> str:
        return f"{self.source}, {self.unit} {self.position}"

    @property
    def nct_id(self) -> str | None:
        """The record's nctId if it has a readable one (for error messages)."""
        try:
            nct = self.record["protocolSection"]["identificationModule"]["nctId"]
        except (KeyError, TypeError):
            return None
        return nct if isinstance(nct, str) else None

    def to_trial(self) -> Trial:
        """Build the :class:`Trial`, or raise a CorpusError naming file, position and nctId."""
        try:
            return Trial.from_record(self.record, source=self.source, position=self.position)
        except CorpusError as exc:
            nct = self.nct_id
            where = f"{self.where} ({nct})" if nct else self.where
            raise CorpusError(exc.message, where=where, hint=exc.hint) from None


def iter_records(
    paths: Iterable[str | Path], *, progress: Progress | None = None
) -> Iterator[RawRecord | CorpusError]:
    """Yield every raw study record in ``paths``, or a CorpusError for what cannot be read.

    A path that does not exist raises CorpusError before anything is yielded. ``progress``,
    if given, is called with the number of input bytes consumed since its last call.

    >>> import gzip, json, tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> rec = {"protocolSection": {"identificationModule": {"nctId": "NCT06532617"}}}
    >>> _ = (d / "a.jsonl").write_text(json.dumps(rec) + "\\n{oops\\n")
    >>> for item in iter_records([d / "a.jsonl"]):
    ...     print(type(item).__name__, item.where)
    RawRecord ...a.jsonl, line 1
    CorpusError ...a.jsonl, line 2
    """
    files = [Path(p) for p in paths]
    for p in files:
        if not p.exists():
            raise CorpusError("no such file or folder", where=str(p), hint=f"accepted: {ACCEPTED}")
    for p in files:
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file() and _is_data(x.name)):
                yield from _read_file(f, progress)
        else:
            yield from _read_file(p, progress)


def read_trials(paths: Iterable[str | Path]) -> tuple[list[Trial], list[CorpusError]]:
    """Read every trial in ``paths``: the trials read and one error per unreadable record.

    Records come back in input order, duplicates included (the store resolves those).

    >>> from pathlib import Path
    >>> import rules
    >>> bundled = Path(rules.__file__).parent / "data" / "bundled"
    >>> trials, errors = read_trials([bundled / "seed-pancreatic-NCT06532617.json.gz"])
    >>> [t.nct_id for t in trials], errors
    (['NCT06532617'], [])
    """
    trials: list[Trial] = []
    errors: list[CorpusError] = []
    for item in iter_records(paths):
        if isinstance(item, CorpusError):
            errors.append(item)
            continue
        try:
            trials.append(item.to_trial())
        except CorpusError as exc:
            errors.append(exc)
    return trials, errors


def input_size(paths: Iterable[str | Path]) -> int:
    """Total bytes of the data files under ``paths`` (for a progress bar); missing are 0."""
    total = 0
    for p in map(Path, paths):
        if p.is_dir():
            total += sum(f.stat().st_size for f in p.rglob("*") if f.is_file() and _is_data(f.name))
        elif p.is_file():
            total += p.stat().st_size
    return total


def _is_data(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(DATA_SUFFIXES)


def _read_file(path: Path, progress: Progress | None) -> Iterator[RawRecord | CorpusError]:
    size = path.stat().st_size
    try:
        with path.open("rb") as raw:
            yield from _read_stream(raw, str(path), path.name, progress, counted=raw)
    except OSError as exc:
        yield CorpusError(f"cannot read this file: {exc.strerror or exc}", where=str(path))
    if progress and path.suffix.lower() == ".zip":
        progress(size)


def _read_stream(
    stream: IO[bytes],
    source: str,
    name: str,
    progress: Progress | None,
    *,
    counted: IO[bytes] | None = None,
) -> Iterator[RawRecord | CorpusError]:
    """Dispatch on the name's ending; ``counted`` is the raw file whose offset is progress."""
    lower = name.lower()
    if lower.endswith(".zip"):
        yield from _read_zip(stream, source, progress)
        return
    if lower.endswith(".gz"):
        inner = name[:-3]
        try:
            with gzip.GzipFile(fileobj=stream) as gz:
                if inner.lower().endswith((".zip", ".gz")):
                    yield from _read_stream(io.BytesIO(gz.read()), source, inner, None)
                else:
                    yield from _read_text(gz, source, inner, progress, counted)
        except (OSError, EOFError) as exc:
            yield CorpusError(f"not a readable gzip file ({exc})", where=source)
        return
    yield from _read_text(stream, source, name, progress, counted)


def _read_text(
    stream: _Binary,
    source: str,
    name: str,
    progress: Progress | None,
    counted: IO[bytes] | None,
) -> Iterator[RawRecord | CorpusError]:
    lower = name.lower()
    reporter = _Reporter(counted, progress)
    if lower.endswith((".jsonl", ".ndjson")):
        yield from _read_lines(stream, source, reporter)
        return
    if lower.endswith(".json"):
        yield from _read_document(stream.read(), source)
        reporter.tick()
        return
    # No telling suffix (e.g. plain "trials.gz"): a document if it parses whole, else lines.
    data = stream.read()
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        yield from _read_lines(io.BytesIO(data), source, reporter)
        return
    yield from _expand(doc, source, "record")
    reporter.tick()


def _read_document(data: bytes, source: str) -> Iterator[RawRecord | CorpusError]:
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        yield CorpusError(f"not UTF-8 text ({exc.reason})", where=source, hint=ACCEPTED)
        return
    except json.JSONDecodeError as exc:
        if _looks_like_lines(data):
            yield from _read_lines(io.BytesIO(data), source, _Reporter(None, None))
            return
        yield CorpusError(
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            where=source,
            hint=f"accepted: {ACCEPTED}",
        )
        return
    yield from _expand(doc, source, "record")


def _looks_like_lines(data: bytes) -> bool:
    first = data.lstrip().split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict) and data.strip().count(b"\n") > 0
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def _expand(doc: Any, source: str, unit: str, line: int = 0) -> Iterator[RawRecord | CorpusError]:
    """One parsed JSON value: an array of studies, a search page, or one study."""
    if isinstance(doc, list):
        for i, rec in enumerate(doc, start=1):
            yield RawRecord(source, line or i, rec, unit)
    elif isinstance(doc, dict) and "studies" in doc and "protocolSection" not in doc:
        studies = doc["studies"]
        if not isinstance(studies, list):
            where = f"{source}, {unit} {line}" if line else source
            yield CorpusError('"studies" should be a list of study records', where=where)
            return
        for i, rec in enumerate(studies, start=1):
            yield RawRecord(source, line or i, rec, unit)
    else:
        yield RawRecord(source, line or 1, doc, unit)


def _read_lines(
    stream: _Binary, source: str, reporter: _Reporter
) -> Iterator[RawRecord | CorpusError]:
    for lineno, line in enumerate(stream, start=1):
        if line.strip():
            try:
                doc = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                why = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
                yield CorpusError(f"not valid JSON ({why})", where=f"{source}, line {lineno}")
            else:
                yield from _expand(doc, source, "line", lineno)
        if lineno % 256 == 0:
            reporter.tick()
    reporter.tick()


def _read_zip(
    stream: IO[bytes], source: str, progress: Progress | None
) -> Iterator[RawRecord | CorpusError]:
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        yield CorpusError(f"not a readable zip archive ({exc})", where=source)
        return
    with archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            base = info.filename.rsplit("/", 1)[-1]
            if info.is_dir() or not _is_data(base) or info.filename.startswith("__MACOSX/"):
                continue
            member = f"{source}:{info.filename}"
            try:
                with archive.open(info) as fh:
                    data = io.BytesIO(fh.read())
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                yield CorpusError(f"cannot read this archive member ({exc})", where=member)
                continue
            yield from _read_stream(data, member, base, None)


class _Reporter:
    """Turns the raw file's offset into byte deltas for the progress callback."""

    def __init__(self, counted: IO[bytes] | None, progress: Progress | None):
        self.counted = counted if progress else None
        self.progress = progress
        self.last = 0

    def tick(self) -> None:
        if self.counted is None or self.progress is None:
            return
        try:
            now = self.counted.tell()
        except (OSError, ValueError):
            return
        if now > self.last:
            self.progress(now - self.last)
            self.last = now
