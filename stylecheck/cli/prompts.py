"""``stylecheck prompts STYLES.csv``: show how each prompt or styles cell of a file was read."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .app import app, console


@app.command("prompts")
def prompts(
    styles_csv: Path = typer.Argument(..., help="STYLES.csv: a 'file' column and a 'styles' and/or 'prompt' column."),
    labels_from: Optional[str] = typer.Option(
        None, "--labels-from", help="Read prompts in this model's label set (folder or hub id); default: the paper's 8 labels."),
) -> None:
    """Show the labels each prompt or styles cell expects, the categories it leaves open, and why."""
    from ..styles.labels import PAPER_LABELS
    from ..models.checkpoint import read_config, resolve_model_dir
    from ..scoring.expected import explain_expected_styles
    from ..styles.measured_expectations import MEASURED_CATEGORIES

    label_set = PAPER_LABELS
    if labels_from is not None:
        label_set = read_config(resolve_model_dir(labels_from)).label_set
    table = explain_expected_styles(styles_csv, label_set)

    count = f"{len(table)} file" + ("" if len(table) == 1 else "s")
    out = Table(title=Text(f"{styles_csv} ({count})"), show_lines=True)
    out.add_column("file", overflow="fold")
    out.add_column("from")
    out.add_column("text", overflow="fold")
    for category in label_set.categories:
        out.add_column(category, min_width=max(len(lab) for lab in label_set.categories[category]))
    measured = [c for c in MEASURED_CATEGORIES if (table[f"expected_{c}"] != "").any()]
    for category in measured:
        out.add_column(category)
    out.add_column("open")
    out.add_column("unjudged", overflow="fold")
    out.add_column("matched", overflow="fold")
    out.add_column("warnings", overflow="fold", style="yellow")
    # Text() so brackets in file names or prompts are shown, not read as rich markup.
    for row in table.to_dict("records"):
        out.add_row(*(Text(str(v)) for v in (
            row["file"], row["source"], row["styles"] if row["source"] == "styles" else row["prompt"],
            *(row[f"expected_{c}"] or "-" for c in label_set.categories),
            *(row[f"expected_{c}"] or "-" for c in measured),
            row["open"].replace(";", ", "), row["unjudged"].replace("; ", "\n"), row["matched"], row["warnings"].replace("; ", "\n"))))
    console.print(out)
