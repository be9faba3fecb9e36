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


@pytest.mark.parametrize(
    ("nct", "conditions", "text", "doubt"),
    [
        ("NCT01440764", ["healthy", "dyspnea"], "Healthy", None),  # everyone must be healthy
        ("NCT03868657", [], "Healthy men and women", None),
        # a disease trial with a healthy control group ("Healthy non-smokers", "Moderate COPD")
        (
            "NCT00180635",
            ["Chronic Obstructive Pulmonary Disease"],
            "Healthy non-smokers",
            "healthy_group",
        ),
        # volunteers in a trial registered for a condition the vocabulary does not name
        ("NCT00005771", ["Low Back Pain"], "Healthy volunteers", "healthy_group"),
    ],
)
def test_healthy_inclusion_of_one_group_is_doubted(nct, conditions, text, doubt):
    from matcher.guards import doubts
    from rules.criteria import parse_criteria
    from rules.trial import Trial

    trial = Trial(
        nct_id=nct, conditions=conditions, eligibility_criteria=f"Inclusion Criteria:\n* {text}"
    )
    crits = parse_criteria(trial.eligibility_criteria)
    assert crits[0].params.get("healthy") is True
    assert doubts(trial, crits)[0] == doubt


def test_target_of_a_trial_without_conditions_comes_from_its_inclusions():
    """NCT01901146 has no conditions field; "Bilateral breast cancer" among its exclusions
    must not rule out the breast cancer patients its inclusions ask for."""
    from matcher.guards import doubts
    from rules.criteria import parse_criteria
    from rules.trial import Trial

    text = (
        "Inclusion Criteria:\n* Histologically confirmed invasive breast cancer\n\n"
        "Exclusion Criteria:\n* Bilateral breast cancer"
    )
    trial = Trial(nct_id="NCT01901146", eligibility_criteria=text)
    crits = parse_criteria(text)
    assert [c.kind for c in crits] == ["condition", "condition"]
    assert doubts(trial, crits) == [None, "target_excluded"]
