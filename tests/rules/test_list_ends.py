"""Where an "Any of the following" list ends (issue 5, 2026-11-21).

NCT00093756 lists its exclusions under a bare "Contraindications" line; read as more
inclusion items, "Any of the following prior therapies:" became a k = 1 list that ran on
over "New York Heart Association classification III or IV" and "uncontrolled infection"
(alternatives, confidence 0.6), and "Pregnant wome" became a requirement. Texts are real
ClinicalTrials.gov records, abridged (NCT id at each).
"""

from __future__ import annotations

from datetime import date

from matcher import evaluate_trial
from profiles.model import PatientProfile
from rules.criteria import parse_criteria
from rules.criteria.segment import segment
from rules.trial import Trial

# NCT00093756 (abridged: 8 of 26 inclusion items, the whole contraindications list)
_NCT00093756 = (
    "Inclusion Criteria:\n\n"
    "* Histologically or cytologically confirmed non-small cell lung cancer (NSCLC)\n\n"
    "* Locally advanced stage IIIA or IIIB disease that is considered unresectable\n\n"
    "* Performance status (PS) - Eastern Cooperative Oncology Group (ECOG) 0-1\n\n"
    "* Not pregnant or nursing\n\n"
    "* No New York Heart Association class III or IV heart disease\n\n"
    "* No uncontrolled infection\n\n"
    "* No prior radiotherapy to the chest\n\n"
    "* More than 2 weeks since prior major surgery\n\n"
    "Contraindications\n\n"
    "* Any of the following:\n\n"
    "* Pregnant wome\n\n"
    "* Nursing women\n\n"
    "* Men or women of childbearing potential or their sexual partners who are unwilling to "
    "employ adequate contraception (condoms, diaphragm, birth control pills, injections, "
    "intrauterine device [IUD], or abstinence, etc.) as this regimen may be harmful to a "
    "developing fetus or nursing child\n\n"
    "* Any of the following prior therapies:\n\n"
    "* Prior radiation therapy to the chest\n\n"
    "* Prior systemic chemotherapy for NSCLC (phase II portion)\n\n"
    "* New York Heart Association classification III or IV (see Appendix II).\n\n"
    "* Any other severe underlying diseases which are, in the judgment of the investigator, "
    "inappropriate for entry into this study.\n\n"
    "* uncontrolled infection.\n\n"
    "* Major surgery or unhealed wound ≤ 2 weeks prior to registration.\n\n"
    "* Peripheral neuropathy ≥grade 2"
)

# NCT00387348 (TREC PM 2017; abridged: 4 of 9 cancers)
_NCT00387348 = (
    "DISEASE CHARACTERISTICS:\n\n"
    "* Diagnosis of any of the following for at least 4 weeks:\n\n"
    "* Stage IIIB (with effusions) or stage IV non-small cell lung cancer\n\n"
    "* Extensive stage small cell lung cancer\n\n"
    "* Stage III or IV pancreatic cancer\n\n"
    "* Second line stage IV colorectal cancer\n\n"
    "* Meets diagnostic and Statistical Manual of Mental Disorders-4th Edition and Endicott "
    "criteria for major depressive disorder\n\n"
    "* Duration of depressive symptoms ≥ 4 weeks\n\n"
    "* Hamilton Depression D 17 (HAM-D 17) Scale ≥ 14\n\n"
    "* No active suicidality requiring immediate care or psychiatric hospitalization\n\n"
    "PATIENT CHARACTERISTICS:\n\n"
    "* Able to swallow pills\n"
)

# NCT00343382 (abridged): "Contraindications:" heads the exclusions of a line-per-item record
_NCT00343382 = (
    "Required Characteristics:\n"
    "  Life expectancy > 6 months\n"
    "  Contraindications:\n"
    "  Active vaginal infection\n"
)


def _by_text(crits, start):
    return next(c for c in crits if c.text.startswith(start))


def test_contraindications_line_heads_the_exclusion_list():
    crits = parse_criteria(_NCT00093756, nct_id="NCT00093756")
    assert not any(c.text == "Contraindications" for c in crits)  # a header, not an item
    after = crits[crits.index(_by_text(crits, "Any of the following:")) :]
    assert {c.polarity for c in after} == {"exclusion"}
    assert _by_text(crits, "Pregnant wome").kind == "pregnancy"
    before = crits[: crits.index(after[0])]
    assert {c.polarity for c in before} == {"inclusion"}


def test_items_after_prior_therapies_are_standing_exclusions():
    crits = parse_criteria(_NCT00093756, nct_id="NCT00093756")
    for start in ("Prior radiation therapy", "New York Heart Association classification"):
        c = _by_text(crits, start)
        assert c.parent is None and c.confidence >= 0.8, (start, c.parent, c.confidence)
    nyha = _by_text(crits, "New York Heart Association classification")
    assert nyha.kind == "comorbidity" and nyha.polarity == "exclusion"
    assert _by_text(crits, "uncontrolled infection.").parent is None


def test_contraindicated_patient_is_ruled_out_and_others_are_not():
    trial = Trial(nct_id="NCT00093756", eligibility_criteria=_NCT00093756)
    base = {
        "sex": "male",
        "diagnoses": [{"condition": "non-small cell lung cancer", "stage": "IIIA"}],
        "ecog": 1,
    }
    as_of = date(2026, 11, 20)
    plain = evaluate_trial(PatientProfile(**base), trial, as_of=as_of)
    assert plain.verdict != "ineligible"  # "Pregnant wome" is no requirement of a man
    sick = PatientProfile(**base, conditions=["New York Heart Association class III heart failure"])
    match = evaluate_trial(sick, trial, as_of=as_of)
    assert match.verdict == "ineligible"
    assert any(
        o.status == "not_met" and o.criterion.text.startswith("New York Heart Association class")
        for o in match.outcomes
    )


def test_list_of_cancers_ends_before_the_depression_criteria():
    crits = parse_criteria(_NCT00387348, nct_id="NCT00387348")
    head = _by_text(crits, "Diagnosis of any of the following")
    members = [c for c in crits if c.parent == head.id]
    assert [c.text for c in members][-1] == "Second line stage IV colorectal cancer"
    assert all(c.confidence <= 0.6 for c in members)
    for start in ("Meets diagnostic", "Duration of depressive", "Hamilton", "No active suicid"):
        assert _by_text(crits, start).parent is None, start


def test_contraindications_colon_line_in_an_indented_record():
    items = segment(_NCT00343382)
    pol = {_NCT00343382[i.start : i.end].split("\n")[0]: i.polarity for i in items}
    assert pol.get("Active vaginal infection") == "exclusion"


def test_a_contraindication_item_is_no_header():
    text = "Exclusion Criteria:\n\n* Contraindication to MRI\n\n* Contraindications for MRI"
    items = segment(text)
    assert [text[i.start : i.end] for i in items] == [
        "Contraindication to MRI",
        "Contraindications for MRI",
    ]
    text = "Inclusion Criteria:\n\n* Age 18 or over\n\n* Contraindications to corticosteroids."
    assert [i.polarity for i in segment(text)] == ["inclusion", "inclusion"]
