"""Whether the cancer was confirmed by pathology: ``histologically_confirmed``.

Nearly every trial asks for a "histologically or cytologically confirmed" cancer; without
this reading every such criterion stayed unknown for a note's patient. The explicit words
only: a biopsy, histology, pathology or cytology named in a sentence that names the cancer
("Biopsy 09/2026 confirmed recurrent squamous cell carcinoma", "Core biopsy was done and
revealed a 1.8 cm infiltrating ductal breast carcinoma", "histologically proven
adenocarcinoma"), or a "Histology:" / "Pathology:" field of a letter. A biopsy pending,
planned, awaited, non-diagnostic or negative confirms nothing, and neither does a histology
type alone (a letter's "high-grade serous" implies a pathologist, but says no more than the
name).
"""

from __future__ import annotations

import re
from typing import Any

from profiles.text_mentions import sentence_span

_CUE = re.compile(
    r"(?i)\b(?:biops(?:y|ies|ied)|histolog(?:y|ic|ical|ically)|patholog(?:y|ic|ical|ically)|"
    r"cytolog(?:y|ic|ical|ically)|FNA|fine[- ]needle\s+aspirat\w*|(?:resection|surgical)\s+"
    r"specimen|immunohistochemistry)\b"
)
_FIELD = re.compile(r"(?im)^[ \t]*(?:histology|pathology|histopathology)[ \t]*:[ \t]*\S")
_UNSETTLED = re.compile(
    r"(?i)\b(?:pending|await\w*|planned|plan|scheduled|to\s+be|will|would|if|whether|not|no|"
    r"non-?diagnostic|inconclusive|negative|benign|recommend\w*|consider\w*|needed|required|"
    r"requires?|suspect\w*|suspicious|possible|probable|unclear)\b"
)


def confirmation_facts(text: str, facts: list[Any]) -> list[Any]:
    """``diagnoses.confirmed`` facts (True), each at its cue, for the sentences that name a
    cancer read (``facts``' ``diagnoses.condition``) and settle it by pathology.

    >>> from profiles.text import Fact
    >>> t = "Biopsy 09/2026 confirmed recurrent squamous cell carcinoma. ECOG 0."
    >>> cancer = Fact(field="diagnoses.condition", value="squamous cell carcinoma",
    ...               text="squamous cell carcinoma", start=35, end=58)
    >>> [(f.text, f.value) for f in confirmation_facts(t, [cancer])]
    [('Biopsy', True)]
    >>> t2 = "Biopsy pending; suspected squamous cell carcinoma."
    >>> confirmation_facts(t2, [cancer.model_copy(update={"start": 26, "end": 49})])
    []
    """
    from profiles.text import Fact

    cancers = [f for f in facts if f.field == "diagnoses.condition"]
    out: list[Any] = []
    for m in _CUE.finditer(text):
        cut, stop = sentence_span(text, m.start(), m.end())
        field = _FIELD.match(text, text.rfind("\n", 0, m.start()) + 1)
        named = any(cut <= c.start and c.end <= stop for c in cancers)
        if not (named or (field and cancers)) or _UNSETTLED.search(text, cut, stop):
            continue
        out.append(
            Fact(
                field="diagnoses.confirmed",
                value=True,
                text=m.group(0),
                start=m.start(),
                end=m.end(),
            )
        )
    return out
