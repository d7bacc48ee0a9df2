"""The prompt x system grid and grid.csv: listed outputs pair across systems even when the folder
holds sources and recordings STYLES.csv does not list (the DreamVoice demo layout)."""
from __future__ import annotations

import pandas as pd

from scores_dummies import score_row, scores_frame
from stylecheck.analysis.grid import grid_table, item_grid
from stylecheck.analysis.summary import NO_STYLES_REASON, summarize
from stylecheck.styles.labels import PAPER_LABELS

SYSTEMS = ("dreamvc", "dreamvg", "promptvc")
THRESHOLDS = [0.5] * len(PAPER_LABELS.labels)


def demo_scores(n_items: int = 5, extras: int = 2) -> pd.DataFrame:
    """As scoring writes the demo: outputs in one folder per system, each naming its source in
    gt/; the sources scored as sources; ``extras`` recordings in gt/ listed nowhere."""
    rows, roles, sources = [], [], []
    for i in range(1, n_items + 1):
        rows.append(score_row(f"gt/src{i}.wav", predicted={"gender": "Male"}))
        roles.append("source"), sources.append("")
        for system in SYSTEMS:
            rows.append(score_row(f"{system}/{i}.wav", system=system, prompt=f"prompt {i}",
                                  expected={"gender": "Female"}, predicted={"gender": "Female"}))
            roles.append("output"), sources.append(f"gt/src{i}.wav")
    for j in range(1, extras + 1):
        rows.append(score_row(f"gt/extra{j}.wav", status="unlisted", predicted={"gender": "Male"}))
        roles.append("output"), sources.append("")
    frame = scores_frame(rows).assign(role=roles, source=sources)
    return frame.sort_values("file", kind="stable").reset_index(drop=True)


def test_unlisted_recordings_do_not_stop_the_pairing():
    grid = item_grid(demo_scores())
    assert grid.paired and grid.how == "path without the system folder"
    assert grid.items == ["1.wav", "2.wav", "3.wav", "4.wav", "5.wav"] and grid.systems == list(SYSTEMS)
    assert grid.left_out == {"unlisted in gt/": 2}
    table = grid_table(grid)
    assert list(table.columns) == ["item", "prompt", "source", *SYSTEMS]
    assert table.iloc[1].tolist() == ["2.wav", "prompt 2", "gt/src2.wav", "dreamvc/2.wav", "dreamvg/2.wav",
                                      "promptvc/2.wav"]
    assert table.attrs["pairing"] == "path without the system folder"


def test_items_in_natural_order_and_empty_cells_where_a_system_has_no_file():
    scores = demo_scores(n_items=12, extras=0)
    scores = scores[scores["file"] != "promptvc/10.wav"]
    table = grid_table(item_grid(scores))
    assert table["item"].tolist()[:3] == ["1.wav", "2.wav", "3.wav"] and table["item"].tolist()[-1] == "12.wav"
    assert table.set_index("item").loc["10.wav", "promptvc"] == ""
    assert table.set_index("item").loc["10.wav", "dreamvc"] == "dreamvc/10.wav"


def test_a_grid_that_cannot_pair_says_why_and_gives_each_file_a_row():
    # Two files of one system with the same name under different sub-folders, no prompts.
    scores = scores_frame([score_row("a/x.wav", system="a"), score_row("b/x.wav", system="b"),
                           score_row("b/y.wav", system="a")])
    grid = item_grid(scores)
    assert not grid.paired and len(grid.items) == 3
    assert "do not lie in a folder named after their system" in grid.how and "have no prompt" in grid.how
    summary = summarize(scores, PAPER_LABELS, THRESHOLDS)
    assert any(note.startswith("The grid (report.html, grid.csv) could not pair") and "have no prompt" in note
               for note in summary.notes)


def test_summary_counts_unlisted_files_by_folder_and_keeps_them_out_of_system_tables():
    summary = summarize(demo_scores(), PAPER_LABELS, THRESHOLDS)
    assert summary.grid is not None and len(summary.grid) == 5
    assert set(summary.distribution["system"]) == set(SYSTEMS)  # no "" system for gt/extra*.wav
    (note,) = summary.notes
    assert note.startswith("2 file(s) in the folder are listed nowhere in STYLES.csv (gt/ 2)")
    assert summary.run_notes()["notes"] == [note]


def test_files_in_several_folders_read_as_one_system_are_said_so():
    rows = [score_row(f"run/{folder}/{i}.wav", expected={"gender": "Female"}, predicted={"gender": "Female"})
            for folder in ("a", "b") for i in range(2)]
    summary = summarize(scores_frame(rows), PAPER_LABELS, THRESHOLDS)
    assert any("lie in 2 folders (run/a/, run/b/) but are read as one system" in note for note in summary.notes)
    named = scores_frame([{**r, "system": "mine"} for r in rows])  # a system the user named is taken as meant
    assert not any("read as one system" in note for note in summarize(named, PAPER_LABELS, THRESHOLDS).notes)


def test_without_styles_one_reason_and_no_file_asking_for_no_style():
    scores = scores_frame([score_row(f"{s}/{i}.wav", system=s, predicted={"gender": "Male"})
                           for s in ("x", "y") for i in range(2)])
    for styles_given in (False, None):
        summary = summarize(scores, PAPER_LABELS, THRESHOLDS, styles_given=styles_given)
        assert summary.not_computed == {"adherence": NO_STYLES_REASON}
        assert summary.no_style.empty
