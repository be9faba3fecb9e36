"""Criteria-reading mistakes found by a user audit on blood cancers (session 7, 2026-11-21).

Two referral letters (relapsed DLBCL after R-CHOP and R-GemOx; relapsed/refractory myeloma
after VRd, ASCT, lenalidomide and DPd) were matched over the bundled corpus and every
rule-out was read against the trial's own words. Each test below is one of those trials'
sentences (real records from ``rules/data/bundled``) with what it says and what it does not.
"""

from __future__ import annotations

import pytest

from tests.rules.readings import bundled, criterion, one_item


def _sure_ruleout(c) -> bool:
    return c.confidence >= 0.8


# -- 1. "recurrent"/"refractory"/"stage" qualifying another illness are no disease extent -----


@pytest.mark.parametrize(
    ("nct", "starts"),
    [
        ("NCT05814159", "Known presence or suspicion of active, chronic, or recurrent"),
        ("NCT05907980", "Uncontrolled pleural effusion, pericardial effusion, or ascites"),
        ("NCT05925803", "Known active current or history of recurrent infections"),
        ("NCT03895671", "Stage II to IV congestive heart failure"),
        ("NCT03058094", "Any unstable system disease including refractory hypertension"),
        ("NCT03801200", ". Current clinically relevant cardiovascular disease"),
    ],
)
def test_extent_words_of_another_illness_are_no_stage(nct, starts):
    c = criterion(nct, starts)
    assert c.kind != "stage"
    assert "stage" not in str(c.params)


def test_progressed_or_recurred_is_a_recurrent_extent_nct02576665():
    c = criterion(
        "NCT02576665", "Patient has an advanced malignancy that has progressed or recurred"
    )
    assert c.kind == "stage"
    assert "recurrent" in c.params["extent"]


@pytest.mark.parametrize(
    "text",
    [
        "Patients with newly diagnosed or relapsed AML",
        "Newly diagnosed, relapsed or refractory AML",
    ],
)
def test_newly_diagnosed_or_relapsed_requires_neither(text):
    c = one_item(text, "Inclusion Criteria:")
    assert "recurrent" not in str(c.params) and "relapsed_refractory" not in str(c.params)


def test_regardless_of_whether_recurrent_is_no_requirement_nct05863234():
    c = criterion("NCT05863234", "Patients diagnosed with ANKL")
    assert c.kind not in ("stage", "performance_status")


def test_relapsed_refractory_myeloma_still_reads_as_relapsed():
    c = one_item("Relapsed or refractory multiple myeloma", "Inclusion Criteria:")
    stage = next(p["params"] for p in c.params["all_of"] if p["kind"] == "stage")
    assert stage["extent"] == ["recurrent"] and stage["relapsed_refractory"] is True


# -- 2. a number after a performance scale that is an age or an edition ------------------------


def test_lansky_for_participants_under_16_years_is_no_score_nct05521087():
    c = criterion("NCT05521087", "Performance status greater than or equal to")
    assert not (c.kind == "performance_status" and c.params["score"]["value"] == 16)


def test_who_4th_edition_is_no_who_performance_status_nct05863234():
    c = criterion("NCT05863234", "Patients diagnosed with ANKL")
    assert c.kind != "performance_status"


def test_lansky_score_still_read():
    c = one_item("Lansky score of 50 or more", "Inclusion Criteria:")
    assert c.params == {"scale": "Lansky", "score": {"op": ">=", "value": 50.0, "unit": None}}


# -- 3. CNS lesions named only to say how disease is measured ----------------------------------


@pytest.mark.parametrize(
    ("nct", "starts"),
    [
        ("NCT04044170", "Patient has measurable disease, as per the Response"),
        ("NCT04402008", "Patient has measurable NSCLC disease"),
        ("NCT04318938", "At least 1 measurable (i.e., target) lesion"),
        ("NCT03955198", "Patients with 1 to 5 metastases in total"),
    ],
)
def test_cns_lesions_as_measurement_rules_are_no_cns_requirement(nct, starts):
    assert criterion(nct, starts).kind != "cns_metastases"


def test_intracranial_target_lesion_is_still_required_nct04870190():
    c = criterion("NCT04870190", "According to RECIST1.1, the patient has at least 1 intracranial")
    assert c.kind == "cns_metastases"


def test_an_excluded_inside_a_bracket_after_the_target_does_not_negate_it_nct05277701():
    c = criterion("NCT05277701", "At least one measurable lesion by RECIST 1.1")
    assert c.kind == "measurable_disease"
    assert not c.params.get("negated")


# -- 4. an illness's own treatment is no anticancer therapy ------------------------------------


@pytest.mark.parametrize(
    ("nct", "starts"),
    [
        ("NCT05309213", "Within 14 days before enrollment, there were active or uncontrollable"),
        ("NCT06576635", "Active infection requiring systemic therapy within 7 days"),
        ("NCT05993949", "Acute or chronic GVHD requiring systemic treatment within 4 weeks"),
        ("NCT04646330", "Has an active autoimmune disease that has required systemic treatment"),
    ],
)
def test_illness_requiring_systemic_treatment_is_no_washout(nct, starts):
    c = criterion(nct, starts)
    assert c.kind != "washout"
    assert not c.params.get("any_anticancer")


def test_systemic_treatment_to_prevent_gvhd_is_no_anticancer_therapy_nct05406817():
    c = criterion("NCT05406817", "Any concurrent systemic treatment to prevent GVHD")
    assert c.kind not in ("prior_therapy", "comorbidity")


def test_washout_of_anticancer_therapy_still_read():
    c = one_item(
        "Has received prior systemic anti-cancer therapy within 4 weeks prior to allocation"
    )
    assert c.kind == "washout" and c.params["any_anticancer"] is True


# -- 5. prior-therapy readings --------------------------------------------------------------


def test_adverse_events_of_prior_therapy_are_toxicity_recovery_nct05466149():
    c = criterion("NCT05466149", "AEs from prior anticancer therapy that have not resolved")
    assert c.kind == "other" and c.params["topic"] == "toxicity_recovery"


def test_trop2_targeted_therapy_is_not_any_targeted_therapy_nct06480136():
    c = criterion("NCT06480136", "Previous receipt of TROP2-targeted therapy")
    assert "targeted_therapy" not in str(c.params)


def test_anti_kras_targeted_agent_keeps_the_named_drugs_nct05651269():
    c = criterion("NCT05651269", "Previous treatment with sotorasib")
    assert c.kind == "prior_therapy"
    assert c.params["drugs"] == ["sotorasib", "gemcitabine"]
    assert c.params["classes"] == [] and c.params["targets"] == ["KRAS"]


def test_drugs_after_other_than_and_except_are_carve_outs_nct05406817():
    c = criterion("NCT05406817", "Any commercially available or investigational antileukemic")
    assert c.params["drugs"] == [] and c.params["classes"] == []
    assert c.params["any_anticancer"] is True
    assert "hydroxyurea" in " ".join(c.params["exceptions"])
    assert not _sure_ruleout(c)  # a history cannot be checked against the carve-outs


def test_prior_targeted_therapy_still_read():
    c = one_item("Prior targeted therapy")
    assert c.kind == "prior_therapy" and c.params["classes"] == ["targeted_therapy"]


# -- 6. comorbidities with a control or severity qualifier ----------------------------------


@pytest.mark.parametrize(
    ("nct", "starts"),
    [
        ("NCT06097962", "Clinically uncontrollable hypertension"),
        ("NCT06382129", "Hypertension poorly controlled by two antihypertensive drugs"),
        ("NCT05682924", "the presence of hypertension III degree"),
        ("NCT04835519", "Patients with uncontrollable diabetes"),
        ("NCT04007835", "Decompensated diabetes mellitus"),
    ],
)
def test_qualified_hypertension_or_diabetes_is_not_any(nct, starts):
    c = criterion(nct, starts)
    assert c.kind == "comorbidity"
    assert c.params.get("active") or not _sure_ruleout(c)


def test_intracranial_hypertension_is_not_hypertension_nct04835519():
    c = criterion("NCT04835519", "Intracranial hypertension or disorder of consciousness")
    assert c.params["conditions"] == ["intracranial_hypertension"]


@pytest.mark.parametrize(
    ("nct", "starts"),
    [
        ("NCT04272125", "Subjects with positive HBsAg or HBcAb positive"),
        ("NCT05739409", "Subjects with positive hepatitis B surface antigen"),
        ("NCT05879978", "Presence of hepatitis B core (HBc) antibody together with"),
    ],
)
def test_hepatitis_defined_by_viral_load_is_not_a_sure_ruleout(nct, starts):
    c = criterion(nct, starts)
    assert c.kind == "comorbidity" and c.params.get("qualified") is True
    assert not _sure_ruleout(c)


def test_plain_hepatitis_b_and_hypertension_still_sure():
    assert _sure_ruleout(one_item("Hepatitis B")) and one_item("Hepatitis B").kind == "comorbidity"
    c = one_item("Uncontrolled hypertension")
    assert c.params["conditions"] == ["hypertension"] and c.params["active"] is True


def test_hcv_rna_positive_alone_stays_a_sure_ruleout():
    # TREC 2021 NCT03939013 exc-1: a patient with chronic hepatitis C has it
    c = one_item(
        "Confirmed HCV RNA positive result (chronic HCV infection) prior to study recruitment"
    )
    assert c.params["conditions"] == ["hepatitis_c"] and _sure_ruleout(c)
    assert not c.params.get("qualified")


def test_recurrent_arrhythmia_in_a_no_item_is_no_stage():
    # TREC 2021 NCT00006021 inc-26 ruled out a myeloma patient "with recurrent disease"
    c = one_item(
        "No cardiac arrhythmias including recurrent supraventricular arrhythmia, any type of "
        "sustained ventricular arrhythmia",
        "Inclusion Criteria:",
    )
    assert c.kind == "comorbidity" and "extent" not in str(c.params)


def test_autoimmune_disease_requiring_immunosuppressants_needs_both_nct05507827():
    # it ruled out a lymphoma patient for the prednisone of R-CHOP
    c = criterion("NCT05507827", "Patients with known autoimmune disease requiring the use")
    assert c.kind == "comorbidity"
    ill, therapy = c.params["all_of"]
    assert ill["params"]["classes"] == ["autoimmune_disease"]
    assert therapy == {
        "kind": "prior_therapy",
        "params": {"drugs": [], "classes": ["immunosuppressant"]},
    }


def test_illness_requiring_a_drug_within_a_window_needs_both():
    # NCT00276406 (18k corpus): a COPD patient never on systemic steroids is not excluded
    c = one_item(
        "Asthma or chronic obstructive pulmonary disease requiring systemic steroids in the "
        "previous 3 years (inhaled steroids acceptable)"
    )
    ill, therapy = c.params["all_of"]
    assert ill["params"]["conditions"] == ["asthma", "copd"]
    assert therapy["kind"] == "washout" and "corticosteroid" in therapy["params"]["classes"]


def test_ailments_treated_with_glucocorticoids_is_no_steroid_history_alone_nct03799601():
    c = criterion("NCT03799601", "Decompensated diabetes or other ailments treated with high doses")
    assert c.kind == "comorbidity"
    assert [x["kind"] for x in c.params["all_of"]] == ["comorbidity", "prior_therapy"]


def test_a_lymphoma_patient_after_r_chop_is_not_excluded_for_autoimmune_treatment():
    from datetime import date

    from matcher import evaluate_trial
    from profiles.model import PatientProfile

    profile = PatientProfile(
        conditions=["hypertension"],
        therapies=[
            {
                "name": "R-CHOP",
                "drugs": [
                    "rituximab",
                    "cyclophosphamide",
                    "doxorubicin",
                    "vincristine",
                    "prednisone",
                ],
                "kind": "chemotherapy",
                "start": "2024-03",
                "end": "2024-07",
            }
        ],
    )
    m = evaluate_trial(profile, bundled()["NCT05507827"], as_of=date(2026, 11, 20))
    out = next(o for o in m.outcomes if o.criterion.id == "exc-14")
    assert out.status == "met"


def test_investigational_immunosuppressants_are_not_any_nct05921903():
    c = criterion("NCT05921903", "Use of investigational and non-registered immunosuppressants")
    assert not _sure_ruleout(c)
    assert _sure_ruleout(one_item("Prior anti-PD-1 therapy"))


def test_currently_treated_with_an_antidepressant_stays_current_therapy():
    # TREC 2021 NCT00844194 exc-1: the item names the medication the patient takes
    c = one_item(
        "Have already a diagnosis of Depression and are currently treated with an "
        "antidepressant medication for depression"
    )
    assert c.kind == "prior_therapy" and c.params["current"] is True


def test_hypothyroidism_requiring_replacement_is_not_active_disease():
    # TREC 2021 NCT01862510 inc-1: a patient with treated hypothyroidism has it
    c = one_item(
        "Patients with the diagnosis of hypothyroidism that require thyroid replacement therapy.",
        "Inclusion Criteria:",
    )
    assert c.params["conditions"] == ["hypothyroidism"] and not c.params.get("active")


# -- 7. third pass: tissue sources, other illnesses' stages, list headers ----------------------


@pytest.mark.parametrize(
    ("nct", "starts"),
    [
        ("NCT06382129", "Consent to provide archival tumor tissue samples"),  # "metastatic lesions"
        ("NCT05850520", "Macular hole of stage 2 and above"),  # ruled out a stage II myeloma
        ("NCT06480136", "Refractory nausea, vomiting"),
    ],
)
def test_no_disease_stage_or_extent(nct, starts):
    c = criterion(nct, starts)
    assert c.kind != "stage" and "stages" not in str(c.params) and "extent" not in str(c.params)


def test_stage_of_the_disease_before_another_word_still_read():
    c = one_item("Patients with stage II-IV disease and pain", "Inclusion Criteria:")
    assert c.kind == "stage" and c.params["stages"] == ["II", "III", "IV"]


@pytest.mark.parametrize(
    ("nct", "starts"),
    [
        ("NCT06032936", "Treatment with any of the following anti-cancer therapies"),
        ("NCT02724163", "Inclusion criteria for treatment with gemtuzumab ozogamicin"),
    ],
)
def test_a_therapy_list_header_is_no_therapy_history(nct, starts):
    c = criterion(nct, starts)
    assert c.kind == "other" and c.params["topic"] == "list_header"


def test_a_list_with_its_drug_named_is_still_read():
    c = one_item("Prior chemotherapy with any of the following: cisplatin")
    assert c.kind == "prior_therapy" and c.params["drugs"] == ["cisplatin"]


def test_neuropathy_limiting_balance_is_not_any_neuropathy_nct05835856():
    c = criterion("NCT05835856", "Painful arthritis, spinal stenosis")
    assert c.params.get("qualified") is True and not _sure_ruleout(c)


@pytest.mark.parametrize(
    "text",
    [
        "COPD gold stage I or IV.",  # TREC 2021 NCT00981851 x ct2021-28 (COPD, stage unknown)
        "Stage 3 or 4 chronic kidney disease",
    ],
)
def test_an_illness_of_a_stated_stage_or_class_is_not_any(text):
    c = one_item(text)
    assert c.kind == "comorbidity" and c.params.get("qualified") is True
    assert not _sure_ruleout(c)


def test_a_neutropenia_the_planned_chemotherapy_will_cause_is_no_lab_now_nct05793801():
    # it ruled out both letters (ANC 1.9 and 1.6) for "PMN < 500/mm3"
    c = criterion("NCT05793801", "Patient going on intensive induction chemotherapy")
    assert c.kind != "lab"
    assert one_item("ANC < 500/mm3").kind == "lab"


def test_an_infection_requiring_a_named_drug_keeps_the_drug_window_when_unlisted():
    # 18k corpus NCT02059434: the infection is no vocabulary condition, so the antibiotic
    # window is what can be checked
    c = one_item(
        "Upper respiratory tract infection requiring antibiotics within 4 weeks prior to screening"
    )
    assert c.kind == "washout" and c.params["classes"] == ["antibiotic"]


def test_investigational_or_licensed_is_any_and_stays_sure():
    c = one_item(
        "Prior use of any investigational or licensed anti-angiogenic agent, including thalidomide"
    )
    assert c.kind == "prior_therapy" and _sure_ruleout(c)


def test_a_carve_out_ends_with_its_bracket():
    c = one_item(
        "Any anti cancer treatment within 4 weeks; including radiotherapy (except for single dose "
        "of palliative radiotherapy), chemotherapy, targeted therapy"
    )
    assert "chemotherapy" in c.params["classes"] and "targeted_therapy" in c.params["classes"]
    assert c.params["exceptions"] == ["single dose of palliative radiotherapy"]


def test_a_current_therapy_carve_out_stays_sure():
    # the matcher checks current therapies against the exceptions
    c = one_item(
        "Receiving any concurrent anticancer therapies (except continued hormonal treatment)."
    )
    assert c.params["current"] is True and _sure_ruleout(c)


def test_the_benefit_of_receiving_the_study_drug_is_no_therapy_history():
    """NCT04871997 inclusion "Doctors evaluate the benefits of receiving Anlotinib
    treatment." was read as a required (current) anlotinib, so every patient was ruled out."""
    c = criterion("NCT04871997", "Doctors evaluate the benefits")
    assert c.kind == "other" and c.params.get("topic") == "planned_treatment"
    assert (
        one_item("Prior treatment with pembrolizumab", "Inclusion Criteria:").kind
        == "prior_therapy"
    )


@pytest.mark.parametrize(
    ("text", "drugs", "classes", "setting"),
    [
        # NCT04402008 exc (bundled): an EGFR patient on osimertinib was excluded as "any TKI"
        (
            "Phase 2 : Patient has had previous treatment with poziotinib. The currently "
            "approved tyrosine kinase inhibitors (TKIs) that are not considered to be exon 20 "
            "insertion-selective are permissible",
            ["poziotinib"],
            [],
            None,
        ),
        # NCT00364611 inc-6 and NCT00721630 inc-6 (18k corpus): the sentence after allows
        (
            "No prior chemotherapy for metastatic breast cancer. (Prior endocrine therapy is "
            "permitted).",
            [],
            ["chemotherapy"],
            "metastatic",
        ),
        (
            "No prior fluoropyrimidine in the metastatic setting. Adjuvant fluoropyrimidine is "
            "permitted if >6 months prior to treatment on study",
            [],
            ["fluoropyrimidine"],
            "metastatic",
        ),
    ],
)
def test_therapies_a_later_sentence_allows_are_not_the_criterions(text, drugs, classes, setting):
    c = one_item(text, "Exclusion Criteria:" if "poziotinib" in text else "Inclusion Criteria:")
    assert c.kind == "prior_therapy"
    assert (c.params["drugs"], c.params["classes"]) == (drugs, classes)
    assert c.params.get("setting") == setting


@pytest.mark.parametrize(
    "text",
    [
        "Untreated or relapsed CLL",
        "Relapsed, refractory or previously untreated CLL",
        "relapsed/refractory or newly diagnosed AML",
    ],
)
def test_untreated_or_relapsed_requires_neither(text):
    """A relapsed CLL patient failed "Untreated or relapsed CLL" (read as no prior therapy)."""
    c = one_item(text, "Inclusion Criteria:")
    assert c.kind == "condition" and "all_of" not in c.params, c.params


def test_previously_untreated_alone_still_requires_no_prior_therapy():
    kinds = [
        i["kind"]
        for i in one_item("Previously untreated CLL", "Inclusion Criteria:").params["all_of"]
    ]
    assert kinds == ["condition", "prior_therapy"]
    stage = one_item("Relapsed or refractory AML", "Inclusion Criteria:").params["all_of"][1]
    assert stage["params"].get("relapsed_refractory") is True
