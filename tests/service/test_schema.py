"""schemathesis against our OpenAPI schema: no 500s, responses conform (bounded examples)."""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from rules.corpus import load_corpus
from service.api import Settings, create_app
from service.api.engine import Engine

KEY = "schema-key"
# 60 real trials of the bundled corpus keep each generated match call fast.
app = create_app(Settings(api_keys=(KEY,)), engine=Engine(trials=load_corpus()[:60]))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case) -> None:
    # The key is always sent, so the "auth ignored" and "missing header" probes do not apply;
    # test_api.py checks 401 for a missing or wrong key.
    case.headers = {**(case.headers or {}), "X-API-Key": KEY}
    # Bodies are checked against their published JSON schema (service.api.routes.strict), so
    # schema-violating data is rejected (negative_data_rejection is on). Schema-valid data
    # can still get a 422 by design: an unknown ZIP code for `near`, a distance filter without
    # a location, a partial date such as "2025-13" (the profile's validators): so
    # positive_data_acceptance stays off.
    case.call_and_validate(
        excluded_checks=[
            checks.ignored_auth,
            checks.missing_required_header,
            checks.positive_data_acceptance,
        ]
    )


def test_schema_violating_bodies_are_422_naming_the_field(example_profile_json: dict) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app)
    example = {"profile": example_profile_json, "as_of": "2026-11-20", "top_k": 3}
    for path, bad, loc in [
        (["location", "lon"], False, ["body", "profile", "location", "lon"]),
        (["location", "postal_code"], {}, ["body", "profile", "location", "postal_code"]),
        (["ecog"], "1", ["body", "profile", "ecog"]),
    ]:
        body = json.loads(json.dumps(example))
        target = body["profile"]
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = bad
        r = client.post("/v1/match", json=body, headers={"X-API-Key": KEY})
        assert r.status_code == 422, (path, r.text)
        assert r.json()["detail"][0]["loc"] == loc
        assert r.json()["detail"][0]["type"] == "schema_type"
    ok = client.post("/v1/match", json=example, headers={"X-API-Key": KEY})
    assert ok.status_code == 200
