"""Vocabulary concepts shared by a patient and a trial's inclusion or exclusion text.

A ranking signal that does not depend on the criteria parser: how many of the patient's
cancers, conditions and therapies (with their ancestors and classes) the trial names in its
inclusion part and in its exclusion part. A patient whose conditions fill a trial's
exclusion list is more likely excluded; one whose cancer is in its inclusion list, eligible.
"""

from __future__ import annotations

import re
from functools import lru_cache

from profiles.model import PatientProfile
from rules import vocab

_TOO_BROAD = frozenset({"solid_tumor", "anticancer_therapy", "infection"})


def patient_concepts(profile: PatientProfile) -> frozenset[str]:
    """Ids of the patient's cancers, conditions and drugs, with ancestors and classes.

    >>> sorted(patient_concepts(PatientProfile(diagnoses=[{"condition": "NSCLC"}],
    ...                                        conditions=["Crohn's"])))[:4]
    ['autoimmune_disease', 'crohns_disease', 'inflammatory_bowel_disease', 'lung_cancer']
    """
    out: set[str] = set()
    for dx in profile.diagnoses or []:
        for cid in vocab.cancer_ids(dx.condition):
            out |= {cid, *vocab.cancer_ancestors(cid)}
    for text in profile.conditions or []:
        comorbidity = vocab.canonical_comorbidity(text)
        if comorbidity:
            out |= {comorbidity, *vocab.comorbidity_classes(comorbidity)}
    for t in profile.therapies or []:
        for name in [t.name, *t.drugs]:
            drug = vocab.canonical_drug(name)
            if drug:
                out |= {drug, *vocab.drug_classes(drug)}
    return frozenset(out - _TOO_BROAD)


@lru_cache(maxsize=8192)
def text_concepts(text: str) -> frozenset[str]:
    """Ids of the cancers, conditions, drugs and drug classes a criteria text names (as
    named: the patient's side carries the ancestors and classes).

    >>> sorted(text_concepts("No prior pembrolizumab. Active Crohn's disease."))
    ['crohns_disease', 'pembrolizumab']
    """
    found = {m.id for m in vocab.find_cancers(text)}
    found |= {m.id for m in vocab.find_comorbidities(text)}
    found |= {m.id for m in vocab.find_drugs(text)}
    return frozenset(found)


def concept_hits(mine: frozenset[str], inclusion: str, exclusion: str) -> dict[str, float]:
    """Counts of the patient's concepts named in the inclusion and the exclusion text.

    >>> concept_hits(frozenset({"crohns_disease", "nsclc"}), "Stage IV NSCLC", "Crohn's disease")
    {'concepts_inclusion': 1.0, 'concepts_exclusion': 1.0, 'concepts_patient': 2.0}
    """
    return {
        "concepts_inclusion": float(len(mine & text_concepts(inclusion))),
        "concepts_exclusion": float(len(mine & text_concepts(exclusion))),
        "concepts_patient": float(len(mine)),
    }


def gene_hits(profile: PatientProfile, texts: dict[str, str]) -> dict[str, float]:
    """How many of the patient's tested genes each text names (whole words, any case).

    Genes outside the biomarker vocabulary (CDK4, NF2) count too: the name is the concept.

    >>> p = PatientProfile(biomarkers=[{"name": "CDK4", "result": "positive"}])
    >>> gene_hits(p, {"topic": "CDK4 inhibitor in liposarcoma", "exclusion": "prior CDK4/6i"})
    {'genes_topic': 1.0, 'genes_exclusion': 1.0}
    """
    names = {b.name for b in profile.biomarkers or [] if len(b.name) >= 2}
    names |= {vocab.canonical_biomarker(n) or n for n in names}
    out = {}
    for key, text in texts.items():
        found = sum(_names(n, text) for n in names)
        out[f"genes_{key}"] = float(found)
    return out


@lru_cache(maxsize=262144)
def _names(name: str, text: str) -> bool:
    """``name`` occurs in ``text`` as a whole word (kept: the same trial texts recur)."""
    return bool(_word(name).search(text))


@lru_cache(maxsize=4096)
def _word(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z])", re.I)
