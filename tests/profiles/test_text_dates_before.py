"""A relative date that opens the clause holding a therapy dates it ("4 months ago he started
temozolomide"); one in another sentence, or one that belongs to another mention, does not.

The TREC CT 2021 notes hold no sentence where such a date opens the clause of a drug the note
reader knows (``grep -o '[^.]*ago[^.]*' queries.jsonl``: every "ago" there follows what it
dates), so the positive cases are the sentences of the issue; the real sentences below check
that nothing is dated across a sentence end or from another mention's date.
"""

from __future__ import annotations

from datetime import date

import pytest

from profiles.text import extract_profile
from profiles.text_dates import fronted_date, opens_clause

AS_OF = date(2026, 11, 20)


def _therapies(note: str) -> list[tuple[str, str | None, str | None, bool | None]]:
    therapies = extract_profile(note, as_of=AS_OF).profile.therapies or []
    return [(t.name, t.start, t.end, t.ongoing) for t in therapies]


@pytest.mark.parametrize(
    ("note", "want"),
    [
        # the sentences
        ("4 months ago he started temozolomide.", [("temozolomide", "2026-07", None, None)]),
        (
            "Two weeks ago, she was started on prednisone.",
            [("prednisone", "2026-11-06", None, None)],
        ),
        ("Since 3 months ago he has been on insulin.", [("insulin", "2026-08", None, True)]),
        (
            "About a year ago she started tamoxifen.",
            [("tamoxifen", "2025", None, None)],
        ),
        # a fronted start and an end after the drug
        (
            "4 months ago he started temozolomide, stopped 2 weeks ago.",
            [("temozolomide", "2026-07", "2026-11-06", None)],
        ),
        # each clause's date is its own drug's: "2 weeks ago" is not temozolomide's
        (
            "4 months ago he started temozolomide and 2 weeks ago prednisone.",
            [("temozolomide", "2026-07", None, None), ("prednisone", "2026-11-06", None, None)],
        ),
        # the date opens a later clause of the sentence
        (
            "She had a mastectomy in 2019, and 4 months ago she started tamoxifen.",
            [("mastectomy", "2019", None, None), ("tamoxifen", "2026-07", None, None)],
        ),
        # the date is the surgery's (after it), not the insulin's in the next clause
        (
            "He had surgery 4 months ago and is on insulin.",
            [("surgery", "2026-07", None, None), ("insulin", None, None, True)],
        ),
        # "now" moves the time on: the diagnosis's date is not the drug's
        (
            "A year ago he was diagnosed with myeloma, now on lenalidomide.",
            [("lenalidomide", None, None, None)],
        ),
    ],
)
def test_date_before_the_drug(note, want):
    assert _therapies(note) == want


# ct2021-54: "4 months ago" ends the first sentence; the drugs, four sentences on, take only
# their own "since 4 months ago".
CT2021_54 = (
    "A 57-year-old man was admitted to the clinic because of weight loss and persistent dry "
    "cough 4 months ago. Chest computed topography showed bilateral multiple infiltrates in the "
    "upper lobes and thickened bronchial walls. There is a documented positive serum MPO-ANCA "
    "in his medical record. Transbronchial biopsy revealed necrotic granulomas with "
    "multinucleated giant cells and the Wegener's granulomatosis was diagnosed for him. He is "
    "treating with corticosteroid and cyclophosphamides since 4 months ago."
)

# ct2021-27: "for the past 9 months" belongs to IFN/RBV; the next sentence's drugs were added
# 6 months ago (a date after them).
CT2021_27 = (
    "He is on IFN (100 mg/week) plus RBV (400 mg/day) combination therapy for the past 9 "
    "months. Direct antiviral drugs were added to his treatment 6 months ago."
)

# ct2021-17: "last week" is no counted date; the pamidronate clause opens with "and".
CT2021_17 = (
    "She was admitted last week with hypercalcemia and treated with pamidronate 30mg, "
    "calcitonin, and dialysis."
)


def test_no_date_across_a_sentence_end():
    without = CT2021_54.replace(" since 4 months ago", "")
    assert [t[:2] for t in _therapies(without)] == [("cyclophosphamide", None)]
    assert _therapies(CT2021_54) == [("cyclophosphamide", "2026-07", None, True)]


def test_next_sentence_keeps_its_own_date():
    found = dict((name, start) for name, start, _, _ in _therapies(CT2021_27))
    assert found["Direct antiviral drugs"] == "2026-05"


def test_uncounted_date_dates_nothing():
    assert all(start is None for _, start, _, _ in _therapies(CT2021_17))


@pytest.mark.parametrize(
    ("text", "word", "want"),
    [
        ("4 months ago he started temozolomide", "4 months", True),
        ("About 4 months ago he started temozolomide", "4 months", True),
        ("She had surgery, and then 2 weeks ago she started it", "2 weeks", True),
        ("He had surgery 4 months ago", "4 months", False),
        ("She had surgery, 4 months ago, and started it", "4 months", False),
    ],
)
def test_opens_clause(text, word, want):
    assert opens_clause(text, 0, text.index(word)) is want


def test_fronted_date_needs_the_clause_start():
    t = "He was admitted with pneumonia 2 weeks ago and treated with antibiotics"
    assert fronted_date(t, 0, t.index("antibiotics"), AS_OF) is None
    t = "2 weeks ago he was admitted with pneumonia and treated with antibiotics"
    # the clause holding the antibiotics opens with "and", not with the date
    assert fronted_date(t, 0, t.index("antibiotics"), AS_OF) is None
    assert fronted_date(t, 0, t.index("pneumonia"), AS_OF).date == "2026-11-06"
