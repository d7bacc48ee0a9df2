"""``stylecheck score`` on a folder laid out as the DreamVoice demo (three systems' outputs, their
sources and two unlisted recordings in ``gt/``): the listed files pair, sources count as sources,
unlisted files are named by their folder, grid.csv is a listening-test sheet, and a rerun says
what it reused."""
from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from demo_layout import EXTRAS, PROMPTS, SOURCES, SYSTEMS, build_demo_layout

import stylecheck.cli  # noqa: F401  (registers the commands)
from stylecheck.cli import app
from stylecheck.scoring import score_directory


@pytest.fixture(scope="module")
def demo(tmp_path_factory, tiny_model_dir):
    root = tmp_path_factory.mktemp("demo")
    layout = build_demo_layout(root)
    out = root / "out"
    return layout, out, score_directory(layout.audio, layout.styles, tiny_model_dir, out)


def test_sources_are_scored_as_sources_and_unlisted_files_belong_to_no_system(demo):
    _, _, scores = demo
    by_file = scores.set_index("file")
    assert (by_file.loc[list(SOURCES), "role"] == "source").all()
    assert (by_file.loc[list(SOURCES), "status"] == "ok").all()
    assert (by_file.loc[list(EXTRAS), "status"] == "unlisted").all()
    assert set(scores["system"]) == {*SYSTEMS, ""} and set(by_file.loc[[*SOURCES, *EXTRAS], "system"]) == {""}


def test_grid_csv_pairs_the_listed_files_with_their_sources(demo):
    _, out, _ = demo
    grid = pd.read_csv(out / "grid.csv", dtype=str, keep_default_na=False)
    assert list(grid.columns) == ["item", "prompt", "source", *SYSTEMS]
    assert len(grid) == len(PROMPTS)
    for i, row in enumerate(grid.to_dict("records"), start=1):
        assert row == {"item": f"{i}.wav", "prompt": PROMPTS[i - 1], "source": SOURCES[i - 1],
                       **{s: f"{s}/{i}.wav" for s in SYSTEMS}}


def test_report_grid_has_one_row_per_prompt_and_names_what_it_left_out(demo):
    _, out, _ = demo
    page = (out / "report.html").read_text(encoding="utf-8")
    grid = page[page.index('<table id="grid"'):]
    assert grid[:grid.index("</table>")].count("<tr data-key=") == len(PROMPTS)
    assert "paired by path without the system folder" in page
    assert "Not in the grid: 2 unlisted in gt/" in page
    md = (out / "summary.md").read_text()
    assert "## About the files" in md and "2 file(s) in the folder are listed nowhere in STYLES.csv (gt/ 2)" in md


def test_cli_counts_sources_apart_and_says_what_a_rerun_reused(demo, tiny_model_dir, tmp_path):
    layout, _, _ = demo
    args = ["score", str(layout.audio), "--expected", str(layout.styles), "--model", str(tiny_model_dir),
            "--out", str(tmp_path / "out"), "--device", "cpu"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "files: ok 15, source 5, unlisted 2 (gt/ 2)" in first.output
    assert "reused" not in first.output
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "reused 22, scored 0" in " ".join(again.output.split())
    assert "note 2 file(s) in the folder are listed nowhere" in " ".join(again.output.split())


def test_without_a_system_column_the_systems_are_the_output_folders(tmp_path, tiny_model_dir):
    layout = build_demo_layout(tmp_path, system_column=False)
    scores = score_directory(layout.audio, layout.styles, tiny_model_dir, tmp_path / "out")
    assert set(scores["system"]) == {*SYSTEMS, ""}  # gt/ holds sources and unlisted files: no system
    grid = pd.read_csv(tmp_path / "out" / "grid.csv", dtype=str, keep_default_na=False)
    assert list(grid.columns) == ["item", "prompt", "source", *SYSTEMS] and len(grid) == len(PROMPTS)
