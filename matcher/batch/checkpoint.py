"""Checkpoints: finished partitions as part files in ``<results>.parts/`` with a manifest.

A partition's four tables are written to temporary files and renamed into place, then the
manifest (JSON, also replaced atomically) records the partition as done. A crash leaves at
worst an unreferenced temporary file; ``--resume`` reads the manifest, checks that the
cohort and the options are the same, and skips the partitions already done.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from matcher.batch.partition import PartitionResult
from rules.errors import ConfigError

TABLES = ("rows", "patients", "stats", "errors")
MANIFEST = "manifest.json"


def parts_dir(out_path: Path) -> Path:
    """The checkpoint folder beside the results file.

    >>> parts_dir(Path("/tmp/results.xlsx")).name
    'results.xlsx.parts'
    """
    return out_path.with_name(out_path.name + ".parts")


def cohort_fingerprint(cohort: Path) -> str:
    """A digest of the cohort's bytes (a folder: its files' names and bytes)."""
    digest = hashlib.sha256()
    files = sorted(p for p in cohort.rglob("*") if p.is_file()) if cohort.is_dir() else [cohort]
    for f in files:
        digest.update(str(f.relative_to(cohort) if cohort.is_dir() else f.name).encode())
        with f.open("rb") as fh:
            for block in iter(partial(fh.read, 1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Checkpoint:
    """The parts folder of one run. Construct with :meth:`open`; no I/O in ``__init__``."""

    def __init__(self, folder: Path, identity: dict[str, Any], done: dict[str, dict[str, int]]):
        self.folder = folder
        self.identity = identity
        self.done = done

    @classmethod
    def open(cls, folder: Path, identity: dict[str, Any], *, resume: bool) -> Checkpoint:
        """Start a new checkpoint, or continue the one in ``folder`` when ``resume``."""
        manifest = folder / MANIFEST
        if resume and manifest.exists():
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("identity") != identity:
                raise ConfigError(
                    f"cannot resume from {folder}: it was made from another cohort or with "
                    "other options",
                    hint="run again with the same cohort and options, or without --resume",
                )
            return cls(folder, identity, {k: v for k, v in data.get("done", {}).items()})
        if folder.exists():
            if not resume and not manifest.exists() and any(folder.iterdir()):
                raise ConfigError(
                    f"{folder} exists and is not a trialmatch checkpoint folder",
                    hint="remove it or choose another results path",
                )
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        ckpt = cls(folder, identity, {})
        ckpt._save()
        return ckpt

    def is_done(self, index: int) -> bool:
        return f"{index:05d}" in self.done

    def _save(self) -> None:
        text = json.dumps({"identity": self.identity, "done": self.done}, indent=1, sort_keys=True)
        _atomic_write_text(self.folder / MANIFEST, text)

    def write(self, index: int, result: PartitionResult) -> None:
        """Write the part files of partition ``index`` then mark it done."""
        key = f"{index:05d}"
        for name in TABLES:
            table: pl.DataFrame = getattr(result, name)
            final = self.folder / f"part-{key}.{name}.parquet"
            tmp = final.with_name(final.name + ".tmp")
            table.write_parquet(tmp)
            os.replace(tmp, final)
        self.done[key] = {
            "patients": result.patients.height,
            "errors": result.errors.height,
            "rows": result.rows.height,
            "not_relevant": result.pairs_not_relevant,
            "prescreened": result.pairs_prescreened,
            "evaluated": result.pairs_evaluated,
        }
        self._save()

    def read(self, name: str, schema: dict[str, Any]) -> pl.DataFrame:
        """Concatenate one table over the finished partitions, in partition order."""
        files = [self.folder / f"part-{k}.{name}.parquet" for k in sorted(self.done)]
        if not files:
            return pl.DataFrame(schema=schema)
        return pl.concat([pl.read_parquet(f) for f in files])

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
