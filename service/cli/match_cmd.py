"""``trialmatch match PROFILE.json``: judge one patient against trials, with explanations."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from service.cli.app import app, console, echo_json, err_console, fail, parse_date


class MatchFormat(StrEnum):
    json = "json"
    table = "table"
    markdown = "markdown"


_LABEL = {
    "eligible": "ELIGIBLE",
    "possibly_eligible": "POSSIBLY ELIGIBLE",
    "ineligible": "INELIGIBLE",
}


@app.command("match")
def match_command(
    profile: Path = typer.Argument(
        ...,
        help="The patient profile (.json, a FHIR bundle of one patient, or a note: free text in "
        "a .txt/.md file, read as `trialmatch profile extract` shows).",
    ),
    trials: list[Path] = typer.Option(
        None,
        "--trials",
        help="Trial files to judge (every trial in them is reported). Default: the corpus.",
    ),
    as_of: str = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD (default: today)."),
    output: MatchFormat = typer.Option(
        MatchFormat.table, "--format", help="json, table or markdown."
    ),
    data_dir: Path = typer.Option(
        None,
        "--data-dir",
        help="Corpus directory (default: TRIALMATCH_DATA_DIR or the user data dir).",
    ),
    top_k: int = typer.Option(None, "--top-k", min=1, help="Report only the best N trials."),
    status: str = typer.Option(
        None,
        "--status",
        help="Trial statuses to consider, comma-separated (e.g. RECRUITING,ACTIVE_NOT_RECRUITING), "
        "or 'any'. Default for the corpus: RECRUITING,NOT_YET_RECRUITING; with --trials: any.",
    ),
    max_distance_km: float = typer.Option(
        None,
        "--max-distance-km",
        min=0,
        help="Nearest recruiting site at most this far (default: the profile's "
        "location.max_distance_km). Needs a location in the profile.",
    ),
    condition: str = typer.Option(
        None,
        "--condition",
        help="Only trials about this condition (its conditions, MeSH terms or title; a cancer "
        "also by the vocabulary: 'NSCLC' finds non-small cell lung cancer).",
    ),
    intervention: str = typer.Option(
        None,
        "--intervention",
        help="Only trials testing this drug or intervention (name, brand or code: 'Keytruda' "
        "finds pembrolizumab).",
    ),
) -> None:
    """Judge a patient against trials: verdict, every criterion explained, what to check."""
    from matcher.search import match_corpus
    from profiles import load_profile
    from rules.corpus import load_corpus, read_trials

    when = parse_date(as_of)
    from rules.errors import ProfileError

    try:
        patient = load_profile(profile, as_of=when)
    except ProfileError as exc:
        fail(str(exc))
    if trials:
        found, errors = read_trials(trials)
        for error in errors:
            err_console.print(
                f"[yellow]warning:[/] skipped a record: {error}", highlight=False, soft_wrap=True
            )
        if not found:
            fail("no readable trial in " + ", ".join(map(str, trials)))
    else:
        found = load_corpus(data_dir)
    statuses = _statuses(status, corpus=not trials)
    condition, intervention = (
        _topic("--condition", condition),
        _topic("--intervention", intervention),
    )
    report = match_corpus(
        patient,
        found,
        as_of=when,
        statuses=statuses,
        max_distance_km=max_distance_km,
        top_k=top_k,
        # --trials: every trial given is judged and reported, unless a filter says otherwise
        retrieval=not trials or any(x is not None for x in (status, condition, intervention)),
        condition=condition,
        intervention=intervention,
    )
    err_console.print(_considered(report), highlight=False, soft_wrap=True)
    if intervention and not report.retrieval.kept:
        _unknown_drug_hint(intervention)
    if output is MatchFormat.json:
        echo_json(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif output is MatchFormat.markdown:
        echo_json(to_markdown(report, patient_id=patient.id))
    else:
        _print_table(report)


def _statuses(text: str | None, *, corpus: bool) -> tuple[str, ...] | None:
    from matcher.retrieve import DEFAULT_STATUSES
    from rules.trial import STATUSES as OVERALL_STATUSES

    if text is None:
        return DEFAULT_STATUSES if corpus else None
    names = [s.strip().upper() for s in text.split(",") if s.strip()]
    if names == ["ANY"]:
        return None
    bad = [n for n in names if n not in OVERALL_STATUSES]
    if bad or not names:
        fail(
            f"--status {text!r}: unknown status {', '.join(bad) or '(none given)'}; "
            f"use 'any' or a comma-separated list of {', '.join(OVERALL_STATUSES)}"
        )
    return tuple(names)


def _topic(option: str, text: str | None) -> str | None:
    if text is None:
        return None
    if not text.strip() or len(text) > 200:
        fail(f"{option} takes a name of 1 to 200 characters, e.g. {option} melanoma")
    return text.strip()


def _unknown_drug_hint(name: str) -> None:
    """No trial tests ``name``: say so, and suggest the closest drug when it is unknown."""
    from matcher.topics import drug_names
    from rules import vocab
    from rules.errors import did_you_mean

    if drug_names(name)[0] is None:
        names = [d.replace("_", " ") for d in vocab.drug_ids()]
        hint = did_you_mean(name, names, cutoff=80)
        err_console.print(
            f"[yellow]note:[/] {name!r} is not a drug name trialmatch knows; it was sought as "
            "words of the trials' intervention names" + (f" ({hint})" if hint else "") + ".",
            highlight=False,
            soft_wrap=True,
        )


def _considered(report: object) -> str:
    r = report.retrieval  # type: ignore[attr-defined]
    how = "ranking model" if report.ranking == "model" else "condition match"  # type: ignore[attr-defined]
    return f"{r.describe()} Ordered by verdict, then by the {how}."


def _site(m: object, report: object) -> str:
    site = getattr(report, "nearest", {}).get(m.trial.nct_id)  # type: ignore[attr-defined]
    if site is None:
        return ""
    where = ", ".join(x for x in (site.facility, site.city, site.country) if x)
    return f"Nearest recruiting site: {where} ({site.distance_km:g} km)."


def _why(m: object, *, brief: bool = False) -> tuple[str, str]:
    """(why / what rules out, what to check) for one match, from the matcher's explanations.

    ``brief`` (the terminal table) counts the items only a clinician can judge instead of
    quoting them; markdown quotes the first three.
    """
    d = m.to_dict()  # type: ignore[attr-defined]
    crit = d["criteria"]
    ruling = [c["explanation"] for c in crit if c["status"] == "not_met"]
    unknown = [c["explanation"] for c in crit if c["status"] == "unknown"]
    clinician = [c["text"] for c in crit if c["status"] == "needs_clinician"]
    if ruling:
        why = "Rules out: " + " ".join(ruling)
        if d.get("eligible_from"):
            why += f" (eligible from {d['eligible_from']})"
    elif unknown:
        doubted = [c["explanation"] for c in crit if c["status"] == "unknown" and c.get("doubted")]
        n = len(unknown)
        why = f"Nothing rules you out; {n} {'criterion needs' if n == 1 else 'criteria need'} an answer."
        if doubted:
            why = "Not ruled out, but check this first: " + doubted[0]
            if n > 1:
                why += f" ({n - 1} more to answer)"
    else:
        met = sum(1 for c in crit if c["status"] == "met")
        why = f"All {met} checkable criteria are met."
    checks = [q["question"] for q in d["questions"]]
    if clinician and brief:
        n = len(clinician)
        checks.append(
            f"Ask the trial team about {n} {'item' if n == 1 else 'items'} only they can judge "
            "(--format markdown lists them)."
        )
    elif clinician:
        checks.append(
            "Ask the trial team: "
            + "; ".join(clinician[:3])
            + (" ..." if len(clinician) > 3 else "")
        )
    return why, "\n".join(checks)


def _print_table(report: object) -> None:
    r = report  # a matcher.MatchReport
    table = Table(title=f"{len(r.matches)} trial(s), as of {r.as_of.isoformat()}", show_lines=True)  # type: ignore[attr-defined]
    table.add_column("Verdict", overflow="fold", max_width=10)
    table.add_column("Trial", overflow="fold", ratio=3)
    table.add_column("Score", no_wrap=True, width=5)
    table.add_column("Why", overflow="fold", ratio=3)
    table.add_column("What to check", overflow="fold", ratio=3)
    for m in r.matches:  # type: ignore[attr-defined]
        why, checks = _why(m, brief=True)
        site = _site(m, r)
        table.add_row(
            _LABEL[m.verdict],
            f"{m.trial.nct_id}\n{m.trial.title}" + (f"\n{site}" if site else ""),
            f"{m.score:.2f}",
            why,
            checks,
        )
    console.print(table)
    if r.questions:  # type: ignore[attr-defined]
        console.print("[bold]Answers that would settle the most trials:[/]")
        for q in r.questions[:10]:  # type: ignore[attr-defined]
            console.print(
                f"  {q.question} [dim]({len(q.nct_ids)} trial(s); key {q.key})[/]", highlight=False
            )


def to_markdown(report: object, *, patient_id: str | None = None) -> str:
    """The report as Markdown a clinician can read or paste into a note."""
    r = report
    lines = [
        f"# Trial matches{' for ' + patient_id if patient_id else ''}",
        f"As of {r.as_of.isoformat()}: {len(r.matches)} trial(s).",
        "",
    ]  # type: ignore[attr-defined]
    for m in r.matches:  # type: ignore[attr-defined]
        why, checks = _why(m)
        lines += [
            f"## {_LABEL[m.verdict]}: {m.trial.nct_id} — {m.trial.title}",
            f"Score {m.score:.2f}. {why}",
            "",
        ]
        site = _site(m, r)
        if site:
            lines += [site, ""]
        if checks:
            lines += ["What to check:", *[f"- {c}" for c in checks.splitlines()], ""]
        lines += ["| Status | Criterion | Explanation |", "|---|---|---|"]
        for o in m.outcomes:
            text = o.criterion.text.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {o.status} | {text} | {o.explanation.replace('|', '/')} |")
        lines.append("")
    if r.questions:  # type: ignore[attr-defined]
        lines += ["## Answers that would settle the most trials", ""]
        lines += [f"- {q.question} ({len(q.nct_ids)} trial(s))" for q in r.questions]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"
