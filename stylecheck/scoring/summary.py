"""From a per-file scores table to the summary tables, plots and the HTML report."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.adherence import adherence_table, compare_systems, label_prf_table, speaker_adherence_table
from ..labels import LabelSet


def summarize(scores: pd.DataFrame, label_set: LabelSet, thresholds, group_by_speaker: bool = False) -> dict:
    """The summary tables as DataFrames (adherence, per-label P/R/F1, system comparison and,
    when asked or when a speaker column is filled, adherence over speakers)."""
    has_speakers = "speaker" in scores and (scores["speaker"].fillna("").astype(str) != "").any()
    return {
        "adherence": adherence_table(scores, label_set),
        "label_prf": label_prf_table(scores, label_set),
        "comparison": compare_systems(scores, label_set),
        "speaker_adherence": (speaker_adherence_table(scores, label_set, dict(zip(label_set.labels, thresholds)))
                              if (group_by_speaker or has_speakers) else None),
    }


def write_summary_outputs(scores: pd.DataFrame, label_set: LabelSet, thresholds, out_dir: Path, audio_dir: Path,
                          meta: dict, group_by_speaker: bool = False) -> dict:
    from ..reporting.html import write_report_html
    from ..reporting.plots import plot_adherence, plot_expected_probability
    from ..reporting.tables import write_summary_tables

    tables = summarize(scores, label_set, thresholds, group_by_speaker)
    write_summary_tables(out_dir, tables["adherence"], tables["label_prf"], tables["comparison"],
                         tables["speaker_adherence"])
    plots = [plot_adherence(tables["adherence"], out_dir / "adherence.png"),
             plot_expected_probability(scores, label_set, out_dir / "expected_probability.png")]
    plots = [p for p in plots if p is not None]
    write_report_html(out_dir, scores, tables["adherence"], tables["label_prf"], tables["comparison"], plots,
                      meta.get("model", {}), audio_dir, label_set=label_set,
                      speaker_adherence=tables["speaker_adherence"])
    return tables
