"""The judging seam: who decides each category of a file.

A *judge* owns some categories. Given what scoring measured for a batch of files (one result
record per file), it returns the columns it adds to each row (scores: a probability per label, or
a measured value) and, per category it owns, one answer per file: a level, ``uncertain``, or
``""`` when it cannot judge that file. Scoring knows judges, not their insides; the row it writes
(``expected_<c>``, ``predicted_<c>``, ``match_<c>`` per category, see :mod:`stylecheck.results`)
is the same whoever judged, so analysis and reporting treat every category alike.

Today one judge exists: :class:`ModelJudge`, the style classifier and its decision rule. A
category measured from the signal (pitch, rate, loudness, ...) is a second judge beside it.
"""
from __future__ import annotations

from typing import Mapping, Protocol, Sequence

import numpy as np

from ..results import probability_column
from ..styles.decision import decide_categories


class Judge(Protocol):
    """What scoring asks of whoever decides some categories."""

    #: category -> the levels (labels) it can answer with
    categories: Mapping[str, tuple[str, ...]]

    def score_columns(self, records: Sequence[Mapping | None]) -> dict[str, np.ndarray]:
        """The per-file score columns this judge adds (``p_<Label>``, measured values, ...)."""

    def verdicts(self, records: Sequence[Mapping | None]) -> dict[str, list[str | None]]:
        """Per category it owns, one answer per file: a level, ``uncertain``, ``""`` (judged,
        but no level applies: a v1 model where no label passed its threshold) or None (the
        file could not be judged in this category)."""


class ModelJudge:
    """The style classifier: a probability per label from the model, one answer per category by
    the model's decision rule (:func:`stylecheck.styles.decision.decide_categories`). A record
    without probabilities (a file that failed or had no speech) gets NaN and is not judged."""

    def __init__(self, model):
        self.model = model
        self.categories = dict(model.label_set.categories)

    def probabilities(self, records: Sequence[Mapping | None]) -> np.ndarray:
        probs = np.full((len(records), len(self.model.labels)), np.nan)
        for i, rec in enumerate(records):
            if rec is not None and rec.get("status") == "ok":
                probs[i] = rec["probs"]
        return probs

    def score_columns(self, records: Sequence[Mapping | None]) -> dict[str, np.ndarray]:
        probs = self.probabilities(records)
        return {probability_column(lab): probs[:, j] for j, lab in enumerate(self.model.labels)}

    def verdicts(self, records: Sequence[Mapping | None]) -> dict[str, list[str | None]]:
        probs = self.probabilities(records)
        judged = np.isfinite(probs).all(axis=1)
        answers = decide_categories(probs, self.model.config)
        return {cat: [a if ok else None for a, ok in zip(rows, judged)] for cat, rows in answers.items()}
