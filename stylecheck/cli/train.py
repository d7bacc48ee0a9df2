"""``stylecheck train`` and ``stylecheck evaluate``."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..features.registry import backbone_help
from ..models.heads import arch_help
from .app import app, check_can_write, console, fail


@app.command("train")
def train(
    train: List[Path] = typer.Option(..., "--train", help="Training manifest CSV (repeatable)."),
    valid: Path = typer.Option(..., "--valid", help="Validation manifest CSV."),
    out: Path = typer.Option(..., "--out", help="Model folder to write."),
    backbone: str = typer.Option("ge2e", help=backbone_help()),
    arch: str = typer.Option("speechmlc", help=arch_help()),
    layer: Optional[int] = typer.Option(None, help="SSL layer: hidden_states[K] (default 6)."),
    epochs: int = typer.Option(50),
    batch_size: int = typer.Option(64),
    lr: float = typer.Option(1e-4),
    crops_per_item: int = typer.Option(1, help="Random 5 s crops per utterance per epoch."),
    patience: int = typer.Option(10, help="Early stopping: epochs without a better validation macro-F1."),
    focal_gamma: float = typer.Option(0.0, help="Focal loss gamma (0 = plain BCE)."),
    balanced_sampling: bool = typer.Option(False, help="Oversample utterances with rare positive labels."),
    soft_targets: bool = typer.Option(False, help="Use annotator agreement shares as soft targets."),
    augment: List[Path] = typer.Option([], "--augment", help="Extra manifest of converted audio (stylecheck augment)."),
    d_model: Optional[int] = typer.Option(None, help="SpeechMLC width (paper: 128)."),
    n_layers: Optional[int] = typer.Option(None, help="SpeechMLC decoder layers (paper: 4)."),
    widths: Optional[str] = typer.Option(None, help="ResNet-34 channel widths of its 4 stages, e.g. 16,32,64,128 (default 32,64,128,256)."),
    seed: int = typer.Option(0),
    device: str = typer.Option("auto", help="auto | cpu | cuda | cuda:N"),
    cache_dir: Optional[Path] = typer.Option(None, help="Feature cache folder (default ~/.cache/stylecheck/features)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the feature cache."),
    trim_speech: bool = typer.Option(False, help="Cut each file to its speech first, as `stylecheck score` does (recommended: the model then learns from what scoring shows it)."),
    skip_bad_rows: bool = typer.Option(False, help="Skip bad manifest rows instead of stopping."),
    resume: bool = typer.Option(False, help="Continue an interrupted run in --out."),
    name: str = typer.Option("", help="Model name stored in the config."),
    force: bool = typer.Option(False, help="Overwrite an existing --out."),
) -> None:
    """Train a style classifier head on frozen backbone features (paper recipe by default)."""
    from ..training import TrainOptions, train_model

    if not resume:
        check_can_write(out, force)
    params = {k: v for k, v in {"d_model": d_model, "n_layers": n_layers}.items() if v is not None}
    if widths is not None:
        try:
            params["widths"] = tuple(int(w) for w in widths.split(","))
        except ValueError:
            fail(f"--widths must be 4 comma-separated integers, not {widths!r}")
        if len(params["widths"]) != 4 or min(params["widths"]) < 1:
            fail(f"--widths must be 4 comma-separated positive integers, not {widths!r}")
    opts = TrainOptions(
        train=[str(p) for p in [*train, *augment]], valid=str(valid), out=str(out), backbone=backbone, arch=arch,
        layer=layer, epochs=epochs, batch_size=batch_size, lr=lr, crops_per_item=crops_per_item, patience=patience,
        focal_gamma=focal_gamma, balanced_sampling=balanced_sampling, soft_targets=soft_targets, seed=seed,
        device=device, cache_dir=str(cache_dir) if cache_dir else None, use_cache=not no_cache,
        trim_speech=trim_speech, skip_bad_rows=skip_bad_rows, resume=resume, arch_params=params, name=name,
    )
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("training", total=epochs)

        def on_epoch(epoch, total, row):
            bar.update(task, completed=epoch,
                       description=f"epoch {epoch}: loss {row['train_loss']:.3f} valid F1 {row['valid_macro_f1']:.3f}")

        folder = train_model(opts, progress=on_epoch)
    console.print(f"model written to [bold]{folder}[/]")


@app.command("evaluate")
def evaluate(
    models: List[Path] = typer.Argument(..., help="Model folder(s)."),
    manifest: Path = typer.Option(..., "--manifest", help="Test manifest CSV."),
    out: Path = typer.Option(..., "--out", help="Output folder (f1.csv, f1.md, predictions.csv)."),
    device: str = typer.Option("cpu"),
    cache_dir: Optional[Path] = typer.Option(None),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the feature cache."),
    trim_speech: bool = typer.Option(False, help="Cut each file to its speech first, as `stylecheck score` does."),
    include_training_speakers: bool = typer.Option(
        False, help="Keep files of speakers the model was trained on (default: left out and counted); the model's "
                    "rows are then marked [incl. training speakers]."),
    bootstrap: int = typer.Option(1000, help="Bootstrap resamples for the intervals."),
    skip_bad_rows: bool = typer.Option(False),
    force: bool = typer.Option(False),
) -> None:
    """Per-label precision, recall and F1 like the paper's Table 2, with bootstrap intervals."""
    from ..experiments.evaluate import evaluate_models, table2_wide
    from rich.markup import escape
    from rich.table import Table

    check_can_write(out / "f1.csv", force)
    long = evaluate_models(models, manifest, out, device=device, cache_dir=str(cache_dir) if cache_dir else None,
                           use_cache=not no_cache, n_resamples=bootstrap, skip_bad_rows=skip_bad_rows,
                           trim_speech=trim_speech, include_training_speakers=include_training_speakers)
    wide = table2_wide(long, with_intervals=False)
    table = Table(title=f"F1 on {manifest.name}")
    for c in wide.columns:
        table.add_column(str(c))
    for row in wide.itertuples(index=False):
        table.add_row(*[escape(str(v)) for v in row])  # model names carry "[incl. training speakers]"
    console.print(table)
    for name, note in long.attrs.get("training_speakers", {}).items():
        console.print(f"training speakers, {name}: {note['text']}", markup=False, highlight=False)
    console.print(f"written: {out / 'f1.csv'}, {out / 'f1.md'}, {out / 'predictions.csv'}")
