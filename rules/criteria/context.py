"""ConText-style modifiers: negation, exclusion/permission, exceptions, conditions, history.

The rules are data (``rules/data/patterns/context.json``). A trigger modifies a target in
the same clause: forward triggers precede it, backward ones follow it; a clause ends at a
terminator (";", ". ", "but", "except", ...). medspaCy implements the same algorithm but pins
numpy 1.26, which the rest of the project cannot use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from rules.vocab import load_data

_EXC_END = re.compile(r"[);]|\.(?=\s|$)")
_EXC_SPLIT = re.compile(r"\s*(?:,|;|\band/or\b|\bor\b|\band\b)\s*")


@dataclass
class Context:
    """What the context says about one target (a span) inside an item."""

    categories: set[str] = field(default_factory=set)
    rules: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    condition: str | None = None

    @property
    def negated(self) -> bool:
        return "NEGATED" in self.categories


@dataclass(frozen=True)
class _Rule:
    id: str
    category: str
    direction: str
    regex: re.Pattern[str]
    prefilter: tuple[str, ...] = ()  # lower-case words, one of which must occur (or none)
    max_distance: int | None = None  # overrides the rule set's (0: the trigger touches it)

    def may_apply(self, lower: str) -> bool:
        """Cheap test before the regex: one of the prefilter words is in the lower-case text."""
        return not self.prefilter or any(w in lower for w in self.prefilter)


@cache
def _rules() -> tuple[list[_Rule], re.Pattern[str], int]:
    data: dict[str, Any] = load_data("patterns/context.json")
    rules = [
        _Rule(
            r["id"],
            r["category"],
            r["direction"],
            re.compile(r["regex"]),
            tuple(w.lower() for w in r.get("prefilter", ())),
            r.get("max_distance"),
        )
        for r in data["rules"]
    ]
    return rules, re.compile(data["terminators"]), int(data["max_distance"])


def _clause_bounds(text: str, start: int, end: int, term: re.Pattern[str]) -> tuple[int, int]:
    left = 0
    for m in term.finditer(text, 0, start):
        left = m.end()
    nxt = term.search(text, end)
    right = nxt.start() if nxt else len(text)
    return left, right


def _closed_before(text: str, pos: int, target: int) -> bool:
    """Whether ``pos`` sits in a parenthetical that closes before ``target``: "Stage IIIB
    (non amenable to curative-intent multimodal treatment) or IV NSCLC" - the "non" qualifies
    the stage, it does not negate the NSCLC after the bracket."""
    depth = 0
    for ch in text[pos:target]:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                return True  # a bracket opened before the trigger closes before the target
            depth -= 1
    return False


def _opened_after(text: str, end: int, pos: int) -> bool:
    """Whether ``pos`` sits in a parenthetical opened after the target: "At least one
    measurable lesion by RECIST 1.1 (The part of radiation treatment in the palliative setting
    is excluded.)" - the bracket's "excluded" is about its own words, not the lesion."""
    depth = 0
    for ch in text[end:pos]:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
    return depth > 0


def _exception_text(text: str, start: int) -> str:
    m = _EXC_END.search(text, start)
    return text[start : m.start() if m else len(text)].strip(" ,:")


def context(text: str, start: int, end: int) -> Context:
    """The modifiers that apply to ``text[start:end]``.

    >>> context("No prior anti-PD-1 therapy", 9, 18).negated
    True
    >>> c = context("Other malignancy within 5 years (except basal cell carcinoma of the skin)", 6, 16)
    >>> c.exceptions, c.negated
    (['basal cell carcinoma of the skin'], False)
    """
    rules, term, max_dist = _rules()
    left, right = _clause_bounds(text, start, end, term)
    out = Context()
    lower = text.lower()
    for rule in rules:
        if rule.prefilter:  # inlined rule.may_apply
            for word in rule.prefilter:
                if word in lower:
                    break
            else:
                continue
        if rule.direction == "forward":
            lo, hi = max(left, start - max_dist - 40), start
        elif rule.direction == "backward":
            lo, hi = end, min(len(text), right + 60)
        else:
            lo, hi = 0, len(text)
        for m in rule.regex.finditer(text, lo, hi):
            if rule.direction == "forward":
                limit = max_dist if rule.max_distance is None else rule.max_distance
                ok = (
                    left <= m.start()
                    and m.end() <= start
                    and start - m.end() <= limit
                    and not _closed_before(text, m.start(), start)
                )
            elif rule.direction == "backward":
                ok = (
                    m.start() >= end
                    and m.end() <= right + len(m.group())
                    and m.start() <= right
                    and (
                        rule.category not in ("NEGATED", "EXCLUSIONARY")
                        or not _opened_after(text, end, m.start())
                    )
                )
            else:
                ok = not (start <= m.start() < end)
            if not ok:
                continue
            if rule.category == "EXCEPTION":
                if m.start() >= end:
                    exc = _exception_text(text, m.end())
                    out.exceptions += [e for e in _EXC_SPLIT.split(exc) if len(e) > 2]
                continue
            if rule.category == "CONDITIONAL":
                if out.condition is None:
                    out.condition = _exception_text(text, m.start())
                continue
            out.categories.add(rule.category)
            out.rules.append(rule.id)
    return out


def find_target(text: str, target: str) -> tuple[int, int]:
    """Span of the first occurrence of ``target`` (for examples and tests)."""
    i = text.find(target)
    if i < 0:
        raise ValueError(f"{target!r} not in {text!r}")
    return i, i + len(target)
