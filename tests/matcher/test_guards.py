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


# --- a doubt the patient's record settles: mutually exclusive diagnoses ---------------------

_T2_TRIAL = (  # NCT02453685 (real record, inclusion list abridged)
    "Inclusion Criteria:\n\n"
    "* Male or female, age at least 18 years at the time of signing informed consent\n\n"
    "* Type 2 diabetes subjects clinically diagnosed at least 6 months prior to screening\n"
)


@pytest.mark.parametrize("group", kb.table("exclusive_conditions")["groups"])
def test_exclusive_conditions_are_vocabulary_siblings(group):
    from rules import vocab

    parents = [set(vocab.comorbidity_classes(cid)) - {cid} for cid in group]
    assert set.intersection(*parents), f"{group} share no parent in comorbidities.json"
    for a in group:  # neither is a kind of the other
        assert not any(a in vocab.comorbidity_classes(b) for b in group if b != a)


@pytest.mark.parametrize(
    ("conditions", "want"),
    [
        (["type 1 diabetes"], "ineligible"),  # cannot also have type 2 diabetes
        (["hypertension"], "possibly_eligible"),  # the doubt stays: maybe undocumented
        (["type 2 diabetes"], "eligible"),
    ],
)
def test_required_subtype_against_an_exclusive_one(conditions, want):
    from datetime import date

    from matcher import evaluate_trial, match
    from profiles.model import PatientProfile
    from rules.trial import Trial

    trial = Trial(nct_id="NCT02453685", eligibility_criteria=_T2_TRIAL)
    profile = PatientProfile(age=30, sex="female", conditions=conditions)
    one = evaluate_trial(profile, trial, as_of=date(2026, 11, 20))
    many = match(profile, [trial], as_of=date(2026, 11, 20))
    assert one.verdict == want
    assert [m.verdict for m in many.matches] == [want]
    assert many.matches[0].score == one.score
    doubted = [o.doubt for o in one.outcomes if "Type 2" in o.criterion.text]
    assert doubted == [("required_comorbidity" if want == "possibly_eligible" else None)]


def test_a_state_of_the_studied_condition_is_no_target_doubt():
    # NCT00937144: "patients with sickle cell anemia" / excluded "... during acute crisis"
    from matcher.guards import doubts
    from rules.criteria import parse_criteria
    from rules.trial import Trial

    text = (
        "Inclusion Criteria:\n- patients with sickle cell anemia\n\n"
        "Exclusion Criteria:\n- patients with sickle cell anemia during acute crisis\n"
    )
    cs = parse_criteria(text)
    assert doubts(Trial(nct_id="NCT00937144", eligibility_criteria=text), cs)[-1] is None
    assert cs[-1].confidence < 0.8  # the crisis is not on record: it cannot rule out alone
    bare = text.replace(" during acute crisis", "")
    cs = parse_criteria(bare)
    assert doubts(Trial(nct_id="NCT00937145", eligibility_criteria=bare), cs)[-1] == (
        "target_excluded"
    )
