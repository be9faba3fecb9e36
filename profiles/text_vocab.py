"""Cancers, drugs and comorbidities found in a note through the shared vocabularies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def vocab_facts(text: str, taken: Iterable[Any], *, skip: set[str]) -> list[Any]:
    """Facts from the vocabularies (diagnoses, therapies, conditions) not already taken."""
    return []
