"""Every example of every pattern data file, one test per pattern id (STYLE habit 1)."""

from __future__ import annotations

import re

import pytest

from rules.criteria import classify
from rules.criteria.context import context, find_target
from rules.criteria.engine import patterns
from rules.criteria.segment import rules as section_rules
from rules.vocab import load_data


def _subset(expected, actual) -> bool:
    """``expected`` is contained in ``actual`` (dicts by key, lists item by item, numbers ~)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _subset(v, actual[k]) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(_subset(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and abs(expected - actual) < 1e-6
    return expected == actual


@pytest.mark.parametrize("pattern", patterns(), ids=lambda p: p.id)
def test_pattern_examples(pattern):
    assert pattern.examples, f"{pattern.id} has no examples"
    for ex in pattern.examples:
        kind, params, conf, rule = classify(ex["text"], ex.get("polarity", "inclusion"))
        if "max_confidence" in ex:
            assert conf <= ex["max_confidence"], f"{ex['text']!r}: confidence {conf} ({rule})"
        if "kind_not" in ex:  # a phrasing that once gave this kind wrongly
            assert kind != ex["kind_not"], f"{ex['text']!r}: read as {kind} ({rule}) {params}"
            continue
        assert kind == ex["kind"], f"{ex['text']!r}: kind {kind} ({rule}), expected {ex['kind']}"
        if "params" in ex:
            assert _subset(ex["params"], params), f"{ex['text']!r}: {params} lacks {ex['params']}"
        if "negated" not in ex.get("params", {}) and kind != "other":
            assert not params.get("negated"), f"{ex['text']!r} should not be negated"


@pytest.mark.parametrize(
    "example",
    load_data("patterns/context.json")["examples"],
    ids=lambda e: f"{e['text'][:40]}|{e['target']}",
)
def test_context_examples(example):
    start, end = find_target(example["text"], example["target"])
    ctx = context(example["text"], start, end)
    got = set(ctx.categories)
    if ctx.exceptions:
        got.add("EXCEPTION")
    if ctx.condition:
        got.add("CONDITIONAL")
    assert got == set(example["categories"])


def _section_cases():
    data = load_data("patterns/sections.json")
    for group in ("headers", "subheaders"):
        for h in data[group]:
            yield pytest.param(group, h, id=h["id"])


@pytest.mark.parametrize(("group", "header"), list(_section_cases()))
def test_section_examples(group, header):
    regex = re.compile(header["regex"])
    find = regex.search if group == "headers" else regex.match
    for text in header["examples"]["match"]:
        assert find(text), f"{header['id']} should match {text!r}"
    for text in header["examples"]["no_match"]:
        assert not find(text), f"{header['id']} should not match {text!r}"


def test_sectioning_rules_compile():
    r = section_rules()
    assert r.bullet.match("* item") and r.bullet.match("12. item") and r.bullet.match("(a) x")
    assert not r.bullet.match("1.5 mg")


def _all_example_texts() -> list[str]:
    texts = [ex["text"] for p in patterns() for ex in p.examples]
    texts += [ex["text"] for ex in load_data("patterns/context.json")["examples"]]
    return texts


def test_prefilters_never_hide_a_regex_hit():
    """The literal prefilters are only for speed: on every example text, wherever a pattern's
    or a context rule's regex matches, its prefilter lets it through."""
    from rules.criteria.context import _rules
    from rules.criteria.engine import _passes

    texts = _all_example_texts()
    hidden = [
        (p.id, t)
        for p in patterns()
        for t in texts
        if p.regex.search(t)
        and (not _passes(p.prefilter, t.lower()) or (p.needs_digit and not re.search(r"\d", t)))
    ]
    hidden += [
        (r.id, t)
        for r in _rules()[0]
        for t in texts
        if r.regex.search(t) and not r.may_apply(t.lower())
    ]
    assert hidden == []
