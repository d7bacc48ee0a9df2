"""``stylecheck score`` and ``stylecheck merge``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..reporting.terminal import print_run_summary
from .app import app, console, fail


@app.command("score")
def score(
    audio_dir: Path = typer.Argument(..., help="Folder of generated audio (searched recursively)."),
    expected: Optional[Path] = typer.Option(None, "--expected", help="STYLES.csv: file + styles or prompt [+ system, speaker]."),
    model: Optional[str] = typer.Option(None, "--model", help="Model folder, bundled model name (e.g. stylecheck-ge2e-v1) or hub id (default: the bundled default)."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    force: bool = typer.Option(False, help="Rescore every file (ignore results already in --out)."),
    shard: Optional[str] = typer.Option(None, help="Score only shard I/N of the sorted file list (Slurm arrays)."),
    batch_size: Optional[int] = typer.Option(None, min=1, help="Files per model call (default: 32, on a CPU fewer for short folders so all workers stay busy; memory grows with it)."),
    device: str = typer.Option("auto", help="auto | cpu | cuda"),
    workers: Optional[int] = typer.Option(None, min=1, help="Batches scored side by side (default: one per CPU thread, up to 4; 1 on a GPU)."),
    precision: str = typer.Option("fp32", help="fp32 (default: the same probabilities on every machine) | bf16 (faster on some CPUs/GPUs, approximate: probabilities move by up to ~0.1)"),
    no_vad: bool = typer.Option(False, "--no-vad", help="Skip the speech check: classify whole files, never report no_speech."),
    min_speech: float = typer.Option(0.5, "--min-speech", min=0.0, help="Seconds of detected speech a file needs; less is no_speech (0: trim silence but reject nothing)."),
    group_by: Optional[str] = typer.Option(None, "--group-by", help="'speaker': also judge each (system, speaker) once."),
    copy_audio: bool = typer.Option(False, "--copy-audio", help="Copy the audio report.html plays into OUT/audio, "
                                    "so the output folder can be moved or zipped on its own."),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows",
                                       help="Score the usable STYLES.csv rows; list bad ones as status bad_row."),
    quality: bool = typer.Option(False, "--quality",
                                 help="Also score audio quality with DNSMOS and flag low-quality files "
                                      "(about 4x real time per CPU thread: slow)."),
    judged_only: bool = typer.Option(False, "--judged-only",
                                     help="Rate judged files only (default: files that could not be judged count "
                                          "as not adhering)."),
    norms: Optional[str] = typer.Option(None, "--norms", help="Where the measured levels begin: a folder of reference "
                                        "recordings (norms computed from it, saved as OUT/norms.json), a norms JSON "
                                        "file, or a bundled name (default: natural-v2)."),
    no_measures: bool = typer.Option(False, "--no-measures", help="Skip the signal measures and the measured "
                                     "categories (pitch, variation, rate, loudness, noise)."),
) -> None:
    """Score a folder of generated speech against the styles it was asked for."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..audio import SpeechSettings
    from ..scoring import Shard
    from ..scoring.distributed import score_directory_distributed

    if precision not in ("bf16", "fp32"):
        fail(f"--precision must be fp32 or bf16, not {precision!r}")
    speech = None if no_vad else SpeechSettings(min_speech_s=min_speech)
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
            device=device, bf16=precision == "bf16", group_by_speaker=group_by == "speaker",
            progress=on_progress, workers=workers, skip_bad_rows=skip_bad_rows, count_failed=not judged_only,
            copy_audio=copy_audio, speech=speech, quality=quality, measures=not no_measures, norms=norms,
        )
    finally:  # a usage error then reaches the app's handler with the bar already gone
        bar.stop()
    if scores is None:
        return
    from ..reporting.terminal import files_line, reuse_line
    from ..results import FAILED_STATUSES

    console.print(files_line(scores), highlight=False)
    reused = reuse_line(scores.attrs.get("reuse"), out)
    if reused:
        console.print(reused, highlight=False)
    failed = scores[scores["status"].isin(FAILED_STATUSES)]
    for r in failed.head(20).itertuples():
        console.print(f"  [yellow]{r.status}[/] {r.file}: {r.error}", highlight=False)
    if len(failed) > 20:
        console.print(f"  ... and {len(failed) - 20} more (see scores.csv)")
    if shard is None:
        print_run_summary(out, console)
    console.print(f"outputs in [bold]{out}[/]")


@app.command("merge")
def merge(
    parts: List[Path] = typer.Argument(..., help="Output folders of the shards (scores.shard-*.csv)."),
    out: Path = typer.Option(..., "--out", help="Folder for the merged scores.csv and summary."),
    copy_audio: bool = typer.Option(False, "--copy-audio", help="Copy the audio report.html plays into OUT/audio."),
) -> None:
    """Join the parts of a sharded `stylecheck score` run into one scores.csv and summary."""
    from ..scoring import merge_score_parts

    scores = merge_score_parts(parts, out, copy_audio=copy_audio)
    console.print(f"merged {len(scores)} files into {out / 'scores.csv'}")
    print_run_summary(out, console)
