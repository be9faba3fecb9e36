"""Shared fixtures: paths to the real data copied into the repo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEST_DATA = REPO / "tests" / "data"
BUNDLED = REPO / "rules" / "data" / "bundled"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def example_profile_json() -> dict:
    return json.loads((REPO / "examples" / "profile.example.json").read_text())
