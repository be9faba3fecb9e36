"""The implied-conditions lexicon (matcher.implied) and its ranking feature."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matcher.implied import LEXICON_PATH, ConditionLexicon, shipped_lexicon
from matcher.pairs import pair_columns
from profiles.model import PatientProfile
from rules.corpus.bundled import bundled_trials
from rules.errors import ConfigError
from tests.conftest import SHARED

DEPRESSION = (
    "The patient is a 47-year-old woman complaining of persistent feelings of sadness. She lost "
    "interest in activities she used to enjoy, her mood is mostly depressed and she feels "
    "worthless nearly every day."
)
THYROID = "Her TSH was 15 mU/L with a low free T4 and very high anti-TPO antibodies."


def test_shipped_lexicon_reads_what_a_note_describes_without_naming_it():
    lexicon = shipped_lexicon()
    assert lexicon is not None and LEXICON_PATH.exists()
    assert {"depressive", "depression"} <= set(lexicon.implied(DEPRESSION).top(5))
    assert "hypothyroidism" in lexicon.implied(THYROID).top(3)


def test_unknown_words_imply_nothing():
    lexicon = shipped_lexicon()
    assert lexicon is not None
    assert lexicon.implied("zzzz qqqq").top(5) == []
    assert lexicon.project(["", "zzzz"]).nnz == 0


def test_build_save_load_round_trip_on_real_trials(tmp_path):
    trials = bundled_trials()
    lexicon = ConditionLexicon.build(
        trials, min_df=2, max_df=0.5, min_condition_df=2, top_per_word=64
    )
    assert len(lexicon.words) > 500 and len(lexicon.conditions) > 50
    # no word keeps more than top_per_word condition words
    assert np.diff(lexicon.table.indptr).max() <= 64
    path = tmp_path / "lexicon.npz"
    lexicon.save(path)
    again = ConditionLexicon.load(path)
    assert again.words == lexicon.words and again.conditions == lexicon.conditions
    note = "Adenocarcinoma with an EGFR exon 19 deletion, progressing on osimertinib"
    assert again.implied(note).top(3) == lexicon.implied(note).top(3)
    assert "lung" in again.implied(note).top(5)


def test_build_needs_trials_with_conditions():
    with pytest.raises(ConfigError, match="registered conditions"):
        ConditionLexicon.build(
            [
                t.model_copy(update={"conditions": [], "condition_meshes": []})
                for t in bundled_trials()[:5]
            ]
        )


def test_load_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no implied-conditions lexicon"):
        ConditionLexicon.load(tmp_path / "none.npz")


def test_feature_is_computed_for_notes_and_left_out_for_questionnaires():
    trials = {t.nct_id: t for t in bundled_trials()}
    pancreatic = "NCT06532617"  # the seed page's pancreatic cancer trial
    other = next(n for n, t in trials.items() if "Leukemia" in " ".join(t.conditions))
    texts = {
        "note": "62-year-old man with metastatic pancreatic adenocarcinoma, liver metastases.",
        "form": "Disease: pancreatic adenocarcinoma\nDemographic: 62-year-old male",
    }
    profiles = {q: PatientProfile(age=62, sex="male") for q in texts}
    pairs = [(q, n) for q in texts for n in (pancreatic, other)]
    cols = pair_columns(pairs, texts=texts, profiles=profiles, trials=trials, rules=False)
    values = dict(zip(pairs, cols["implied_conditions"], strict=True))
    assert values[("note", pancreatic)] > values[("note", other)] >= 0.0
    assert math.isnan(values[("form", pancreatic)]) and math.isnan(values[("form", other)])


@pytest.mark.slow
def test_shipped_lexicon_is_rebuilt_from_the_18k_trials():
    """`trialmatch train --lexicon-corpus` reproduces the shipped file from the 18k records."""
    from rules.corpus.readers import read_trials

    path = SHARED / "data" / "trials" / "trials.jsonl.gz"
    if not path.exists():
        pytest.skip("../shared/data/trials is not beside the repository")
    trials, errors = read_trials([path])
    assert not errors
    rebuilt = ConditionLexicon.build(trials)
    shipped = shipped_lexicon()
    assert shipped is not None
    assert rebuilt.words == shipped.words and rebuilt.conditions == shipped.conditions
    assert np.array_equal(rebuilt.table.indptr, shipped.table.indptr)
    assert np.allclose(rebuilt.table.data, shipped.table.data, rtol=1e-2)
