"""``stylecheck probe ...``: probes of a model on corpora it was not trained on (paper section 5)."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import app, check_can_write, console, fail

probe_app = typer.Typer(help="Probe a model on corpora it was not trained on.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(probe_app, name="probe")


class RavdessIntensity(str, Enum):
    strong = "strong"
    all = "all"


@probe_app.command("emotion-corpora")
def emotion_corpora(
    esd: Optional[Path] = typer.Option(None, "--esd", help="ESD folder (speakers 0001-0020, any extra top folder)."),
    ravdess: Optional[Path] = typer.Option(None, "--ravdess", help="RAVDESS folder (Actor_NN/03-01-...wav)."),
    emodb: Optional[Path] = typer.Option(None, "--emodb", help="EmoDB folder (wav/03a01Fa.wav ...)."),
    model: Optional[str] = typer.Option(None, "--model", help="Model folder or hub id; default: the bundled model."),
    ravdess_intensity: RavdessIntensity = typer.Option(
        RavdessIntensity.strong, "--ravdess-intensity", help="RAVDESS files to use: strong intensity only (as the paper) or all."),
    out: Path = typer.Option(..., "--out", help="Folder for probe.csv, probe_speakers.csv, probe_contrast.csv, "
                             "probe_files.csv, probe.md, probe.png."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing, non-empty output folder."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Files per model call."),
    device: str = typer.Option("cpu", "--device", help="cpu, cuda, cuda:N or auto."),
) -> None:
    """Detection of Dark and Bright in happy and sad speech of ESD, RAVDESS and EmoDB (Figure 4)."""
    from rich.progress import Progress

    from ..analysis.bootstrap import DEFAULT_RESAMPLES, Interval
    from ..experiments.emotion_probe import probe_emotion_corpora
    from ..markdown import format_p_value

    corpora = {name: folder for name, folder in (("esd", esd), ("ravdess", ravdess), ("emodb", emodb)) if folder}
    if not corpora:
        fail("give at least one corpus folder: --esd, --ravdess or --emodb")
    check_can_write(out, force)
    with Progress(transient=True, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("scoring files", total=None)
        result = probe_emotion_corpora(
            corpora, model, out, ravdess_intensity=ravdess_intensity.value, batch_size=batch_size,
            device=device, progress=lambda done, total: bar.update(task, completed=done, total=total))
    s = result.summary
    for row in s.itertuples(index=False):
        console.print(f"{row.corpus:12s} {row.emotion:6s} {row.sex:6s} files={row.n_files:<5d} "
                      f"speakers={row.n_speakers:<3d} P(Dark)={row.p_dark:.3f} P(Bright)={row.p_bright:.3f}",
                      highlight=False, soft_wrap=True)
    for row in result.differences.itertuples(index=False):
        console.print(f"{row.corpus:12s} {row.contrast} {row.sex:6s} speakers={row.n_speakers:<3d} gap in "
                      f"P(Bright) - P(Dark): {Interval(row.difference, row.difference_lo, row.difference_hi).fmt()}"
                      + (f" p {format_p_value(row.p_value, resolution=2 / DEFAULT_RESAMPLES)}"
                         if row.n_speakers > 1 else " (one speaker: no interval)"),
                      highlight=False, soft_wrap=True)
    n_bad = len(result.unreadable)
    if n_bad:
        console.print(f"[yellow]{n_bad} unreadable files[/] (listed in probe.md and probe_files.csv)", soft_wrap=True)
    console.print(f"wrote {', '.join(result.outputs)} to {out}", highlight=False, soft_wrap=True)
