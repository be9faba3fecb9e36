"""Why a treatment ended, read out of a letter: its ``stop_reason``.

Two readings, the explicit one first:

* the words after the treatment in its sentence: "stopped for atrial fibrillation" (a side
  effect: ``"toxicity (atrial fibrillation)"``), "discontinued due to toxicity"
  (``"toxicity"``), "until progression", "stopped for progression" (``"progression"``);
  "not for progression" names no reason;
* a dated progression or recurrence ("Olaparib maintenance from 09/2022 to 05/2025.
  Platinum-sensitive recurrence 06/2025", "Progression on CT 10/2026 ... Atezolizumab
  stopped 10/2026"): a drug treatment begun before it that ended in the month of the
  progression or the month before stopped for progression. Operations and radiotherapy are
  left alone (they end when done), and so is a treatment that ended earlier (the disease
  came back after a pause: no progression on it).

The matcher counts a treatment "on which the disease progressed" only with such a reason.
"""

from __future__ import annotations

import re
from typing import Any

from profiles.text_dates import month_number
from profiles.text_mentions import sentence_span
from profiles.text_vocab import _DATE, _calendar
from rules import vocab

#: the words that say a treatment ended, and why: "stopped at cycle 3 for thrombocytopenia"
_STOPPED_FOR = re.compile(
    r"(?i)\b(?:stopped|discontinued|ceased|withdrawn|halted|interrupted|ended)\b"
    r"(?:\s+(?:at|after|in)\s+(?:cycle|dose|week|month|course)\s*\d+)?"
    r"(?:\s+(?:in|on)\s+[\d/]+)?"
    r",?\s+(?P<neg>not\s+)?(?:for|due\s+to|because\s+of|owing\s+to|secondary\s+to)\s+"
    r"(?P<why>[^.;,()\n]{2,60})"
)
_UNTIL_PROGRESSION = re.compile(
    r"(?i)\buntil\s+(?:(?:disease|radiological|radiologic|clinical|biochemical)\s+)?"
    r"(?:progression|progressive\s+disease|relapse)\b"
)
_PROGRESSION_WORDS = re.compile(r"(?i)\b(?:progress\w*|relaps\w*|recurren\w*|refractory|PD)\b")
_TOXICITY_WORDS = re.compile(
    r"(?i)\b(?:toxicit\w*|intoleran\w*|side[- ]effects?|adverse\s+(?:events?|effects?)|"
    r"allerg\w*|reaction|hypersensitivity)\b"
)
#: a count of time or treatment, not a reason
_COUNT = re.compile(
    r"(?i)(?:\d+|one|two|three|four|five|six)\s+(?:cycles?|doses?|courses?|days?|weeks?|months?)\b|cycles?\s+\d"
)
_DONE_WORDS = re.compile(r"(?i)\b(?:completion|complete|planned|fixed[- ]duration)\b")
#: a dated progression or recurrence: "recurrence 06/2025", "progression on CT 10/2026",
#: "progressive disease 10/2026", "first recurrence on MRI 10/2026"
_DATED_PROGRESSION = re.compile(
    r"(?i)\b(?:progression|progressed|progressive\s+disease|recurrence|recurred|relapse|"
    r"relapsed)\b(?P<gap>[^.;\n]{0,25}?)(?P<date>" + _DATE.pattern + ")"
)
_NEGATION = re.compile(r"(?i)\b(?:no|not|without|never|free\s+of)\s+(?:\w+\s+){0,2}$")
#: kinds that end when done, not for a reason a letter gives this way
_DONE_KINDS = {"surgery", "radiotherapy"}


#: a side effect's words: "thrombocytopenia", "colitis", "neuropathy", "rash"
_SIDE_EFFECT = re.compile(
    r"(?i)\b(?:\w+(?:penia|itis|aemia|emia|opathy|toxicity)|fatigue|rash|diarrh\w*|nausea|"
    r"vomiting|bleeding|ha?emorrhage|infections?|fibrillation|arrhythmia)\b"
)


def stop_reason(text: str, start: int, end: int, *, before: int | None = None) -> str | None:
    """The reason a treatment mentioned at ``start:end`` ended, from the words after it in
    its sentence (None when they give none); ``before``: where the next treatment of the
    sentence is named (words after it are that one's).

    >>> t = "Ibrutinib from 03/2021 to 06/2024, stopped for atrial fibrillation (not for progression)."
    >>> stop_reason(t, 0, 9)
    'toxicity (atrial fibrillation)'
    >>> stop_reason("Docetaxel, discontinued due to grade 3 neuropathy.", 0, 9)
    'toxicity (grade 3 neuropathy)'
    >>> stop_reason("Lenalidomide maintenance until progression in 08/2026.", 0, 12)
    'progression'
    >>> stop_reason("FOLFOX x6, stopped after six cycles.", 0, 6) is None
    True
    >>> t = "TMZ x3 cycles, stopped at cycle 3 for thrombocytopenia."
    >>> stop_reason(t, 0, 3), stop_reason(t, 0, 3, before=5)
    ('toxicity (thrombocytopenia)', None)
    """
    _, stop = sentence_span(text, start, end)
    stop = min(stop, before) if before is not None and before > end else stop
    m = _UNTIL_PROGRESSION.search(text, end, stop)
    said = _STOPPED_FOR.search(text, end, stop)
    if m and not (said and said.start() < m.start()):
        return "progression"
    while said and said.group("neg"):  # "(not for progression)": no reason there
        said = _STOPPED_FOR.search(text, said.end(), stop)
    if said is None:
        return None
    why = " ".join(said.group("why").split())
    if _COUNT.match(why):
        return None  # "stopped for 2 weeks", "interrupted for cycle 3": a count, no reason
    if _PROGRESSION_WORDS.search(why):
        return "progression"
    if _TOXICITY_WORDS.fullmatch(why) or re.fullmatch(r"(?i)(?:\w+\s+)?toxicity", why):
        return "toxicity"
    if _DONE_WORDS.search(why):
        return "completed"
    if _TOXICITY_WORDS.search(why) or _SIDE_EFFECT.search(why) or vocab.find_comorbidities(why):
        return f"toxicity ({why})"
    return why  # "patient preference": as said


def progression_months(text: str) -> list[tuple[str, int]]:
    """Each dated progression or recurrence of the letter: its month (``YYYY-MM``) and where
    it is said; a negated one ("no progression since 01/2026") is not one.

    >>> progression_months("Platinum-sensitive recurrence 06/2025 (peritoneal nodules).")
    [('2025-06', 19)]
    >>> progression_months("No progression since 01/2026.")
    []
    """
    out: list[tuple[str, int]] = []
    for m in _DATED_PROGRESSION.finditer(text):
        cut, _ = sentence_span(text, m.start(), m.end())
        if _NEGATION.search(text, cut, m.start()) or re.search(r"(?i)\bsince\b", m.group("gap")):
            continue
        month = _calendar(_DATE.match(m.group("date")))  # type: ignore[arg-type]
        if len(month) == 7:
            out.append((month, m.start()))
    return out


def with_stop_reasons(text: str, facts: list[Any]) -> list[Any]:
    """The therapy facts with the reason each ended, when the letter gives one (explicitly
    after it, or by a progression dated at its end).

    >>> from profiles.text import extract_facts
    >>> t = ("Olaparib maintenance from 09/2022 to 05/2025. Platinum-sensitive recurrence "
    ...      "06/2025, treated with carboplatin.")
    >>> [f.value.get("stop_reason") for f in extract_facts(t) if f.field == "therapies"]
    ['progression', None]
    """
    progressions = progression_months(text)
    starts = sorted(f.start for f in facts if f.field == "therapies")
    out: list[Any] = []
    for f in facts:
        value = f.value if f.field == "therapies" and isinstance(f.value, dict) else None
        if value is None or value.get("stop_reason") or value.get("kind") in _DONE_KINDS:
            out.append(f)
            continue
        after = next((s for s in starts if s >= f.end), None)
        reason = stop_reason(text, f.start, f.end, before=after)
        end = value.get("end")
        if reason is None and end and len(end) == 7 and value.get("drugs"):
            begun = value.get("start") or "0000"
            if any(
                0 <= month_number(month) - month_number(end) <= 1 and begun[:7] < month
                for month, _ in progressions
            ):
                reason = "progression"
        out.append(
            f.model_copy(update={"value": {**value, "stop_reason": reason}}) if reason else f
        )
    return out


#: how recent a dated progression must be to say the disease is progressing now (months)
_RECENT = 3


def recent_progression(text: str, facts: list[Any], *, as_of: Any) -> list[Any]:
    """A ``diagnoses.status`` fact "progressing" when the letter dates a progression or
    recurrence within three months of ``as_of`` and no status was read ("progression on CT
    10/2026", "first recurrence on MRI 10/2026" read in 11/2026).

    >>> from datetime import date
    >>> t = "Current: progression on CT 10/2026 (new liver lesions)."
    >>> [(f.value, f.text) for f in recent_progression(t, [], as_of=date(2026, 11, 20))]
    [('progressing', 'progression')]
    >>> recent_progression("Recurrence 06/2025, treated.", [], as_of=date(2026, 11, 20))
    []
    """
    from profiles.text import Fact

    if any(f.field == "diagnoses.status" for f in facts):
        return []
    today = as_of.year * 12 + as_of.month
    for month, at in progression_months(text):
        if 0 <= today - month_number(month) <= _RECENT:
            word = re.match(r"\w+", text[at:])
            end = at + (word.end() if word else 0)
            return [
                Fact(
                    field="diagnoses.status",
                    value="progressing",
                    text=text[at:end],
                    start=at,
                    end=end,
                )
            ]
    return []


#: "since 10/2026" right after a treatment: begun then, and going on
_SINCE = re.compile(r"(?i)\bsince\s+$")
#: a clause opening with "on" and the drug: "Hypothyroidism after radiotherapy, on
#: levothyroxine"; "paroxysmal atrial fibrillation since 2024, on apixaban 5 mg twice daily"
_CLAUSE_ON = re.compile(r"(?i)(?:[,;(]|\band\b)\s*on\s+$")


def with_current_use(text: str, facts: list[Any]) -> list[Any]:
    """The therapy facts with ``ongoing`` set when the words say the drug is taken now: a
    start given by "since" and no end ("Dexamethasone 2 mg daily since 10/2026"), or a clause
    opening "on" the drug (", on apixaban 5 mg twice daily"), none putting it in the past.

    >>> from profiles.text import extract_facts
    >>> t = "Dexamethasone 2 mg daily since 10/2026. AF since 2024, on apixaban 5 mg bd."
    >>> [f.value.get("ongoing") for f in extract_facts(t) if f.field == "therapies"]
    [True, True]
    """
    out: list[Any] = []
    for f in facts:
        value = f.value if f.field == "therapies" and isinstance(f.value, dict) else None
        if value is None or value.get("end") or value.get("ongoing"):
            out.append(f)
            continue
        cut, stop = sentence_span(text, f.start, f.end)
        current = False
        if value.get("start"):
            dated = _DATE.search(text, f.end, stop)
            current = bool(
                dated
                and _calendar(dated) == value["start"]
                and _SINCE.search(text, f.end, dated.start())
            )
        elif value.get("drugs"):
            current = bool(_CLAUSE_ON.search(text, cut, f.start)) and not _PAST.search(
                text, cut, stop
            )
        out.append(f.model_copy(update={"value": {**value, "ongoing": True}}) if current else f)
    return out


#: words that put a drug in the past
_PAST = re.compile(
    r"(?i)\b(?:previously|formerly|stopped|discontinued|held|was\s+on|had\s+been|no\s+longer|"
    r"until|ended|completed)\b"
)


#: the words before a treatment that date it from the event opening its sentence:
#: "Platinum-sensitive recurrence 06/2025 (peritoneal nodules), treated with carboplatin/PLD"
_TREATED_WITH = re.compile(r"(?i)\b(?:treated|managed)\s+with\s+(?:\w+\s+)?$")


def with_event_start(text: str, facts: list[Any]) -> list[Any]:
    """The therapy facts with a ``start`` taken from the dated event that opens their
    sentence when they are "treated with" after it and have an end but no start of their own.

    >>> from profiles.text import extract_facts
    >>> t = "Recurrence 06/2025 (peritoneal nodules), treated with carboplatin x6, ended 12/2025."
    >>> [(f.value.get("start"), f.value.get("end")) for f in extract_facts(t) if f.field == "therapies"]
    [('2025-06', '2025-12')]
    """
    out: list[Any] = []
    for f in facts:
        value = f.value if f.field == "therapies" and isinstance(f.value, dict) else None
        if value is None or value.get("start") or not value.get("end"):
            out.append(f)
            continue
        cut, _ = sentence_span(text, f.start, f.end)
        dated = _DATE.search(text, cut, f.start)
        start = _calendar(dated) if dated else None
        if (
            start
            and _TREATED_WITH.search(text, cut, f.start)
            and month_number(start) <= month_number(value["end"])
        ):
            value = {**value, "start": start}
            f = f.model_copy(update={"value": value})
        out.append(f)
    return out
