"""The summary of a scored folder, computed once: every table the outputs show, which categories
the classifier is weak at, and why anything is missing. Reporting renders a :class:`Summary`;
it derives nothing of its own.

Nothing is left out silently: the summary also holds, for every table or plot that cannot be
computed, the exact reason (``not_computed``: name -> reason), and the listed files whose prompt
mentions no style stylecheck judges (``no_style``). The terminal, ``summary.md``, ``run.json`` and
the report all show both.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from ..results import BAD_ROW_STATUS, has_sources, output_rows, text_column
from ..styles.decision import effective_thresholds
from ..styles.labels import LabelSet
from ..styles.reliability import weak_categories
from .adherence import adherence_table, label_prf_table
from .comparison import compare_systems
from .confusion import confusion_table, predicted_distribution
from .leakage import source_leakage_table
from .speakers import speaker_adherence_table


@dataclass
class Summary:
    """What a run's outputs show. Tables are DataFrames (``speaker_adherence`` and ``leakage``
    are None when not asked for); ``weak`` maps each category where the classifier's held-out
    figures are weak to the reason (the rule of :mod:`stylecheck.styles.reliability`).
    ``thresholds`` are the model's stored per-label thresholds (the v1 rule, and Table 2);
    ``effective_thresholds`` what each label needs under the rule the model decides with."""

    label_set: LabelSet
    adherence: pd.DataFrame
    label_prf: pd.DataFrame
    comparison: pd.DataFrame
    speaker_adherence: pd.DataFrame | None
    confusion: pd.DataFrame
    distribution: pd.DataFrame
    leakage: pd.DataFrame | None
    not_computed: dict[str, str]
    no_style: pd.DataFrame
    count_failed: bool
    thresholds: dict[str, float] = field(default_factory=dict)
    reliability: Mapping[str, Any] | None = None
    decision: Mapping[str, Any] | None = None
    weak: dict[str, str] = field(default_factory=dict)
    #: label -> the probability it needs to be predicted under ``decision`` (see
    #: :func:`stylecheck.styles.decision.effective_thresholds`); what texts and plots explain.
    effective_thresholds: dict[str, float] = field(default_factory=dict)

    def run_notes(self) -> dict:
        """What ``run.json`` records about the summary so the terminal (and a reader of run.json)
        can say what was left out: ``not_computed`` (name -> reason) and ``no_style`` (how many
        listed files ask for no judged style, and the first 20 of them)."""
        return {"count_failed": self.count_failed, "not_computed": dict(self.not_computed),
                "no_style": {"count": int(len(self.no_style)), "files": self.no_style["file"].head(20).tolist()}}


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


def not_computed_reasons(scores: pd.DataFrame, label_set: LabelSet, tables: Summary) -> dict[str, str]:
    """Section name -> why it is empty, for each table or plot that could not be computed."""
    reasons: dict[str, str] = {}
    if tables.adherence.empty:
        if not _has_listed(scores):
            why = "no STYLES.csv (--expected) was given, so no file had an expected style; files were only classified"
        else:
            why = "no file listed in STYLES.csv asks for a style the model judges"
        reasons["adherence"] = why
        reasons["adherence.png"] = why
    if tables.label_prf.empty:
        reasons["labels"] = reasons.get("adherence") or (
            "no listed file with an expected style could be judged (all of them failed; see scores.csv)")
    if "expected_probability.png" not in reasons and tables.label_prf.empty:
        reasons["expected_probability.png"] = reasons["labels"]
    if tables.comparison.empty:
        reasons["comparison"] = str(tables.comparison.attrs.get("pairing", "no paired files"))
    speakers = tables.speaker_adherence
    if speakers is None:
        reasons["speakers"] = "STYLES.csv has no speaker column and --group-by speaker was not given"
    elif speakers.empty:
        reasons["speakers"] = "no speaker with an expected style"
    return reasons


def summarize(scores: pd.DataFrame, label_set: LabelSet, thresholds, group_by_speaker: bool = False,
              count_failed: bool = True, decision: Mapping | None = None,
              reliability: Mapping | None = None) -> Summary:
    """The summary tables of a scores table (adherence, per-label P/R/F1, system comparison and,
    when asked or when a speaker column is filled, adherence over speakers; confusion, predicted
    labels and, when sources were given, source leakage), the weak categories and what could not
    be computed. ``count_failed``: files that could not be judged count as not adhering (see
    :func:`stylecheck.analysis.adherence.adherence_table`). Rows that are only some file's
    source recording are left out of every table: they are inputs, not outputs."""
    scores = output_rows(scores)
    has_speakers = "speaker" in scores and (scores["speaker"].fillna("").astype(str) != "").any()
    threshold_map = dict(zip(label_set.labels, (float(t) for t in thresholds)))
    summary = Summary(
        label_set=label_set,
        adherence=adherence_table(scores, label_set, count_failed=count_failed),
        label_prf=label_prf_table(scores, label_set),
        comparison=compare_systems(scores, label_set, count_failed=count_failed),
        speaker_adherence=(speaker_adherence_table(scores, label_set, threshold_map, count_failed=count_failed,
                                                   decision=decision)
                           if (group_by_speaker or has_speakers) else None),
        confusion=confusion_table(scores, label_set, decision),
        distribution=predicted_distribution(scores, label_set, decision),
        leakage=source_leakage_table(scores, label_set) if has_sources(scores) else None,
        not_computed={}, no_style=files_without_expectation(scores, label_set), count_failed=bool(count_failed),
        thresholds=threshold_map, reliability=reliability, decision=decision,
        weak=weak_categories(reliability, label_set),
        effective_thresholds=effective_thresholds(label_set, thresholds, decision),
    )
    summary.not_computed = not_computed_reasons(scores, label_set, summary)
    return summary
