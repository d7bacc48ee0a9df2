"""From a per-file scores table to the summary tables, plots and the HTML report.

Nothing is left out silently: :func:`summarize` also returns, for every table or plot that
cannot be computed, the exact reason (``not_computed``: name -> reason), and the listed files
whose prompt mentions no style the model judges (``no_style``). The terminal, ``summary.md``,
``run.json`` and the report all show both.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..results import BAD_ROW_STATUS, text_column
from ..analysis.adherence import adherence_table, label_prf_table
from ..analysis.comparison import compare_systems
from ..analysis.speakers import speaker_adherence_table
from ..analysis.confusion import confusion_table, predicted_distribution
from ..analysis.leakage import source_leakage_table
from ..styles.labels import LabelSet
from .sources import has_sources, output_rows

NO_STYLE_COLUMNS = ["file", "system", "status", "prompt"]


def files_without_expectation(scores: pd.DataFrame, label_set: LabelSet) -> pd.DataFrame:
    """Listed files whose STYLES.csv row asks for no style the model judges (a prompt about
    pace or emotion only, or an empty row): they are in no adherence figure, so they are listed.
    Unlisted files and bad rows are not (nothing was read for them)."""
    status = text_column(scores, "status")
    listed = ~status.isin(("unlisted", BAD_ROW_STATUS))
    if "expected" not in scores.columns and not any(f"expected_{c}" in scores.columns for c in label_set.categories):
        listed &= False  # no STYLES.csv: nothing was asked of any file
    none = pd.Series(True, index=scores.index)
    for c in label_set.categories:
        none &= text_column(scores, f"expected_{c}") == ""
    rows = scores[(listed & none).to_numpy()]
    return pd.DataFrame({c: text_column(rows, c) for c in NO_STYLE_COLUMNS}, columns=NO_STYLE_COLUMNS)


def _has_listed(scores: pd.DataFrame) -> bool:
    status = text_column(scores, "status")
    return bool((status == "unlisted").any() or (status.isin(("missing", BAD_ROW_STATUS))).any()
                or (text_column(scores, "expected") != "").any())


def not_computed_reasons(scores: pd.DataFrame, label_set: LabelSet, tables: dict) -> dict[str, str]:
    """Section name -> why it is empty, for each table or plot that could not be computed."""
    reasons: dict[str, str] = {}
    if tables["adherence"].empty:
        if not _has_listed(scores):
            why = "no STYLES.csv (--expected) was given, so no file had an expected style; files were only classified"
        else:
            why = "no file listed in STYLES.csv asks for a style the model judges"
        reasons["adherence"] = why
        reasons["adherence.png"] = why
    if tables["label_prf"].empty:
        reasons["labels"] = reasons.get("adherence") or (
            "no listed file with an expected style could be judged (all of them failed; see scores.csv)")
    if "expected_probability.png" not in reasons and tables["label_prf"].empty:
        reasons["expected_probability.png"] = reasons["labels"]
    if tables["comparison"].empty:
        reasons["comparison"] = str(tables["comparison"].attrs.get("pairing", "no paired files"))
    speakers = tables["speaker_adherence"]
    if speakers is None:
        reasons["speakers"] = "STYLES.csv has no speaker column and --group-by speaker was not given"
    elif speakers.empty:
        reasons["speakers"] = "no speaker with an expected style"
    return reasons


def summarize(scores: pd.DataFrame, label_set: LabelSet, thresholds, group_by_speaker: bool = False,
              count_failed: bool = True, decision: dict | None = None) -> dict:
    """The summary tables as DataFrames (adherence, per-label P/R/F1, system comparison and,
    when asked or when a speaker column is filled, adherence over speakers; confusion, predicted
    labels and, when sources were given, source leakage), plus ``not_computed`` (name -> reason)
    and ``no_style`` (listed files expecting no judged style). ``count_failed``: files that could
    not be judged count as not adhering (see :func:`stylecheck.analysis.adherence.adherence_table`).
    Rows that are only some file's source recording are left out of every table: they are
    inputs, not outputs."""
    scores = output_rows(scores)
    has_speakers = "speaker" in scores and (scores["speaker"].fillna("").astype(str) != "").any()
    tables = {
        "adherence": adherence_table(scores, label_set, count_failed=count_failed),
        "label_prf": label_prf_table(scores, label_set),
        "comparison": compare_systems(scores, label_set, count_failed=count_failed),
        "speaker_adherence": (speaker_adherence_table(scores, label_set, dict(zip(label_set.labels, thresholds)),
                                                      count_failed=count_failed, decision=decision)
                              if (group_by_speaker or has_speakers) else None),
        "confusion": confusion_table(scores, label_set),
        "distribution": predicted_distribution(scores, label_set),
        "leakage": source_leakage_table(scores, label_set) if has_sources(scores) else None,
    }
    tables["not_computed"] = not_computed_reasons(scores, label_set, tables)
    tables["no_style"] = files_without_expectation(scores, label_set)
    tables["count_failed"] = bool(count_failed)
    return tables


def run_notes(tables: dict) -> dict:
    """What ``run.json`` records about the summary so the terminal (and a reader of run.json)
    can say what was left out: ``not_computed`` (name -> reason) and ``no_style`` (how many
    listed files ask for no judged style, and the first 20 of them)."""
    no_style = tables["no_style"]
    return {"count_failed": tables["count_failed"], "not_computed": dict(tables["not_computed"]),
            "no_style": {"count": int(len(no_style)), "files": no_style["file"].head(20).tolist()}}


def write_summary_outputs(scores: pd.DataFrame, label_set: LabelSet, thresholds, out_dir: Path, audio_dir: Path,
                          meta: dict, group_by_speaker: bool = False, count_failed: bool = True,
                          copy_audio: bool = False) -> dict:
    """Write the summary tables, plots and ``report.html`` into ``out_dir``; ``copy_audio`` copies
    the audio the report plays into ``out_dir/audio`` so the folder can be moved or zipped."""
    from ..styles.reliability import weak_categories
    from ..reporting.diagnostics import diagnostics_markdown, reliability_markdown, write_diagnostic_tables
    from ..reporting.html import write_report_html
    from ..reporting.plots import plot_adherence, plot_expected_probability, plot_predicted_distribution
    from ..reporting.tables import write_summary_tables

    model_info = meta.get("model", {})
    reliability = model_info.get("reliability")
    threshold_map = dict(zip(label_set.labels, (float(t) for t in thresholds)))
    tables = summarize(scores, label_set, thresholds, group_by_speaker, count_failed,
                       decision=model_info.get("decision"))
    write_summary_tables(out_dir, tables["adherence"], tables["label_prf"], tables["comparison"],
                         tables["speaker_adherence"], not_computed=tables["not_computed"],
                         no_style=tables["no_style"], count_failed=count_failed,
                         after_adherence=reliability_markdown(reliability, label_set, model_info.get("decision")),
                         appendix=diagnostics_markdown(tables, reliability, label_set))
    write_diagnostic_tables(out_dir, tables, reliability, label_set)
    plots = [plot_adherence(tables["adherence"], out_dir / "adherence.png", weak=weak_categories(reliability, label_set)),
             plot_expected_probability(output_rows(scores), label_set, out_dir / "expected_probability.png",
                                       thresholds=threshold_map),
             plot_predicted_distribution(tables["distribution"], label_set, out_dir / "predicted_labels.png")]
    plots = [p for p in plots if p is not None]
    write_report_html(out_dir, scores, tables["adherence"], tables["label_prf"], tables["comparison"], plots,
                      model_info, audio_dir, label_set=label_set, speaker_adherence=tables["speaker_adherence"],
                      diagnostics=tables, thresholds=threshold_map, copy_audio=copy_audio,
                      not_computed=tables["not_computed"], no_style=tables["no_style"])
    return tables
