"""summary.csv / labels.csv / comparison.csv / summary.md, and the Markdown table formatter."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scores_dummies import score_row, scores_frame
from stylecheck.analysis.adherence import adherence_table, label_prf_table
from stylecheck.analysis.comparison import compare_systems
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.markdown import markdown_table as markdown_table_home
from stylecheck.reporting.tables import (TOP_LEVEL_SYSTEM, comparison_display, format_interval, format_p_value,
                                         markdown_table, summary_markdown, write_summary_tables)


def test_markdown_table_formats_and_escapes():
    df = pd.DataFrame({"name": ["a|b", "line\nbreak"], "value": [0.12345, np.nan], "n": [3, 4],
                       "ok": [True, False]})
    lines = markdown_table(df).splitlines()
    assert lines[0] == "| name | value | n | ok |"
    assert lines[1] == "|---|---:|---:|---|"
    assert lines[2] == "| a\\|b | 0.123 | 3 | yes |"
    assert lines[3] == "| line break |  | 4 | no |"
    assert markdown_table(df, floatfmt=".1f").splitlines()[2].startswith("| a\\|b | 0.1 |")
    # Header only for an empty frame; nothing for a frame without columns.
    assert markdown_table(df.iloc[:0]).splitlines() == lines[:2]
    assert markdown_table(pd.DataFrame()) == ""
    assert markdown_table is markdown_table_home


def test_format_interval():
    assert format_interval(0.5, 0.25, 0.75) == "0.500 [0.250, 0.750]"
    assert format_interval(0.5, np.nan, np.nan) == "0.500"
    assert format_interval(np.nan, np.nan, np.nan) == ""


def two_systems() -> pd.DataFrame:
    rows = []
    for system, right in (("sysA", 4), ("sysB", 1)):
        for i in range(5):
            rows.append(score_row(f"{system}/u{i}.wav", system=system, expected={"gender": "Female"},
                                  predicted={"gender": "Female" if i < right else "Male"}))
    return scores_frame(rows)


def test_summary_files_hold_the_tables(tmp_path):
    scores = two_systems()
    adherence = adherence_table(scores, PAPER_LABELS, n_resamples=100)
    label_prf = label_prf_table(scores, PAPER_LABELS)
    comparison = compare_systems(scores, PAPER_LABELS, n_resamples=100)
    written = write_summary_tables(tmp_path, adherence, label_prf, comparison)
    assert sorted(written) == ["comparison.csv", "labels.csv", "summary.csv", "summary.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(written), "no temporary files may remain"

    summary = pd.read_csv(tmp_path / "summary.csv", keep_default_na=False, na_values=[""])
    assert list(summary.columns) == list(adherence.columns)
    assert summary.loc[(summary.system == "sysA") & (summary.category == "gender"), "adherence"].item() == 0.8
    labels = pd.read_csv(tmp_path / "labels.csv")
    assert labels.loc[(labels.system == "sysB") & (labels.label == "Female"), "recall"].item() == pytest.approx(0.2)
    comp = pd.read_csv(tmp_path / "comparison.csv")
    # 3 items where only A matched, none where only B did: p = 2 * (1/2)^3 = 0.25.
    assert comp.loc[comp.category == "gender", "mcnemar_p"].item() == pytest.approx(0.25)

    md = (tmp_path / "summary.md").read_text()
    assert "| sysA | gender | 5 | 4 | 0.800 [" in md
    assert "| sysB | gender | 5 | 1 | 0.200 [" in md
    assert "## Systems compared" in md and "| sysA | sysB | gender | 5 | 0.800 | 0.200 | 0.600 [" in md
    assert "| sysA | gender | Female | 1.000 | 0.800 | 0.889 | 5 | 5 |" in md


def test_summary_without_expectations_or_second_system():
    scores = scores_frame([score_row("a.wav", status="unlisted", predicted={"gender": "Male"})])
    md = summary_markdown(adherence_table(scores, PAPER_LABELS), label_prf_table(scores, PAPER_LABELS),
                          compare_systems(scores, PAPER_LABELS))
    assert "adherence was not computed" in md
    assert "No comparison: fewer than two systems." in md
    assert "no label was evaluated" in md

    one = scores_frame([score_row("a.wav", expected={"gender": "Male"}, predicted={"gender": "Male"})])
    md = summary_markdown(adherence_table(one, PAPER_LABELS, n_resamples=10), label_prf_table(one, PAPER_LABELS),
                          compare_systems(one, PAPER_LABELS))
    # One file is no certainty: 1/1 gets Wilson's interval, not a bare 1.000.
    assert f"| {TOP_LEVEL_SYSTEM} | gender | 1 | 1 | 1.000 [0.207, 1.000] | 0 |" in md


def test_p_values_never_print_as_zero():
    # Issue 21 item 13: p-values printed as 0.000.
    assert format_p_value(0.0) == "< 0.001" and format_p_value(1e-9) == "< 0.001"
    assert format_p_value(0.0371) == "0.037" and format_p_value(0.001) == "0.001" and format_p_value(1.0) == "1.000"
    assert format_p_value(float("nan")) == "" and format_p_value(None) == ""
    # A bootstrap p-value of 0 from 1000 resamples says only p < 2/1000; from 1500, < 0.00133 -> 0.002.
    assert format_p_value(0.0, resolution=2 / 1000) == "< 0.002"
    assert format_p_value(0.0, resolution=2 / 1500) == "< 0.002"
    assert format_p_value(0.004, resolution=2 / 1000) == "0.004"
    # McNemar's exact p of 12 discordant pairs all one way: 2 / 2^12 = 0.00049.
    a = [score_row(f"A/u{i}.wav", system="A", expected={"gender": "Female"}, predicted={"gender": "Female"})
         for i in range(12)]
    b = [score_row(f"B/u{i}.wav", system="B", expected={"gender": "Female"}, predicted={"gender": "Male"})
         for i in range(12)]
    shown = comparison_display(compare_systems(scores_frame(a + b), PAPER_LABELS))
    assert shown.loc[shown.category == "gender", "McNemar p"].item() == "< 0.001"
