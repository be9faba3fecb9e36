"""``trialmatch match``: the JSON contract, the readable formats, clear errors."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BUNDLED, REPO, TEST_DATA

SEED = BUNDLED / "seed-pancreatic-NCT06532617.json.gz"
EXAMPLE = REPO / "examples" / "profile.example.json"


def invoke(*args: str):
    from typer.testing import CliRunner

    from service.cli import app

    return CliRunner().invoke(app, list(args))


def test_json_contract_on_the_seed_trial():
    result = invoke(
        "match", str(EXAMPLE), "--trials", str(SEED), "--as-of", "2026-11-20", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"matches", "questions"}
    (m,) = report["matches"]
    assert m["nct_id"] == "NCT06532617"
    assert m["verdict"] in ("possibly_eligible", "eligible", "ineligible")
    assert 0 <= m["score"] <= 1
    for c in m["criteria"]:
        assert {"id", "polarity", "text", "status", "explanation", "fields"} <= set(c)
        assert c["status"] in ("met", "not_met", "unknown", "needs_clinician")
    age = next(c for c in m["criteria"] if c["id"] == "ctgov-max-age")
    assert age["text"] == "Maximum age: 80 Years" and age["status"] == "met"


def test_ecog2_variant_is_ruled_out_in_table_and_markdown():
    profile = TEST_DATA / "profiles_match" / "pdac-age85.json"
    table = invoke("match", str(profile), "--trials", str(SEED), "--as-of", "2026-11-20")
    assert table.exit_code == 0, table.output
    assert "INELIGIBLE" in table.stdout
    md = invoke(
        "match",
        str(profile),
        "--trials",
        str(SEED),
        "--as-of",
        "2026-11-20",
        "--format",
        "markdown",
    )
    assert md.exit_code == 0
    assert "## INELIGIBLE: NCT06532617" in md.stdout
    assert "Maximum age: 80 Years" in md.stdout


def test_bad_profile_and_bad_date_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"ecog": 9}))
    result = invoke("match", str(bad), "--trials", str(SEED))
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "ECOG" in result.output
    result = invoke("match", str(EXAMPLE), "--trials", str(SEED), "--as-of", "20/11/2026")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def _json_match(profile) -> dict:
    result = invoke(
        "match", str(profile), "--trials", str(SEED), "--as-of", "2026-11-20", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (m,) = json.loads(result.stdout)["matches"]
    return m


def test_example_is_possibly_eligible_with_its_unknowns_named():
    m = _json_match(EXAMPLE)
    assert m["verdict"] == "possibly_eligible"
    unknown = [c for c in m["criteria"] if c["status"] == "unknown"]
    assert [c["text"] for c in unknown] == ["Expected survival time\\>3 months"]
    assert unknown[0]["question"]["key"] == "life_expectancy"
    assert [q["key"] for q in m["questions"]] == ["life_expectancy"]


@pytest.mark.parametrize(
    ("variant", "cited"),
    [
        ("pdac-age85", "Age 18-80, female or male"),
        ("pdac-liver-metastases", "Patients with locally advanced pancreatic cancer"),
        ("pdac-ecog2", "ECOG PS 0-1"),
        ("pdac-untreated", "Patients with locally advanced pancreatic cancer"),
        ("pdac-active-ra", "Active autoimmune disease"),
        ("pdac-hiv", "History of HIV"),
    ],
)
def test_variants_are_ineligible_citing_the_criterion(variant, cited):
    m = _json_match(TEST_DATA / "profiles_match" / f"{variant}.json")
    assert m["verdict"] == "ineligible"
    ruling = [c for c in m["criteria"] if c["id"] in m["ruling_criteria"]]
    assert any(c["text"].startswith(cited) for c in ruling), [c["text"] for c in ruling]
    assert all(c["status"] == "not_met" and c["explanation"] for c in ruling)
    cite = next(c for c in ruling if c["text"].startswith(cited))
    assert cite["start"] is not None and cite["end"] > cite["start"]


def test_ecog2_table_names_the_criterion_and_the_patients_score():
    profile = TEST_DATA / "profiles_match" / "pdac-ecog2.json"
    table = invoke("match", str(profile), "--trials", str(SEED), "--as-of", "2026-11-20")
    assert table.exit_code == 0, table.output
    assert "INELIGIBLE" in table.stdout and "NCT06532617" in table.stdout
    md = invoke("match", str(profile), "--trials", str(SEED), "--as-of", "2026-11-20",
                "--format", "markdown")  # fmt: skip
    assert "| not_met | ECOG PS 0-1 | The trial requires ECOG 0-1; your ECOG is 2. |" in md.stdout


def test_markdown_ranks_the_relevant_trial_first_and_names_a_condition_mismatch():
    result = invoke(
        "match", str(EXAMPLE), "--as-of", "2026-11-20", "--format", "markdown", "--top-k", "5"
    )
    assert result.exit_code == 0, result.output
    heads = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert heads[0].startswith("## POSSIBLY ELIGIBLE: NCT06532617")
    assert "Nothing rules you out; 1 criterion needs an answer." in result.stdout
    # trials studying other diseases are left out by retrieval, and stderr says so
    assert "studying other conditions than your cancer" in result.stderr
    assert "COVID" not in result.stdout


def test_with_trials_a_condition_mismatch_is_judged_and_said_first():
    mixed = REPO / "rules" / "data" / "bundled" / "mixed-50.json.gz"
    result = invoke("match", str(EXAMPLE), "--trials", str(mixed), "--as-of", "2026-11-20",
                    "--format", "markdown")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Not ruled out, but check this first: The trial studies " in result.stdout


def test_corpus_retrieval_is_said_on_stderr_and_sites_are_in_the_json():
    result = invoke("match", str(EXAMPLE), "--as-of", "2026-11-20", "--format", "json",
                    "--top-k", "3")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "of 255 trials are recruiting or not yet recruiting" in result.stderr
    assert "with no recruiting site within 300 km" in result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"matches", "questions"}
    assert report["matches"][0]["nct_id"] == "NCT06532617"
    for m in report["matches"]:
        site = m["nearest_site"]
        assert site is None or (set(site) == {"facility", "city", "country", "distance_km"}
                                and site["distance_km"] <= 300)  # fmt: skip


def test_status_any_considers_more_trials_and_a_bad_status_is_a_clear_error():
    aml = TEST_DATA / "profiles_match" / "nsclc-egfr.json"
    default = invoke("match", str(aml), "--as-of", "2026-11-20", "--format", "json")
    every = invoke("match", str(aml), "--as-of", "2026-11-20", "--format", "json",
                   "--status", "any")  # fmt: skip
    assert default.exit_code == every.exit_code == 0
    n_default = len(json.loads(default.stdout)["matches"])
    n_any = len(json.loads(every.stdout)["matches"])
    assert n_any > n_default
    assert "255 trials of any status" in every.stderr
    bad = invoke("match", str(aml), "--status", "OPEN")
    assert bad.exit_code == 2 and "unknown status OPEN" in bad.output
    assert "RECRUITING" in bad.output


def test_trials_files_are_all_reported_whatever_their_status():
    leuk = BUNDLED / "leukemia-100.json.gz"
    aml = TEST_DATA / "profiles_match" / "aml.json"
    result = invoke("match", str(aml), "--trials", str(leuk), "--as-of", "2026-11-20",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    import gzip

    records = json.loads(gzip.decompress(leuk.read_bytes()))
    ids = {r["protocolSection"]["identificationModule"]["nctId"] for r in records}
    assert {m["nct_id"] for m in json.loads(result.stdout)["matches"]} == ids


def test_a_pasted_note_is_matched_like_a_profile(tmp_path):
    # a navigator's note as a .txt file: read by the note reader, then judged
    note = tmp_path / "referral.txt"
    note.write_text(
        "58 year old man with metastatic pancreatic ductal adenocarcinoma, ECOG 1. "
        "Received FOLFIRINOX until progression 1 month ago."
    )
    args = ["match", str(note), "--trials", str(SEED), "--as-of", "2026-11-20", "--format", "json"]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    (m,) = json.loads(result.stdout)["matches"]
    assert m["nct_id"] == "NCT06532617"
    # the trial's own criteria are judged against what the note says (age 58, ECOG 1)
    age = next(c for c in m["criteria"] if c["id"] == "ctgov-max-age")
    assert age["status"] == "met"
    ecog = [c for c in m["criteria"] if "ECOG" in c["text"]]
    assert ecog and all(c["status"] == "met" for c in ecog)


def _intervention_words(nct_id: str) -> str:
    from rules.corpus import bundled_trials

    trial = next(t for t in bundled_trials() if t.nct_id == nct_id)
    return " ".join([*(i.name for i in trial.interventions),
                     *(n for i in trial.interventions for n in i.other_names)]).lower()  # fmt: skip


def test_intervention_keeps_only_trials_testing_the_drug_by_brand_name():
    nsclc = TEST_DATA / "profiles_match" / "nsclc-egfr.json"
    result = invoke("match", str(nsclc), "--as-of", "2026-11-20", "--format", "json",
                    "--status", "any", "--intervention", "Keytruda")  # fmt: skip
    assert result.exit_code == 0, result.output
    found = [m["nct_id"] for m in json.loads(result.stdout)["matches"]]
    assert len(found) >= 2
    for nct in found:  # the records themselves name it (as pembrolizumab, Keytruda or MK-3475)
        words = _intervention_words(nct)
        assert any(w in words for w in ("pembrolizumab", "keytruda", "mk-3475")), (nct, words)
    assert "not testing Keytruda" in result.stderr


def test_condition_keeps_trials_about_it_even_for_another_cancer():
    # a pancreatic cancer patient asking for lung cancer trials gets them (the condition asked
    # for replaces the default cut of trials about other cancers), each about lung cancer
    result = invoke("match", str(EXAMPLE), "--as-of", "2026-11-20", "--format", "json",
                    "--status", "any", "--condition", "NSCLC")  # fmt: skip
    assert result.exit_code == 0, result.output
    from rules.corpus import bundled_trials

    by_id = {t.nct_id: t for t in bundled_trials()}
    found = [m["nct_id"] for m in json.loads(result.stdout)["matches"]]
    assert found
    for nct in found:
        about = " ".join([*by_id[nct].conditions, by_id[nct].title]).lower()
        assert "lung" in about or "nsclc" in about, nct
    assert "not about NSCLC" in result.stderr
    assert "studying other conditions than your cancer" not in result.stderr


def test_unknown_drug_and_empty_condition_say_what_to_fix():
    typo = invoke("match", str(EXAMPLE), "--as-of", "2026-11-20", "--intervention", "pembrolizumb")
    assert typo.exit_code == 0
    assert "0 considered" in typo.stderr and "did you mean pembrolizumab?" in typo.stderr
    empty = invoke("match", str(EXAMPLE), "--condition", " ")
    assert empty.exit_code == 2 and "--condition takes a name" in empty.output
