"""Two solid-tumour referral letters written for the session-8 audit in an oncologist's style
(tests/data/letters/her2_breast_referral.txt and mcrpc_referral.txt): every fact read, and the
misreadings found on them, each with short variants."""

from __future__ import annotations

from datetime import date

import pytest

from profiles.text import extract_profile
from tests.conftest import REPO

_LETTERS = REPO / "tests" / "data" / "letters"
_DAY = date(2026, 11, 20)


def _read(text: str):
    return extract_profile(text, as_of=_DAY).profile


@pytest.fixture(scope="module")
def her2():
    return _read((_LETTERS / "her2_breast_referral.txt").read_text())


@pytest.fixture(scope="module")
def mcrpc():
    return _read((_LETTERS / "mcrpc_referral.txt").read_text())


def test_the_breast_letter(her2):
    assert (her2.age, her2.sex, her2.ecog, her2.measurable_disease) == (52, "female", 0, True)
    (dx,) = her2.diagnoses
    assert (dx.condition, dx.histology, dx.extent, dx.metastatic_sites) == (
        "breast cancer",
        "ductal",  # "..., invasive ductal carcinoma" in the same sentence
        "metastatic",
        ["liver", "bone"],
    )
    # one result per marker, the one with its detail ("HER2-positive" and "HER2 IHC 3+")
    assert [(b.name, b.result, b.detail) for b in her2.biomarkers] == [
        ("HER2", "positive", "IHC 3+"),
        ("ER", "positive", "80%"),
        ("PR", "negative", "0%"),
    ]
    given = {d for t in her2.therapies for d in t.drugs}
    assert {"pertuzumab", "trastuzumab", "docetaxel", "trastuzumab_deruxtecan"} <= given
    assert "tucatinib" not in given  # "interested in trials of ... tucatinib-based"
    # "Pertuzumab, trastuzumab and docetaxel from 03/2024, docetaxel stopped after six cycles,
    # pertuzumab-trastuzumab maintenance until progression in 01/2025": the docetaxel named
    # again is part of THP (undated, it made every chemotherapy washout unknown and counted
    # as a line), and the maintenance is no line of its own
    named = [(t.name, t.setting, t.start, t.end) for t in her2.therapies]
    assert not any(n == "docetaxel" for n, *_ in named)
    assert ("pertuzumab + trastuzumab", "maintenance", None, "2025-01") in named
    # "adjuvant radiotherapy to the chest wall; adjuvant trastuzumab for one year and tamoxifen"
    assert {n for n, s, *_ in named if s == "adjuvant"} == {
        "radiotherapy to the chest wall",  # its site, for criteria limited to one
        "trastuzumab",
        "tamoxifen",
    }
    tdxd = [t for t in her2.therapies if t.name == "trastuzumab_deruxtecan"]
    assert [(t.start, t.end) for t in tdxd] == [("2025-02", "2026-09")]
    surgery = next(t for t in her2.therapies if t.kind == "surgery")
    assert (surgery.name, surgery.start) == ("mastectomy", "2021-03")
    assert any(t.kind == "radiotherapy" for t in her2.therapies)
    labs = {lab.name: lab.value for lab in her2.labs}
    assert labs["lvef"] == 58.0 and labs["alt"] == 52.0
    assert her2.conditions == ["hypothyroidism"]


def test_the_prostate_letter(mcrpc):
    assert (mcrpc.age, mcrpc.sex, mcrpc.ecog) == (71, "male", 1)
    (dx,) = mcrpc.diagnoses
    # the cancer named with its extent, not only the "mCRPC" after it (a trial studying
    # "prostate" cancers did not recognise "mCRPC")
    assert (dx.condition, dx.extent, dx.metastatic_sites) == (
        "metastatic castration-resistant prostate cancer",
        "metastatic",
        ["bone"],
    )
    assert [(b.name, b.result) for b in mcrpc.biomarkers] == [("BRCA2", "positive")]
    therapies = [(t.name, t.start, t.end, t.ongoing) for t in mcrpc.therapies]
    assert ("leuprolide", "2022-02", None, True) in therapies  # "in 02/2022, continuing."
    assert ("docetaxel", "2026-01", "2026-05", None) in therapies
    # "Abiraterone with prednisolone from 03/2022, progressed in 2025"
    assert ("abiraterone + prednisone", "2022-03", "2025", None) in therapies
    assert not any("olaparib" in t.drugs for t in mcrpc.therapies)  # "no prior PARP inhibitor"
    # the PSA of today is the profile's; the PSA at presentation (01/2022) is of the past,
    # kept as a labs.past fact with its date (session 10), not as a current value
    assert [lab.value for lab in mcrpc.labs if lab.name == "psa"] == [48.0]
    assert set(mcrpc.conditions) == {"type 2 diabetes", "atrial fibrillation"}


@pytest.mark.parametrize(
    "text",
    [
        "She is interested in trials of tucatinib-based combinations.",
        "He would like to be considered for tucatinib trials.",
        "She is keen to try tucatinib.",
    ],
)
def test_a_treatment_wished_for_is_not_given(text):
    assert not _read("Breast cancer. " + text).therapies


def test_a_treatment_given_stays_given():
    p = _read("Breast cancer. She received tucatinib with capecitabine from 2025.")
    assert any("tucatinib" in t.drugs for t in p.therapies)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Diagnosed 2022 (PSA 112 ng/mL). Current PSA 48 ng/mL.", 48.0),
        ("PSA was initially 80 ng/mL. Latest PSA 6.1 ng/mL.", 6.1),
        ("PSA 6.1 ng/mL today. It was 0.2 ng/mL before.", 6.1),
    ],
)
def test_the_current_lab_value_comes_first(text, first):
    assert next(lab.value for lab in _read(text).labs if lab.name == "psa") == first


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("ER positive, PR positive, HER2-negative. ER 90%", [("PR", None), ("HER2", None), ("ER", "90%")]),
        ("EGFR-positive, EGFR L858R", [("EGFR", "L858R")]),
        ("KRAS positive; KRAS negative", [("KRAS", "positive"), ("KRAS", None)]),
        ("BRCA2 mutation (c.5946delT)", [("BRCA2", "mutation")]),
    ],
)  # fmt: skip
def test_one_result_per_marker_with_its_detail(text, markers):
    found = [(b.name, b.detail) for b in _read("Cancer. " + text).biomarkers]
    assert found == markers


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("FOLFOX from 01/2024, progressed in 09/2024.", "2024-01", "2024-09"),
        ("FOLFOX, stopped in 2024.", None, "2024"),
        ("FOLFOX stopped after 6 cycles, capecitabine until progression in 2025.", None, None),
        ("FOLFOX from 2023 until progression in 08/2026.", "2023", "2026-08"),
    ],
)
def test_the_end_of_a_treatment_is_in_its_own_clause(text, start, end):
    folfox = next(t for t in _read("Colon cancer. " + text).therapies if t.name == "FOLFOX")
    assert (folfox.start, folfox.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "condition", "histology"),
    [
        ("HER2-positive metastatic breast cancer, invasive ductal carcinoma.", "breast cancer", "ductal"),
        # another sentence may be another time or another tumour: no histology from it
        ("Diagnosis: mCRPC. History: prostate adenocarcinoma, Gleason 8.", "mCRPC", None),
        ("Metastatic breast cancer.", "breast cancer", None),
    ],
)  # fmt: skip
def test_the_histology_of_the_same_cancer_in_the_same_sentence(text, condition, histology):
    dx = _read(text).diagnoses[0]
    assert (dx.condition, dx.histology) == (condition, histology)


@pytest.mark.parametrize(
    ("text", "settings"),
    [
        ("Adjuvant FOLFOX in 2019; FOLFIRI at relapse in 2021.", {"FOLFOX": "adjuvant", "FOLFIRI": None}),
        ("After adjuvant FOLFOX he relapsed and received FOLFIRI.", {"FOLFOX": "adjuvant", "FOLFIRI": None}),
        ("FOLFOX from 2024, then capecitabine maintenance.", {"FOLFOX": None, "capecitabine": "maintenance"}),
        ("Neo-adjuvant FOLFOX in 2023.", {"FOLFOX": "neoadjuvant"}),
    ],
)  # fmt: skip
def test_the_setting_of_a_treatment(text, settings):
    found = {t.name: t.setting for t in _read("Colon cancer. " + text).therapies}
    assert found == settings


def test_a_drug_named_again_with_its_own_dates_stays():
    p = _read("Colon cancer. FOLFOX from 01/2024, 5-FU alone from 06/2024 to 09/2024.")
    assert [(t.name, t.start, t.end) for t in p.therapies][1:] == [
        ("fluorouracil", "2024-06", "2024-09")
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("She had radiation to the left breast in 2020.", "radiation to the left breast"),
        ("Radiotherapy of 50 Gy to the whole breast.", "Radiotherapy of 50 Gy to the whole breast"),
        ("Prophylactic cranial irradiation in 2023.", "Prophylactic cranial irradiation"),
        (
            "Palliative radiotherapy 20 Gy to T8 in 05/2024.",
            "Palliative radiotherapy",
        ),  # no site known
        ("Radiotherapy was given in 2019.", "Radiotherapy"),
    ],
)
def test_a_radiotherapy_keeps_its_site(text, name):
    (rt,) = _read("Breast cancer. " + text).therapies
    assert (rt.name, rt.kind) == (name, "radiotherapy")
