"""What a trial is about and what it tests: the condition and intervention tests that
retrieval (``trialmatch match --condition/--intervention``, the API's ``filters``), the
trial search and the drug page share.

A drug is found through the drug vocabulary (names, brands and codes such as AK104, also
inside combination names: "Cadonilimab+S-1or Capecitabine"), else as whole words of the
intervention names, other names and MeSH terms. A condition is found as whole words of the
trial's conditions, keywords, MeSH terms and ancestors or title, or as a cancer of the
vocabulary (a query "NSCLC" finds "Non-small Cell Lung Cancer").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rules import vocab
from rules.trial import Trial

_WORDS = re.compile(r"[^a-z0-9]+")


def norm(text: str) -> str:
    """Lower-case words joined by single spaces, padded so ``' x '`` finds whole words.

    >>> norm("Non-Small-Cell Lung Cancer!")
    ' non small cell lung cancer '
    """
    return " " + " ".join(w for w in _WORDS.split(text.lower()) if w) + " "


def drug_names(name: str) -> tuple[str | None, list[str]]:
    """The canonical drug for ``name`` (vocabulary: names, brands, codes) and the names to seek.

    >>> drug_names("Keytruda")
    ('pembrolizumab', ['Keytruda', 'pembrolizumab'])
    """
    canonical = vocab.canonical_drug(name)
    names = {name.strip(), *([canonical.replace("_", " ")] if canonical else [])}
    return canonical, sorted(n for n in names if n)


def intervention_texts(trial: Trial) -> list[str]:
    """Intervention names, their other names and the intervention MeSH terms."""
    out: list[str] = []
    for iv in trial.interventions:
        out.append(iv.name)
        out.extend(iv.other_names)
    out.extend(m.term for m in trial.intervention_meshes)
    return out


@lru_cache(maxsize=200_000)
def _drugs_in(text: str) -> frozenset[str]:
    return frozenset(m.id for m in vocab.find_drugs(text) if m.type == "drug")


def uses_drug(trial: Trial, names: Iterable[str], canonical: str | None) -> bool:
    """True when an intervention name, other name or MeSH term names the drug.

    >>> t = Trial(nct_id="NCT00000001", interventions=[{"name": "Cadonilimab+S-1or Capecitabine"}])
    >>> uses_drug(t, *reversed(drug_names("AK104"))), uses_drug(t, ["gemcitabine"], None)
    (True, False)
    """
    keys = [norm(n) for n in names]
    for text in intervention_texts(trial):
        if canonical and canonical in _drugs_in(text):
            return True
        padded = norm(text)
        if any(k.strip() and k in padded for k in keys):
            return True
    return False


def condition_texts(trial: Trial) -> list[str]:
    """Conditions, keywords, condition MeSH terms and their ancestors, and the title."""
    return [
        *trial.conditions,
        *trial.keywords,
        *(m.term for m in trial.condition_meshes),
        *(m.term for m in trial.condition_ancestors),
        trial.title,
    ]


def has_condition(trial: Trial, query: str) -> bool:
    """True when the trial is about ``query``: its words, or a cancer of the vocabulary that
    is the one asked for or a kind of it ("lung cancer" finds a non-small cell lung cancer
    trial; "NSCLC" does not find a trial for any solid tumour).

    >>> t = Trial(nct_id="NCT00000001", conditions=["Carcinoma, Non-Small-Cell Lung"])
    >>> has_condition(t, "NSCLC"), has_condition(t, "lung cancer"), has_condition(t, "melanoma")
    (True, True, False)
    """
    key = norm(query)
    if any(key in norm(t) for t in condition_texts(trial)):
        return True
    wanted = cancers_in(query)
    return bool(wanted) and any(
        c == w or vocab.cancer_is_a(c, w) for c in trial_cancers(trial) for w in wanted
    )


@lru_cache(maxsize=100_000)
def cancers_in(text: str) -> frozenset[str]:
    """Cancer ids of the vocabulary named in ``text`` (kept: the same names recur)."""
    return frozenset(vocab.cancer_ids(text))


def trial_cancers(trial: Trial) -> set[str]:
    """Cancer ids of the trial's listed conditions (else of their MeSH terms)."""
    found: set[str] = set()
    for text in trial.conditions:
        found.update(cancers_in(text))
    if not found:
        for m in trial.condition_meshes:
            found.update(cancers_in(m.term))
    return found
