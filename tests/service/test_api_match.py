"""/v1 match, questions, text, trial detail and drug view on the bundled corpus (real engine)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from service.api import Settings, create_app
from service.api.engine import Engine

KEY = "k-match"
H = {"X-API-Key": KEY}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Settings(api_keys=(KEY,)), engine=Engine()))


def _cli_json(*args: str) -> dict:
    from typer.testing import CliRunner

    from service.cli import app
    from tests.conftest import REPO

    profile = str(REPO / "examples" / "profile.example.json")
    result = CliRunner().invoke(app, ["match", profile, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_match_answers_the_cli_json(client: TestClient, example_profile_json: dict) -> None:
    body = {"profile": example_profile_json, "as_of": "2026-11-20", "top_k": 5}
    r = client.post("/v1/match", json=body, headers=H)
    assert r.status_code == 200
    got = r.json()
    assert got == _cli_json("--as-of", "2026-11-20", "--top-k", "5")
    # the answer is sent as the engine made it: it must be what the published model gives
    from service.api.schemas import MatchResponse

    assert MatchResponse.model_validate(got).model_dump(mode="json") == got
    assert 1 <= len(got["matches"]) <= 5
    assert got["matches"][0]["nct_id"] == "NCT06532617"  # the pancreatic cancer trial first
    for m in got["matches"]:
        assert m["overall_status"] in ("RECRUITING", "NOT_YET_RECRUITING")
        assert {"nearest_site", "rank_score"} <= set(m)
        assert all(c["explanation"] for c in m["criteria"])


def test_match_status_and_distance_filters_answer_the_cli_json(
    client: TestClient, example_profile_json: dict
) -> None:
    body = {
        "profile": example_profile_json,
        "as_of": "2026-11-20",
        "top_k": 8,
        "filters": {"status": ["RECRUITING"], "max_distance_km": 300},
    }
    r = client.post("/v1/match", json=body, headers=H)
    assert r.status_code == 200
    got = r.json()
    want = _cli_json(
        "--as-of",
        "2026-11-20",
        "--top-k",
        "8",
        "--status",
        "RECRUITING",
        "--max-distance-km",
        "300",
    )
    assert got == want and got["matches"]


def test_match_condition_and_intervention_filters_answer_the_cli_json(
    client: TestClient, example_profile_json: dict
) -> None:
    from rules.trial import STATUSES

    body = {
        "profile": example_profile_json,
        "as_of": "2026-11-20",
        "filters": {"status": STATUSES, "condition": "lung cancer", "intervention": "Keytruda"},
    }
    r = client.post("/v1/match", json=body, headers=H)
    assert r.status_code == 200
    got = r.json()
    want = _cli_json("--as-of", "2026-11-20", "--status", ",".join(STATUSES),
                     "--condition", "lung cancer", "--intervention", "Keytruda")  # fmt: skip
    assert got == want and got["matches"]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    for m in got["matches"]:
        t = engine.get(m["nct_id"])
        names = " ".join(i.name + " " + " ".join(i.other_names) for i in t.interventions).lower()
        assert "pembrolizumab" in names or "keytruda" in names or "mk-3475" in names
    bad = {**body, "filters": {"intervention": ""}}
    r = client.post("/v1/match", json=bad, headers=H)
    assert r.status_code == 422 and "intervention" in r.text


def test_match_filters_keep_status_phase_and_distance(
    client: TestClient, example_profile_json: dict
) -> None:
    from matcher.geo import nearest_recruiting_site, zip_point

    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    body = {
        "profile": example_profile_json,
        "as_of": "2026-11-20",
        "filters": {"status": ["RECRUITING"], "phase": ["PHASE2"], "max_distance_km": 300},
    }
    r = client.post("/v1/match", json=body, headers=H)
    assert r.status_code == 200
    ids = [m["nct_id"] for m in r.json()["matches"]]
    assert ids, "recruiting phase 2 trials near 10016 exist in the bundled corpus"
    origin = zip_point("10016")
    for nct in ids:
        t = engine.get(nct)
        assert t.overall_status == "RECRUITING" and "PHASE2" in t.phases
        site = nearest_recruiting_site(t, origin)
        assert site is None or site.distance_km <= 300  # unlocated trials are kept, as in the CLI


def test_questions_rank_facts_that_settle_unknowns(
    client: TestClient, example_profile_json: dict
) -> None:
    r = client.post(
        "/v1/questions", json={"profile": example_profile_json, "as_of": "2026-11-20"}, headers=H
    )
    assert r.status_code == 200
    qs = r.json()["questions"]
    assert qs and {"key", "question", "trials"} <= set(qs[0])
    counts = [q["trials"] for q in qs]
    assert counts == sorted(counts, reverse=True)
    # answering a question settles it: it is no longer asked
    key = qs[0]["key"]
    if key == "life_expectancy":
        answered = {**example_profile_json, "life_expectancy_months": 12}
        again = client.post(
            "/v1/questions", json={"profile": answered, "as_of": "2026-11-20"}, headers=H
        ).json()["questions"]
        assert key not in [q["key"] for q in again]


def test_match_text_returns_facts_with_spans(client: TestClient) -> None:
    note = "62 year old man with metastatic pancreatic adenocarcinoma, ECOG 1, KRAS G12D."
    r = client.post("/v1/match/text", json={"text": note, "top_k": 3}, headers=H)
    assert r.status_code == 200
    body = r.json()
    assert body["profile"]["age"] == 62 and body["profile"]["ecog"] == 1
    for fact in body["facts"]:
        assert note[fact["start"] : fact["end"]] == fact["text"]
    assert len(body["matches"]) == 3


def test_match_text_dates_relative_words_from_as_of(client: TestClient) -> None:
    # "4 months ago" counts back from the request's reference day
    note = "58 year old woman with metastatic pancreatic adenocarcinoma, s/p Whipple 4 months ago."
    for as_of, start in (("2026-11-20", "2026-07"), ("2027-03-02", "2026-11")):
        body = {"text": note, "top_k": 1, "as_of": as_of}
        r = client.post("/v1/match/text", json=body, headers=H)
        assert r.status_code == 200, r.text
        [surgery] = r.json()["profile"]["therapies"]
        assert (surgery["name"], surgery["kind"], surgery["start"]) == ("Whipple", "surgery", start)


def test_match_text_rejects_an_empty_note(client: TestClient) -> None:
    r = client.post("/v1/match/text", json={"text": ""}, headers=H)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "text"]


def test_trial_detail_has_record_criteria_and_plain_english(client: TestClient) -> None:
    r = client.get("/v1/trials/nct06532617", headers=H)
    assert r.status_code == 200
    body = r.json()
    assert body["trial"]["nct_id"] == "NCT06532617"
    assert body["url"] == "https://clinicaltrials.gov/study/NCT06532617"
    text = body["trial"]["eligibility_criteria"]
    parsed = [c for c in body["criteria"] if c["end"] > c["start"]]
    assert parsed
    for c in parsed:
        assert text[c["start"] : c["end"]] == c["text"]
        assert c["plain"]
    plain = {c["id"]: c["plain"] for c in body["criteria"]}
    assert (
        plain["inc-3"] == "You must have pancreatic ductal adenocarcinoma (confirmed by a biopsy)."
    )
    assert plain["exc-9"] == "You must not be pregnant or breastfeeding."
    studied = [c["plain"] for c in body["criteria"] if c["rule"] == "ctgov:conditions"]
    assert studied == ["The trial is for people with pancreatic cancer."]


def test_drug_view_finds_cadonilimab_by_its_code(client: TestClient) -> None:
    by_name = client.get("/v1/interventions/cadonilimab", headers=H).json()
    by_code = client.get("/v1/interventions/AK104", headers=H).json()
    assert by_name["canonical"] == by_code["canonical"] == "cadonilimab"
    assert by_name["trial_count"] == by_code["trial_count"] >= 2
    ids = {t["nct_id"] for g in by_name["indications"] for t in g["trials"]}
    assert "NCT06532617" in ids
    # grouped by the vocabulary's cancer type, not by each trial's first listed condition
    groups = {g["cancer_id"]: g for g in by_name["indications"]}
    assert groups["pancreatic_cancer"]["condition"] == "Pancreatic cancer"
    assert [t["nct_id"] for t in groups["pancreatic_cancer"]["trials"]] == ["NCT06532617"]
    assert groups["pancreatic_cancer"]["phases"] == {"PHASE2": 1}
    lung = groups["lung_cancer"]
    assert lung["cancers"] == {"Non-small cell lung cancer": lung["count"]}
    assert {"ROS1", "BRAF"} <= {b["biomarker"] for b in lung["biomarkers"]}
    for g in by_name["indications"]:
        assert sum(g["phases"].values()) == g["count"] == len(g["trials"])
    assert sum(by_name["phases"].values()) == by_name["trial_count"]


def test_drug_view_lists_a_basket_trial_under_each_cancer_type(client: TestClient) -> None:
    from service.api.catalog import organ_group

    assert organ_group("pdac") == "pancreatic_cancer"
    assert organ_group("lung_adenocarcinoma") == "lung_cancer"
    assert organ_group("aml") == "leukemia"
    view = client.get("/v1/interventions/venetoclax", headers=H).json()
    assert view["indications"][0]["cancer_id"] == "leukemia"
    listed = sum(g["count"] for g in view["indications"])
    assert listed >= view["trial_count"]  # equal unless a trial studies several types


def test_unknown_drug_has_no_trials(client: TestClient) -> None:
    r = client.get("/v1/interventions/notadrugname", headers=H)
    assert r.status_code == 200
    assert r.json()["trial_count"] == 0


def test_search_by_biomarker_uses_parsed_criteria(client: TestClient) -> None:
    r = client.get("/v1/trials", params={"biomarker": "EGFR", "condition": "lung"}, headers=H)
    assert r.status_code == 200
    assert r.json()["count"] > 0
