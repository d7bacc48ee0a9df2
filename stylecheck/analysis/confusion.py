"""What the classifier said, per system and category: expected × predicted confusion counts, and
the distribution of predicted labels (the view for folders scored without expectations).

Predicted values besides the category's labels: ``uncertain`` (the model had no verdict: two
labels too close), ``no label`` (scored, but no label of the category passed its threshold) and
``not judged`` (the file could not be scored: status error, missing, no_speech, bad_row), so
every file with an expectation is in exactly one cell.

Which outcomes get a (possibly zero) cell follows the model's decision rule: ``uncertain`` under
a pairwise rule with a margin, ``no label`` under the v1 per-label thresholds (a pairwise rule
always answers, so a ``no label`` column would always read 0). An outcome the rule cannot give
is still listed when some file has it (a judge other than the model, an old scores.csv), so no
file is ever dropped.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..styles.categories import CategorySet
from ..styles.labels import LabelSet
from ..styles.decision import UNCERTAIN, can_be_uncertain, can_have_no_label
from ..results import SCORED_STATUSES, text_column

NO_LABEL = "no label"
NOT_JUDGED = "not judged"
CONFUSION_COLUMNS = ["system", "category", "expected", "predicted", "n"]
DISTRIBUTION_COLUMNS = ["system", "category", "predicted", "n", "share"]


def predicted_outcome(scores: pd.DataFrame, category: str) -> pd.Series:
    """Per file: the predicted label of ``category``, or ``uncertain`` / ``no label`` / ``not judged``."""
    predicted = text_column(scores, f"predicted_{category}")
    judged = text_column(scores, "status").isin(SCORED_STATUSES)
    out = predicted.where(predicted != "", NO_LABEL)
    return out.where(judged, NOT_JUDGED)


def _order(label_set: LabelSet | CategorySet, category: str) -> list[str]:
    return [*label_set.categories[category], UNCERTAIN, NO_LABEL, NOT_JUDGED]


def _always_listed(label_set: LabelSet | CategorySet, category: str, decision: Mapping[str, Any] | None) -> set[str]:
    """Outcomes listed even at zero: the labels and what the rule can answer instead."""
    out = set(label_set.categories[category])
    if can_be_uncertain(decision, category):
        out.add(UNCERTAIN)
    if can_have_no_label(decision):
        out.add(NO_LABEL)
    return out


def confusion_table(scores: pd.DataFrame, label_set: LabelSet | CategorySet,
                    decision: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Long table: per system, category, expected label and predicted outcome, the number of
    files (only files with an expectation in the category; zero cells are listed for the labels
    and the outcomes ``decision``, the model's rule, can give, so each matrix is complete)."""
    system = text_column(scores, "system")
    rows = []
    for category, labels in label_set.categories.items():
        expected = text_column(scores, f"expected_{category}")
        outcome = predicted_outcome(scores, category)
        has = expected != ""
        listed = _always_listed(label_set, category, decision)
        for name in dict.fromkeys(system[has]):
            mine = has & (system == name)
            counts = pd.crosstab(expected[mine], outcome[mine])
            for exp in [lab for lab in labels if lab in counts.index]:
                for pred in _order(label_set, category):
                    n = int(counts.at[exp, pred]) if pred in counts.columns else 0
                    if n or pred in listed:
                        rows.append({"system": name, "category": category, "expected": exp, "predicted": pred, "n": n})
    return pd.DataFrame(rows, columns=CONFUSION_COLUMNS)


def confusion_matrix(confusion: pd.DataFrame, system: str, category: str) -> pd.DataFrame:
    """One system's matrix for one category: rows expected, columns predicted outcome."""
    part = confusion[(confusion["system"].fillna("").astype(str) == system) & (confusion["category"] == category)]
    matrix = part.pivot_table(index="expected", columns="predicted", values="n", aggfunc="sum", fill_value=0, sort=False)
    return matrix.astype(int)


def predicted_distribution(scores: pd.DataFrame, label_set: LabelSet | CategorySet,
                           decision: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Per system and category: how many judged files got each predicted label (or ``uncertain``
    / ``no label``; zero rows only for the outcomes ``decision`` can give) and the share of the
    system's judged files. Needs no expectations."""
    system = text_column(scores, "system")
    judged = text_column(scores, "status").isin(SCORED_STATUSES)
    rows = []
    for category in label_set.categories:
        outcome = predicted_outcome(scores, category)
        listed = _always_listed(label_set, category, decision)
        for name in dict.fromkeys(system[judged]):
            mine = judged & (system == name)
            total = int(mine.sum())
            counts = outcome[mine].value_counts()
            for pred in _order(label_set, category)[:-1]:
                n = int(counts.get(pred, 0))
                if n or pred in listed:
                    rows.append({"system": name, "category": category, "predicted": pred, "n": n,
                                 "share": n / total if total else float("nan")})
    return pd.DataFrame(rows, columns=DISTRIBUTION_COLUMNS)


__all__ = ["CONFUSION_COLUMNS", "DISTRIBUTION_COLUMNS", "NOT_JUDGED", "NO_LABEL", "UNCERTAIN", "confusion_matrix",
           "confusion_table", "predicted_distribution", "predicted_outcome"]
