"""The corpus store: Parquet tables (trials, sites, later criteria) under a data folder.

Layout of ``<data dir>/corpus/``: ``manifest.json`` names the current file of each table
(``trials-<generation>.parquet`` ...) with counts, the last-update watermark and the
ingest time. A write goes to a temporary folder inside the corpus folder, its files are
moved in under new names with :func:`os.replace`, and replacing ``manifest.json`` last is
the commit: a crash or Ctrl-C at any point leaves the previous manifest, which still
names whole files of the previous generation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import platformdirs
import polars as pl

from rules.corpus.frames import SITES_SCHEMA, TRIALS_SCHEMA, frame_trials, site_rows, trial_row
from rules.errors import CorpusError
from rules.trial import Trial

FORMAT = 1
ENV_DATA_DIR = "TRIALMATCH_DATA_DIR"
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_CHUNK = 5000
_STALE_TMP_SECONDS = 3600
_cache: dict[Path, tuple[Any, list[Trial]]] = {}


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What an ingest did: new trials, newer versions taken, and records that changed
    nothing (``unchanged``: older or same-date versions, duplicates within the input too)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    total: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


class CorpusStore:
    """Trials and sites stored as Parquet in ``data_dir / "corpus"``.

    The constructor does no I/O; nothing is read until asked.

    >>> import tempfile
    >>> from rules.corpus import bundled_trials
    >>> store = CorpusStore(Path(tempfile.mkdtemp()))
    >>> store.is_empty
    True
    >>> store.ingest(bundled_trials()[:3])
    IngestSummary(added=3, updated=0, unchanged=0, rejected=0, total=3)
    >>> store.ingest(bundled_trials()[:3]).unchanged, len(store.trials())
    (3, 3)
    """

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "corpus"

    def __repr__(self) -> str:
        return f"CorpusStore({str(self.data_dir)!r})"

    @classmethod
    def from_env(cls, data_dir: Path | None = None) -> CorpusStore:
        """The store in ``data_dir``, else ``$TRIALMATCH_DATA_DIR``, else the user data folder.

        >>> CorpusStore.from_env(Path("/tmp/tm")).root
        PosixPath('/tmp/tm/corpus')
        """
        if data_dir is None:
            env = os.environ.get(ENV_DATA_DIR, "").strip()
            data_dir = Path(env) if env else Path(platformdirs.user_data_dir("trialmatch"))
        return cls(Path(data_dir).expanduser())

    # reading -----------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def manifest(self) -> dict[str, Any] | None:
        """The committed manifest, or None when nothing was ever written."""
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise CorpusError(
                f"unreadable corpus manifest ({exc})",
                where=str(self.manifest_path),
                hint="re-run `trialmatch ingest` into an empty --data-dir",
            ) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CorpusError(
                f"corpus manifest is not format {FORMAT}", where=str(self.manifest_path)
            )
        return data

    @property
    def is_empty(self) -> bool:
        """True when no trial was ever ingested here."""
        manifest = self.manifest()
        return not manifest or not manifest.get("counts", {}).get("trials")

    def read_table(self, name: str) -> pl.DataFrame | None:
        """A stored table by name (``trials``, ``sites``, ``criteria`` ...), or None."""
        path = self._table_path(name)
        if path is None:
            return None
        try:
            return pl.read_parquet(path)
        except (OSError, pl.exceptions.ComputeError) as exc:
            raise CorpusError(f"cannot read table {name!r} ({exc})", where=str(path)) from exc

    def frame(self) -> pl.DataFrame:
        """The trials table (empty with the right columns when nothing is stored)."""
        found = self.read_table("trials")
        return found if found is not None else pl.DataFrame(schema=TRIALS_SCHEMA)

    def sites(self) -> pl.DataFrame:
        """The sites table: nct_id, facility, city, state, zip, country, status, lat, lon."""
        found = self.read_table("sites")
        return found if found is not None else pl.DataFrame(schema=SITES_SCHEMA)

    def trials(self) -> list[Trial]:
        """Every stored trial, rebuilt exactly, sorted by NCT id (cached per generation)."""
        manifest = self.manifest()
        if not manifest:
            return []
        key = (manifest.get("generation"), manifest.get("ingested_at"))
        hit = _cache.get(self.root)
        if hit and hit[0] == key:
            return list(hit[1])
        trials = frame_trials(self.frame())
        _cache[self.root] = (key, trials)
        return list(trials)

    def get(self, nct_id: str) -> Trial | None:
        """One stored trial by NCT id (case-insensitive), or None."""
        path = self._table_path("trials")
        if path is None:
            return None
        found = (
            pl.scan_parquet(path)
            .filter(pl.col("nct_id") == nct_id.strip().upper())
            .select("trial_json")
            .collect()
        )
        return Trial.model_validate_json(found.item(0, 0)) if found.height else None

    def _table_path(self, name: str) -> Path | None:
        manifest = self.manifest()
        entry = (manifest or {}).get("tables", {}).get(name)
        return self.root / entry["file"] if entry else None

    # writing -----------------------------------------------------------------------
    def write_table(self, name: str, df: pl.DataFrame) -> None:
        """Store (or replace) one table atomically; the other tables are kept as they are."""
        self._commit({name: df})

    def ingest(self, trials: Iterable[Trial], *, source: str = "") -> IngestSummary:
        """Insert new trials and newer versions (by last-update date) of stored ones.

        Equal dates leave the stored version; within ``trials`` duplicates are resolved
        the same way (newest wins, the first on a tie). Writes only if something changed.
        """
        return self.ingest_pairs((t, source) for t in trials)

    def ingest_pairs(self, pairs: Iterable[tuple[Trial, str]]) -> IngestSummary:
        """Like :meth:`ingest`, with each trial's source (file, record) kept in ``source``."""
        incoming, incoming_sites = _collect(pairs)
        # Decide on the keys alone, so the big JSON column is copied only for changed rows.
        winners = (
            incoming.select("nct_id", "last_update", "_seq")
            .sort(["last_update", "_seq"], descending=[True, False], nulls_last=True)
            .unique("nct_id", keep="first", maintain_order=True)
        )
        old = self._columns("trials", ["nct_id", "last_update"])
        old = old.select("nct_id", pl.col("last_update").alias("_old"), _present=pl.lit(True))
        joined = winners.join(old, on="nct_id", how="left")
        added = pl.col("_present").is_null()
        newer = (
            pl.col("_present").is_not_null()
            & pl.col("last_update").is_not_null()
            & (pl.col("_old").is_null() | (pl.col("last_update") > pl.col("_old")))
        ).fill_null(False)
        n_added = joined.filter(added).height
        changed = joined.filter(added | newer).select("nct_id", "_seq")
        summary = IngestSummary(
            added=n_added,
            updated=changed.height - n_added,
            unchanged=incoming.height - changed.height,  # superseded duplicates too
            total=old.height + n_added,
        )
        if not summary.changed:
            return summary
        ids = changed.select("nct_id")
        new_rows = incoming.join(changed, on=["nct_id", "_seq"], how="semi")
        del incoming
        trials = pl.concat(
            [self.frame().join(ids, on="nct_id", how="anti"), new_rows.select(list(TRIALS_SCHEMA))]
        ).sort("nct_id")
        new_sites = incoming_sites.join(changed, on=["nct_id", "_seq"], how="semi")
        sites = pl.concat(
            [
                self.sites().join(ids, on="nct_id", how="anti"),
                new_sites.select(list(SITES_SCHEMA)),
            ]
        ).sort("nct_id", maintain_order=True)
        self._commit({"trials": trials, "sites": sites}, last_ingest=asdict(summary))
        return summary

    def _columns(self, name: str, columns: list[str]) -> pl.DataFrame:
        path = self._table_path(name)
        if path is None:
            return pl.DataFrame(schema={c: TRIALS_SCHEMA[c] for c in columns})
        return pl.read_parquet(path, columns=columns)

    def _commit(self, tables: Mapping[str, pl.DataFrame], **extra: Any) -> None:
        for name in tables:
            if not _TABLE_NAME.match(name):
                raise CorpusError(f"table name {name!r} should be lower-case letters, digits, _")
        self.root.mkdir(parents=True, exist_ok=True)
        _clean_stale(self.root)
        old = self.manifest() or {"format": FORMAT, "generation": 0, "tables": {}}
        gen = int(old.get("generation", 0)) + 1
        entries = dict(old.get("tables", {}))
        tmp = self.root / f".tmp-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            for name, df in tables.items():
                file = f"{name}-{gen}.parquet"
                df.write_parquet(tmp / file)
                entries[name] = {"file": file, "rows": df.height}
            manifest = _manifest(old, gen, entries, tables, extra)
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            for name in tables:
                os.replace(tmp / entries[name]["file"], self.root / entries[name]["file"])
            os.replace(tmp / "manifest.json", self.manifest_path)  # the commit point
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        keep = {e["file"] for e in entries.values()} | {"manifest.json"}
        for f in self.root.glob("*.parquet"):
            if f.name not in keep:
                f.unlink(missing_ok=True)


def _collect(pairs: Iterable[tuple[Trial, str]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of the incoming trials and sites, in chunks, each with its input order ``_seq``."""
    t_schema = {**TRIALS_SCHEMA, "_seq": pl.Int64}
    s_schema = {**SITES_SCHEMA, "_seq": pl.Int64}
    t_chunks, s_chunks = [pl.DataFrame(schema=t_schema)], [pl.DataFrame(schema=s_schema)]
    rows: list[dict[str, Any]] = []
    sites: list[dict[str, Any]] = []
    for seq, (trial, source) in enumerate(pairs):
        rows.append({**trial_row(trial, source=source), "_seq": seq})
        sites.extend({**s, "_seq": seq} for s in site_rows(trial))
        if len(rows) >= _CHUNK:
            t_chunks.append(pl.DataFrame(rows, schema=t_schema))
            s_chunks.append(pl.DataFrame(sites, schema=s_schema))
            rows, sites = [], []
    t_chunks.append(pl.DataFrame(rows, schema=t_schema))
    s_chunks.append(pl.DataFrame(sites, schema=s_schema))
    return pl.concat(t_chunks, rechunk=False), pl.concat(s_chunks, rechunk=False)


def _manifest(
    old: dict[str, Any],
    gen: int,
    entries: dict[str, Any],
    tables: Mapping[str, pl.DataFrame],
    extra: dict[str, Any],
) -> dict[str, Any]:
    counts = {name: e["rows"] for name, e in entries.items()}
    watermark = old.get("last_update_watermark")
    if "trials" in tables and tables["trials"].height:
        top = tables["trials"].get_column("last_update").max()
        watermark = top.isoformat() if isinstance(top, dt.date) else watermark
    return {
        **{k: v for k, v in old.items() if k not in ("generation", "tables")},
        **extra,
        "format": FORMAT,
        "generation": gen,
        "tables": entries,
        "counts": counts,
        "last_update_watermark": watermark,
        "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _clean_stale(root: Path) -> None:
    """Remove temporary folders left by a crashed write (old enough not to be in use)."""
    now = time.time()
    for tmp in root.glob(".tmp-*"):
        try:
            if now - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue
