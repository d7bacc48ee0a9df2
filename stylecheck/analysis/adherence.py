"""Style adherence from a per-file scores table: does the audio carry the style it was asked for?

Input is the per-file table that scoring writes as ``scores.csv`` (one row per file, always):
``file``, ``system``, ``speaker``, ``status`` (ok | unlisted | error | missing | no_speech |
bad_row), ``error``,
``prompt``, ``p_<Label>`` per label, and per category ``c`` of the label set ``expected_<c>``,
``predicted_<c>`` and ``match_<c>``. Every function here is pure: DataFrame in, DataFrame out, so
the same code serves a freshly scored folder and a ``scores.csv`` read back from disk (where
empty strings come back as NaN and booleans may come back as text).

Counting rules shared by all tables:

* A file is *judged* for category ``c`` when it was scored (status ok or unlisted) and has an
  expected label for ``c``. A judged file whose ``predicted_<c>`` is ``uncertain`` (the model
  could not decide between two labels) does not match and is also counted in ``n_uncertain``.
* A listed file that could not be judged (status error, missing, no_speech) *failed* for every
  category it expected; a ``bad_row`` (a STYLES.csv row skipped as unreadable, so what it
  expected is unknown) failed for the ``all`` category. By default (``count_failed=True``) a
  failed file counts as not adhering: a system is not rewarded for output that could not be
  judged. ``count_failed=False`` rates judged files only. Either way ``n_failed`` is reported
  beside the rate.
* The ``all`` category: a file adheres overall when every category it has an expectation for
  matches.
* Intervals are 95% score intervals that never collapse to a point on a finite sample:
  Wilson's for independent files and, when speakers are known, Wilson's on the effective
  number of files given the speaker clustering; Tango's score interval for paired
  proportions for differences between systems (see :mod:`stylecheck.analysis.intervals`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from ..errors import InvalidValueError, WrongTypeError
from ..results import (
    ALL_CATEGORY, BAD_ROW_STATUS, FAILED_STATUSES, SCORED_STATUSES, match_flag, text_column,
)
from ..styles.decision import UNCERTAIN
from ..styles.categories import CategorySet
from ..styles.labels import LabelSet
from .intervals import clustered_proportion_interval

ADHERENCE_COLUMNS = ["category", "n", "n_matched", "adherence", "lo", "hi", "n_failed", "n_judged",
                     "n_uncertain"]
LABEL_PRF_COLUMNS = ["system", "category", "label", "precision", "recall", "f1", "support", "n"]


# --------------------------------------------------------------------------------------------
# Counting rules (shared by the comparison and the speaker tables)
# --------------------------------------------------------------------------------------------

def checked_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores table with a fresh 0..n-1 index, or a clear error when it is not one."""
    if not isinstance(scores, pd.DataFrame):
        raise WrongTypeError(f"expected a scores DataFrame, got {type(scores).__name__}")
    missing = [c for c in ("file", "status") if c not in scores.columns]
    if missing:
        raise InvalidValueError(f"scores table lacks column(s) {', '.join(missing)}; "
                         f"it has: {', '.join(map(str, scores.columns)) or 'no columns'}")
    return scores.reset_index(drop=True)


def judged_matches(scores: pd.DataFrame, category: str) -> np.ndarray:
    """Per-file match for ``category`` as 1/0/NaN over judged files only (NaN elsewhere).

    ``match_<c>`` is used when given; where it is blank on a judged file, the match is derived
    from ``predicted_<c> == expected_<c>`` so a hand-edited table stays usable.
    """
    expected = text_column(scores, f"expected_{category}")
    predicted = text_column(scores, f"predicted_{category}")
    counts = (text_column(scores, "status").isin(SCORED_STATUSES) & (expected != "")).to_numpy()
    column = f"match_{category}"
    given = (scores[column].map(match_flag).to_numpy(dtype=float) if column in scores.columns
             else np.full(len(scores), np.nan))
    derived = (predicted == expected).to_numpy(dtype=float)
    out = np.where(np.isnan(given), derived, given)
    # An uncertain verdict never matches, whatever a hand-edited match column says.
    out[(predicted == UNCERTAIN).to_numpy()] = 0.0
    out[~counts] = np.nan
    return out


def expects_any(scores: pd.DataFrame, categories: Sequence[str]) -> np.ndarray:
    expected = np.zeros(len(scores), dtype=bool)
    for c in categories:
        expected |= (text_column(scores, f"expected_{c}") != "").to_numpy()
    return expected


def failed_mask(scores: pd.DataFrame, categories: Sequence[str], overall: bool = False) -> np.ndarray:
    """Listed files that were asked for a style in any of ``categories`` but could not be
    judged; for the ``all`` category (``overall``) also every bad STYLES.csv row."""
    status = text_column(scores, "status")
    failed = status.isin(FAILED_STATUSES).to_numpy()
    wanted = expects_any(scores, categories)
    if overall:
        wanted |= (status == BAD_ROW_STATUS).to_numpy()
    return failed & wanted


def match_vector(scores: pd.DataFrame, category: str, count_failed: bool = False) -> np.ndarray:
    """Per-file match for ``category`` as 1/0/NaN; with ``count_failed`` a failed file is 0."""
    out = judged_matches(scores, category)
    if count_failed:
        out[failed_mask(scores, [category])] = 0.0
    return out


def overall_match(scores: pd.DataFrame, label_set: LabelSet | CategorySet, count_failed: bool = False) -> np.ndarray:
    """1 when every expected category of a file matches, 0 when one does not, NaN when none
    counts; with ``count_failed`` a failed file (or bad row) is 0."""
    if not label_set.categories:
        return np.full(len(scores), np.nan)
    per_cat = np.column_stack([judged_matches(scores, c) for c in label_set.categories])
    counted = ~np.isnan(per_cat)
    all_ok = np.where(counted, per_cat == 1, True).all(axis=1)
    out = np.where(counted.any(axis=1), all_ok.astype(float), np.nan)
    if count_failed:
        out[failed_mask(scores, list(label_set.categories), overall=True)] = 0.0
    return out


def speaker_clusters(scores: pd.DataFrame) -> np.ndarray | None:
    """Interval cluster per row: the speaker when filled, else the file itself; None when every
    row is its own cluster (independent files)."""
    speaker = text_column(scores, "speaker")
    if (speaker == "").all():
        return None
    file = text_column(scores, "file")
    return np.where(speaker != "", "speaker:" + speaker, "file:" + file)


def grouped(scores: pd.DataFrame, group_by: Sequence[str]):
    """(key tuple, sub-frame) per group in order of first appearance; missing columns are ``""``."""
    keys = pd.DataFrame({g: text_column(scores, g) for g in group_by}, index=scores.index)
    if not group_by:
        yield (), scores
        return
    for key, part in keys.groupby(list(group_by), sort=False):
        yield (key if isinstance(key, tuple) else (key,)), scores.loc[part.index]


# --------------------------------------------------------------------------------------------
# Adherence
# --------------------------------------------------------------------------------------------

def adherence_table(scores: pd.DataFrame, label_set: LabelSet | CategorySet, group_by: Sequence[str] = ("system",),
                    count_failed: bool = True, n_resamples: int | None = None,
                    seed: int | None = None) -> pd.DataFrame:
    """Share of files whose predicted style matches the expected one, per group and category.

    Columns: the ``group_by`` columns, ``category`` (each category of the label set, then
    ``all``), ``n`` (files in the rate: judged files plus, with ``count_failed``, failed ones),
    ``n_matched``, ``adherence = n_matched / n`` with its 95% interval ``lo``/``hi`` (Wilson, on
    the effective number of files when speakers are known), ``n_failed`` (listed files with an
    expectation in that category that could not be judged, counted in ``n`` or not),
    ``n_judged`` and ``n_uncertain`` (judged files without a verdict). Rows where nothing was
    expected are omitted, so a table without any expectations is empty but has all its columns.
    ``n_resamples``/``seed`` are accepted for callers of the earlier bootstrap version and
    ignored: the intervals are computed, not resampled.
    """
    del n_resamples, seed
    scores = checked_scores(scores)
    group_by = list(group_by)
    categories = list(label_set.categories)
    rows = []
    for key, frame in grouped(scores, group_by):
        clusters = speaker_clusters(frame)
        # Each per-category column is read once; "all" is built from the same arrays.
        judged = {c: judged_matches(frame, c) for c in categories}
        failed = {c: failed_mask(frame, [c]) for c in categories}
        uncertain = {c: ~np.isnan(judged[c]) & (text_column(frame, f"predicted_{c}") == UNCERTAIN).to_numpy()
                     for c in categories}
        per_category = [(c, judged[c], failed[c], uncertain[c]) for c in categories]
        if categories:
            stacked = np.column_stack([judged[c] for c in categories])
            counted = ~np.isnan(stacked)
            overall = np.where(counted.any(axis=1),
                               np.where(counted, stacked == 1, True).all(axis=1).astype(float), np.nan)
            per_category.append((ALL_CATEGORY, overall, failed_mask(frame, categories, overall=True),
                                 np.column_stack([uncertain[c] for c in categories]).any(axis=1)))
        for category, judged_match, failed_rows, uncertain_mask in per_category:
            match = judged_match.copy()
            if count_failed:
                match[failed_rows] = 0.0
            counts = ~np.isnan(match)
            n_failed, n = int(failed_rows.sum()), int(counts.sum())
            if n == 0 and n_failed == 0:
                continue
            iv = clustered_proportion_interval(match[counts], None if clusters is None else clusters[counts])
            rows.append({**dict(zip(group_by, key)), "category": category, "n": n,
                         "n_matched": int(np.nansum(match)), "adherence": iv.value, "lo": iv.lo, "hi": iv.hi,
                         "n_failed": n_failed, "n_judged": int((~np.isnan(judged_match)).sum()),
                         "n_uncertain": int(uncertain_mask.sum())})
    table = pd.DataFrame(rows, columns=group_by + ADHERENCE_COLUMNS)
    table.attrs["count_failed"] = bool(count_failed)
    return table


# --------------------------------------------------------------------------------------------
# Per-label precision / recall / F1
# --------------------------------------------------------------------------------------------

def label_prf_table(scores: pd.DataFrame, label_set: LabelSet | CategorySet) -> pd.DataFrame:
    """Precision, recall and F1 of each label per system, over files that expect its category.

    For label ``L`` of category ``c`` the files are those scored with an expected ``c``;
    ``y_true = expected_<c> == L`` and ``y_pred = predicted_<c> == L`` (a file where no label of
    ``c`` passed its threshold predicts neither). ``support`` is the number of files expected to
    be ``L``; ``n`` the files judged. Undefined ratios are 0 (``zero_division=0``), as in sklearn.
    """
    scores = checked_scores(scores)
    rows = []
    for (system,), frame in grouped(scores, ["system"]):
        for category, labels in label_set.categories.items():
            counts = ~np.isnan(match_vector(frame, category))
            if not counts.any():
                continue
            expected = text_column(frame, f"expected_{category}").to_numpy()[counts]
            predicted = text_column(frame, f"predicted_{category}").to_numpy()[counts]
            for label in labels:
                p, r, f, s = precision_recall_fscore_support(
                    expected == label, predicted == label, labels=[True], zero_division=0)
                rows.append({"system": system, "category": category, "label": label,
                             "precision": float(p[0]), "recall": float(r[0]), "f1": float(f[0]),
                             "support": int(s[0]), "n": int(counts.sum())})
    return pd.DataFrame(rows, columns=LABEL_PRF_COLUMNS)


# --------------------------------------------------------------------------------------------
# Comparing systems on paired items
# --------------------------------------------------------------------------------------------
