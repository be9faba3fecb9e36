"""Findings shared across the patients of a batch: each proposition judged once per distinct
set of the facts it actually read.

An evaluator's finding is a function of the proposition (kind + params) and of the patient
facts it reads. :class:`FindingMemo` evaluates a proposition for a patient through a
recording view of :class:`matcher.facts.PatientFacts` that notes every fact read (``age``,
``therapies``, ``profile.ecog``, ``labs[platelets]``, ...), and stores the finding under the
proposition key, the names read and their values. Another patient whose facts have the same
values for those names would run the evaluator down the same path, so it gets the stored
finding without evaluating. The memo is exact (no list of which kind reads what to keep in
step with the evaluators): a value compared by its ``repr``, so two values that differ are
never taken for one; an unusual read (a method, iteration over the labs) only makes the key
more specific.

Kept per process and cleared when it holds more than ``limit`` findings (memory bound).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from matcher.facts import PatientFacts
from matcher.outcome import Finding

#: a fact read: attribute names, list indexes, ``("[]", key)`` for a dict key, ``TYPE`` (is it
#: None, a list, a dict?) and ``LEN`` (how many items)
Path = tuple[Any, ...]
TYPE, LEN = "?", "#len"
_KEYED = frozenset({"labs", "biomarkers"})  # dicts narrowed to the keys looked up
_MISSING = "<missing>"
_UNSEEN = object()  # a path set whose value id this patient has not computed yet
_NONE: dict[int, dict[int, Any]] = {}


class _Reads:
    """The fact paths read during one evaluation, in first-read order."""

    __slots__ = ("paths",)

    def __init__(self) -> None:
        self.paths: dict[Path, None] = {}

    def add(self, path: Path) -> None:
        self.paths[path] = None


class _View:
    """Common part of the recording views: anything not narrowed reads the whole value."""

    __slots__ = ("_data", "_path", "_reads")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, data: Any, path: Path, reads: _Reads):
        self._data, self._path, self._reads = data, path, reads

    def _whole(self) -> Any:
        self._reads.add(self._path)
        return self._data

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._whole(), attr)

    def __eq__(self, other: object) -> bool:
        return self._whole() == other

    def __iter__(self) -> Iterator[Any]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def __bool__(self) -> bool:
        return bool(self._whole())


class _Keyed(_View):
    """A dict fact (labs, biomarkers by name), noting the keys looked up."""

    __slots__ = ()

    def get(self, key: str, default: Any = None) -> Any:
        self._reads.add((*self._path, ("[]", key)))
        return self._data.get(key, default)

    def __getitem__(self, key: str) -> Any:
        self._reads.add((*self._path, ("[]", key)))
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        self._reads.add((*self._path, ("[]", key)))
        return key in self._data


class _Items(_View):
    """A list of records (the diagnoses), noting its length and each item's fields read."""

    __slots__ = ()

    def __len__(self) -> int:
        self._reads.add((*self._path, LEN))
        return len(self._data)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield _Record(self._data[i], (*self._path, i), self._reads)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, int):
            return self._whole()[index]
        size = len(self)
        position = index + size if index < 0 else index
        if not 0 <= position < size:
            raise IndexError(index)
        return _Record(self._data[position], (*self._path, position), self._reads)


def _is_records(value: Any) -> bool:
    """A non-empty list of records (the facts' lists hold one type each)."""
    return (
        type(value) is list
        and bool(value)
        and (isinstance(value[0], BaseModel) or dataclasses.is_dataclass(value[0]))
    )


def _narrowed(value: Any, path: Path, reads: _Reads) -> Any:
    """``value`` read at ``path``: a list of records is narrowed to what is read of it."""
    if _is_records(value):
        reads.add((*path, TYPE))
        return _Items(value, path, reads)
    reads.add(path)
    return value


class _Record(_View):
    """A record (the profile, a diagnosis, a therapy), noting each field read; lists of
    records are narrowed further."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True  # a record (pydantic model, dataclass) is always truthy

    def __getattr__(self, attr: str) -> Any:
        return _narrowed(getattr(self._data, attr), (*self._path, attr), self._reads)


class _Facts:
    """What the evaluators see: the facts, noting each one read."""

    __slots__ = ("_facts", "_reads")

    def __init__(self, facts: PatientFacts, reads: _Reads):
        self._facts, self._reads = facts, reads

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._facts, attr)
        if attr == "profile":
            return _Record(value, (attr,), self._reads)
        if attr in _KEYED and isinstance(value, dict):
            self._reads.add((attr, TYPE))
            return _Keyed(value, (attr,), self._reads)
        return _narrowed(value, (attr,), self._reads)


class _Values:
    """One patient's value of each fact path, as a comparable token, and of each set of
    paths an id (computed when asked)."""

    __slots__ = ("facts", "ids", "tokens")

    def __init__(self, facts: PatientFacts):
        self.facts = facts
        self.tokens: dict[Path, str] = {}
        self.ids: dict[int, int | None] = {}

    def token(self, path: Path) -> str:
        found = self.tokens.get(path)
        if found is None:
            found = self.tokens[path] = repr(_value(self.facts, path))
        return found

    def of(self, paths: tuple[Path, ...]) -> tuple[str, ...]:
        return tuple(self.token(p) for p in paths)


def _value(facts: PatientFacts, path: Path) -> Any:
    value: Any = facts
    for step in path:
        if step == TYPE:
            return type(value).__name__
        if step == LEN:
            return len(value) if isinstance(value, list) else _MISSING
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else _MISSING
        elif isinstance(step, tuple):
            value = value.get(step[1], _MISSING) if isinstance(value, dict) else _MISSING
        else:
            value = getattr(value, step, _MISSING)
    return value


class FindingMemo:
    """A :data:`matcher.facade.Judge` that shares findings across profiles (see module doc).

    >>> from datetime import date
    >>> from matcher.index import proposition_key
    >>> from profiles.model import PatientProfile
    >>> memo = FindingMemo()
    >>> k = proposition_key("performance_status", {"scale": "ECOG",
    ...     "score": {"op": "<=", "value": 1}})
    >>> day = date(2026, 11, 20)
    >>> a = PatientFacts.of(PatientProfile(id="a", ecog=1, age=50), day)
    >>> b = PatientFacts.of(PatientProfile(id="b", ecog=1, age=70), day)
    >>> memo([k], a)[k] is memo([k], b)[k], memo.evaluated, memo.reused
    (True, 1, 1)
    """

    def __init__(self, *, limit: int = 500_000):
        self.limit = limit
        #: proposition key -> id of a set of fact paths -> id of their values -> finding
        self.table: dict[int, dict[int, dict[int, Finding]]] = {}
        self.path_sets: dict[tuple[Path, ...], int] = {}
        self.path_list: dict[int, tuple[Path, ...]] = {}
        self.value_ids: dict[tuple[int, tuple[str, ...]], int] = {}
        self._ids = itertools.count()  # never reused, so a cleared memo has no stale ids
        self.size = 0
        self.evaluated = 0
        self.reused = 0

    def __call__(self, keys: Sequence[int], facts: PatientFacts) -> dict[int, Finding]:
        from matcher.facade import _safe_evaluate
        from matcher.index import proposition

        values = _Values(facts)
        ids, table = values.ids, self.table
        out: dict[int, Finding] = {}
        reused = 0
        for k in keys:
            found = None
            for sid, by_value in table.get(k, _NONE).items():  # the lookup (hot: inlined)
                vid = ids.get(sid, _UNSEEN)
                if vid is _UNSEEN:
                    vid = self._value_id(sid, values)
                if vid is not None:
                    found = by_value.get(vid)
                    if found is not None:
                        break
            if found is not None:
                out[k] = found
                reused += 1
                continue
            reads = _Reads()
            finding = _safe_evaluate(*proposition(k), _Facts(facts, reads))  # type: ignore[arg-type]
            out[k] = finding
            self.evaluated += 1
            self._store(k, tuple(reads.paths), values, finding)
        self.reused += reused
        return out

    def _value_id(self, sid: int, values: _Values) -> int | None:
        if sid in values.ids:
            return values.ids[sid]
        try:
            tokens = values.of(self.path_list[sid])
        except Exception:  # a value that cannot be read back: never shared
            tokens = None
        found = values.ids[sid] = None if tokens is None else self.value_ids.get((sid, tokens))
        return found

    def _store(self, key: int, paths: tuple[Path, ...], values: _Values, f: Finding) -> None:
        if self.size >= self.limit:
            self.table.clear()
            self.value_ids.clear()
            values.ids.clear()
            self.size = 0
        sid = self.path_sets.get(paths)
        if sid is None:
            sid = self.path_sets[paths] = next(self._ids)
            self.path_list[sid] = paths
        vid = self._value_id(sid, values)
        if vid is None:
            try:
                tokens = values.of(paths)
            except Exception:  # see _value_id
                return
            vid = values.ids[sid] = self.value_ids[(sid, tokens)] = next(self._ids)
        self.table.setdefault(key, {}).setdefault(sid, {})[vid] = f
        self.size += 1
