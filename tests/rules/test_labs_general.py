"""Measurements on TREC CT 2021 (issue 5, 2026-11-21): BMI, blood pressure, lab ranges, labs
written "Name: value" in notes, and how sure an item of a record without headers can be.

Criterion texts are excerpts of the real records named in each test; notes are excerpts of the
real TREC CT 2021 patient descriptions (query id given).
"""

from __future__ import annotations

from datetime import date

import pytest

from matcher import evaluate_trial
from profiles.text import extract_profile
from rules.criteria import parse_criteria
from rules.criteria.labs import thresholds
from rules.trial import Trial

AS_OF = date(2026, 11, 20)
# ct2021-29
DIABETIC = (
    "The patient is a 24-year-old man who has had type 1 diabetes for 11 years. His lab studies "
    "showed:\nA1c: 11.3%\nCreatinine: 0.9 mg/dL with eGFR >60 mL/min\n"
    "Aspartate aminotransferase (AST): 17 U/L\nAlanine aminotransferase (ALT): 14 U/L"
)
# ct2021-71
OBESE = (
    "The patient is a 34-year-old obese woman who comes to the clinic with weight concerns. She "
    "is 165 cm tall, and her weight is 113 kg (BMI: 41.5). Her BP: 130/80, HR: 195/min and her "
    "BMI is: 41.54."
)


def _labs(note: str) -> dict[str, tuple[float, str | None]]:
    labs = extract_profile(note).profile.labs or []
    return {lab.name: (lab.value, lab.unit) for lab in labs}


def _limits(text: str, *, last: str = "unit") -> list[tuple[object, ...]]:
    """(analyte, op, value, constraint[last]) of each lab limit read in ``text``."""
    out = []
    for t in thresholds(text):
        c = t.params["constraint"]
        out.append((t.analyte, c["op"], c["value"], c.get(last)))
    return out


def test_labs_written_name_colon_value_are_read_from_notes():
    labs = _labs(DIABETIC)
    assert labs["a1c"] == (11.3, "%")
    assert labs["creatinine"] == (0.9, "mg/dL")
    assert labs["aspartate aminotransferase"] == (17.0, "U/L")
    assert labs["alanine aminotransferase"] == (14.0, "U/L")


def test_bmi_and_blood_pressure_are_read_from_notes():
    labs = _labs(OBESE)
    assert labs["bmi"][1] == "kg/m2"  # the note gives no unit: BMI has only one
    assert labs["bmi"][0] in (41.5, 41.54)
    assert labs["systolic blood pressure"] == (130.0, "mmHg")
    assert labs["diastolic blood pressure"] == (80.0, "mmHg")
    # "HR: 195/min" is a heart rate, no blood pressure
    assert labs["heart_rate"] == (195.0, "/min")
    assert labs["mean_arterial_pressure"] == (96.7, "mmHg")  # (130 + 2 x 80) / 3


@pytest.mark.parametrize(
    ("text", "analyte", "constraint"),
    [
        # NCT00006193 (a record without headers)
        ("BMI 25-40 kg/m2 inclusive", "bmi", ("between", 25.0, 40.0, "kg/m2")),
        # NCT00451321
        ("Body Mass Index (BMI) > 32 at screening", "bmi", (">", 32.0, None, None)),
        # NCT02453685
        ("HbA1c 7.0-9.5 %", "hba1c", ("between", 7.0, 9.5, "%")),
        ("HbA1c between 7% and 10%", "hba1c", ("between", 7.0, 10.0, "%")),
        # NCT02192450: the IFCC unit, not 86 per cent; kept as the NGSP per cent it equals
        ("HbA1c > 86 mmol/mol (10%)", "hba1c", (">", 10.0, None, "%")),
        ("HbA1c 53-75 mmol/mol", "hba1c", ("between", 7.0, 9.0, "%")),
        # NCT00147251: glucose and lipids in mmol/L are kept in the mg/dL notes give
        (
            "fasting plasma glucose >= 7.0 mmol/L (126 mg/dL)",
            "glucose",
            (">=", 126.1, None, "mg/dL"),
        ),
        ("LDL-C >= 2.6 mmol/L", "ldl_c", (">=", 100.5, None, "mg/dL")),
        ("Triglycerides < 3.99 mmol/L", "triglycerides", ("<", 353.4, None, "mg/dL")),
        ("Systolic blood pressure > 160 mmHg", "systolic_bp", (">", 160.0, None, "mmHg")),
    ],
)
def test_lab_ranges_and_general_measurements_are_read(text, analyte, constraint):
    (c,) = parse_criteria(f"Inclusion Criteria:\n- {text}")
    assert c.kind == "lab", (c.kind, c.rule)
    got = c.params["constraint"]
    assert c.params["analyte"] == analyte
    assert (got["op"], got["value"], got.get("value2"), got.get("unit")) == constraint


def test_a_time_window_is_no_lab_range():
    (c,) = parse_criteria(
        "Exclusion Criteria:\n- Hemoglobin transfusion within 2-4 weeks before enrolment"
    )
    assert c.kind != "lab"


def test_one_analytes_ranges_joined_by_or_are_alternatives():
    # NCT01207609 (TREC CT 2021, ct2021-36: BMI 41.54, judged eligible)
    text = "BMI 35-39.9 kg/m2 with one or more severe co-morbid conditions or BMI 40-55 kg/m2"
    (c,) = parse_criteria(f"Inclusion Criteria:\n- {text}")
    assert [alt["params"]["constraint"]["value"] for alt in c.params["any_of"]] == [35.0, 40.0]
    trial = Trial(nct_id="NCT01207609", eligibility_criteria=f"Inclusion Criteria:\n- {text}")
    m = evaluate_trial(extract_profile(OBESE).profile, trial, as_of=AS_OF)
    assert m.verdict != "ineligible"
    assert m.outcomes[0].status == "met"


def test_a_bmi_range_rules_out_without_headers():
    # NCT00006193 lists its one criterion without an inclusion header; ct2021-71 has BMI 41.5
    trial = Trial(nct_id="NCT00006193", eligibility_criteria="* BMI 25-40 kg/m2 inclusive")
    (c,) = parse_criteria(trial.eligibility_criteria or "")
    assert c.confidence == 0.8
    m = evaluate_trial(extract_profile(OBESE).profile, trial, as_of=AS_OF)
    assert m.verdict == "ineligible"
    assert "41.5" in m.outcomes[0].explanation


def test_without_headers_only_self_evident_items_are_sure():
    # NCT00042705 (no headers): an age limit and a diagnosis; ct2021-59 is 15 years old
    text = (
        "Siblings of a birth cohort recruited 1997-1999 \n\n Age less than 11 years \n\n "
        "Physician diagnosed asthma"
    )
    crits = {c.text.strip(): c for c in parse_criteria(text)}
    assert crits["Age less than 11 years"].confidence == 0.8
    assert crits["Physician diagnosed asthma"].confidence <= 0.75
    trial = Trial(nct_id="NCT00042705", eligibility_criteria=text)
    teen = extract_profile("A 15-year-old boy with asthma.").profile
    assert evaluate_trial(teen, trial, as_of=AS_OF).verdict == "ineligible"


def test_a_no_pregnancy_item_without_headers_stays_a_guess():
    # old records mix "No women who are pregnant" with pregnancy-study wording
    (c,) = parse_criteria("No women who are pregnant or intend to become pregnant.")
    assert c.kind == "pregnancy"
    assert c.confidence <= 0.75


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NCT02431442: two limits of one vital sign joined by "or" are alternatives
        (
            "Resting heart rate <45 bpm or >90 bpm at screening.",
            [("heart_rate", "<", 45.0, "/min"), ("heart_rate", ">", 90.0, "/min")],
        ),
        # NCT00492726
        ("Respiratory rate > 20/min", [("respiratory_rate", ">", 20.0, "/min")]),
        # NCT01959048
        (
            "Clinically unstable. Hemodynamic instability defined as hypotension (mean arterial "
            "pressure < 60) not responsive to fluids.",
            [("mean_arterial_pressure", "<", 60.0, None)],
        ),
        # NCT00981851: a ratio written as a fraction is kept in per cent
        ("FEV1/FVC<0,70", [("fev1_fvc", "<", 70.0, "%")]),
        # NCT00461162 (FEV1 as numerator of the ratio) and NCT02853123
        ("FEV1)/forced vital capacity (FVC) ratio <0.70", [("fev1_fvc", "<", 70.0, "%")]),
        # NCT00495586: "0.7%" is no per cent of a ratio
        ("FEV1/FVC<0.7%", [("fev1_fvc", "<", 70.0, "%")]),
        # NCT00314548-like wording "FEV1 is less than 55% of FVC"
        ("FEV1 is less than 55% of FVC.", [("fev1_fvc", "<", 55.0, "%")]),
        # NCT02753764
        ("FEV1≥ 80%", [("fev1", ">=", 80.0, "%")]),
        # NCT00000620-like DLCO is its own analyte, not FEV1
        ("Pulmonary: DLCO greater than 80% predicted", [("dlco", ">", 80.0, "%")]),
        # NCT00460174: the urine protein:creatinine ratio is no creatinine
        ("Urine protein:creatinine ratio < 1.0", [("upcr", "<", 1.0, None)]),
    ],
)
def test_vital_signs_and_lung_function_limits(text, expected):
    assert _limits(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # NCT00259779: a saturation after the study's acute treatment is not known from a note
        "Oxygen uptake (saturation) is <92% after the initial acute treatment",
        # NCT02149199: binds only the patients on that treatment
        "Patients treated with low stable dose of inhaled corticosteroid or leukotriene "
        "antagonist in addition to 'as needed' use of inhaled short-acting bronchodilator(s) "
        "should have pre-bronchodilator FEV1 ≥80 % PN",
        # NCT02066129: one arm of alternatives written OR
        "Current treatment with step 2 controller therapy OR current treatment with step 3 "
        "controller therapy with prebronchodilator FEV1 ≥ 80% predicted OR controller naive",
        # NCT00461162: groups joined by "or" are neither all nor any of the limits
        "post bronchodilator FEV1/FVC ratio <0.70 with FEV1<80% predicted or post-bronchodilator "
        "FEV1/FVC ratio <0.60 with FEV1>80% predicted",
    ],
)
def test_limits_that_bind_nobody_in_particular_are_not_read(text):
    assert thresholds(text) == []


@pytest.mark.parametrize(
    ("nct", "criteria", "note", "verdict"),
    [
        # ct2021-71 (HR: 195/min), judged excluded by NCT02431442
        (
            "NCT02431442",
            "Exclusion Criteria:\n- Resting heart rate <45 bpm or >90 bpm at screening.",
            OBESE,
            "ineligible",
        ),
        # ct2021-23 (FEV1 63%), judged excluded by NCT02753764
        (
            "NCT02753764",
            "Inclusion Criteria:\n- FEV1≥ 80%",
            "Spirometry was performed revealing a forced expiratory volume in the first second "
            "(FEV1) of 63% of the predicted.",
            "ineligible",
        ),
        # ct2021-43 (80/40 mmHg: mean arterial pressure 53.3), judged excluded by NCT01959048
        (
            "NCT01959048",
            "Exclusion Criteria:\n- Hemodynamic instability defined as hypotension "
            "(mean arterial pressure < 60) not responsive to fluids.",
            "He is febrile (38.4°C), tachycardic (113/min) and hypotensive (80/40 mmHg).",
            "ineligible",
        ),
        # ct2021-29 (A1c: 11.3%), judged excluded by NCT02192450 (a limit in IFCC mmol/mol)
        (
            "NCT02192450",
            "Exclusion Criteria:\n- HbA1c > 86 mmol/mol (10%)",
            "His lab studies showed:\nA1c: 11.3%\nCreatinine: 0.9 mg/dL",
            "ineligible",
        ),
        (
            "NCT02192450",
            "Exclusion Criteria:\n- HbA1c > 86 mmol/mol (10%)",
            "His lab studies showed:\nA1c: 8.2%\nCreatinine: 0.9 mg/dL",
            "eligible",
        ),
        # ct2021-62 (no diabetes, fasting glucose 85 mg/dL), judged excluded by NCT00147251
        (
            "NCT00147251",
            "Inclusion Criteria:\n- Type 2 DM (according to 1997 ADA criteria and/or previously "
            "diagnosed by former ADA or WHO criteria): fasting plasma glucose >= 7.0 mmol/L "
            "(126 mg/dL)",
            "His fasting glucose and triglyceride levels (85 and 158 mg/dL, resp.) were within "
            "normal limits.",
            "ineligible",
        ),
        (
            "NCT00147251",
            "Inclusion Criteria:\n- Type 2 DM (according to 1997 ADA criteria and/or previously "
            "diagnosed by former ADA or WHO criteria): fasting plasma glucose >= 7.0 mmol/L "
            "(126 mg/dL)",
            "His fasting glucose was 142 mg/dL.",
            "eligible",
        ),
        # a heart rate in range does not rule out
        (
            "NCT02431442",
            "Exclusion Criteria:\n- Resting heart rate <45 bpm or >90 bpm at screening.",
            "A 40-year-old man. HR: 75 bpm.",
            "eligible",
        ),
    ],
)
def test_measurements_from_notes_meet_the_trials_limits(nct, criteria, note, verdict):
    trial = Trial(nct_id=nct, eligibility_criteria=criteria)
    m = evaluate_trial(extract_profile(note).profile, trial, as_of=AS_OF)
    assert m.verdict == verdict, [(o.criterion.text, o.status) for o in m.outcomes]


def test_a_limit_per_sex_is_not_read_as_everyones():
    # NCT00734123: "HDL cholesterol ≤ 40 mg/dL males, ≤ 50 mg/dL females."
    assert thresholds("HDL cholesterol ≤ 40 mg/dL males, ≤ 50 mg/dL females.") == []


def test_an_inclusions_limits_of_different_analytes_joined_by_or_ask_for_either():
    # NCT00434096 (ct2021-36 and ct2021-71, TG: 150 mg/dl, judged eligible)
    text = "Triglycerides (TG) > 150 mg/dL and < 700 mg/dL, and/or HDL-cholesterol < 40 mg/dL"
    (c,) = [c for c in parse_criteria(f"Inclusion Criteria:\n- {text}") if c.parent is None]
    assert c.kind != "lab"
    trial = Trial(nct_id="NCT00434096", eligibility_criteria=f"Inclusion Criteria:\n- {text}")
    note = "A 34-year-old woman. Her lab results: TG: 150 mg/dl"
    assert evaluate_trial(extract_profile(note).profile, trial, as_of=AS_OF).verdict != "ineligible"
    # in an exclusion each limit rules out on its own
    assert any(c.kind == "lab" for c in parse_criteria(f"Exclusion Criteria:\n- {text}"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NCT00314548-style wording in a CT 2021 record: "percent" is a unit
        ("FEV1 is greater than 55 percent of FVC.", ("fev1_fvc", ">", 55.0, "%")),
        ("O2 saturation is greater than 90 percent.", ("oxygen_saturation", ">", 90.0, "%")),
        # NCT00001901: a count of thousands without a unit is per mm3
        ("leukocyte count less than 3,000", ("wbc", "<", 3000.0, "/mm3")),
        ("platelet count less than 80,000", ("platelets", "<", 80000.0, "/mm3")),
        # ... while a small bare platelet limit stays in the usual 10^9/L
        ("Platelets ≥ 100", ("platelets", ">=", 100.0, None)),
    ],
)
def test_percent_words_and_bare_counts(text, expected):
    (t,) = thresholds(text)
    c = t.params["constraint"]
    assert (t.analyte, c["op"], c["value"], c["unit"]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Weight < 120kg", [("body_weight", "<", 120.0, "kg")]),
        ("A weight of ≥50 kg (measured at Visit 1)", [("body_weight", ">=", 50.0, "kg")]),
        ("weight loss of more than 10% in the past 6 months", []),
        # NCT00794677: "kilograms per meter squared" is the BMI's unit, not a mass
        (
            "Body Mass Index (BMI) between 20-30 kilograms per meter squared (kg/m2) inclusive.",
            [("bmi", "between", 20.0, None)],
        ),
    ],
)
def test_body_weight_limits(text, expected):
    assert _limits(text) == expected


# Rating scales are unit-less analytes (vocab/labs.json "scale"): the note's score is compared
# with the trial's limit like any measurement.
# ct2021-75
PARKINSON = (
    "The patient is a 55-year-old man who was recently diagnosed with Parkinson's disease. He is "
    "complaining of slowness of movement and tremors. His disease is ranked as mild, Hoehn-Yahr "
    "Stage I. His past medical history is significant for hypertension and hypercholesterolemia."
)
# ct2021-70
DEPRESSED = (
    "A 46-year-old Asian woman with MDD complains of persistent feelings of sadness and loss of "
    "interest in daily activities. She is on anti-depressants for the past 6 months, but the "
    "symptoms are still present. Her HAM-D score is 20."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # NCT02373072, NCT02565628: Hoehn and Yahr stages in Roman numerals
        ("Hoehn & Yahr Stage II-III inclusive", [("hoehn_yahr", "between", 2.0, 3.0)]),
        # NCT00006337 (sic: "Hohen")
        (
            "Patients with relatively advanced disease (Hohen and Yahr stage II-IV in the off "
            "state).",
            [("hoehn_yahr", "between", 2.0, 4.0)],
        ),
        # NCT03799887
        (
            "Subjects had clinically moderate to advanced severity of disease (Hoehn and Yahr "
            "stage\n     2 - 4).",
            [("hoehn_yahr", "between", 2.0, 4.0)],
        ),
        # NCT02168842
        ("Hoehn and Yahr stage less than or equal to 2", [("hoehn_yahr", "<=", 2.0, None)]),
        # NCT03051256: the 17-item scale's own name carries a number that is no limit
        (
            "Hamilton Depression Rating Scale-17 (HAM-D-17) ≥19 at Screening and Check-in",
            [("hamd", ">=", 19.0, None)],
        ),
        # NCT00463242: "> or =" is how older records write ">="
        ("HAM-D17 total score > or = 22 at Screening and Baseline", [("hamd", ">=", 22.0, None)]),
        # NCT03506009
        ("NIHSS: 4-25;", [("nihss", "between", 4.0, 25.0)]),
        # NCT00006337
        (
            "Patients with significant dementia (MMSE 25 or less), major psychotic illness",
            [("mmse", "<=", 25.0, None)],
        ),
        # one item of the scale is not its total (NCT03868358-like wording)
        (
            "Active suicidal ideation (defined as a score of ≥3 on Hamilton Depression Rating "
            "Scale (HDRS) suicide item).",
            [],
        ),
        ("HAM-D suicide item score >= 2", []),
        # a cancer stage is no scale
        ("Stage II-III breast cancer", []),
    ],
)
def test_rating_scale_limits(text, expected):
    assert _limits(text, last="value2") == expected


@pytest.mark.parametrize(
    ("nct", "criterion", "note", "verdict"),
    [
        ("NCT02373072", "Hoehn & Yahr Stage II-III inclusive", PARKINSON, "ineligible"),
        (
            "NCT03799887",
            "Subjects had clinically moderate to advanced severity of disease (Hoehn and Yahr "
            "stage 2 - 4).",
            PARKINSON,
            "ineligible",
        ),
        ("NCT02168842", "Hoehn and Yahr stage less than or equal to 2", PARKINSON, None),
        (
            "NCT00463242",
            "HAM-D17 total score > or = 22 at Screening and Baseline",
            DEPRESSED,
            "ineligible",
        ),
        (
            "NCT03051256",
            "Hamilton Depression Rating Scale-17 (HAM-D-17) ≥19 at Screening",
            DEPRESSED,
            None,
        ),
    ],
)
def test_rating_scale_scores_decide(nct, criterion, note, verdict):
    trial = Trial(nct_id=nct, eligibility_criteria=f"Inclusion Criteria:\n- {criterion}")
    m = evaluate_trial(extract_profile(note).profile, trial, as_of=AS_OF)
    if verdict is None:
        assert m.verdict != "ineligible"
        assert m.outcomes[0].status == "met"
    else:
        assert m.verdict == verdict
        assert m.outcomes[0].status == "not_met"


def test_older_records_or_equal_spelling():
    # 214 occurrences of "> or = N" / "< or = N" among the 18,122 trials
    got = [
        (t.analyte, t.params["constraint"]["op"], t.params["constraint"]["value"])
        for t in thresholds("creatinine > or = 2 mg/dL; ANC < or = 1000/mm3")
    ]
    assert got == [("creatinine", ">=", 2.0), ("anc", "<=", 1000.0)]


@pytest.mark.parametrize(
    ("text", "op", "value"),
    [
        ("Suffered from lower urinary tract symptoms with IPSS>=8", ">=", 8.0),  # NCT00497939
        # NCT00507455 (sic: "IPPS")
        (
            "Patient has a total International Prostate Symptom Score (IPPS) score of ≥ 8 "
            "(Inclusion criteria for Baseline also)",
            ">=",
            8.0,
        ),
        ("Patient has an IPSS score of at least 13 at baseline", ">=", 13.0),
    ],
)
def test_prostate_symptom_score_limits(text, op, value):
    (t,) = thresholds(text)
    assert (t.analyte, t.params["constraint"]["op"], t.params["constraint"]["value"]) == (
        "ipss",
        op,
        value,
    )


def test_or_worse_follows_the_direction_of_the_scale():
    # NCT00004387: a run-on record item; "IV or worse" is a higher Hoehn and Yahr stage
    text = (
        "--Disease Characteristics-- Advanced Parkinson's disease Hoehn-Yahr stage IV or worse "
        'during "off" periods Hoehn-Yahr stage III or better during "on" periods Predictable '
        "motor fluctuations"
    )
    got = [
        (t.params["constraint"]["op"], t.params["constraint"]["value"], text[t.start : t.end])
        for t in thresholds(text)
    ]
    assert got == [
        (">=", 4.0, "Hoehn-Yahr stage IV or worse"),
        ("<=", 3.0, "Hoehn-Yahr stage III or better"),
    ]
    # a lower MMSE is the worse one
    (t,) = thresholds("MMSE score of 24 or better")
    assert (t.params["constraint"]["op"], t.params["constraint"]["value"]) == (">=", 24.0)
    trial = Trial(nct_id="NCT00004387", eligibility_criteria=f"Inclusion Criteria:\n- {text}")
    m = evaluate_trial(extract_profile(PARKINSON).profile, trial, as_of=AS_OF)
    assert m.verdict == "ineligible"


def test_every_alternative_limit_is_converted_to_the_usual_unit():
    # the second limit after "or" was left in mmol/mol while the first became per cent
    assert _limits("HbA1c < 53 mmol/mol or > 86 mmol/mol") == [
        ("hba1c", "<", 7.0, "%"),
        ("hba1c", ">", 10.0, "%"),
    ]
