"""Everything a scored folder's summary writes: the tables (CSV, ``summary.md``), ``grid.csv``
(one row per item, one column per system: a sheet for a listening test), the diagnostic tables,
the plots and ``report.html``, all rendered from one :class:`~stylecheck.analysis.summary.Summary`;
each file written atomically."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.summary import Summary
from ..io import write_csv
from ..results import output_rows
from .diagnostics import diagnostics_markdown, reliability_markdown, write_diagnostic_tables
from .beside_style import beside_style_markdown, plot_similarity, write_beside_style_tables
from .html import write_report_html
from .measured import controllability_markdown, unjudged_markdown, write_measured_outputs
from .plots import plot_adherence, plot_expected_probability, plot_predicted_distribution
from .tables import write_summary_tables


GRID_NAME = "grid.csv"


def notes_markdown(summary: Summary) -> str:
    """The summary's notes on the files (unlisted recordings, folders read as one system, a grid
    that could not pair) as a Markdown section; empty without notes."""
    if not summary.notes:
        return ""
    return "\n## About the files\n\n" + "\n".join(f"- {note}" for note in summary.notes) + "\n"


def write_summary_outputs(out_dir: Path, scores: pd.DataFrame, summary: Summary, model_info: dict,
                          audio_dir: Path, copy_audio: bool = False, norms=None) -> list[Path]:
    """Write the summary tables, plots and ``report.html`` into ``out_dir``; ``copy_audio`` copies
    the audio the report plays into ``out_dir/audio`` so the folder can be moved or zipped.
    Returns the plots written."""
    write_summary_tables(out_dir, summary.adherence, summary.label_prf, summary.comparison,
                         summary.speaker_adherence, not_computed=summary.not_computed,
                         no_style=summary.no_style, count_failed=summary.count_failed,
                         after_adherence=reliability_markdown(summary) + notes_markdown(summary)
                         + controllability_markdown(summary) + unjudged_markdown(summary),
                         appendix=beside_style_markdown(summary) + diagnostics_markdown(summary))
    write_beside_style_tables(out_dir, summary)
    if summary.grid is not None:
        write_csv(out_dir / GRID_NAME, summary.grid)
    write_diagnostic_tables(out_dir, summary)
    plots = [plot_adherence(summary.adherence, out_dir / "adherence.png", weak=summary.weak),
             plot_expected_probability(output_rows(scores), summary.label_set, out_dir / "expected_probability.png",
                                       thresholds=summary.effective_thresholds or summary.thresholds),
             plot_predicted_distribution(summary.distribution, summary.label_set, out_dir / "predicted_labels.png"),
             plot_similarity(scores, out_dir / "speaker_similarity.png")]
    plots = [p for p in plots if p is not None] + write_measured_outputs(out_dir, scores, summary, norms)
    write_report_html(out_dir, scores, summary, plots, model_info, audio_dir, copy_audio=copy_audio)
    return plots
