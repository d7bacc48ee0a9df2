"""What the classifier said, per system and category: expected × predicted confusion counts, and
the distribution of predicted labels (the view for folders scored without expectations).

Predicted values besides the category's labels: ``uncertain`` (the model had no verdict: two
labels too close), ``no label`` (scored, but no label of the category passed its threshold) and
``not judged`` (the file could not be scored: status error, missing, no_speech, bad_row), so
every file with an expectation is in exactly one cell.
"""
from __future__ import annotations

import pandas as pd

from ..styles.labels import LabelSet
from ..styles.decision import UNCERTAIN
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


def _order(label_set: LabelSet, category: str) -> list[str]:
    return [*label_set.categories[category], UNCERTAIN, NO_LABEL, NOT_JUDGED]


def confusion_table(scores: pd.DataFrame, label_set: LabelSet) -> pd.DataFrame:
    """Long table: per system, category, expected label and predicted outcome, the number of
    files (only files with an expectation in the category; zero cells are listed too, so each
    system's matrix is complete)."""
    system = text_column(scores, "system")
    rows = []
    for category, labels in label_set.categories.items():
        expected = text_column(scores, f"expected_{category}")
        outcome = predicted_outcome(scores, category)
        has = expected != ""
        for name in dict.fromkeys(system[has]):
            mine = has & (system == name)
            counts = pd.crosstab(expected[mine], outcome[mine])
            for exp in [lab for lab in labels if lab in counts.index]:
                for pred in _order(label_set, category):
                    n = int(counts.at[exp, pred]) if pred in counts.columns else 0
                    if n or pred not in (UNCERTAIN, NOT_JUDGED):
                        rows.append({"system": name, "category": category, "expected": exp, "predicted": pred, "n": n})
    return pd.DataFrame(rows, columns=CONFUSION_COLUMNS)


def confusion_matrix(confusion: pd.DataFrame, system: str, category: str) -> pd.DataFrame:
    """One system's matrix for one category: rows expected, columns predicted outcome."""
    part = confusion[(confusion["system"].fillna("").astype(str) == system) & (confusion["category"] == category)]
    matrix = part.pivot_table(index="expected", columns="predicted", values="n", aggfunc="sum", fill_value=0, sort=False)
    return matrix.astype(int)


def predicted_distribution(scores: pd.DataFrame, label_set: LabelSet) -> pd.DataFrame:
    """Per system and category: how many judged files got each predicted label (or ``uncertain``
    / ``no label``) and the share of the system's judged files. Needs no expectations."""
    system = text_column(scores, "system")
    judged = text_column(scores, "status").isin(SCORED_STATUSES)
    rows = []
    for category in label_set.categories:
        outcome = predicted_outcome(scores, category)
        for name in dict.fromkeys(system[judged]):
            mine = judged & (system == name)
            total = int(mine.sum())
            counts = outcome[mine].value_counts()
            for pred in _order(label_set, category)[:-1]:
                n = int(counts.get(pred, 0))
                if n or pred != UNCERTAIN:
                    rows.append({"system": name, "category": category, "predicted": pred, "n": n,
                                 "share": n / total if total else float("nan")})
    return pd.DataFrame(rows, columns=DISTRIBUTION_COLUMNS)


__all__ = ["CONFUSION_COLUMNS", "DISTRIBUTION_COLUMNS", "NOT_JUDGED", "NO_LABEL", "UNCERTAIN", "confusion_matrix",
           "confusion_table", "predicted_distribution", "predicted_outcome"]
