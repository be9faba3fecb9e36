"""Calendar dates a note gives for a treatment: month/year as US letters write them, ISO
months, and a start joined to an end ("from 11/2025 to 08/2026"). The TREC notes have no such
dates (checked: no "MM/YYYY" in the 154 notes), so these are letter-style sentences."""

from __future__ import annotations

from datetime import date

import pytest

from profiles.text import extract_profile


@pytest.mark.parametrize(
    ("note", "start", "end"),
    [
        ("He received FOLFIRINOX from 11/2025 to 08/2026 with progression.", "2025-11", "2026-08"),
        ("Gemcitabine 3/15/2024 - 9/2024, stopped for neuropathy.", "2024-03", "2024-09"),
        ("Pembrolizumab since 2025-03.", "2025-03", None),  # was read as the year alone
        ("Carboplatin and paclitaxel 2019-2021.", "2019", "2021"),
        ("Osimertinib started March 2024.", "2024-03", None),
        ("Capecitabine 5/2023.", "2023-05", None),
    ],
)
def test_calendar_dates_after_a_treatment(note: str, start: str, end: str | None) -> None:
    therapy = extract_profile(note, as_of=date(2026, 11, 20)).profile.therapies[0]
    assert (therapy.start, therapy.end) == (start, end)


def test_a_ratio_or_a_later_unrelated_date_is_not_an_end() -> None:
    # "to" must join the two dates directly; a date later in the sentence is no end
    p = extract_profile("Docetaxel from 01/2024, CT scan to restage in 06/2024.").profile
    assert (p.therapies[0].start, p.therapies[0].end) == ("2024-01", None)
