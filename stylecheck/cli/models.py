"""``stylecheck info MODEL``: show a model folder's config."""
from __future__ import annotations

import json

import typer

from .app import app, console


@app.command("info")
def info(model: str = typer.Argument(..., help="Model folder or hub id.")) -> None:
    """Show a model's labels, backbone, thresholds and training summary."""
    from ..models.checkpoint import read_config, resolve_model_dir

    cfg = read_config(resolve_model_dir(model))
    console.print_json(json.dumps(cfg.to_dict(), default=str))
