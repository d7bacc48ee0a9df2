"""``stylecheck augment``: kNN-VC conversions of a training manifest into speakers with rare labels."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app, console, err_console


@app.command("augment")
def augment(
    manifest: Path = typer.Option(..., "--manifest", help="TRAIN manifest CSV (needs a speaker column)."),
    labels: str = typer.Option(..., "--labels", help="Comma-separated labels whose speakers become targets, e.g. Rough,Smooth."),
    out: Path = typer.Option(..., "--out", help="Output folder: manifest.csv, audio/, augment_report.md. Rerun to resume."),
    hours: Optional[float] = typer.Option(None, "--hours", help="Hours of converted audio to make."),
    backend: str = typer.Option("world", "--backend", help="world (no weights) or wavlm-hifigan (official kNN-VC)."),
    reference_seconds: float = typer.Option(60.0, "--reference-seconds", help="Target audio pooled into each matching set."),
    k: int = typer.Option(4, "--k", help="Nearest neighbours averaged per frame."),
    seed: int = typer.Option(0, "--seed", help="Seed of the pairing."),
    max_pairs: Optional[int] = typer.Option(None, "--max-pairs", help="Stop after this many pairs."),
    wavlm: Optional[Path] = typer.Option(None, "--wavlm", help="Local transformers WavLM-Large folder (wavlm-hifigan)."),
    hifigan: Optional[Path] = typer.Option(None, "--hifigan", help="Local prematched HiFi-GAN checkpoint (wavlm-hifigan)."),
    device: str = typer.Option("cpu", "--device", help="Torch device for the wavlm-hifigan backend."),
    f0_method: str = typer.Option("harvest", "--f0-method", help="World backend's F0 tracker: harvest (robust) or dio (~5x faster)."),
    force: bool = typer.Option(False, "--force", help="Reconvert pairs whose audio already exists."),
) -> None:
    """Convert source utterances into the voices of speakers carrying LABELS (paper section 3.2)."""
    from ..augment import augment_manifest

    result = augment_manifest(
        manifest, [s for s in labels.split(",") if s.strip()], out, hours=hours, backend=backend,
        reference_seconds=reference_seconds, k=k, seed=seed, max_pairs=max_pairs, force=force,
        wavlm=None if wavlm is None else str(wavlm), hifigan=None if hifigan is None else str(hifigan),
        device=device, world_options={"f0_method": f0_method} if backend == "world" else None,
        progress=lambda line: console.print(line, highlight=False),
    )
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
    console.print(
        f"{len(result.rows)} converted files ({result.converted} new, {result.reused} reused, "
        f"{len(result.failures)} failed) -> {result.manifest_path}; report: {result.report_path}",
        highlight=False,
    )
