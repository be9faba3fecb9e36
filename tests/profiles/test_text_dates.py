"""Therapies a note dates relative to the day it is read, on real TREC CT 2021 sentences."""

from __future__ import annotations

from datetime import date

import pytest

from profiles.text import extract_profile

AS_OF = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("note", "want"),
    [
        # ct2021-64: still going on
        (
            "He is on IFN, RBV and direct antiviral drugs for the past 6 months.",
            [
                ("interferon + ribavirin", "2026-05", True),
                ("direct antiviral drugs", "2026-05", True),
            ],
        ),
        # ct2021-54
        (
            "He is treating with corticosteroid and cyclophosphamides since 4 months ago.",
            [("cyclophosphamide", "2026-07", True)],
        ),
        # a duration alone dates nothing
        ("She received temozolomide for 6 months.", [("temozolomide", None, None)]),
        # an absolute date wins
        ("Temozolomide in 2019, 3 years ago.", [("temozolomide", "2019", None)]),
        # too far from the drug to be its date
        (
            "She received temozolomide, and after a long and uneventful course of follow-up"
            " visits she developed seizures 2 weeks ago.",
            [("temozolomide", None, None)],
        ),
    ],
)
def test_relative_dates(note, want):
    therapies = extract_profile(note, as_of=AS_OF).profile.therapies or []
    assert [(t.name, t.start, t.ongoing) for t in therapies if t.kind != "surgery"] == want
