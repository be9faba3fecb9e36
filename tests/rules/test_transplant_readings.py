"""Transplant criteria read for a patient after an allogeneic stem-cell transplant (the AML
letter): the kind of transplant counts, and fitness for one is not having had one."""

from __future__ import annotations

import pytest

from rules.criteria import classify


@pytest.mark.parametrize(
    ("text", "kind", "params"),
    [
        # NCT05086315, NCT05712278: corneal is an example of the solid organ transplant
        (
            "History of solid organ transplant, including corneal transplant.",
            "comorbidity",
            {"classes": ["solid_organ_transplant"], "conditions": []},
        ),
        # NCT05901974: a bone marrow transplant is the carve-out
        (
            "Patients who have received organ transplants (excepting bone marrow transplantation).",
            "comorbidity",
            {"classes": ["solid_organ_transplant"], "conditions": []},
        ),
        # NCT04789655: an autologous one, not any stem-cell transplant
        (
            "Participants with prior autologous hematopoietic stem cell transplant who have not "
            "fully recovered",
            "comorbidity",
            {"classes": [], "conditions": ["autologous_hsct"]},
        ),
    ],
)
def test_the_kind_of_transplant(text, kind, params):
    got_kind, got, *_ = classify(text, "exclusion")
    assert got_kind == kind
    assert {k: got[k] for k in params} == params


def test_fitness_for_a_transplant_is_not_having_had_one():
    # NCT04547049 inclusion
    assert classify("No other contraindications for HSCT", "inclusion")[:2] == (
        "other",
        {"topic": "contraindication"},
    )


def test_an_unqualified_generic_transplant_still_counts():
    assert classify("History of transplant", "exclusion")[1]["classes"] == ["transplant"]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # NCT04811560, NCT04789655 (AML letter: transplant 8 months ago), NCT01136499
        (
            "Received prior treatment with allogenic bone marrow or stem cell transplant \\<=3 "
            "months before the first dose",
            0.25,
        ),
        (
            "Prior allogeneic HSCT with either standard or reduced intensity conditioning ≤ 6 "
            "months prior to enrollment",
            0.5,
        ),
        ("Acute myocardial infarction (MI) ≤ 3 months prior to starting study drug,", 0.25),
        ("Active infection ≤5 days prior to registration.", 0.01),
    ],
)
def test_a_bounded_time_before_is_the_window(text, years):
    assert classify(text, "exclusion")[1]["within"] == {"op": "<=", "value": years, "unit": "years"}


@pytest.mark.parametrize(
    "text",
    [
        "Myocardial infarction more than 6 months prior to enrollment",  # an older one
        "Type 2 diabetes, taking metformin for 3 months prior to screening",  # a duration
    ],
)
def test_no_window_without_an_upper_bound(text):
    assert "within" not in classify(text, "exclusion")[1]


def test_the_last_transplant_is_the_autologous_one():
    # NCT04789655: "(eg, transplant-related side effects)" is no other transplant
    text = (
        "Participants with prior autologous hematopoietic stem cell transplant who, in the "
        "investigator's judgment, have not fully recovered from the effects of the last "
        "transplant (eg, transplant-related side effects)."
    )
    assert classify(text, "exclusion")[1]["conditions"] == ["autologous_hsct"]
    assert classify(text, "exclusion")[1]["classes"] == []


def test_a_generic_alternative_stays():
    assert classify("Atrial fibrillation or severe arrhythmia", "exclusion")[1]["classes"] == [
        "arrhythmia"
    ]


@pytest.mark.parametrize(
    ("text", "kind", "params"),
    [
        # NCT00493155 (helper A's ovarian audit over the 18k): the bracket says what "not
        # amenable to curative treatment" means; it is not "not advanced or metastatic"
        (
            "Histologically confirmed cancer not amenable to curative treatment (ie advanced "
            "and/or metastatic)",
            "stage",
            {"extent": ["metastatic", "advanced"]},
        ),
        # NCT00502567 (18k): measurable disease required, not excluded
        (
            "histologically confirmed metastatic cancer that is not amenable to surgery or "
            "radiation therapy with curative intent  measurable lesion by CT",
            "measurable_disease",
            {},  # required (it had been "negated": true)
        ),
    ],
)
def test_not_amenable_negates_nothing_after_it(text, kind, params):
    got_kind, got, *_ = classify(text, "inclusion")
    assert (got_kind, got) == (kind, params)
