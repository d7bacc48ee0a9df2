"""``stylecheck score`` and ``stylecheck merge``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import app, console, fail


def _print_summary(out: Path) -> None:
    import pandas as pd
    from rich.table import Table

    summary = out / "summary.csv"
    if not summary.is_file():
        return
    df = pd.read_csv(summary, keep_default_na=False)
    if df.empty:
        console.print("no file had an expected style: files were only classified (see scores.csv)")
        return
    table = Table(title="Style adherence (95% bootstrap interval)")
    for c in ("system", "category", "n", "adherence"):
        table.add_column(c)
    for r in df.to_dict("records"):
        iv = f"{r['adherence']:.2f}" if r["adherence"] != "" else "n/a"
        if r.get("lo", "") != "" and r.get("hi", "") != "":
            iv += f" [{float(r['lo']):.2f}, {float(r['hi']):.2f}]"
        table.add_row(str(r.get("system", "")) or "-", str(r["category"]), str(r["n"]), iv)
    console.print(table)


@app.command("score")
def score(
    audio_dir: Path = typer.Argument(..., help="Folder of generated audio (searched recursively)."),
    expected: Optional[Path] = typer.Option(None, "--expected", help="STYLES.csv: file + styles or prompt [+ system, speaker]."),
    model: Optional[str] = typer.Option(None, "--model", help="Model folder, bundled model name (e.g. stylecheck-ge2e-v1) or hub id (default: the bundled default)."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    force: bool = typer.Option(False, help="Rescore every file (ignore results already in --out)."),
    shard: Optional[str] = typer.Option(None, help="Score only shard I/N of the sorted file list (Slurm arrays)."),
    batch_size: int = typer.Option(32, help="Files per model call (more keeps the cores busier; memory grows with it)."),
    device: str = typer.Option("auto", help="auto | cpu | cuda"),
    workers: Optional[int] = typer.Option(None, min=1, help="Batches scored side by side (default: one per CPU thread, up to 4; 1 on a GPU)."),
    precision: str = typer.Option("auto", help="auto (bf16 where the CPU/GPU supports it) | bf16 | fp32"),
    group_by: Optional[str] = typer.Option(None, "--group-by", help="'speaker': also judge each (system, speaker) once."),
) -> None:
    """Score a folder of generated speech against the styles it was asked for."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..audio import AudioError
    from ..models import CheckpointError, resolve_device
    from ..scoring import ScoreError, Shard
    from ..scoring.distributed import score_directory_distributed

    bf16 = {"auto": None, "bf16": True, "fp32": False}.get(precision)
    if precision not in ("auto", "bf16", "fp32"):
        fail(f"--precision must be auto, bf16 or fp32, not {precision!r}")
    if group_by not in (None, "speaker"):
        fail(f"--group-by supports 'speaker' only, not {group_by!r}")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        task = bar.add_task("scoring", total=None)

        def on_progress(done: int, total: int, seconds: float) -> None:
            elapsed = bar.tasks[task].elapsed or 1e-9
            bar.update(task, completed=done, total=total,
                       description=f"scoring ({seconds / elapsed:.0f} audio s/s)")

        try:
            scores = score_directory_distributed(
                out, audio_dir=audio_dir, expected=expected, model=model, force=force,
                shard=Shard.parse(shard) if shard else None, batch_size=batch_size,
                device=str(resolve_device(device)), bf16=bf16, group_by_speaker=group_by == "speaker",
                progress=on_progress, workers=workers,
            )
        except (ScoreError, CheckpointError, AudioError, FileNotFoundError) as exc:
            fail(str(exc))
    if scores is None:
        return
    counts = scores["status"].value_counts().to_dict()
    console.print("files: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    failed = scores[scores["status"].isin(["error", "missing"])]
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
) -> None:
    """Join the parts of a sharded `stylecheck score` run into one scores.csv and summary."""
    from ..scoring import ScoreError, merge_score_parts

    try:
        scores = merge_score_parts(parts, out)
    except ScoreError as exc:
        fail(str(exc))
    console.print(f"merged {len(scores)} files into {out / 'scores.csv'}")
    _print_summary(out)
