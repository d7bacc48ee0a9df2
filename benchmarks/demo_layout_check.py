"""What ``stylecheck score`` prints and writes on a folder laid out as the DreamVoice demo page:
three systems' outputs in sub-folders, ``gt/`` with the 5 sources STYLES.csv names and 2
recordings it does not (the fixture of tests/demo_layout.py), scored twice into the same
``--out`` with a small random-weight model (the behaviour checked is the pairing, counting and
reporting, not the model's answers).

    PYTHONPATH=. python benchmarks/demo_layout_check.py   # writes reports/demo_layout.md
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from demo_layout import build_demo_layout  # noqa: E402


def tiny_model(folder: Path) -> Path:
    import torch

    from stylecheck.features import build_backbone
    from stylecheck.models import new_model
    from stylecheck.styles.labels import PAPER_LABELS

    torch.manual_seed(0)
    model = new_model("speechmlc", build_backbone("mel80"), PAPER_LABELS, d_model=32, n_layers=1, n_heads=2,
                      ff_dim=64)
    model.save_pretrained(folder)
    return folder


def main() -> None:
    from typer.testing import CliRunner

    import stylecheck.cli  # noqa: F401  (registers the commands)
    from stylecheck.cli import app

    root = Path(tempfile.mkdtemp(prefix="demo_layout_"))
    layout = build_demo_layout(root)
    model = tiny_model(root / "model")
    out = root / "out"
    args = ["score", str(layout.audio), "--expected", str(layout.styles), "--model", str(model), "--out", str(out),
            "--device", "cpu"]
    runs = [CliRunner().invoke(app, args, env={"COLUMNS": "400"}) for _ in range(2)]
    for run in runs:
        if run.exit_code != 0:
            raise SystemExit(run.output)
    root_text = str(root)

    def clean(text: str) -> str:  # no machine paths in the committed report
        return text.replace(root_text, "<tmp>")

    grid = (out / "grid.csv").read_text()
    page = (out / "report.html").read_text()
    table = page[page.index('<table id="grid"'):]
    rows = table[:table.index("</table>")].count("<tr data-key=")
    caption = page
    start = caption.index("One row per prompt or item")
    caption = caption[start:caption.index("</p>", caption.index("Not in the grid", start))]
    notes = (out / "summary.md").read_text()
    notes = notes[notes.index("## About the files"):]
    notes = notes[:notes.index("\n## ", 5)]
    report = "\n".join([
        "# `stylecheck score` on the DreamVoice demo layout",
        "",
        "Fixture: tests/demo_layout.py (3 systems x 5 prompts in `dreamvc/`, `dreamvg/`, `promptvc/`; `gt/` with the "
        "5 sources STYLES.csv names in its `source` column and 2 recordings it does not list). Model: random-weight "
        "SpeechMLC on Mel80 (seed 0), so only pairing, counting and reporting are meaningful here.",
        "",
        "Command: `PYTHONPATH=. python benchmarks/demo_layout_check.py`",
        "",
        "## First run (terminal, table rows omitted)",
        "```",
        *[clean(line) for line in runs[0].output.splitlines() 
          if not line.startswith(("┃", "│", "┏", "┡", "└", "┗", "━", "scoring ("))],
        "```",
        "## Second run into the same --out",
        "```",
        *[clean(line) for line in runs[1].output.splitlines() if line.startswith(("files:", "reused"))],
        "```",
        "## grid.csv",
        "```",
        grid.rstrip(),
        "```",
        f"report.html: {rows} grid rows; the grid's caption:",
        "```",
        clean(caption),
        "```",
        notes.rstrip(),
        "",
    ])
    target = REPO / "reports" / "demo_layout.md"
    target.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
