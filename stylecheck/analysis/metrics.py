"""Per-label precision, recall and F1 over known targets (unknown = NaN is skipped), with
speaker-bootstrap intervals."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from .bootstrap import bootstrap


def label_prf(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall, F1 of one label on rows with a known target; NaN without positives."""
    known = ~np.isnan(y_true)
    t, p = y_true[known].astype(int), y_pred[known].astype(int)
    if t.size == 0 or t.sum() == 0:
        return (np.nan, np.nan, np.nan)
    pr, rc, f1, _ = precision_recall_fscore_support(t, p, average="binary", zero_division=0)
    return float(pr), float(rc), float(f1)


def macro_f1(targets: np.ndarray, decisions: np.ndarray) -> float:
    f1s = [label_prf(targets[:, j], decisions[:, j])[2] for j in range(targets.shape[1])]
    f1s = [f for f in f1s if not np.isnan(f)]
    return float(np.mean(f1s)) if f1s else float("nan")


def f1_table(targets: np.ndarray, decisions: np.ndarray, labels: Sequence[str], speakers: Sequence | None = None,
             n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Long table: one row per label plus ``Average`` (macro over labels with positives), with
    precision, recall, F1, the F1's 95% bootstrap interval (resampling speakers), the number of
    known / positive files and positive speakers."""
    rows = []
    n = targets.shape[0]
    speakers_arr = np.asarray(speakers) if speakers is not None else None
    for j, lab in enumerate(labels):
        pr, rc, f1 = label_prf(targets[:, j], decisions[:, j])
        iv = bootstrap(lambda idx, j=j: label_prf(targets[idx, j], decisions[idx, j])[2], n, speakers,
                       n_resamples=n_resamples, seed=seed)
        pos = targets[:, j] == 1
        rows.append({
            "label": lab, "precision": pr, "recall": rc, "f1": f1, "f1_lo": iv.lo, "f1_hi": iv.hi,
            "n_known": int((~np.isnan(targets[:, j])).sum()), "n_pos": int(pos.sum()),
            "n_pos_speakers": int(len(set(speakers_arr[pos]))) if speakers_arr is not None else int(pos.sum()),
        })
    iv = bootstrap(lambda idx: macro_f1(targets[idx], decisions[idx]), n, speakers, n_resamples=n_resamples, seed=seed)
    f1s = pd.DataFrame(rows)
    rows.append({"label": "Average", "precision": f1s["precision"].mean(), "recall": f1s["recall"].mean(),
                 "f1": macro_f1(targets, decisions), "f1_lo": iv.lo, "f1_hi": iv.hi,
                 "n_known": int((~np.isnan(targets)).sum()), "n_pos": int((targets == 1).sum()),
                 "n_pos_speakers": np.nan})
    return pd.DataFrame(rows)


def reliability_bins(probs: np.ndarray, outcomes: np.ndarray, n_bins: int = 10) -> tuple[list[float], list[float], list[int]]:
    """The points of a reliability diagram: for each of ``n_bins`` equal-width probability bins
    that holds any prediction, the mean predicted probability, the observed frequency of the
    outcome and the number of predictions (the last bin includes 1.0)."""
    probs, outcomes = np.asarray(probs, dtype=float), np.asarray(outcomes, dtype=float)
    edges = np.linspace(0, 1, n_bins + 1)
    xs, ys, ns = [], [], []
    for b in range(n_bins):
        sel = (probs >= edges[b]) & ((probs < edges[b + 1]) if b < n_bins - 1 else (probs <= 1))
        if sel.any():
            xs.append(float(probs[sel].mean())), ys.append(float(outcomes[sel].mean())), ns.append(int(sel.sum()))
    return xs, ys, ns
