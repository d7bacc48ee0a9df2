"""Per-label Platt scaling and decision thresholds, fitted on validation data."""
from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import f1_score


def fit_platt(logits: np.ndarray, targets: np.ndarray, l2: float = 1e-3, iters: int = 200,
              min_per_class: int = 5, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-label ``(scale, bias)`` minimising BCE of ``sigmoid(scale * logit + bias)`` on known
    targets (NaN = unknown). A label with fewer than ``min_per_class`` positives or negatives
    keeps the identity: two parameters fitted to a handful of examples make calibration worse,
    not better (measured on the bundled model's age labels). ``counts`` ``[K, 2]`` gives the
    per-label numbers of independent examples (negatives, positives) when rows are not
    independent (several windows of one file); by default the rows are counted."""
    k = logits.shape[1]
    scale, bias = np.ones(k), np.zeros(k)
    for j in range(k):
        known = ~np.isnan(targets[:, j])
        y = targets[known, j]
        n_neg, n_pos = counts[j] if counts is not None else ((y == 0).sum(), (y == 1).sum())
        if min(n_neg, n_pos) < min_per_class:
            continue
        x = torch.tensor(logits[known, j], dtype=torch.float64)
        t = torch.tensor(y, dtype=torch.float64)
        a = torch.ones((), dtype=torch.float64, requires_grad=True)
        b = torch.zeros((), dtype=torch.float64, requires_grad=True)
        opt = torch.optim.LBFGS([a, b], max_iter=iters, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(a * x + b, t) + l2 * (a - 1) ** 2
            loss.backward()
            return loss

        opt.step(closure)
        a_val, b_val = a.detach().item(), b.detach().item()
        if np.isfinite(a_val) and np.isfinite(b_val) and a_val > 0:
            scale[j], bias[j] = a_val, b_val
    return scale, bias


def tune_thresholds(probs: np.ndarray, targets: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """Per-label threshold maximising F1 on known targets; 0.5 where a label cannot be tuned.
    Ties go to the threshold closest to 0.5, so thin validation data moves thresholds less."""
    grid = np.round(np.arange(0.05, 0.951, 0.025), 3) if grid is None else grid
    out = np.full(probs.shape[1], 0.5)
    for j in range(probs.shape[1]):
        known = ~np.isnan(targets[:, j])
        y = targets[known, j]
        if known.sum() < 2 or y.max() < 1:
            continue
        scores = [f1_score(y, probs[known, j] >= t, zero_division=0) for t in grid]
        best = max(scores)
        candidates = [t for t, s in zip(grid, scores) if s >= best - 1e-12]
        out[j] = float(min(candidates, key=lambda t: abs(t - 0.5)))
    return out


def expected_calibration_error(probs: np.ndarray, targets: np.ndarray, n_bins: int = 10) -> float:
    """ECE over known targets of one label (equal-width bins)."""
    known = ~np.isnan(targets)
    p, y = probs[known], targets[known]
    if p.size == 0:
        return float("nan")
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        sel = bins == b
        if sel.any():
            ece += sel.mean() * abs(p[sel].mean() - y[sel].mean())
    return float(ece)


def calibrate_model(model, frames, targets: np.ndarray, calibrate: bool = True, thresholds: bool = True) -> None:
    """Fit Platt scaling on window logits (each window labelled with its file's targets), then
    tune decision thresholds on the calibrated file probabilities; both stored in the config."""
    model.config.calibration = None
    if calibrate:
        logits, wb = model.window_logits(frames)
        counts = np.stack([(targets == 0).sum(0), (targets == 1).sum(0)], axis=1)  # files, not windows
        scale, bias = fit_platt(logits.numpy(), targets[wb.owner.numpy()], counts=counts)
        model.config.calibration = {"scale": scale.tolist(), "bias": bias.tolist()}
    probs = model.probabilities_from_frames(frames)
    model.config.thresholds = (tune_thresholds(probs, targets) if thresholds
                               else np.full(targets.shape[1], 0.5)).tolist()
