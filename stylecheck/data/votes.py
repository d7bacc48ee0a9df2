"""Annotator votes -> labels and per-sample agreement, shared by the corpus preparers and the
agreement analysis.

A *vote count* for a label is how many annotators chose it (``agree_<Label>``). Labels of one
category are alternatives, so the decision is made per category:

* the label with at least ``min_votes`` votes and strictly more votes than every other label of
  its category becomes 1, the others of the category 0;
* when no label reaches ``min_votes``, or two labels tie at the top with ``min_votes`` or more
  (a contested voice), every label of the category is unknown (empty): the annotators did not
  agree, which is no evidence for a negative.

The *category agreement* of a sample for label L is the vote count of the label the annotators
chose in L's category (the maximum count within the category). That is the number that says how
sure the humans were about the decision the sample carries for L, whether L is its positive or
its negative; the agreement analysis buckets on it and the DreamVoice test filter uses it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..styles.labels import LabelSet


def agree_column(label: str) -> str:
    return f"agree_{label}"


def labels_from_votes(votes: pd.DataFrame, label_set: LabelSet, min_votes: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """Decide 1 / 0 / NaN per label from vote counts.

    ``votes`` has one row per speaker and one column per label (missing columns count as 0).
    Returns the label frame (same index, one float column per label) and the number of contested
    decisions per category (both labels at the top with ``min_votes`` or more).
    """
    out = pd.DataFrame(np.nan, index=votes.index, columns=list(label_set.labels), dtype=float)
    contested: dict[str, int] = {}
    for cat, labels in label_set.categories.items():
        counts = np.stack([votes[lab].to_numpy(dtype=float) if lab in votes else np.zeros(len(votes))
                           for lab in labels], axis=1)
        top = counts.max(axis=1)
        n_top = (counts == top[:, None]).sum(axis=1)
        decided = (top >= min_votes) & (n_top == 1)
        contested[cat] = int(((top >= min_votes) & (n_top > 1)).sum())
        winner = counts.argmax(axis=1)
        for j, lab in enumerate(labels):
            out.loc[decided, lab] = (winner[decided] == j).astype(float)
    return out, contested


def category_agreement(frame: pd.DataFrame, label_set: LabelSet) -> pd.DataFrame:
    """Per row and label: the vote count of the label chosen in that label's category (NaN where
    the row carries no vote counts for the category)."""
    out = pd.DataFrame(index=frame.index)
    for labels in label_set.categories.values():
        cols = [agree_column(lab) for lab in labels]
        present = [c for c in cols if c in frame]
        if present:
            counts = frame[present].apply(pd.to_numeric, errors="coerce")
            top = counts.max(axis=1, skipna=True)
        else:
            top = pd.Series(np.nan, index=frame.index)
        for lab in labels:
            out[lab] = top
    return out
