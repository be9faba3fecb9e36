"""Biomarker variants named before the gene or in capitals, from bundled NSCLC records read
against a lung cancer letter (EGFR exon 19 deletion, after osimertinib)."""

from __future__ import annotations

import pytest

from rules.criteria import parse_criteria


@pytest.mark.parametrize(
    ("nct", "text", "variants"),
    [
        # NCT02759614 (exclusion): before, any EGFR-positive patient was ruled out
        (
            "NCT02759614",
            "Exclusion Criteria:\n- A positive result for the exon 20 T790M mutation from any "
            "high-sensitivity EGFR mutation test such as digital PCR using tumor tissue or cells.",
            ["T790M"],
        ),
        # NCT05078931: "DEL19" in capitals was not read, so exon 19 deletion did not count
        (
            "NCT05078931",
            "Inclusion Criteria:\n- Have confirmation with sensitizing EGFR mutations, either "
            "DEL19 or L858R",
            ["exon 19 deletion", "L858R"],
        ),
        # PM 2018 melanoma trial NCT02178722
        (
            "NCT02178722",
            "Inclusion Criteria:\n- Documentation of V600E-activating BRAF mutation status.",
            ["V600E"],
        ),
    ],
)
def test_variants_before_the_gene_and_in_capitals(nct: str, text: str, variants: list) -> None:
    (c,) = parse_criteria(text, nct_id=nct)
    assert c.kind == "biomarker"
    assert c.params["variants"] == variants


def test_a_negative_pregnancy_without_the_word_test_is_not_a_pregnancy_requirement() -> None:
    # NCT04204473: "Female subjects have a negative urine or serum pregnancy." ruled out men
    (c,) = parse_criteria(
        "Inclusion Criteria:\n- Female subjects have a negative urine or serum pregnancy.",
        nct_id="NCT04204473",
    )
    assert c.kind == "pregnancy" and c.params.get("negated") is True


def test_an_age_that_scopes_a_performance_score_is_no_age_limit() -> None:
    # NCT04714372 (bundled AML trial): a 71-year-old was ruled out by "age 12-16 years"
    (c,) = parse_criteria(
        "Inclusion Criteria:\n- Karnofsky performance status of 80-100% for 16 years and older "
        "or Lansky Play Score of 80-100 for ≥12 and \\< 16 years of age",
        nct_id="NCT04714372",
    )
    assert c.kind == "performance_status"
    assert c.params["scale"] == "Karnofsky"


def test_serious_qualifies_a_class_of_diseases() -> None:
    # NCT06480136 (bundled NSCLC trial) "Have serious cardiovascular and cerebrovascular
    # diseases;" ruled out any patient with hypertension (a kind of cardiovascular disease)
    (c,) = parse_criteria(
        "Exclusion Criteria:\n- Have serious cardiovascular and cerebrovascular diseases;",
        nct_id="NCT06480136",
    )
    assert c.kind == "comorbidity" and c.params.get("qualified") is True
    assert c.confidence < 0.8  # read, but not sure enough to rule out on a class member


def test_including_but_not_limited_to_carves_nothing_out() -> None:
    # NCT06097962 (bundled): "... including but not limited to myocardial infarction" read
    # "but not" as an exception, so myocardial infarction itself was carved out
    (c,) = parse_criteria(
        "Exclusion Criteria:\n- History of serious cardiovascular and cerebrovascular diseases, "
        "including but not limited to myocardial infarction",
        nct_id="NCT06097962",
    )
    assert "exceptions" not in c.params
    assert "myocardial_infarction" in c.params["conditions"]
    (d,) = parse_criteria("Exclusion Criteria:\n- Cardiovascular disease, but not hypertension")
    assert d.params["exceptions"] == ["hypertension"]


def test_negative_results_listed_together_are_all_required() -> None:
    # NCT02613221 (PM 2018): "KRAS/NRAS wild-type" asks for both genes wild type
    (c,) = parse_criteria(
        "Inclusion Criteria:\n- Participants classified as KRAS/NRAS wild-type by KRAS/NRAS "
        "testing.",
        nct_id="NCT02613221",
    )
    got = [(p["params"]["biomarker"], p["params"]["result"]) for p in c.params["all_of"]]
    assert sorted(got) == [("KRAS", "negative"), ("NRAS", "negative")]
    (d,) = parse_criteria("Inclusion Criteria:\n- KRAS G12C mutation; EGFR wild type")
    assert [p["params"]["biomarker"] for p in d.params["all_of"]] == ["KRAS", "EGFR"]
    (e,) = parse_criteria("Exclusion Criteria:\n- Known EGFR mutation or ALK rearrangement")
    assert "any_of" in e.params


def test_genes_listed_before_one_result_share_it() -> None:
    # "KRAS, NRAS or BRAF mutation" was read as a BRAF mutation alone, so a KRAS-mutant
    # patient whose BRAF was wild type failed it
    (c,) = parse_criteria("Inclusion Criteria:\n- KRAS, NRAS or BRAF mutation")
    assert [p["params"]["biomarker"] for p in c.params["any_of"]] == ["KRAS", "NRAS", "BRAF"]
    assert all(p["params"]["result"] == "positive" for p in c.params["any_of"])
    (d,) = parse_criteria("Exclusion Criteria:\n- Known EGFR, ALK or ROS1 alterations")
    assert [p["params"]["biomarker"] for p in d.params["any_of"]] == ["EGFR", "ALK", "ROS1"]
