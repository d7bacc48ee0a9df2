"""``stylecheck info [MODEL]``: what a model is, readable (``--json``: its raw config)."""
from __future__ import annotations

import json
from typing import Optional

import typer

from .app import app, console


@app.command("info")
def info(model: Optional[str] = typer.Argument(None, help="Model folder, bundled model name or hub id "
                                                          "(default: the bundled default model)."),
         as_json: bool = typer.Option(False, "--json", help="Print the raw config.json instead.")) -> None:
    """Show a model's labels, backbone, decision rule and where its reliability figures come from."""
    from ..models.checkpoint import read_config, resolve_model_dir
    from ..pretrained import DEFAULT_MODEL_NAME, default_model_path
    from ..reporting.model_info import model_info_lines

    folder = default_model_path() if model is None else resolve_model_dir(model)
    cfg = read_config(folder).to_dict()
    if as_json:
        console.print_json(json.dumps(cfg, default=str))
        return
    where = f"the bundled default model, {DEFAULT_MODEL_NAME}" if model is None else str(folder)
    for line in model_info_lines(cfg, where):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
