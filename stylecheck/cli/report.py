"""``stylecheck report agreement``: F1 on low- vs high-agreement test files (paper Fig. 5, Table 1)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app, check_can_write, console

report_app = typer.Typer(help="Analyses of evaluation results.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(report_app, name="report")


@report_app.command("agreement")
def agreement(
    predictions: Path = typer.Option(..., "--predictions", help="predictions.csv from 'stylecheck evaluate' "
                                     "(or a 'stylecheck score' table).", exists=True, dir_okay=False),
    manifest: Path = typer.Option(..., "--manifest", help="Test manifest with agree_<Label> and n_annotators.",
                                  exists=True, dir_okay=False),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    split_at: Optional[int] = typer.Option(None, "--split-at", help="Low bucket: agreement <= K (default "
                                           "floor(n_annotators/2) as the paper's 4 of 8 when both buckets get "
                                           "files, else the level that splits the files most evenly, e.g. 2 "
                                           "of 3)."),
    resamples: int = typer.Option(1000, "--resamples", help="Bootstrap resamples (0: no intervals)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing outputs."),
) -> None:
    """Per label: F1 on files with low vs high annotator agreement, with speaker-bootstrap intervals."""
    from ..experiments.agreement import agreement_report

    check_can_write(out / "agreement_f1.csv", force)
    result = agreement_report(predictions, manifest, out, split_at, n_resamples=resamples)
    for note in result.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    shown = result.f1.assign(f1=result.f1["f1"].round(3))[["model", "label", "bucket", "files", "positives", "f1"]]
    console.print(shown.to_string(index=False))
    console.print(f"wrote {', '.join(str(p) for p in result.files.values())}")
