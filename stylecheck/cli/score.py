"""``stylecheck score`` and ``stylecheck merge``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import app, console, fail


def _print_summary(out: Path) -> None:
    """The adherence table with the failed count beside every figure, then what could not be
    computed and why, and how many listed files asked for no judged style (from the files the
    run wrote, so a merged run prints the same)."""
    import json

    import pandas as pd
    from rich.table import Table

    from ..reporting.tables import not_computed_lines

    summary = out / "summary.csv"
    if not summary.is_file():
        return
    meta = json.loads((out / "run.json").read_text()) if (out / "run.json").is_file() else {}
    df = pd.read_csv(summary, keep_default_na=False)
    if not df.empty:
        counted = meta.get("count_failed", True)
        table = Table(title="Style adherence (95% Wilson interval; failed files "
                            + ("count as not adhering)" if counted else "left out: --judged-only)"))
        for c in ("system", "category", "n", "adherence", "failed", "uncertain", "classifier (held-out)"):
            table.add_column(c)
        classifier = _classifier_column(out)
        for r in df.to_dict("records"):
            iv = f"{float(r['adherence']):.2f}" if r["adherence"] != "" else "n/a"
            if r.get("lo", "") != "" and r.get("hi", "") != "":
                iv += f" [{float(r['lo']):.2f}, {float(r['hi']):.2f}]"
            table.add_row(str(r.get("system", "")) or "-", str(r["category"]), str(r["n"]), iv,
                          str(r.get("n_failed", "")), str(r.get("n_uncertain", "")),
                          classifier.get(str(r["category"]), ""))
        console.print(table)
        if any(v.startswith("WEAK") for v in classifier.values()):
            from ..models.reliability import WEAK_RULE

            console.print(f"WEAK: {WEAK_RULE} (reliability.csv, report.html)", highlight=False)
    else:
        _print_predicted(out)
    for line in not_computed_lines(meta.get("not_computed")):
        console.print(f"[yellow]not computed[/] {line}", highlight=False)
    no_style = meta.get("no_style") or {}
    if no_style.get("count"):
        console.print(f"{no_style['count']} listed file(s) ask for no style the model judges, so they are in no "
                      f"adherence figure (listed in summary.md), e.g. {', '.join(no_style['files'][:3])}",
                      highlight=False)


def _print_predicted(out: Path) -> None:
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


def _classifier_column(out: Path) -> dict[str, str]:
    """category -> the classifier's lowest held-out label F1 and a WEAK mark, from reliability.csv."""
    import pandas as pd

    path = out / "reliability.csv"
    if not path.is_file():
        return {}
    rows = pd.read_csv(path, keep_default_na=False).to_dict("records")
    column = {}
    for r in rows:
        f1 = f"lowest label F1 {float(r['held_out_f1']):.2f}" if r["held_out_f1"] != "" else "not measured"
        column[str(r["category"])] = ("WEAK: " if str(r["weak"]) == "True" else "") + f1
    if rows:
        weak = [str(r["category"]) for r in rows if str(r["weak"]) == "True"]
        column["all"] = "WEAK: has weak categories" if weak else ""
    return column


@app.command("score")
def score(
    audio_dir: Path = typer.Argument(..., help="Folder of generated audio (searched recursively)."),
    expected: Optional[Path] = typer.Option(None, "--expected", help="STYLES.csv: file + styles or prompt [+ system, speaker]."),
    model: Optional[str] = typer.Option(None, "--model", help="Model folder or hub id (default: the bundled model)."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    force: bool = typer.Option(False, help="Rescore every file (ignore results already in --out)."),
    shard: Optional[str] = typer.Option(None, help="Score only shard I/N of the sorted file list (Slurm arrays)."),
    batch_size: int = typer.Option(32, help="Files per model call (more keeps the cores busier; memory grows with it)."),
    device: str = typer.Option("auto", help="auto | cpu | cuda"),
    workers: Optional[int] = typer.Option(None, min=1, help="Batches scored side by side (default: one per CPU thread, up to 4; 1 on a GPU)."),
    precision: str = typer.Option("auto", help="auto (bf16 where the CPU/GPU supports it) | bf16 | fp32"),
    group_by: Optional[str] = typer.Option(None, "--group-by", help="'speaker': also judge each (system, speaker) once."),
    copy_audio: bool = typer.Option(False, "--copy-audio", help="Copy the audio report.html plays into OUT/audio, "
                                    "so the output folder can be moved or zipped on its own."),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows",
                                       help="Score the usable STYLES.csv rows; list bad ones as status bad_row."),
    judged_only: bool = typer.Option(False, "--judged-only",
                                     help="Rate judged files only (default: files that could not be judged count "
                                          "as not adhering)."),
) -> None:
    """Score a folder of generated speech against the styles it was asked for."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..audio import AudioError
    from ..models import CheckpointError
    from ..scoring import ScoreError, Shard
    from ..scoring.distributed import score_directory_distributed

    bf16 = {"auto": None, "bf16": True, "fp32": False}.get(precision)
    if precision not in ("auto", "bf16", "fp32"):
        fail(f"--precision must be auto, bf16 or fp32, not {precision!r}")
    if group_by not in (None, "speaker"):
        fail(f"--group-by supports 'speaker' only, not {group_by!r}")
    # The bar appears when scoring starts, so a usage error found before is the only output.
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, transient=False)
    task = bar.add_task("scoring", total=None)

    def on_progress(done: int, total: int, seconds: float) -> None:
        if not bar.live.is_started:
            bar.start()
        elapsed = bar.tasks[task].elapsed or 1e-9
        bar.update(task, completed=done, total=total, description=f"scoring ({seconds / elapsed:.0f} audio s/s)")

    try:
        scores = score_directory_distributed(
            out, audio_dir=audio_dir, expected=expected, model=model, force=force,
            shard=Shard.parse(shard) if shard else None, batch_size=batch_size,
            device=device, bf16=bf16, group_by_speaker=group_by == "speaker",
            progress=on_progress, workers=workers, skip_bad_rows=skip_bad_rows, count_failed=not judged_only,
            copy_audio=copy_audio,
        )
    except (ScoreError, CheckpointError, AudioError, FileNotFoundError) as exc:
        bar.stop()
        fail(str(exc))
    finally:
        bar.stop()
    if scores is None:
        return
    counts = scores["status"].value_counts().to_dict()
    console.print("files: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    from ..analysis.adherence import FAILED_STATUSES

    failed = scores[scores["status"].isin(FAILED_STATUSES)]
    for r in failed.head(20).itertuples():
        console.print(f"  [yellow]{r.status}[/] {r.file}: {r.error}", highlight=False)
    if len(failed) > 20:
        console.print(f"  ... and {len(failed) - 20} more (see scores.csv)")
    if shard is None:
        _print_summary(out)
    console.print(f"outputs in [bold]{out}[/]")


@app.command("merge")
def merge(
    parts: List[Path] = typer.Argument(..., help="Output folders of the shards (scores.shard-*.csv)."),
    out: Path = typer.Option(..., "--out", help="Folder for the merged scores.csv and summary."),
    copy_audio: bool = typer.Option(False, "--copy-audio", help="Copy the audio report.html plays into OUT/audio."),
) -> None:
    """Join the parts of a sharded `stylecheck score` run into one scores.csv and summary."""
    from ..scoring import ScoreError, merge_score_parts

    try:
        scores = merge_score_parts(parts, out, copy_audio=copy_audio)
    except ScoreError as exc:
        fail(str(exc))
    console.print(f"merged {len(scores)} files into {out / 'scores.csv'}")
    _print_summary(out)
