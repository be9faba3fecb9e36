"""Notes naming an anticoagulant: an ongoing therapy of no cancer kind, via the CLI too."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from profiles.text import extract_profile
from service.cli import app

LETTER = "She takes apixaban 5 mg twice daily for a DVT."


def test_the_letter_reads_an_ongoing_apixaban():
    p = extract_profile(LETTER, id="letter").profile
    assert [(t.name, t.drugs, t.kind, t.ongoing) for t in p.therapies] == [
        ("apixaban", ["apixaban"], None, True)
    ]


def test_profile_extract_command_reads_it(tmp_path):
    note = tmp_path / "letter.txt"
    note.write_text(LETTER, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["profile", "extract", str(note), "--format", "json", "--as-of", "2026-11-20"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    therapies = data["profile"]["therapies"]
    assert therapies[0]["drugs"] == ["apixaban"] and therapies[0]["ongoing"] is True


def test_a_stopped_warfarin_is_not_ongoing():
    p = extract_profile("Warfarin was stopped in 2024.", id="n").profile
    assert [(t.drugs, t.end, bool(t.ongoing)) for t in p.therapies] == [
        (["warfarin"], "2024", False)
    ]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("She is on anticoagulation for atrial fibrillation.", [("anticoagulation", True)]),
        ("On warfarin for a mechanical valve, INR 2.5.", [("warfarin", True)]),
        # a class named without current use is not a therapy; "on admission" is no use
        ("Anticoagulation was held before surgery.", []),
        ("She is not on anticoagulation.", []),
        ("On admission, dexamethasone was given.", [("dexamethasone", None)]),
    ],
)
def test_current_anticoagulation_in_a_note(note, expected):
    p = extract_profile(note, id="n").profile
    assert [(t.name, t.ongoing) for t in p.therapies or []] == expected


def test_a_drug_taken_now_with_a_date_in_its_sentence_is_ongoing():
    from profiles.text import extract_profile

    p = extract_profile("She takes apixaban for a DVT diagnosed in 06/2026.").profile
    (t,) = p.therapies
    assert (t.name, t.ongoing) == ("apixaban", True)
