"""The summary of a scored folder, computed once: every table the outputs show, which categories
the classifier is weak at, and why anything is missing. Reporting renders a :class:`Summary`;
it derives nothing of its own.

Nothing is left out silently: the summary also holds, for every table or plot that cannot be
computed, the exact reason (``not_computed``: name -> reason), and the listed files whose prompt
mentions no style stylecheck judges (``no_style``). The terminal, ``summary.md``, ``run.json`` and
the report all show both, and the ``notes`` on the files themselves: recordings found but listed
nowhere (by folder), files in several folders read as one system, a grid that could not pair.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from ..results import (
    BAD_ROW_STATUS, folder_of, has_sources, listed_outputs, natural_key, output_rows, text_column,
    unlisted_folders,
)
from ..styles.decision import effective_thresholds
from ..styles.categories import CategorySet, judged_categories
from ..styles.labels import LabelSet
from ..styles.reliability import weak_categories
from .adherence import adherence_table, label_prf_table
from .beside_style import (
    adherence_without_low_quality, low_quality_files, quality_table, similarity_comparison, similarity_table,
)
from .comparison import compare_systems
from .confusion import confusion_table, predicted_distribution
from .controllability import controllability_table
from .grid import grid_table, item_grid
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
    #: ``grid.csv``: one row per item, one column per system (:func:`.grid.grid_table`).
    grid: pd.DataFrame | None = None
    #: Sentences about the files a reader must know to read the tables (see :func:`file_notes`).
    notes: list[str] = field(default_factory=list)
    #: Every category the tables judge: the learned ones and the measured ones scored.
    categories: CategorySet | None = None
    #: ``controllability.csv``: per system and measured category, whether values follow the
    #: asked levels (:func:`.controllability.controllability_table`).
    controllability: pd.DataFrame | None = None
    #: Phrases of the prompts that no judge judges: phrase -> number of listed files.
    unjudged: dict[str, int] = field(default_factory=dict)
    #: Beside style (:mod:`.beside_style`): speaker similarity per system and its paired system
    #: differences (with a ``source`` / ``reference`` column); DNSMOS per system, the files the
    #: quality guard flags and adherence without them (with ``--quality``). None when not asked.
    similarity: pd.DataFrame | None = None
    similarity_comparison: pd.DataFrame | None = None
    quality: pd.DataFrame | None = None
    low_quality: pd.DataFrame | None = None
    adherence_without_low_quality: pd.DataFrame | None = None

    def run_notes(self) -> dict:
        """What ``run.json`` records about the summary so the terminal (and a reader of run.json)
        can say what was left out: ``not_computed`` (name -> reason), ``no_style`` (how many
        listed files ask for no judged style, and the first 20 of them) and ``notes``."""
        return {"count_failed": self.count_failed, "not_computed": dict(self.not_computed),
                "no_style": {"count": int(len(self.no_style)), "files": self.no_style["file"].head(20).tolist()},
                "notes": list(self.notes)}


NO_STYLE_COLUMNS = ["file", "system", "status", "prompt"]


def files_without_expectation(scores: pd.DataFrame, label_set: LabelSet,
                              styles_given: bool | None = None) -> pd.DataFrame:
    """Listed files whose STYLES.csv row asks for no style the model judges (a prompt about
    pace or emotion only, or an empty row): they are in no adherence figure, so they are listed.
    Unlisted files and bad rows are not (nothing was read for them), nor is any file of a run
    without a STYLES.csv (``styles_given`` False; None: judged from the table)."""
    status = text_column(scores, "status")
    listed = ~status.isin(("unlisted", BAD_ROW_STATUS))
    if not (_has_listed(scores) if styles_given is None else styles_given):
        listed &= False  # no STYLES.csv: nothing was asked of any file
    none = pd.Series(True, index=scores.index)
    for c in label_set.categories:
        none &= text_column(scores, f"expected_{c}") == ""
    rows = scores[(listed & none).to_numpy()]
    return pd.DataFrame({c: text_column(rows, c) for c in NO_STYLE_COLUMNS}, columns=NO_STYLE_COLUMNS)


def unjudged_counts(scores: pd.DataFrame) -> dict[str, int]:
    """phrase (lower case) -> how many listed files' prompts name it without stylecheck judging
    it (emotion, accent, whisper, ...), most frequent first."""
    counts: dict[str, int] = {}
    for cell in text_column(scores, "unjudged"):
        for phrase in dict.fromkeys(p.strip().lower() for p in cell.split(";") if p.strip()):
            counts[phrase] = counts.get(phrase, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _has_listed(scores: pd.DataFrame) -> bool:
    status = text_column(scores, "status")
    return bool((status == "unlisted").any() or (status.isin(("missing", BAD_ROW_STATUS))).any()
                or (text_column(scores, "expected") != "").any())


#: Without a STYLES.csv every table that needs an expected style is empty for that one reason,
#: said once rather than once per table.
NO_STYLES_REASON = ("no STYLES.csv (--expected) was given, so no file had an expected style; files were only "
                    "classified (predicted labels per system). Adherence, the comparison of systems, per-label "
                    "F1, adherence over speakers and the plots adherence.png and expected_probability.png need one")


def not_computed_reasons(scores: pd.DataFrame, label_set: LabelSet, tables: Summary,
                         styles_given: bool | None = None) -> dict[str, str]:
    """Section name -> why it is empty, for each table or plot that could not be computed.
    Without a STYLES.csv (``styles_given`` False, or None and nothing listed) that is one entry,
    ``adherence``, with :data:`NO_STYLES_REASON`."""
    reasons: dict[str, str] = {}
    if not (_has_listed(scores) if styles_given is None else styles_given):
        return {"adherence": NO_STYLES_REASON}
    if tables.adherence.empty:
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


MAX_NAMED_FOLDERS = 5


def _named(names: list[str]) -> str:
    """The first :data:`MAX_NAMED_FOLDERS` names and how many more."""
    more = len(names) - MAX_NAMED_FOLDERS
    return ", ".join(names[:MAX_NAMED_FOLDERS]) + (f" and {more} more" if more > 0 else "")


def file_notes(scores: pd.DataFrame, grid) -> list[str]:
    """What a reader must know about the files to read the tables right (``scores``: every row,
    sources and unlisted files included; ``grid``: its :class:`~.grid.ItemGrid`):

    * recordings found in the folder but listed nowhere in STYLES.csv, counted by folder: they
      are scored but were asked for nothing, so no per-system table and no grid row has them;
    * listed files that lie in several folders but are read as one unnamed system (no
      ``system`` column, and not several first-level folders to take the systems from; a system
      the user named is taken as meant);
    * a grid whose files could not be paired across systems, and why.
    """
    notes = []
    unlisted = unlisted_folders(scores)
    listed = listed_outputs(scores)
    if unlisted and not (text_column(listed, "status") == "unlisted").any():
        where = _named([f"{folder} {n}" for folder, n in unlisted.items()])
        notes.append(f"{sum(unlisted.values())} file(s) in the folder are listed nowhere in STYLES.csv ({where}): "
                     "they were scored (scores.csv and the per-file table) but were asked for nothing, so no "
                     "per-system table and no grid row counts them.")
    systems = set(text_column(listed, "system"))
    folders = sorted(set(text_column(listed, "file").map(folder_of)), key=natural_key)
    if systems == {""} and len(folders) > 1:
        notes.append(f"The {len(listed)} file(s) lie in {len(folders)} folders ({_named(folders)}) but are read "
                     "as one system: systems come from a `system` column in STYLES.csv or, without one, from "
                     "the first-level folders when there are several. Add a `system` column to STYLES.csv to "
                     "compare the folders.")
    if not grid.paired:
        notes.append(f"The grid (report.html, grid.csv) could not pair the files across systems. {grid.how}.")
    return notes


def summarize(scores: pd.DataFrame, label_set: LabelSet, thresholds, group_by_speaker: bool = False,
              count_failed: bool = True, decision: Mapping | None = None,
              reliability: Mapping | None = None, styles_given: bool | None = None) -> Summary:
    """The summary tables of a scores table (adherence, per-label P/R/F1, system comparison and,
    when asked or when a speaker column is filled, adherence over speakers; confusion, predicted
    labels and, when sources were given, source leakage), the weak categories and what could not
    be computed. ``count_failed``: files that could not be judged count as not adhering (see
    :func:`stylecheck.analysis.adherence.adherence_table`). Rows that are only some file's
    source recording are left out of every table: they are inputs, not outputs; files listed
    nowhere in STYLES.csv are left out of the per-system tables that need no expectation (the
    predicted labels per system, the grid) and counted in ``notes``. ``styles_given``: whether
    the run had a STYLES.csv (None: judged from the table)."""
    every_row = scores
    scores = output_rows(scores)
    has_speakers = "speaker" in scores and (scores["speaker"].fillna("").astype(str) != "").any()
    threshold_map = dict(zip(label_set.labels, (float(t) for t in thresholds)))
    # Learned and measured categories alike where a table treats every category the same; the
    # learned label set where the model's labels, thresholds or probabilities are needed.
    judged = judged_categories(label_set, scores.columns)
    summary = Summary(
        label_set=label_set,
        adherence=adherence_table(scores, judged, count_failed=count_failed),
        label_prf=label_prf_table(scores, judged),
        comparison=compare_systems(scores, judged, count_failed=count_failed),
        speaker_adherence=(speaker_adherence_table(scores, label_set, threshold_map, count_failed=count_failed,
                                                   decision=decision)
                           if (group_by_speaker or has_speakers) else None),
        confusion=confusion_table(scores, judged, decision),
        distribution=predicted_distribution(listed_outputs(scores), judged, decision),
        leakage=source_leakage_table(scores, label_set) if has_sources(scores) else None,
        not_computed={}, no_style=files_without_expectation(scores, judged, styles_given),
        count_failed=bool(count_failed),
        thresholds=threshold_map, reliability=reliability, decision=decision,
        weak=weak_categories(reliability, label_set),
        effective_thresholds=effective_thresholds(label_set, thresholds, decision),
        categories=judged,
        controllability=controllability_table(listed_outputs(scores)),
        unjudged=unjudged_counts(scores),
    )
    summary.not_computed = not_computed_reasons(scores, label_set, summary, styles_given)
    grid = item_grid(every_row)
    summary.grid = grid_table(grid)
    summary.notes = file_notes(every_row, grid)
    summary.similarity = similarity_table(scores)
    summary.similarity_comparison = similarity_comparison(scores)
    summary.quality = quality_table(scores)
    summary.low_quality = low_quality_files(scores)
    summary.adherence_without_low_quality = adherence_without_low_quality(scores, label_set, count_failed)
    return summary
