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
