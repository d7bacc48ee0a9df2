"""The judging seam: who decides each category of a file.

A *judge* owns some categories. Given what scoring measured for a batch of files (one result
record per file), it returns the columns it adds to each row (scores: a probability per label, or
a measured value) and, per category it owns, one answer per file: a level, ``uncertain``, or
``""`` when it cannot judge that file. Scoring knows judges, not their insides; the row it writes
(``expected_<c>``, ``predicted_<c>``, ``match_<c>`` per category, see :mod:`stylecheck.results`)
is the same whoever judged, so analysis and reporting treat every category alike.

:class:`ModelJudge` is the style classifier and its decision rule; :class:`MeasureJudge` judges
the categories measured from the signal (pitch, variation, rate, loudness, noise) against norms.
"""
from __future__ import annotations

from typing import Mapping, Protocol, Sequence

import numpy as np

from ..measures.norms import CATEGORIES as MEASURED, Norms, level_for
from ..results import probability_column
from ..styles.decision import decide_categories
from ..styles.measured_expectations import MEASURED_CATEGORIES


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


#: The measured values scoring writes for every file (empty where not measured).
MEASURE_COLUMNS = ("f0_median_hz", "f0_range_st", "speech_rate_syl_s", "articulation_rate_syl_s",
                   "loudness_lufs", "alpha_ratio_db", "snr_db")
MEASURE_NOTES = "measure_notes"


class MeasureJudge:
    """The measured categories: each file's measures (``record["measures"]``, see
    :mod:`.measuring`) against ``norms`` by :func:`~stylecheck.measures.norms.level_for`, with the
    gender the file was measured for. A value that could not be measured leaves its category not
    judged (None) and says why in ``measure_notes``; so does a file without speech."""

    #: levels repeat across these categories (``normal``), so ``predicted`` (the labels joined)
    #: leaves them out; they are in ``predicted_<category>``
    qualified_levels = True

    def __init__(self, norms: Norms):
        self.norms = norms
        self.categories = dict(MEASURED_CATEGORIES)

    @staticmethod
    def _measures(rec: Mapping | None) -> Mapping | None:
        return None if rec is None or rec.get("status") != "ok" else rec.get("measures")

    def score_columns(self, records: Sequence[Mapping | None]) -> dict[str, np.ndarray]:
        cols = {name: np.full(len(records), np.nan) for name in MEASURE_COLUMNS}
        notes = []
        for i, rec in enumerate(records):
            m = self._measures(rec)
            if m is None:
                if rec is None or rec.get("status") == "error":
                    notes.append("")
                elif rec.get("status") != "ok":
                    notes.append(f"not measured: {rec.get('error') or 'no speech'}")
                else:
                    notes.append("not measured (measures were off)")
                continue
            for name in MEASURE_COLUMNS:
                if m.get(name) is not None:
                    cols[name][i] = float(m[name])
            notes.append("; ".join(f"{name}: {why}" for name, why in m.get("reasons", {}).items()))
        return {**cols, MEASURE_NOTES: np.array(notes, dtype=object)}

    def verdicts(self, records: Sequence[Mapping | None]) -> dict[str, list[str | None]]:
        out: dict[str, list[str | None]] = {c: [] for c in self.categories}
        for rec in records:
            m = self._measures(rec)
            for category in self.categories:
                if m is None:
                    out[category].append(None)
                    continue
                level, _ = level_for(category, m.get(MEASURED[category][0]), m.get("gender"), self.norms)
                out[category].append(level)
        return out
