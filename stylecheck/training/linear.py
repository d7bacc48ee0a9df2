"""Fitting the ``linear`` head (one logistic regression per category) and choosing its settings.

* targets per category: the label a file is positive for when exactly one label of the category
  is positive; files with no vote (a speaker no annotator called dark or bright) or conflicting
  votes are left out of that category's fit instead of counting as negatives for both labels,
  which taught the v1 model to abstain;
* class weights (``balance``): ``"corpus"`` weighs each (corpus, label) cell so that within every
  corpus each label carries the same weight (the corpora disagree on label rates, so plain
  balancing still lets the corpus predict the label), ``"global"`` is sklearn's ``balanced``,
  ``None`` none;
* the regularisation ``C`` and the ``uncertain`` margin are chosen on out-of-fold predictions of
  the training speakers only (:func:`fit_with_validation`), never on test data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold

from ..styles.labels import LabelSet
from ..models.linear import CategoryLinear, ColumnSpec

C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3)
MARGIN_GRID = tuple(np.round(np.arange(0.0, 0.21, 0.02), 2))
#: A band of pair-probability leads is "too close" while the out-of-fold accuracy inside it stays
#: at or below this: the model is then little better than a coin there.
BAND_ACCURACY = 0.55


def category_targets(targets: np.ndarray, label_set: LabelSet) -> dict[str, np.ndarray]:
    """Per category, the index of the one positive label per row, -1 when unknown."""
    out = {}
    for cat, labels in label_set.categories.items():
        block = targets[:, [label_set.index(lab) for lab in labels]]
        pos = np.nan_to_num(block, nan=0.0) == 1
        y = np.where(pos.sum(1) == 1, pos.argmax(1), -1)
        out[cat] = y
    return out


def class_weights(y: np.ndarray, corpus: Sequence | None, balance: str | None) -> np.ndarray:
    """Sample weights for known rows ``y`` (see the module notes); mean 1."""
    if balance is None:
        return np.ones(len(y))
    groups = np.asarray(corpus) if (balance == "corpus" and corpus is not None) else np.zeros(len(y))
    w = np.zeros(len(y))
    for g in np.unique(groups):
        in_g = groups == g
        classes = np.unique(y[in_g])
        for c in classes:
            cell = in_g & (y == c)
            w[cell] = in_g.sum() / (len(classes) * cell.sum())
    return w / w.mean()


def fit_category_linear(x: np.ndarray, targets: np.ndarray, label_set: LabelSet, corpus: Sequence | None = None,
                        balance: str | None = "corpus", c: float | dict[str, float] = 0.1,
                        sample_weight: np.ndarray | None = None, shared_scale: slice | None = None,
                        columns: ColumnSpec | None = None) -> CategoryLinear:
    """A fitted :class:`CategoryLinear` for utterance vectors ``x`` [N, D] and label ``targets``
    [N, K] (1 / 0 / NaN). ``sample_weight`` multiplies the class weights (e.g. to give augmented
    copies their share). Columns in ``shared_scale`` (an embedding) are centred and divided by one
    common scale instead of each by its own: per-dimension standardisation would blow up the
    embedding's low-variance directions, which measurably transferred worse across corpora
    (reports/model_v2/README.md). ``columns``: the input columns each category reads
    (:class:`CategoryLinear`); the whole vector is standardised first, so a category's selection
    sees the same scaled values as a model fitted on those columns alone."""
    x = np.asarray(x, dtype=np.float64)
    head = CategoryLinear(x.shape[1], label_set, columns)
    mean = x.mean(0)
    std = x.std(0)
    if shared_scale is not None:
        std[shared_scale] = std[shared_scale].mean()
    std = np.where(std > 1e-8, std, 1.0)
    head.mean.copy_(torch.from_numpy(mean).float())
    head.std.copy_(torch.from_numpy(std).float())
    z = (x - mean) / std
    ys = category_targets(targets, label_set)
    for lin, idx, (cat, labels) in zip(head.linears, head.selected, label_set.categories.items()):
        zc = z if idx is None else z[:, idx]
        y = ys[cat]
        known = y >= 0
        weight = lin.weight.data
        bias = lin.bias.data
        weight.zero_()
        bias.zero_()
        classes = np.unique(y[known])
        if len(classes) < 2:
            # One class (or none) seen: predict the seen rates, smoothed.
            counts = np.bincount(y[known], minlength=len(labels)) + 1.0
            bias.copy_(torch.from_numpy(np.log(counts / counts.sum())).float())
            continue
        w = class_weights(y[known], None if corpus is None else np.asarray(corpus)[known], balance)
        if sample_weight is not None:
            w = w * np.asarray(sample_weight)[known]
        cc = c[cat] if isinstance(c, dict) else c
        clf = LogisticRegression(C=cc, max_iter=3000)
        clf.fit(zc[known], y[known], sample_weight=w)
        if len(classes) == 2:
            weight[classes[1]] = torch.from_numpy(clf.coef_[0]).float()
            bias[classes[1]] = float(clf.intercept_[0])
            if len(labels) > 2:  # unseen classes: very unlikely
                for k in set(range(len(labels))) - set(classes.tolist()):
                    bias[k] = -20.0
        else:
            for row, k in enumerate(clf.classes_):
                weight[k] = torch.from_numpy(clf.coef_[row]).float()
                bias[k] = float(clf.intercept_[row])
    return head.eval()


@torch.inference_mode()
def head_probabilities(head: CategoryLinear, x: np.ndarray) -> np.ndarray:
    """Per-label probabilities [N, K] of utterance vectors ``x`` (one frame per row)."""
    t = torch.from_numpy(np.asarray(x, dtype=np.float32))[:, None, :]
    return torch.sigmoid(head(t, torch.ones(t.shape[:2], dtype=torch.bool))).double().numpy()


def choose_margin(pair_probs: np.ndarray, y: np.ndarray, grid: Sequence[float] = MARGIN_GRID,
                  band_accuracy: float = BAND_ACCURACY) -> float:
    """The widest margin ``m`` in ``grid`` for which files whose top pair probability leads by
    less than ``m`` are answered correctly at most ``band_accuracy`` of the time (out-of-fold):
    inside that band an answer is little better than a coin. ``pair_probs`` [N, L], ``y`` [N]."""
    known = y >= 0
    p, y = pair_probs[known], y[known]
    if len(y) == 0:
        return 0.0
    top = np.sort(p, 1)
    lead = top[:, -1] - top[:, -2]
    right = p.argmax(1) == y
    best = 0.0
    for m in grid:
        band = lead < m
        if band.sum() >= 5 and right[band].mean() <= band_accuracy:
            best = float(m)
    return best


@dataclass
class LinearFit:
    head: CategoryLinear
    c: dict[str, float]
    margin: dict[str, float]
    validation: dict = field(default_factory=dict)


def fit_with_validation(x: np.ndarray, targets: np.ndarray, label_set: LabelSet, speakers: Sequence,
                        corpus: Sequence | None = None, balance: str | None = "corpus",
                        extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None, folds: int = 3,
                        c_grid: Sequence[float] | dict[str, Sequence[float]] = C_GRID, shared_scale: slice | None = None,
                        columns: ColumnSpec | None = None) -> LinearFit:
    """Choose ``C`` (per category, out-of-fold log loss) and the ``uncertain`` margin (per category,
    :func:`choose_margin`) by speaker-grouped folds of the training data, then fit on all of it.

    ``extra`` = (x_aug, owner, weight): augmented copies of training rows (``owner`` indexes
    ``x``); they are only ever trained on, with their owner's fold, never validated on.
    ``columns``: the input columns each category reads (see :func:`fit_category_linear`).
    ``c_grid`` may differ per category (a dict; categories not in it use :data:`C_GRID`)."""
    from ..styles.decision import pair_probabilities

    speakers = np.asarray(speakers)
    n = len(x)
    ys = category_targets(targets, label_set)
    k = min(folds, len(np.unique(speakers)))
    splits = list(GroupKFold(n_splits=k).split(np.zeros(n), groups=speakers))
    corpus_arr = None if corpus is None else np.asarray(corpus)
    grids = {cat: tuple(c_grid.get(cat, C_GRID) if isinstance(c_grid, dict) else c_grid) for cat in label_set.categories}
    c_grid = sorted({c for g in grids.values() for c in g})
    oof = {c: np.zeros((n, len(label_set))) for c in c_grid}
    for tr, va in splits:
        xt, tt, ct, wt = _with_extra(x, targets, corpus_arr, tr, extra)
        for c in c_grid:
            head = fit_category_linear(xt, tt, label_set, ct, balance, c, wt, shared_scale, columns)
            oof[c][va] = head_probabilities(head, x[va])
    chosen_c, margins, val = {}, {}, {}
    for cat, labels in label_set.categories.items():
        idx = [label_set.index(lab) for lab in labels]
        y = ys[cat]
        known = y >= 0
        losses = {}
        for c in grids[cat]:
            if known.sum() == 0 or len(np.unique(y[known])) < 2:
                losses[c] = 0.0
                continue
            losses[c] = log_loss(y[known], pair_probabilities(oof[c], label_set)[known][:, idx],
                                 labels=list(range(len(labels))))
        chosen_c[cat] = float(min(losses, key=losses.get))
        pp = pair_probabilities(oof[chosen_c[cat]], label_set)[:, idx]
        margins[cat] = choose_margin(pp, y)
        val[cat] = {"log_loss": losses, "n_known": int(known.sum())}
    xt, tt, ct, wt = _with_extra(x, targets, corpus_arr, np.arange(n), extra)
    head = fit_category_linear(xt, tt, label_set, ct, balance, chosen_c, wt, shared_scale, columns)
    return LinearFit(head, chosen_c, margins, val)


def _with_extra(x, targets, corpus, rows, extra):
    if extra is None:
        return x[rows], targets[rows], None if corpus is None else corpus[rows], None
    x_aug, owner, w_aug = extra
    sel = np.isin(owner, rows)
    xs = np.concatenate([x[rows], x_aug[sel]])
    ts = np.concatenate([targets[rows], targets[owner[sel]]])
    cs = None if corpus is None else np.concatenate([corpus[rows], corpus[owner[sel]]])
    ws = np.concatenate([np.ones(len(rows)), np.broadcast_to(w_aug, owner.shape)[sel]])
    return xs, ts, cs, ws
