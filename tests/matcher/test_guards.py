"""Every doubt rule of matcher/data/knowledge.json against its own examples."""

from __future__ import annotations

import pytest

from matcher import knowledge as kb
from matcher.guards import _text_rules, explanation, text_doubt
from rules.criterion import Criterion

_RULES = kb.table("doubt_rules")
_CASES = [
    (name, text, want)
    for name, rule in _RULES["text"].items()
    for want in ("doubt", "trust")
    for text in rule["examples"][want]
]


def _criterion(text: str, kinds: list[str]) -> Criterion:
    kind = kinds[0] if kinds else "other"
    params: dict = {"cns_metastases": {"state": "any"}}.get(kind, {})
    return Criterion(id="x", polarity="exclusion", text=text, start=0, end=len(text), kind=kind,
                     params=params, confidence=0.9, rule="test")  # fmt: skip


@pytest.mark.parametrize(("name", "text", "want"), _CASES)
def test_text_rule_examples(name, text, want):
    own = next(pattern for rule, pattern, _, _ in _text_rules() if rule == name)
    found = text_doubt(_criterion(text, _RULES["text"][name].get("kinds") or []))
    if want == "doubt":
        assert own.search(text) and found is not None
    else:
        assert not own.search(text)


@pytest.mark.parametrize("name", [*_RULES["text"], *_RULES["structural"]])
def test_every_rule_explains_itself(name):
    assert explanation(name) and not explanation(name).endswith(".")
