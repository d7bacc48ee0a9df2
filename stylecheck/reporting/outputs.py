"""Everything a scored folder's summary writes: the tables (CSV, ``summary.md``), the diagnostic
tables, the plots and ``report.html``, all rendered from one :class:`~stylecheck.analysis.summary.Summary`."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.summary import Summary
from ..results import output_rows
from .diagnostics import diagnostics_markdown, reliability_markdown, write_diagnostic_tables
from .html import write_report_html
from .plots import plot_adherence, plot_expected_probability, plot_predicted_distribution
from .tables import write_summary_tables


def write_summary_outputs(out_dir: Path, scores: pd.DataFrame, summary: Summary, model_info: dict,
                          audio_dir: Path, copy_audio: bool = False) -> list[Path]:
    """Write the summary tables, plots and ``report.html`` into ``out_dir``; ``copy_audio`` copies
    the audio the report plays into ``out_dir/audio`` so the folder can be moved or zipped.
    Returns the plots written."""
    write_summary_tables(out_dir, summary.adherence, summary.label_prf, summary.comparison,
                         summary.speaker_adherence, not_computed=summary.not_computed,
                         no_style=summary.no_style, count_failed=summary.count_failed,
                         after_adherence=reliability_markdown(summary), appendix=diagnostics_markdown(summary))
    write_diagnostic_tables(out_dir, summary)
    plots = [plot_adherence(summary.adherence, out_dir / "adherence.png", weak=summary.weak),
             plot_expected_probability(output_rows(scores), summary.label_set, out_dir / "expected_probability.png",
                                       thresholds=summary.effective_thresholds or summary.thresholds),
             plot_predicted_distribution(summary.distribution, summary.label_set, out_dir / "predicted_labels.png")]
    plots = [p for p in plots if p is not None]
    write_report_html(out_dir, scores, summary, plots, model_info, audio_dir, copy_audio=copy_audio)
    return plots
