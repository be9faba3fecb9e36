"""Data-file loading and the shared helpers of the vocabularies (aliases, result words)."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from rules.errors import ConfigError
from rules.lexicon import BLOCK

_SPACES = re.compile(r"[\s_]+")


def load_data(relpath: str) -> Any:
    """Read a JSON data file shipped in ``rules/data`` (cached)."""
    return _load(relpath)


@cache
def _load(relpath: str) -> Any:
    path = resources.files("rules").joinpath("data", *relpath.split("/"))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"missing data file rules/data/{relpath}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"rules/data/{relpath} is not valid JSON: {exc}") from exc


def norm_key(text: str) -> str:
    """Lower-case and collapse whitespace and underscores, for alias lookups.

    >>> norm_key("  MSI_High ")
    'msi high'
    """
    return _SPACES.sub(" ", text.strip().lower())


@cache
def _result_aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, aliases in load_data("vocab/biomarker_results.json")["results"].items():
        for alias in [canonical, *aliases]:
            table[norm_key(alias)] = canonical
            table[norm_key(alias.replace("-", " "))] = canonical
    return table


def biomarker_result(text: str, *, name: str | None = None) -> str | None:
    """Canonical tested state for what people write, or None when not recognised.

    >>> biomarker_result("MSI-high"), biomarker_result("dMMR"), biomarker_result("pos")
    ('MSI-H', 'deficient', 'positive')
    >>> biomarker_result("positive", name="MSI")
    'MSI-H'
    """
    key = norm_key(text)
    found = _result_aliases().get(key) or _result_aliases().get(key.replace("-", " "))
    if found is None:
        return None
    if name is not None:
        specific = load_data("vocab/biomarker_results.json")["name_specific"]
        for prefix, mapping in specific.items():
            if norm_key(name).replace(" ", "").replace("-", "").startswith(prefix.lower()):
                return str(mapping.get(found, found))
    return found


def biomarker_results() -> list[str]:
    return list(load_data("vocab/biomarker_results.json")["results"])


# --------------------------------------------------------------------------------------
# Term vocabularies (cancers, biomarkers, drugs, comorbidities, labs): ids, aliases,
# hierarchies. Lookups are case-insensitive except for short capitalised acronyms (see
# rules.lexicon). The tables are loaded once, on first use.
# --------------------------------------------------------------------------------------


def _entries(name: str, section: str = "entries") -> list[dict[str, Any]]:
    return list(load_data(f"vocab/{name}.json")[section])


def _blockers(name: str) -> list[tuple[str, str, str]]:
    """Phrases listed under ``not_terms``: they hide the words inside them from lookups."""
    return [(t, "", BLOCK) for t in load_data(f"vocab/{name}.json").get("not_terms", [])]


def _lexicon_rows(entries: list[dict[str, Any]], kind: str) -> list[tuple[str, str, str]]:
    rows = []
    for e in entries:
        for alias in [e.get("name", ""), *e.get("aliases", [])]:
            if alias:
                rows.append((alias, e["id"], kind))
    return rows


def ancestors(table: dict[str, dict[str, Any]], entry_id: str) -> set[str]:
    """Every ancestor of ``entry_id`` through the ``parents`` of ``table`` (not itself).

    >>> sorted(ancestors({"a": {"parents": ["b"]}, "b": {"parents": ["c"]}}, "a"))
    ['b', 'c']
    """
    seen: set[str] = set()
    stack = list(table.get(entry_id, {}).get("parents", []))
    while stack:
        cur = stack.pop()
        if cur not in seen:
            seen.add(cur)
            stack.extend(table.get(cur, {}).get("parents", []))
    return seen
