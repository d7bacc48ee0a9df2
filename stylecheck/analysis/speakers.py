"""Adherence over speakers: each (system, speaker) judged once, from the mean of its files'
probabilities, by the model's own decision rule."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..results import SCORED_STATUSES, text_column
from ..styles.decision import decide_categories
from ..styles.labels import LabelSet
from .adherence import adherence_table, checked_scores, grouped

def _threshold_vector(thresholds, labels: Sequence[str]) -> np.ndarray:
    """Per-label thresholds in ``labels`` order from a mapping, a sequence in that order or a scalar."""
    if thresholds is None:
        return np.full(len(labels), 0.5)
    if isinstance(thresholds, Mapping):
        missing = [lab for lab in labels if lab not in thresholds]
        if missing:
            raise InvalidValueError(f"no threshold for label(s) {', '.join(missing)}")
        return np.array([float(thresholds[lab]) for lab in labels])
    vec = np.atleast_1d(np.asarray(thresholds, dtype=float))
    if vec.size == 1:
        return np.full(len(labels), float(vec[0]))
    if vec.size != len(labels):
        raise InvalidValueError(f"{vec.size} thresholds given for {len(labels)} labels ({', '.join(labels)})")
    return vec


def _consensus(values: pd.Series) -> str:
    """The most frequent non-empty value (first seen on ties); ``""`` when there is none."""
    values = values[values != ""]
    if values.empty:
        return ""
    counts = values.value_counts(sort=False)
    return str(counts.idxmax())


def speaker_level_table(scores: pd.DataFrame, label_set: LabelSet, thresholds,
                        decision: Mapping | None = None) -> pd.DataFrame:
    """One row per (system, speaker), judged once from the mean of its files' probabilities.

    Timbre labels (gender, age, brightness, roughness) are properties of a voice, not of one
    utterance, so a voice is judged once: each ``p_<Label>`` is the mean over the speaker's
    scored files, ``predicted_<c>`` is recomputed from those means by the model's decision rule
    (:func:`stylecheck.styles.decision.decide_categories` with ``thresholds``: a mapping label ->
    threshold, a sequence in ``label_set.labels`` order, or one number; and ``decision``), and
    ``expected_<c>`` is the expectation most of its files carry (``n_conflicting_<c>`` counts the
    files that expect something else, which points at an inconsistent styles file).

    The result has the columns of a scores table (``file`` is ``system/speaker``, ``status`` is
    ok, or error when none of the speaker's files could be scored), so
    ``adherence_table(speaker_level_table(...))`` gives adherence over speakers; see
    :func:`speaker_adherence_table`. Files without a speaker are left out.
    """
    scores = checked_scores(scores)
    labels = list(label_set.labels)
    rule = SimpleNamespace(label_set=label_set, thresholds=list(_threshold_vector(thresholds, labels)),
                           decision=decision)
    speakers = text_column(scores, "speaker")
    rows = []
    for (system, speaker), frame in grouped(scores[speakers != ""], ["system", "speaker"]):
        scored = text_column(frame, "status").isin(SCORED_STATUSES)
        probs = {lab: float(pd.to_numeric(frame.loc[scored, f"p_{lab}"], errors="coerce").mean())
                 if f"p_{lab}" in frame.columns and scored.any() else np.nan for lab in labels}
        ok = scored.any() and all(np.isfinite(v) for v in probs.values())
        row = {"file": f"{system}/{speaker}" if system else speaker, "system": system, "speaker": speaker,
               "status": "ok" if ok else "error",
               "error": "" if ok else f"none of the speaker's {len(frame)} files could be scored",
               "n_files": int(scored.sum()), **{f"p_{lab}": v for lab, v in probs.items()}}
        answers = decide_categories(np.array([[probs[lab] for lab in labels]]), rule) if ok else {}
        for category in label_set.categories:
            expected = text_column(frame.loc[scored] if ok else frame, f"expected_{category}")
            consensus = _consensus(expected)
            predicted = answers[category][0] if ok else ""
            row[f"expected_{category}"] = consensus
            row[f"n_conflicting_{category}"] = int(((expected != "") & (expected != consensus)).sum())
            row[f"predicted_{category}"] = predicted
            row[f"match_{category}"] = (predicted == consensus) if ok and consensus else np.nan
        rows.append(row)
    columns = (["file", "system", "speaker", "status", "error", "n_files"] + [f"p_{lab}" for lab in labels]
               + [f"{kind}_{c}" for c in label_set.categories
                  for kind in ("expected", "predicted", "match", "n_conflicting")])
    return pd.DataFrame(rows, columns=columns)


def speaker_adherence_table(scores: pd.DataFrame, label_set: LabelSet, thresholds, count_failed: bool = True,
                            n_resamples: int | None = None, seed: int | None = None,
                            decision: Mapping | None = None) -> pd.DataFrame:
    """Adherence over voices: :func:`adherence_table` on :func:`speaker_level_table`, per system.
    ``n`` counts speakers (with ``count_failed``, a speaker none of whose files could be judged
    counts as not adhering); speakers are independent, so the interval is Wilson's on them."""
    return adherence_table(speaker_level_table(scores, label_set, thresholds, decision), label_set,
                           count_failed=count_failed)
