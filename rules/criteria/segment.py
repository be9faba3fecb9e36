"""Cut eligibility text into items: polarity, section, nesting and exact spans.

Headers ("Inclusion Criteria:", "Main Exclusion Criteria") are found anywhere, since some
sources flattened the text into one paragraph. Within a section, items are bulleted or
numbered lines, paragraphs, inline enumerations ("1. ... 2. ...", "a. ... b. ...") and, for
very long paragraphs, sentences. An item's span never includes its bullet or the
whitespace around it, so ``text[item.start:item.end]`` is the item's own words.
The cutting rules are data: ``rules/data/patterns/sections.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

from rules.vocab import load_data

_WS = " \t\r\n\u00a0"


@dataclass
class Item:
    """One criterion-sized piece of the text (before it is classified)."""

    start: int
    end: int
    polarity: str
    section: str | None = None
    header_found: bool = True
    permissive: bool = False
    depth: int = 0
    parent: int | None = None  # index into the item list
    alternatives: bool = False  # parent says "one of the following"
    definition: bool = False  # parent says "defined as" / "the following"
    exception: bool = False  # parent says "except:" / "EXCEPTIONS:" (children are carve-outs)
    children: list[int] = field(default_factory=list)
    marker: str | None = None  # the bullet or number the line started with


@dataclass(frozen=True)
class _Rules:
    headers: list[tuple[re.Pattern[str], str, str]]
    after_inclusion: frozenset[str]  # header ids only valid right after an inclusion section
    anchors: dict[str, tuple[str, ...]]  # header id -> words every match contains (speed)
    subheaders: list[tuple[re.Pattern[str], str | None, bool, str]]
    bullet: re.Pattern[str]
    inline_items: re.Pattern[str]
    inline_letters: re.Pattern[str]
    pdq_labels: re.Pattern[str]
    label_line: re.Pattern[str]
    sentence_break: re.Pattern[str]
    definition_parent: re.Pattern[str]
    list_parent: re.Pattern[str]  # "Patients ... must meet all of the following criteria:"
    definition_item: re.Pattern[str]  # "X is defined as Y", "... is considered ... unless"
    note_item: re.Pattern[str]  # "NOTE: ..." saying no requirement
    field_label: re.Pattern[str]  # "Age:" on its own line before a PDQ record's value
    field_kinds: dict[str, str]  # the kind a labelled value must read as
    alternatives_parent: re.Pattern[str]
    k_of_n_parent: re.Pattern[str]
    one_of_parent: re.Pattern[str]
    exception_parent: re.Pattern[str]
    exception_context: re.Pattern[str]


@cache
def rules() -> _Rules:
    """The compiled sectioning rules (loaded once)."""
    d: dict[str, Any] = load_data("patterns/sections.json")
    return _Rules(
        headers=[(re.compile(h["regex"]), h["polarity"], h["id"]) for h in d["headers"]],
        anchors={h["id"]: tuple(h.get("anchors", ())) for h in d["headers"]},
        after_inclusion=frozenset(h["id"] for h in d["headers"] if h.get("after_inclusion")),
        subheaders=[
            (re.compile(h["regex"]), h.get("polarity"), bool(h.get("permissive")), h["id"])
            for h in d["subheaders"]
        ],
        bullet=re.compile(d["bullet"]),
        inline_items=re.compile(d["inline_items"]),
        inline_letters=re.compile(d["inline_letters"]),
        pdq_labels=re.compile(d["pdq_labels"]),
        label_line=re.compile(d["label_line"]),
        sentence_break=re.compile(d["sentence_break"]),
        definition_parent=re.compile(d["definition_parent"]),
        list_parent=re.compile(d["list_parent"]["regex"]),
        definition_item=re.compile(d["definition_item"]["regex"]),
        note_item=re.compile(d["note_item"]["regex"]),
        field_label=re.compile(d["field_label"]["regex"]),
        field_kinds=dict(d["field_label"]["kinds"]),
        alternatives_parent=re.compile(d["alternatives_parent"]),
        k_of_n_parent=re.compile(d["k_of_n_parent"]),
        one_of_parent=re.compile(d["one_of_parent"]),
        exception_parent=re.compile(d["exception_parent"]),
        exception_context=re.compile(d["exception_context"]),
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _WS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _WS):
        end -= 1
    return start, end


def _headers(text: str) -> list[tuple[int, int, str, str | None]]:
    """Inclusion/exclusion headers: (start, end, polarity, section) in text order."""
    found = []
    for regex, polarity, ident in rules().headers:
        for m in _header_matches(regex, rules().anchors.get(ident, ()), text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            prefix = text[line_start : m.start()]
            at_line_start = prefix.strip(" \t*#-•>_") == ""
            if not (at_line_start or m.group().rstrip().endswith(":")):
                continue
            section = m.groupdict().get("section")
            weak = ident in rules().after_inclusion
            found.append((m.start(), m.end(), polarity, section.strip() if section else None, weak))
    found.sort()
    out: list[tuple[int, int, str, str | None]] = []
    for start, end, polarity, section, weak in found:
        if out and start < out[-1][1]:
            continue
        if weak and not (out and out[-1][2] == "inclusion"):
            continue  # a ":" line is a lost "Exclusion Criteria:" only after inclusion items
        out.append((start, end, polarity, section))
    return out


_BEFORE_ANCHOR, _AFTER_ANCHOR = 80, 240


def _header_matches(
    regex: re.Pattern[str], anchors: tuple[str, ...], text: str
) -> list[re.Match[str]]:
    """The regex's matches, searched only in windows around its anchor words: a header
    regex starting with optional words cannot use the fast literal scan of ``re``."""
    if not anchors:
        return list(regex.finditer(text))
    lower, n = text.lower(), len(text)
    out: dict[int, re.Match[str]] = {}
    for word in anchors:
        pos = lower.find(word)
        while pos >= 0:
            lo, hi = max(0, pos - _BEFORE_ANCHOR), min(n, pos + _AFTER_ANCHOR)
            for m in regex.finditer(text, lo, hi):
                if hi < n and m.end() >= hi - 1:
                    continue  # cut by the window ("$" matches at its end): not a real match
                if m.start() not in out or m.end() > out[m.start()].end():
                    out[m.start()] = m
            pos = lower.find(word, pos + 1)
    return [out[k] for k in sorted(out)]


@dataclass
class _Line:
    start: int  # content start (after bullet)
    end: int
    indent: int
    marker: str | None
    width: int = 0  # the whole line's length, indent and bullet included


def _lines(text: str, start: int, end: int) -> list[_Line | None]:
    """Lines of a region; None for blank lines."""
    out: list[_Line | None] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        s, e = _trim(text, pos, stop)
        if s == e:
            out.append(None)
        else:
            indent = s - pos
            m = rules().bullet.match(text, s, e)
            marker = None
            if m:
                marker = m.group("marker")
                s2, _ = _trim(text, m.end(), e)
                s = s2 if s2 < e else e  # e: a bullet with nothing after it
            if s < e:
                out.append(_Line(s, e, indent, marker, e - pos))
            else:
                out.append(None)
        pos = stop + 1
    return out


def _subheader(line: str, *, bulleted: bool) -> tuple[str | None, bool, str] | None:
    """(polarity, permissive, section) when the line is a sub-header, else None."""
    if len(line) > 120 or not line.rstrip().endswith(":"):
        return None
    for regex, polarity, permissive, ident in rules().subheaders:
        if bulleted and ident != "sub-excluded":
            continue  # a bulleted "Patients must have:" is an item with children
        m = regex.match(line)
        if m:
            section = m.groupdict().get("section") or line.rstrip(": ").lstrip("* ").strip()
            if ident == "sub-label" and len(section.split()) > 6:
                return None
            return polarity, permissive, section.strip()
    return None


def is_exception_parent(text: str) -> bool:
    """The item carves out exceptions to a malignancy rule ("EXCEPTIONS: ... malignancies are
    eligible even if ...:", "no other cancer, except:"): its children are not requirements."""
    r = rules()
    return bool(r.exception_parent.search(text) and r.exception_context.search(text))


def _marker_class(marker: str | None) -> str:
    if marker is None:
        return "none"
    core = marker.strip("()")
    if core[:1].isdigit():
        return "num"
    if core.isalpha() and len(core) <= 4:
        return "alpha"
    return "sym"


def unflattened(text: str) -> str:
    """The text with its lines back, when a source joined them with "~" (99 of the 18,122
    records: "Inclusion Criteria:~Adults 18 - 65~Stable, moderately active Crohn's
    Disease~..."). Same length, so every span still points at the record's own words.

    >>> unflattened("Inclusion Criteria:~Adults 18 - 65~Stable Crohn's Disease~Exclusion Criteria:~HIV")
    "Inclusion Criteria:\\nAdults 18 - 65\\nStable Crohn's Disease\\nExclusion Criteria:\\nHIV"
    >>> unflattened("Dose ~5 mg/kg, ~2 weeks, ~3 cycles\\nAge 18")  # a text with lines keeps its tildes
    'Dose ~5 mg/kg, ~2 weeks, ~3 cycles\\nAge 18'
    """
    if "\n" in text or text.count("~") < 3:
        return text
    return text.replace("~", "\n")


def segment(text: str) -> list[Item]:
    """Items of an eligibility text, in order, with polarity, section and nesting.

    >>> t = "Inclusion Criteria:\\n\\n* Age 18-80\\n* ECOG 0-1\\n\\nExclusion Criteria:\\n\\n* HIV"
    >>> [(i.polarity, t[i.start:i.end]) for i in segment(t)]
    [('inclusion', 'Age 18-80'), ('inclusion', 'ECOG 0-1'), ('exclusion', 'HIV')]
    """
    headers = _headers(text)
    regions: list[tuple[int, int, str, str | None, bool]] = []
    pos, polarity, section, found = 0, "inclusion", None, False
    for h_start, h_end, h_pol, h_sec in headers:
        regions.append((pos, h_start, polarity, section, found))
        pos, polarity, section, found = h_end, h_pol, h_sec, True
    regions.append((pos, len(text), polarity, section, found))
    items: list[Item] = []
    for region in regions:
        _region_items(text, region, items)
    from rules.criteria.inline import expand_inline

    return expand_inline(text, items)


def _region_items(
    text: str, region: tuple[int, int, str, str | None, bool], items: list[Item]
) -> None:
    start, end, polarity, section, found = region
    pol, sec, permissive = polarity, section, False
    stack: list[tuple[int, str, int]] = []  # (indent, marker class, item index)
    prev_blank = True
    current: int | None = None
    head: int | None = None  # a flat k-of-n header whose items follow it at the same level
    lines = _lines(text, start, end)
    width = _wrap_width(text, lines)
    last: _Line | None = None
    lead: int | None = None  # an unbulleted "...:" item the lines after it belong to
    for line in lines:
        if line is None:
            prev_blank, lead = True, None
            continue
        before, last = last, line
        raw = text[line.start : line.end]
        sub = _subheader(raw, bulleted=line.marker is not None)
        if sub is not None:
            s_pol, permissive, s_sec = sub
            pol = s_pol or pol
            sec = s_sec or sec
            stack.clear()
            current, prev_blank, head, lead = None, True, None, None
            continue
        if (
            line.marker is None
            and not prev_blank
            and current is not None
            and not _own_line(text, before, line, width)
        ):
            items[current].end = line.end  # a wrapped line continues the item
            whole = items[current]
            if (
                head != current
                and whole.parent is None
                and not whole.children
                and _k_of_n_header(text[whole.start : whole.end].strip(), pol)
            ):
                # a header wrapped over lines ("Must meet one of following criteria to be
                # considered ..., or\nprogressive disease:") is seen whole only now
                head = current
            continue
        cls = _marker_class(line.marker)
        parent = None
        while stack:
            top_indent, top_cls, top_idx = stack[-1]
            top_text = text[items[top_idx].start : items[top_idx].end]
            deeper = line.indent > top_indent
            if deeper or (cls != top_cls and top_text.rstrip().endswith(":")):
                parent = top_idx
                break
            stack.pop()
        item = Item(line.start, line.end, pol, sec, found, permissive, marker=line.marker)
        head = _flat_head(text, items, parent, head, line.start, line.end, pol)
        if parent is None and head is not None and head != len(items):
            parent = head  # a plain item after a flat "At least two of the following:"
        own_line = line.marker is None and not prev_blank and current is not None
        if rules().label_line.match(raw) or line.marker is not None or _NEW_REQUIREMENT.match(raw):
            lead = None  # a label, a bullet or "Subject is aged >= 18": the list has ended
        elif parent is None and own_line and lead is not None:
            parent = lead  # one item per line, no bullets: "Any of the following:\nA\nB"
        if parent is not None:
            _attach(text, items, parent, item, len(items))
        items.append(item)
        current = len(items) - 1
        stack.append((line.indent, cls, current))
        prev_blank = False
        if line.marker is None and raw.rstrip().endswith(":") and not rules().label_line.match(raw):
            lead = current


#: no record hard-wraps its lines wider than this
WRAP_WIDTH = 100
#: a line that ends mid-phrase: the next line continues it ("... of the\nProtocol")
_OPEN_END = re.compile(
    r"(?i)(?:[,(/&\-–=<>≤≥]|\b(?:and|or|nor|of|the|a|an|to|for|in|on|at|by|with|without|"
    r"from|than|as|per|if|who|which|that|including|such|vs|e\.g|i\.e|no|not|any|all|is|are|"
    r"be|been|has|have|had|was|were|will|must|should|can|may|within|after|before|"
    r"during|prior|since|between|least|greater)\.?)\s*$"
)


def _wrap_width(text: str, lines: list[_Line | None]) -> int | None:
    """The width a region's lines are hard-wrapped at, None when they are not: no line is
    longer than ``WRAP_WIDTH`` and some unbulleted line goes on in lower case after another
    ("... evidence of vasculitis, patients\nwith the following criteria ...")."""
    present = [ln for ln in lines if ln is not None]
    width = max((ln.width for ln in present), default=0)
    if width > WRAP_WIDTH:
        return None
    for a, b in pairwise(lines):
        if a is not None and b is not None and b.marker is None and text[b.start].islower():
            return width
    return None


def _own_line(text: str, before: _Line | None, line: _Line, width: int | None) -> bool:
    """An unbulleted line right after another is an item of its own when it starts with a
    capital after a line that ends a phrase (not "... of the", not a label like "Age"): a
    record listing one item per line ("Life expectancy > 6 months\nAbility to ...").
    In a hard-wrapped region (``width``) the line before must also have had room left for
    this line's first word: a wrapped item's lines are full up to the wrap width."""
    if before is None:
        return False
    prev = text[before.start : before.end]
    first_char = text[line.start]
    if not (first_char.isupper() or (first_char.isdigit() and prev.endswith((".", ";")))):
        return False  # "... or\nlower case", "... at least\n18 years": the line goes on
    if _OPEN_END.search(prev) or rules().label_line.match(prev):
        return False  # "Age\n18 and over", "Life expectancy\nAt least 12 weeks"
    if width is None:
        return True  # the record does not wrap its lines: each ends where its author did
    first = re.match(r"\S+", text[line.start : line.end])
    return before.width + 1 + len(first.group() if first else "") <= width


#: an item naming the patients or their willingness opens a new requirement ("The subject must
#: be scheduled ...", "Willingness to participate in this study")
_NEW_REQUIREMENT = re.compile(
    r"(?i)^\W*(?:(?:the\s+)?(?:patients?|subjects?|participants?)|willing(?:ness)?|ability|able)\b"
)


def _flat_head(
    text: str,
    items: list[Item],
    parent: int | None,
    head: int | None,
    start: int,
    end: int,
    polarity: str,
) -> int | None:
    """The k-of-n header ("At least two of the following SIRS criteria:", or with k = 1 in an
    inclusion list "Any of the following:") the item at ``start:end`` belongs to when the
    record lists its items flat, at the header's own level; ``len(items)`` when the item is
    such a header itself; None otherwise. Its items run up to an item that ends with ':',
    names the patients ("The subject must ...") or is a standing requirement (age, ECOG,
    consent, measurable disease ...: ``_NOT_A_MEMBER``); after a k = 1 header also at a lab
    value or an item of its own (``_STANDING``: "No ...", "Must ...", "... required"). An
    exclusion list's "Any of the following:" is no such header: each item excludes."""
    own = text[start:end].strip()
    if parent is None and _k_of_n_header(own, polarity):
        return len(items)
    if parent is not None or head is None:
        return None
    if own.endswith(":") or _NEW_REQUIREMENT.match(own):
        return None
    one_of = not rules().k_of_n_parent.search(text[items[head].start : items[head].end])
    if one_of and _STANDING.search(own):
        return None
    from rules.criteria import classify  # the list's own items are signs, findings, labs

    kind = classify(own, "inclusion")[0]
    return None if kind in _NOT_A_MEMBER or (one_of and kind == "lab") else head


def one_of_section_choice(item: Item, own: str, kind: str) -> bool:
    """Whether an item is one choice under an unbulleted sub-header saying "either" or "one
    of the following" ("Patient must have either:" then "Measurable disease ...", "Bone
    lesions ... in the absence of measurable disease", "Non-measurable disease"): not a
    requirement of its own. A standing requirement (age, ECOG, consent, "No ...", "Must ...")
    under the same sub-header is not one of the choices."""
    return bool(
        item.section
        and item.polarity == "inclusion"
        and rules().one_of_parent.search(item.section.rstrip(":") + ":")
        and kind not in _NOT_A_MEMBER - {"measurable_disease"}
        and not _STANDING.search(own)
    )


def _k_of_n_header(text: str, polarity: str) -> bool:
    """ "At least two of the following SIRS criteria:", or in an inclusion list (where its
    items are choices) "Any of the following:"."""
    return bool(
        rules().k_of_n_parent.search(text)
        or (polarity == "inclusion" and rules().one_of_parent.search(text))
    )


#: an item after a flat "One of the following diagnoses:" list that is a requirement of its
#: own: negated or a must ("No chronic myeloid leukemia in blast transformation", "Must be
#: registered on POG-9900"), or one saying what is required or allowed
_STANDING = re.compile(
    r"(?i)^\W*(?:no|not|none|never|without|must|should|agrees?|eligible|meets?)\b"
    r"|\b(?:required|allowed|permitted)\b"
)


#: kinds that are a trial's standing requirements, never one item of a k-of-n list
_NOT_A_MEMBER = frozenset(
    {
        "age",
        "sex",
        "performance_status",
        "consent",
        "contraception",
        "pregnancy",
        "measurable_disease",
        "washout",
        "lines_of_therapy",
        "cns_metastases",
        "life_expectancy",
    }
)


def _attach(text: str, items: list[Item], parent: int, child: Item, index: int) -> None:
    p = items[parent]
    ptext = text[p.start : p.end]
    child.parent, child.depth = parent, p.depth + 1
    if is_list_parent(
        ptext, child.polarity
    ):  # "... must meet all of the following criteria:": each required
        child.alternatives, child.definition = p.alternatives, p.definition
    else:
        child.alternatives = (
            bool(rules().alternatives_parent.search(ptext))
            or _k_of_n_header(ptext, child.polarity)
            or p.alternatives
        )
        child.definition = bool(rules().definition_parent.search(ptext)) or p.definition
    child.exception = is_exception_parent(ptext) or p.exception
    p.children.append(index)


def is_list_parent(text: str, polarity: str) -> bool:
    """Whether an item heads a plain list whose items are each required (or each exclude):
    in an inclusion list "Patients ... only if they meet all of the following criteria:", in
    an exclusion list "Patients will be excluded ... if they meet any of the following
    criteria:". Such items are no alternatives and no definitions.

    >>> is_list_parent("Patients must meet all the following to be eligible:", "inclusion")
    True
    >>> is_list_parent("Patients are excluded if they have any of the following:", "inclusion")
    False
    >>> is_list_parent("Adequate organ function, defined by the following values:", "inclusion")
    False
    """
    m = rules().list_parent.search(text.strip())
    return bool(m and m.group("all" if polarity == "inclusion" else "excluded"))


def field_label(text: str, start: int) -> tuple[str, str] | None:
    """The field label standing alone on the line before an item of a legacy PDQ record
    ("Age:\\n* Under 65"), with the kind its value must read as.

    >>> t = "PATIENT CHARACTERISTICS:\\nAge:\\n* Under 65\\nLife expectancy:\\n* At least 8 weeks"
    >>> field_label(t, t.index("Under")), field_label(t, t.index("At least"))
    (('Age', 'age'), ('Life expectancy', 'life_expectancy'))
    >>> field_label("Dosage:\\n* 5 mg", 9) is None
    True
    """
    window = text[max(0, start - 80) : start]
    if start > 80:
        window = window[window.find("\n") + 1 :]  # whole lines only
    r = rules()
    m = r.field_label.search(window)
    if not m:
        return None
    label = m.group("label")
    return label, r.field_kinds[label.lower()]


def is_definition_item(text: str) -> bool:
    """Whether an item defines a term or only clarifies ("X is defined as Y", "A female
    subject is considered to be of childbearing potential unless ...", a "NOTE:" saying no
    requirement): it states no requirement of its own.

    >>> is_definition_item("NOTE: *Hormone-receptor negativity is defined as ER <10%")
    True
    >>> is_definition_item("NOTE: All patients must have measurable disease")
    False
    """
    r = rules()
    return bool(r.definition_item.search(text) or r.note_item.search(text))
