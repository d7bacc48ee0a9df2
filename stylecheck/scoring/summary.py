"""The summary step of a scoring run: compute the :class:`~stylecheck.analysis.summary.Summary`
once from the per-file rows, then hand it to reporting to write every table, plot and page."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.summary import Summary, summarize
from ..reporting.outputs import write_summary_outputs as render_summary
from ..styles.labels import LabelSet


def write_summary_outputs(scores: pd.DataFrame, label_set: LabelSet, thresholds, out_dir: Path, audio_dir: Path,
                          meta: dict, group_by_speaker: bool = False, count_failed: bool = True,
                          copy_audio: bool = False, norms=None) -> Summary:
    """Summarize ``scores`` with the model described in ``meta["model"]`` (its decision rule and
    held-out reliability) and write the outputs into ``out_dir``; ``meta["expected"]`` (the
    STYLES.csv, None without one) says whether files were asked for styles at all; ``norms``: the
    measured categories' norms, drawn in their plots."""
    model_info = meta.get("model", {})
    summary = summarize(scores, label_set, thresholds, group_by_speaker, count_failed,
                        decision=model_info.get("decision"), reliability=model_info.get("reliability"),
                        styles_given=(meta["expected"] is not None) if "expected" in meta else None)
    render_summary(out_dir, scores, summary, model_info, audio_dir, copy_audio=copy_audio, norms=norms)
    return summary
