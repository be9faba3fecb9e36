"""Centrality among a patient's candidates, on the bundled corpus's real trials."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

from matcher.pairs import pair_columns
from profiles.model import PatientProfile
from rules.corpus import bundled_trials

_NOTE = (
    "62-year-old woman with metastatic non-small cell lung adenocarcinoma, EGFR L858R, "
    "progressing on osimertinib. ECOG 1."
)


def _columns(trials):
    profile = PatientProfile(age=62, sex="female")
    pairs = [("p", t.nct_id) for t in trials]
    cols = pair_columns(
        pairs,
        texts={"p": _NOTE},
        profiles={"p": profile},
        trials={t.nct_id: t for t in trials},
        rules=False,
    )
    return cols


def test_lung_trials_are_central_among_a_lung_patients_candidates():
    trials = list(bundled_trials())
    about = [" ".join([t.title or "", *t.conditions]).lower() for t in trials]
    lung = np.array(["lung" in a or "nsclc" in a for a in about])
    assert 30 < lung.sum() < len(trials) - 30  # NSCLC beside leukemias and others
    cols = _columns(trials)
    for name in ("centrality", "centrality_topic"):
        c = cols[name]
        assert np.isfinite(c).all() and (c >= 0).all()
        # lung trials come first when ordered by it alone (AUROC lung vs others)
        assert roc_auc_score(lung, c) > 0.85, name


def test_a_single_candidate_has_no_centrality():
    (t,) = [t for t in bundled_trials() if t.nct_id == "NCT06532617"]
    cols = _columns([t])
    assert cols["centrality"].tolist() == [0.0] and cols["centrality_topic"].tolist() == [0.0]
