"""Sanity baselines for the Table-2 comparison.

* always-positive: every label predicted present; its F1 per label is 2p/(1+p) for a positive
  rate p, the floor any useful model must clear;
* linear probe: one logistic regression per label on the mean-pooled GE2E utterance embedding
  (resemblyzer's ``embed_utterance``: the L2-normalised mean of its partial embeddings), the
  standard test of how much a frozen representation already says linearly.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression


def always_positive(n: int, k: int) -> np.ndarray:
    return np.ones((n, k), dtype=float)


def utterance_embeddings(frames: Sequence[torch.Tensor]) -> np.ndarray:
    """Mean over frames, L2-normalised, one row per file."""
    out = []
    for f in frames:
        e = f.float().mean(0)
        out.append((e / e.norm().clamp_min(1e-12)).numpy())
    return np.stack(out)


def linear_probe(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, c: float = 1.0,
                 seed: int = 0) -> np.ndarray:
    """Per-label probabilities on ``x_test``; labels without both classes in training get their
    training positive rate. Unknown targets (NaN) are left out of each label's fit."""
    probs = np.zeros((x_test.shape[0], y_train.shape[1]))
    for j in range(y_train.shape[1]):
        known = ~np.isnan(y_train[:, j])
        y = y_train[known, j]
        if known.sum() == 0:
            probs[:, j] = 0.5
            continue
        if y.min() == y.max():
            probs[:, j] = y[0]
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=seed)
        clf.fit(x_train[known], y.astype(int))
        probs[:, j] = clf.predict_proba(x_test)[:, 1]
    return probs
