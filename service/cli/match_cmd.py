"""``trialmatch match PROFILE.json``: judge one patient against trials, with explanations."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from service.cli.app import app, console, echo_json, err_console, fail


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
        ..., help="The patient profile (.json, or a FHIR bundle of one patient)."
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
) -> None:
    """Judge a patient against trials: verdict, every criterion explained, what to check."""
    import matcher
    from profiles import load_profile
    from rules.corpus import load_corpus, read_trials

    when = _parse_date(as_of)
    from rules.errors import ProfileError

    try:
        patient = load_profile(profile)
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
    report = matcher.match(patient, found, as_of=when, top_k=top_k)
    if output is MatchFormat.json:
        echo_json(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif output is MatchFormat.markdown:
        echo_json(to_markdown(report, patient_id=patient.id))
    else:
        _print_table(report)


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of {text!r} is not a date: write YYYY-MM-DD, e.g. 2026-11-20")


def _why(m: object) -> tuple[str, str]:
    """(why / what rules out, what to check) for one match, from the matcher's explanations."""
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
    if clinician:
        checks.append(
            "Ask the trial team: "
            + "; ".join(clinician[:3])
            + (" ..." if len(clinician) > 3 else "")
        )
    return why, "\n".join(checks)


def _print_table(report: object) -> None:
    r = report  # a matcher.MatchReport
    table = Table(title=f"{len(r.matches)} trial(s), as of {r.as_of.isoformat()}", show_lines=True)  # type: ignore[attr-defined]
    for col in ("Verdict", "Trial", "Score", "Why", "What to check"):
        table.add_column(col, overflow="fold")
    for m in r.matches:  # type: ignore[attr-defined]
        why, checks = _why(m)
        table.add_row(
            _LABEL[m.verdict], f"{m.trial.nct_id}\n{m.trial.title}", f"{m.score:.2f}", why, checks
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
