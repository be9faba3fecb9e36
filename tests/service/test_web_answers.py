"""Answer widgets for every question key family the matcher emits, and what each answer records."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import matcher
from profiles.model import PatientProfile
from rules.corpus import bundled_trials
from service.api import Settings, create_app
from service.api.engine import Engine
from service.web.answers import apply, widget

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((REPO / "examples" / "profile.example.json").read_text())
# Keys without an answer box on purpose: a limit in x ULN needs the lab's normal range,
# which the profile cannot hold; the page says "Ask your doctor about this one."
DOCTOR_ONLY = re.compile(r"^lab:[^:]+:x (ULN|LLN)$", re.I)


def _emitted_families() -> set[str]:
    """Question key families written in the matcher's source: ``question="x"`` and the
    f-string keys ``f"x:{...}"``."""
    found: set[str] = set()
    for path in (REPO / "matcher").glob("*.py"):
        text = path.read_text()
        found.update(re.findall(r'question=\(?f?"([a-z_]+)', text))
        found.update(re.findall(r'f"([a-z_]+):\{', text))
    return found


FAMILIES = {
    "age",
    "birth_date",
    "sex",
    "ecog",
    "karnofsky",
    "measurable_disease",
    "life_expectancy",
    "lab",
    "brain_metastases",
    "diagnosis",
    "stage",
    "biomarker",
    "therapies",
    "therapy_end",
    "conditions",
    "condition",
    "condition_active",
    "condition_when",
    "condition_grade",
}


def test_the_families_checked_here_are_the_ones_the_matcher_emits() -> None:
    assert _emitted_families() - {"biomarker"} <= FAMILIES | {"key"}
    assert FAMILIES - {"therapy_end"} <= _emitted_families()


@pytest.mark.parametrize(
    "key",
    [
        "age",
        "birth_date",
        "sex",
        "ecog",
        "karnofsky",
        "pregnant",
        "breastfeeding",
        "measurable_disease",
        "life_expectancy",
        "lab:qtc",
        "lab:total_bilirubin:mg/dL",
        "brain_metastases",
        "brain_metastases:state",
        "diagnosis",
        "diagnosis:confirmed",
        "diagnosis:subtype",
        "stage",
        "biomarker:EGFR",
        "biomarker:PD-L1:TPS",
        "biomarker:HER2",
        "biomarker:HER2:IHC",
        "therapies",
        "therapy_end:FOLFIRINOX",
        "conditions",
        "condition:covid19",
        "condition_active:hypertension",
        "condition_when:type2_diabetes",
        "condition_grade:peripheral_neuropathy",
    ],
)
def test_every_key_family_has_an_answer_widget(key: str) -> None:
    assert key.split(":")[0] in FAMILIES | {"pregnant", "breastfeeding"}
    assert widget(key) is not None


def test_uln_limits_fall_back_to_ask_your_doctor() -> None:
    assert DOCTOR_ONLY.match("lab:total_bilirubin:x ULN")
    assert widget("lab:total_bilirubin:x ULN") is None


def test_every_question_on_the_bundled_corpus_has_a_widget_or_the_doctor_fallback() -> None:
    for profile in (PatientProfile.model_validate(EXAMPLE), PatientProfile()):
        report = matcher.match(profile, bundled_trials(), as_of=date(2026, 11, 20))
        for q in report.to_dict()["questions"]:
            assert widget(q["key"]) is not None or DOCTOR_ONLY.match(q["key"]), q["key"]


def _matches(profile: dict) -> dict:
    report = matcher.match(
        PatientProfile.model_validate(profile), bundled_trials(), as_of=date(2026, 11, 20)
    )
    return report.to_dict()


def test_yes_to_a_registered_condition_adds_it_to_the_conditions() -> None:
    updated = apply(EXAMPLE, "condition:covid19", "true")
    assert updated["conditions"] == ["hypertension", "type 2 diabetes", "COVID-19"]
    assert apply(updated, "condition:covid19", "true") == updated  # not added twice
    before = {q["key"] for q in _matches(EXAMPLE)["questions"]}
    after = {q["key"] for q in _matches(updated)["questions"]}
    assert "condition:covid19" in before and "condition:covid19" not in after


def test_active_or_not_settles_the_activity_question() -> None:
    key = "condition_active:hypertension"
    assert key in {q["key"] for q in _matches(EXAMPLE)["questions"]}
    for value, written in (("true", "hypertension (active)"), ("false", "hypertension (inactive)")):
        updated = apply(EXAMPLE, key, value)
        assert updated["conditions"][0] == written
        assert key not in {q["key"] for q in _matches(updated)["questions"]}


def test_condition_year_and_therapy_end_are_checked() -> None:
    assert apply(EXAMPLE, "condition_when:type2_diabetes", "2019")["conditions"][1] == (
        "type 2 diabetes (2019)"
    )
    with pytest.raises(ValueError, match="not a year"):
        apply(EXAMPLE, "condition_when:type2_diabetes", "19")
    with pytest.raises(ValueError, match="no condition 'asthma'"):
        apply(EXAMPLE, "condition_active:asthma", "true")
    assert apply(EXAMPLE, "therapy_end:oxaliplatin", "2026-09-01")["therapies"][0]["end"] == (
        "2026-09-01"
    )
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        apply(EXAMPLE, "therapy_end:FOLFIRINOX", "last spring")


def test_a_grade_answer_settles_the_grade_question() -> None:
    """ "Grade ≥2 peripheral neuropathy" asks the grade of a neuropathy recorded without it;
    the answer is written into the condition and read back by the matcher. A metastatic GEJ
    adenocarcinoma: NCT05913115 (gastric/GEJ, "Peripheral sensory neuropathy >= grade 2")
    stays open for it, as it no longer does for the pancreatic example."""
    gej = {
        "condition": "gastroesophageal junction adenocarcinoma",
        "histology": "adenocarcinoma",
        "histologically_confirmed": True,
        "extent": "metastatic",
        "status": "progressing",
    }
    profile = {**EXAMPLE, "diagnoses": [gej], "conditions": ["peripheral neuropathy"]}
    key = "condition_grade:peripheral_neuropathy"
    assert key in {q["key"] for q in _matches(profile)["questions"]}
    updated = apply(profile, key, "1")
    assert updated["conditions"] == ["peripheral neuropathy (grade 1)"]
    assert key not in {q["key"] for q in _matches(updated)["questions"]}
    with pytest.raises(ValueError, match="not a CTCAE grade"):
        apply(profile, key, "5")


def test_therapies_and_her2_answers_validate_as_a_profile() -> None:
    none = apply({}, "therapies", "none")
    assert none["therapies"] == []
    listed = apply(EXAMPLE, "therapies", "gemcitabine, FOLFIRINOX")
    assert [t["name"] for t in listed["therapies"]] == ["FOLFIRINOX", "gemcitabine"]
    her2 = apply(EXAMPLE, "biomarker:HER2:IHC", "2:positive")
    PatientProfile.model_validate(her2)
    assert her2["biomarkers"][-2:] == [
        {"name": "HER2", "value": 2, "scoring": "IHC"},
        {"name": "HER2", "result": "positive", "scoring": "ISH"},
    ]


def test_brain_metastases_state_replaces_the_brain_site() -> None:
    profile = {
        **EXAMPLE,
        "diagnoses": [{**EXAMPLE["diagnoses"][0], "metastatic_sites": ["liver", "brain"]}],
    }
    stable = apply(profile, "brain_metastases:state", "stable")
    assert stable["diagnoses"][0]["metastatic_sites"] == [
        "liver",
        "brain (treated, stable, asymptomatic)",
    ]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(), engine=Engine()))


def test_the_yes_only_widget_is_rendered_and_answers_through_the_page(client: TestClient) -> None:
    profile_json = json.dumps(EXAMPLE)
    r = client.post(
        "/results/answer",
        data={"profile_json": profile_json, "key": "condition:covid19", "value": "true"},
    )
    assert r.status_code == 200
    assert "COVID-19" in r.text  # the updated profile travels in the next forms
    assert "Do you have COVID-19?" not in r.text
