"""Records whose source joined the lines with "~" are read line by line (99 of the 18k)."""

from __future__ import annotations

from rules.criteria import parse_criteria

# NCT00353756 (18k records), the whole eligibility text
CROHN = (
    "Inclusion Criteria:~Adults 18 - 65~Stable, moderately active Crohn's Disease~Otherwise in "
    "generally good health~Exclusion Criteria:~Variety of concurrent medical conditions~Various "
    "concomitant medications"
)


def test_tilde_joined_lines_are_items_with_their_sections():
    crits = parse_criteria(CROHN)
    assert [(c.polarity, c.text) for c in crits] == [
        ("inclusion", "Adults 18 - 65"),
        ("inclusion", "Stable, moderately active Crohn's Disease"),
        ("inclusion", "Otherwise in generally good health"),
        ("exclusion", "Variety of concurrent medical conditions"),
        ("exclusion", "Various concomitant medications"),
    ]
    assert all(CROHN[c.start : c.end] == c.text for c in crits)  # the record's own words


def test_tildes_of_a_text_with_lines_are_words():
    text = "Inclusion Criteria:\n* Dose of ~5 mg/kg for ~2 weeks over ~3 cycles"
    assert [c.text for c in parse_criteria(text)] == [
        "Dose of ~5 mg/kg for ~2 weeks over ~3 cycles"
    ]
