"""The pattern engine: patterns are data (``rules/data/patterns/*.json``), extractors are code.

Each pattern names a regex (with ``{NAME}`` pieces from ``common.json``), the kind it gives,
an extractor (a function in :mod:`rules.criteria.extractors` turning the match into params,
or refusing it with None), a confidence and examples. Kinds are tried in the order of
``common.json``; the first pattern whose extractor accepts decides, except that facet kinds
(condition, stage, biomarker, lines of therapy, prior therapy) found in one item combine
into an ``all_of`` criterion.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from rules.errors import CriteriaError
from rules.vocab import load_data


@dataclass(frozen=True)
class Pattern:
    id: str
    group: str
    kind: str
    regex: re.Pattern[str]
    extract: str
    confidence: float
    examples: tuple[dict[str, Any], ...]
    prefilter: tuple[str, ...] = ()  # lower-case words, one of which must occur (or none)
    needs_digit: bool = False  # the regex cannot match text without a digit


@dataclass
class Hit:
    """A pattern's reading of an item: kind, params, confidence, rule, anchor span."""

    kind: str
    params: dict[str, Any]
    confidence: float
    rule: str
    start: int
    end: int


_DIGIT = re.compile(r"\d")
Extractor = Callable[[re.Match[str], str, str], dict[str, Any] | None]


def _prefilter(words: list[str]) -> tuple[str, ...]:
    """Words for a cheap literal test run before the pattern's regex (any of them, lower
    case); substring tests are faster than one alternation regex per pattern."""
    return tuple(w.lower() for w in words)


def _passes(prefilter: tuple[str, ...], lower: str) -> bool:
    if not prefilter:
        return True
    for word in prefilter:  # noqa: SIM110  (a plain loop is faster than any() here)
        if word in lower:
            return True
    return False


def _expand(regex: str, defs: dict[str, str]) -> str:
    for name in sorted(defs, key=len, reverse=True):
        regex = regex.replace("{" + name + "}", defs[name])
    return regex


@cache
def patterns() -> tuple[Pattern, ...]:
    """All patterns, in the order they are tried."""
    common = load_data("patterns/common.json")
    defs, order = common["defs"], common["order"]
    folder = resources.files("rules").joinpath("data", "patterns")
    out: list[Pattern] = []
    for group in order:
        if not folder.joinpath(f"{group}.json").is_file():
            continue
        data = load_data(f"patterns/{group}.json")
        for p in data["patterns"]:
            try:
                regex = re.compile(_expand(p["regex"], defs))
            except re.error as exc:
                raise CriteriaError(
                    f"pattern {p['id']} has an invalid regex: {exc}",
                    where=f"rules/data/patterns/{group}.json",
                ) from exc
            out.append(
                Pattern(
                    p["id"],
                    group,
                    p.get("kind", data.get("kind", group)),
                    regex,
                    p.get("extract", data.get("extract", "empty")),
                    float(p.get("confidence", 0.9)),
                    tuple(p.get("examples", [])),
                    _prefilter(p.get("prefilter", ())),
                    bool(p.get("needs_digit")),
                )
            )
    return tuple(out)


@cache
def facet_kinds() -> frozenset[str]:
    return frozenset(load_data("patterns/common.json")["facets"])


def _extractor(name: str) -> Extractor:
    from rules.criteria import extractors

    fn = getattr(extractors, name, None)
    if fn is None:
        raise CriteriaError(f"no extractor named {name!r}", hint="see rules/criteria/extractors.py")
    return fn


def run(text: str, polarity: str) -> list[Hit]:
    """The hits that decide an item: the first accepted pattern, and when it is a facet
    (condition, stage, biomarker, lines, prior therapy) the first hit of each other facet."""
    hits: list[Hit] = []
    facets = facet_kinds()
    seen: set[str] = set()
    lower = text.lower()
    has_digit = _DIGIT.search(text) is not None
    for p in patterns():
        if hits and (p.kind not in facets or p.kind in seen):
            continue
        if p.needs_digit and not has_digit:
            continue
        if p.prefilter:  # inlined _passes (called ~25 times per item)
            for word in p.prefilter:
                if word in lower:
                    break
            else:
                continue
        m = p.regex.search(text)
        if m is None:
            continue
        params = _extractor(p.extract)(m, text, polarity)
        if params is None:
            continue
        conf = float(params.pop("_confidence", p.confidence))
        kind = str(params.pop("_kind", p.kind))
        start, end = params.pop("_anchor", (m.start(), m.end()))
        if hits and kind not in facets:
            continue
        hits.append(Hit(kind, params, conf, p.id, start, end))
        seen.add(kind)
        if kind not in facets:
            break
    return hits
