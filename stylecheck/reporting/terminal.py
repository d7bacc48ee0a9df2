"""The run summary for a terminal: what was found and scored, adherence with the failed count and
the classifier's held-out figures beside every figure, what could not be computed and why, and,
without expectations, the predicted labels per system. Read from the files a run wrote, so a
merged run prints the same."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from rich.console import Console

if TYPE_CHECKING:  # pandas is imported when a summary is printed, not when the CLI starts
    import pandas as pd


def files_line(scores: "pd.DataFrame") -> str:
    """``files: ok 45, source 15, unlisted 5 (gt/ 5)``: outputs by status, scored sources, and
    the unlisted files with the folders they are in."""
    from ..results import status_counts, unlisted_folders

    counts = status_counts(scores)
    folders = unlisted_folders(scores)
    parts = []
    for kind, n in counts.items():
        where = (" (" + ", ".join(f"{folder} {k}" for folder, k in folders.items()) + ")"
                 if kind == "unlisted" and folders else "")
        parts.append(f"{kind} {n}{where}")
    return "files: " + (", ".join(parts) or "none")


def reuse_line(reuse: Mapping[str, int] | None, out: Path) -> str:
    """What a rerun into the same output folder took from the earlier run, or ``""`` when it
    took nothing (a fresh folder, or ``--force``)."""
    if not reuse or not reuse.get("reused"):
        return ""
    return (f"reused {reuse['reused']}, scored {reuse.get('scored', 0)}: results of unchanged files "
            f"scored earlier with the same settings are taken from {out / 'results.jsonl'} "
            "(--force rescores every file)")


def grouped_not_computed(not_computed: Mapping[str, str] | None) -> list[str]:
    """One line per distinct reason: tables left out for the same reason share a line."""
    from .tables import NOT_COMPUTED_TITLES

    by_reason: dict[str, list[str]] = {}
    for key, reason in (not_computed or {}).items():
        by_reason.setdefault(reason, []).append(NOT_COMPUTED_TITLES.get(key, key))
    return [f"{', '.join(titles)}: {reason}" for reason, titles in by_reason.items()]


def print_run_summary(out: Path, console: Console) -> None:
    """The adherence table with the failed count beside every figure, then what could not be
    computed and why, and how many listed files asked for no judged style (from the files the
    run wrote, so a merged run prints the same)."""
    import json

    import pandas as pd
    from rich.table import Table

    from .diagnostics import all_row_reliability, asked_categories

    summary = out / "summary.csv"
    if not summary.is_file():
        return
    meta = json.loads((out / "run.json").read_text()) if (out / "run.json").is_file() else {}
    for warning in meta.get("styles_warnings") or []:
        console.print(f"[yellow]warning[/] {warning}", highlight=False)
    df = pd.read_csv(summary, keep_default_na=False)
    if not df.empty:
        counted = meta.get("count_failed", True)
        table = Table(title="Style adherence (95% Wilson interval; failed files "
                            + ("count as not adhering)" if counted else "left out: --judged-only)"))
        classifier, title = _classifier_column(out)
        for c in ("system", "category", "n", "adherence", "failed", "uncertain", title):
            table.add_column(c)
        weak = [c for c, text in classifier.items() if text.startswith("WEAK")]
        marks = []
        for r, asked in zip(df.to_dict("records"), asked_categories(df)):
            iv = f"{float(r['adherence']):.2f}" if r["adherence"] != "" else "n/a"
            if r.get("lo", "") != "" and r.get("hi", "") != "":
                iv += f" [{float(r['lo']):.2f}, {float(r['hi']):.2f}]"
            marks.append(classifier.get(str(r["category"]), "") if str(r["category"]) != "all"
                         else all_row_reliability(weak, asked) if classifier else "")
            table.add_row(str(r.get("system", "")) or "-", str(r["category"]), str(r["n"]), iv,
                          str(r.get("n_failed", "")), str(r.get("n_uncertain", "")), marks[-1])
        console.print(table)
        if any(v.startswith("WEAK") for v in marks):
            from ..styles.reliability import WEAK_RULE

            console.print(f"WEAK: {WEAK_RULE} (reliability.csv, report.html)", highlight=False)
    else:
        _print_predicted(out, console)
    from .beside_style import print_beside_style

    print_beside_style(out, console)
    for note in meta.get("notes") or []:
        console.print(f"[yellow]note[/] {note}", highlight=False)
    for line in grouped_not_computed(meta.get("not_computed")):
        console.print(f"[yellow]not computed[/] {line}", highlight=False)
    no_style = meta.get("no_style") or {}
    if no_style.get("count"):
        console.print(f"{no_style['count']} listed file(s) ask for no style the model judges, so they are in no "
                      f"adherence figure (listed in summary.md), e.g. {', '.join(no_style['files'][:3])}",
                      highlight=False)


def _print_predicted(out: Path, console: Console) -> None:
    """The predicted labels per system and category (predicted_labels.csv), for runs without
    expectations."""
    import pandas as pd
    from rich.table import Table

    path = out / "predicted_labels.csv"
    if not path.is_file():
        return
    df = pd.read_csv(path, keep_default_na=False)
    table = Table(title="Predicted labels per system (share of judged files)")
    for c in ("system", "category", "predicted labels"):
        table.add_column(c)
    for (system, category), part in df.groupby(["system", "category"], sort=False):
        table.add_row(str(system) or "-", str(category),
                      ", ".join(f"{r.predicted} {float(r.share):.0%}" for r in part.itertuples() if r.share != ""))
    console.print(table)


def _classifier_column(out: Path) -> tuple[dict[str, str], str]:
    """category -> the classifier's lowest label F1 and a WEAK mark, from reliability.csv (the
    ``all`` row's text depends on the categories its system asked for: see the caller), and the
    column's title, which says where the figures were measured (e.g. cross-corpus)."""
    import pandas as pd

    from ..styles.reliability import reliability_label

    path = out / "reliability.csv"
    if not path.is_file():
        return {}, reliability_label(None)
    rows = pd.read_csv(path, keep_default_na=False).to_dict("records")
    column = {}
    for r in rows:
        f1 = f"lowest label F1 {float(r['held_out_f1']):.2f}" if r["held_out_f1"] != "" else "not measured"
        column[str(r["category"])] = ("WEAK: " if str(r["weak"]) == "True" else "") + f1
    title = reliability_label({"setting": str(rows[0].get("setting", ""))} if rows else None)
    return column, title
