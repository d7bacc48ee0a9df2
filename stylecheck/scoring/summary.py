"""From a per-file scores table to the summary tables, plots and the HTML report."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.adherence import adherence_table, compare_systems, label_prf_table, speaker_adherence_table
from ..analysis.confusion import confusion_table, predicted_distribution
from ..analysis.leakage import source_leakage_table
from ..labels import LabelSet
from .sources import has_sources, output_rows


def summarize(scores: pd.DataFrame, label_set: LabelSet, thresholds, group_by_speaker: bool = False) -> dict:
    """The summary tables as DataFrames (adherence, per-label P/R/F1, system comparison and,
    when asked or when a speaker column is filled, adherence over speakers; confusion, predicted
    labels and, when sources were given, source leakage). Rows that are only some file's source
    recording are left out of every table: they are inputs, not outputs."""
    scores = output_rows(scores)
    has_speakers = "speaker" in scores and (scores["speaker"].fillna("").astype(str) != "").any()
    return {
        "adherence": adherence_table(scores, label_set),
        "label_prf": label_prf_table(scores, label_set),
        "comparison": compare_systems(scores, label_set),
        "speaker_adherence": (speaker_adherence_table(scores, label_set, dict(zip(label_set.labels, thresholds)))
                              if (group_by_speaker or has_speakers) else None),
        "confusion": confusion_table(scores, label_set),
        "distribution": predicted_distribution(scores, label_set),
        "leakage": source_leakage_table(scores, label_set) if has_sources(scores) else None,
    }


def write_summary_outputs(scores: pd.DataFrame, label_set: LabelSet, thresholds, out_dir: Path, audio_dir: Path,
                          meta: dict, group_by_speaker: bool = False, copy_audio: bool = False) -> dict:
    """Write the summary tables, plots and ``report.html`` into ``out_dir``; ``copy_audio`` copies
    the audio the report plays into ``out_dir/audio`` so the folder can be moved or zipped."""
    from ..models.reliability import weak_categories
    from ..reporting.diagnostics import diagnostics_markdown, reliability_markdown, write_diagnostic_tables
    from ..reporting.html import write_report_html
    from ..reporting.plots import plot_adherence, plot_expected_probability, plot_predicted_distribution
    from ..reporting.tables import write_summary_tables

    model_info = meta.get("model", {})
    reliability = model_info.get("reliability")
    threshold_map = dict(zip(label_set.labels, (float(t) for t in thresholds)))
    tables = summarize(scores, label_set, thresholds, group_by_speaker)
    write_summary_tables(out_dir, tables["adherence"], tables["label_prf"], tables["comparison"],
                         tables["speaker_adherence"], after_adherence=reliability_markdown(reliability, label_set),
                         appendix=diagnostics_markdown(tables, reliability, label_set))
    write_diagnostic_tables(out_dir, tables, reliability, label_set)
    plots = [plot_adherence(tables["adherence"], out_dir / "adherence.png", weak=weak_categories(reliability, label_set)),
             plot_expected_probability(output_rows(scores), label_set, out_dir / "expected_probability.png",
                                       thresholds=threshold_map),
             plot_predicted_distribution(tables["distribution"], label_set, out_dir / "predicted_labels.png")]
    write_report_html(out_dir, scores, tables["adherence"], tables["label_prf"], tables["comparison"], plots,
                      model_info, audio_dir, label_set=label_set, speaker_adherence=tables["speaker_adherence"],
                      diagnostics=tables, thresholds=threshold_map, copy_audio=copy_audio)
    return tables
