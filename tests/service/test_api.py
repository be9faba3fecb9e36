"""The /v1 API: keys, limits, errors, request ids, CORS, search (FastAPI TestClient)."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from service.api import Settings, create_app
from service.api.engine import Engine

KEY = "test-key-123"
H = {"X-API-Key": KEY}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()  # the bundled corpus, loaded once for the module


@pytest.fixture(scope="module")
def client(engine: Engine) -> TestClient:
    return TestClient(create_app(Settings(api_keys=(KEY, "other-key")), engine=engine))


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "missing API key: send it in the X-API-Key header"),
        ({"X-API-Key": "wrong"}, "invalid API key"),
        ({"X-API-Key": KEY + "x"}, "invalid API key"),
    ],
)
def test_v1_needs_a_valid_key(client: TestClient, headers: dict, detail: str) -> None:
    r = client.get("/v1/trials/NCT06532617", headers=headers)
    assert r.status_code == 401
    assert r.json() == {"detail": detail}
    r = client.post("/v1/match", json={"profile": {}}, headers=headers)
    assert r.status_code == 401


def test_no_keys_configured_means_every_v1_call_is_refused(engine: Engine) -> None:
    c = TestClient(create_app(Settings(), engine=engine))
    assert c.get("/v1/trials", headers={"X-API-Key": ""}).status_code == 401
    assert c.get("/v1/trials", headers=H).status_code == 401


def test_second_key_works_and_pages_need_no_key(client: TestClient) -> None:
    assert client.get("/v1/trials", headers={"X-API-Key": "other-key"}).status_code == 200
    assert client.get("/").status_code == 200


def test_unknown_trial_is_404(client: TestClient) -> None:
    r = client.get("/v1/trials/NCT00000000", headers=H)
    assert r.status_code == 404
    assert r.json() == {"detail": "no trial NCT00000000 in the corpus"}


def test_malformed_trial_id_is_422_naming_the_path_field(client: TestClient) -> None:
    r = client.get("/v1/trials/12345", headers=H)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "nct_id"]


def test_profile_errors_name_the_field_and_what_is_accepted(
    client: TestClient, example_profile_json: dict
) -> None:
    bad = {**example_profile_json, "sex": "q", "ecog": 9}
    r = client.post("/v1/match", json={"profile": bad}, headers=H)
    assert r.status_code == 422
    assert r.json() == {
        "detail": [
            {
                "loc": ["body", "profile", "sex"],
                "msg": "'q' is not a sex: use male, female or other",
                "type": "value_error",
            },
            {
                "loc": ["body", "profile", "ecog"],
                "msg": "'9' is not an ECOG score (0-5)",
                "type": "value_error",
            },
        ]
    }


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"profile": {}, "top_k": 0}, ["body", "top_k"]),
        ({"profile": {}, "filters": {"status": ["RECRUTING"]}}, ["body", "filters", "status", 0]),
        ({"profile": {}, "filters": {"phase": ["PHASE9"]}}, ["body", "filters", "phase", 0]),
        (
            {"profile": {}, "filters": {"max_distance_km": -1}},
            ["body", "filters", "max_distance_km"],
        ),
        ({"profile": {}, "as_of": "2026-13-01"}, ["body", "as_of"]),
        ({"profile": {}, "surprise": 1}, ["body", "surprise"]),
        ({}, ["body", "profile"]),
        (
            {"profile": {"diagnoses": [{"condition": "x", "extent": "far"}]}},
            ["body", "profile", "diagnoses", 0, "extent"],
        ),
    ],
)
def test_bad_match_bodies_are_422_with_the_field(client: TestClient, body: dict, loc: list) -> None:
    r = client.post("/v1/match", json=body, headers=H)
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [loc]


def test_distance_filter_without_a_place_is_422(client: TestClient) -> None:
    r = client.post(
        "/v1/match", json={"profile": {"age": 50}, "filters": {"max_distance_km": 100}}, headers=H
    )
    assert r.status_code == 422
    assert r.json()["detail"].startswith("profile.location: filters.max_distance_km needs a place")


def test_body_over_the_limit_is_413(engine: Engine) -> None:
    c = TestClient(create_app(Settings(api_keys=(KEY,), max_body_bytes=2000), engine=engine))
    big = {"profile": {"conditions": ["hypertension"] * 300}}
    r = c.post("/v1/match", json=big, headers=H)
    assert r.status_code == 413
    assert r.json() == {"detail": "request body too large: the limit is 2000 bytes"}
    assert r.headers["x-request-id"]


def test_streamed_body_over_the_limit_is_413_without_content_length(engine: Engine) -> None:
    c = TestClient(create_app(Settings(api_keys=(KEY,), max_body_bytes=1000), engine=engine))

    def chunks():
        for _ in range(10):
            yield b" " * 500

    r = c.post("/v1/match", content=chunks(), headers={**H, "Content-Type": "application/json"})
    assert r.status_code == 413


def test_request_id_is_returned_and_a_given_one_kept(client: TestClient) -> None:
    r = client.get("/v1/trials", headers=H)
    assert len(r.headers["x-request-id"]) == 32
    r = client.get("/v1/trials", headers={**H, "X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = client.get("/v1/trials", headers={**H, "X-Request-ID": "bad id\twith spaces"})
    assert r.headers["x-request-id"] != "bad id\twith spaces"


def test_logs_carry_request_facts_but_no_patient_data(
    client: TestClient, caplog, example_profile_json: dict
) -> None:
    caplog.set_level(logging.INFO, logger="trialmatch")
    client.post(
        "/v1/match",
        json={"profile": {**example_profile_json, "ecog": 9}},
        headers={**H, "X-Request-ID": "rid-42"},
    )
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "request_id=rid-42 method=POST path=/v1/match status=422" in text
    for secret in ("10016", "pancreatic", "FOLFIRINOX", "KRAS"):
        assert secret not in text


class _Broken(Engine):
    def search(self, *args, **kwargs):  # type: ignore[override]
        raise RuntimeError("boom with patient detail 10016")


def test_unexpected_errors_are_500_with_request_id_and_no_trace(
    example_profile_json, caplog
) -> None:
    c = TestClient(
        create_app(Settings(api_keys=(KEY,)), engine=_Broken()), raise_server_exceptions=False
    )
    r = c.post(
        "/v1/match",
        json={"profile": example_profile_json},
        headers={**H, "X-Request-ID": "rid-500"},
    )
    assert r.status_code == 500
    assert r.json() == {
        "detail": "internal error; quote this request id when reporting it",
        "request_id": "rid-500",
    }
    assert "boom" not in r.text and "Traceback" not in r.text
    assert "10016" not in caplog.text


def test_cors_is_closed_by_default(client: TestClient) -> None:
    pre = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    r = client.options("/v1/match", headers=pre)
    assert "access-control-allow-origin" not in r.headers


def test_cors_allow_list_from_settings(engine: Engine) -> None:
    s = Settings.from_env(
        {
            "TRIALMATCH_API_KEYS": KEY,
            "TRIALMATCH_CORS_ORIGINS": "https://nav.example, https://b.example",
        }
    )
    assert s.cors_origins == ("https://nav.example", "https://b.example")
    c = TestClient(create_app(s, engine=engine))
    ok = c.options(
        "/v1/match",
        headers={"Origin": "https://nav.example", "Access-Control-Request-Method": "POST"},
    )
    assert ok.headers["access-control-allow-origin"] == "https://nav.example"
    no = c.options(
        "/v1/match",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in no.headers


def test_settings_reject_a_bad_limit() -> None:
    from rules.errors import ConfigError

    with pytest.raises(ConfigError, match="TRIALMATCH_MAX_BODY_BYTES='1MB' is not a whole number"):
        Settings.from_env({"TRIALMATCH_MAX_BODY_BYTES": "1MB"})


def test_search_by_condition_and_status(client: TestClient) -> None:
    r = client.get(
        "/v1/trials", params={"condition": "pancreatic", "status": "RECRUITING"}, headers=H
    )
    assert r.status_code == 200
    ids = [t["nct_id"] for t in r.json()["results"]]
    assert "NCT06532617" in ids
    assert all(t["status"] == "RECRUITING" for t in r.json()["results"])


def test_search_near_a_zip_sorts_by_distance_within_the_radius(client: TestClient) -> None:
    r = client.get("/v1/trials", params={"near": "10016", "distance_km": 50}, headers=H)
    rows = r.json()["results"]
    assert rows, "the bundled corpus has trials with sites in New York"
    d = [t["distance_km"] for t in rows]
    assert d == sorted(d) and d[-1] <= 50
    far = client.get(
        "/v1/trials", params={"near": "40.7443,-73.9781", "distance_km": 50}, headers=H
    ).json()
    assert far["count"] == r.json()["count"]


@pytest.mark.parametrize("near", ["00000", "nowhere", "91,200"])
def test_search_with_a_bad_place_is_422(client: TestClient, near: str) -> None:
    r = client.get("/v1/trials", params={"near": near}, headers=H)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "near"]


def test_search_rejects_unknown_status(client: TestClient) -> None:
    r = client.get("/v1/trials", params={"status": "OPEN"}, headers=H)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "status", 0]


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/match",
        "/v1/match/text",
        "/v1/questions",
        "/v1/trials/{nct_id}",
        "/v1/trials",
        "/v1/interventions/{name}",
    } <= set(paths)


def test_repeated_single_valued_query_is_a_422_naming_it(client):
    """Regression (found by schemathesis): ?condition=a&condition=b was answered 200 with the
    last value silently kept."""
    r = client.get("/v1/trials?condition=lung&condition=breast", headers=H)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["query", "condition"]
    assert "once" in err["msg"]
    # a list-valued parameter may repeat
    ok = client.get("/v1/trials?status=RECRUITING&status=COMPLETED&limit=1", headers=H)
    assert ok.status_code == 200
