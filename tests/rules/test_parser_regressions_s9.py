"""Criteria-reading mistakes found by the session 9 audit (recurrent BRCA1 ovarian cancer after
platinum, PLD and olaparib; extensive-stage small-cell lung cancer after carboplatin, etoposide
and atezolizumab with treated brain metastases; ``tests/data/letters/``). Each test is a
trial's own sentence (bundled records where the NCT id is bundled) and a short variant.
"""

from __future__ import annotations

from functools import cache

import pytest

from rules.corpus import bundled_trials
from rules.criteria import parse_criteria, parse_trial


@cache
def _trials():
    return {t.nct_id: t for t in bundled_trials()}


def _crit(nct: str, starts: str):
    return next(c for c in parse_trial(_trials()[nct]) if c.text.startswith(starts))


def _one(text: str, header: str = "Exclusion Criteria:"):
    return parse_criteria(f"{header}\n* {text}")[0]


# -- how the cancer answered platinum is no platinum therapy, and no refractory disease --------


@pytest.mark.parametrize(
    "text",
    [
        "Patients who have platinum resistant or refractory disease",  # NCT02282020
        "Participants with primary platinum-refractory disease",  # NCT02631876
        "Disease refractory to platinum",
    ],
)
def test_platinum_response_is_a_clinicians_reading(text):
    c = _one(text)
    assert (c.kind, c.params.get("topic")) == ("other", "platinum_sensitivity")


def test_non_platinum_names_no_platinum():
    # NCT01968213: "no more than 1 non-platinum chemotherapy regimen" excluded platinum
    c = _one("Received no more than 1 non-platinum chemotherapy regimen.", "Inclusion Criteria:")
    assert "platinum" not in c.params.get("classes", [])


def test_relapsed_disease_is_still_read_beside_a_platinum_word():
    c = _one("Relapsed or refractory ovarian cancer", "Inclusion Criteria:")
    stage = next(p["params"] for p in c.params["all_of"] if p["kind"] == "stage")
    assert stage.get("relapsed_refractory") is True


# -- a reaction to a drug is not having had it as a history to count ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Known history of sensitivity to taxanes or drugs containing Cremophor",  # NCT02244502
        "No prior unmanageable reaction to paclitaxel",  # NCT00005046
        "Prior unanticipated severe reaction to bevacizumab.",  # NCT00426829
        "History of sensitivity to heparin",  # NCT02711462
    ],
)
def test_a_reaction_or_sensitivity_is_an_allergy(text):
    c = _one(text)
    assert (c.kind, c.params.get("topic")) == ("other", "allergy")


# -- drug classes -----------------------------------------------------------------------------


def test_topoisomerase_i_is_its_own_class():
    c = _crit("NCT06480136", "Previous receipt of any drug containing a topoisomerase I")
    assert c.kind == "prior_therapy"
    assert "topoisomerase_i_inhibitor" in c.params["classes"]
    assert "topoisomerase_inhibitor" not in c.params["classes"]
    assert _one("Prior topoisomerase II inhibitors").params["classes"] == [
        "topoisomerase_ii_inhibitor"
    ]


@pytest.mark.parametrize(
    ("text", "classes", "drugs"),
    [
        (
            "Prior exposure to FR-targeted therapy (EC145, EC0225, farletuzumab, etc)",
            ["folate_receptor_targeted"],
            [],
        ),  # NCT00722592: was any targeted therapy
        (
            "In the previous treatment, there was no antivascular targeted therapy;",
            ["anti_angiogenic"],
            [],
        ),  # NCT04348032: was any targeted therapy
        (
            "No prior paclitaxel albumin-stabilized nanoparticle formulation (Abraxane)",
            [],
            ["nab_paclitaxel"],
        ),  # NCT00499252: was paclitaxel too
    ],
)
def test_named_classes(text, classes, drugs):
    c = _one(text, "Inclusion Criteria:")
    assert c.kind == "prior_therapy"
    assert (c.params["classes"], c.params["drugs"]) == (classes, drugs)


# -- recurrent brain metastases are active ones --------------------------------------------------


def test_recurrent_brain_metastases_are_active():
    c = _crit("NCT03801200", ". Patients with recurrent brain metastases")
    assert (c.kind, c.params["state"]) == ("cns_metastases", "active")
    assert _one("Recurrent CNS metastases").params["state"] == "active"
    assert _one("Brain metastases").params["state"] == "any"
