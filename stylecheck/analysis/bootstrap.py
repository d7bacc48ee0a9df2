"""Bootstrap confidence intervals, resampling clusters (speakers) when they are known.

Files of one speaker are not independent evidence about a voice label, so intervals resample
whole speakers (cluster bootstrap) whenever a speaker column exists; otherwise files.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

DEFAULT_RESAMPLES = 1000


@dataclass(frozen=True)
class Interval:
    value: float
    lo: float
    hi: float
    #: Why there is no value or no interval (empty when both are there).
    reason: str = ""

    def fmt(self, digits: int = 3) -> str:
        if np.isnan(self.value):
            return "n/a"
        if np.isnan(self.lo):
            return f"{self.value:.{digits}f}"
        return f"{self.value:.{digits}f} [{self.lo:.{digits}f}, {self.hi:.{digits}f}]"


def cluster_indices(clusters: Sequence | None, n: int) -> list[np.ndarray]:
    """Row indices grouped by cluster (each row its own cluster when ``clusters`` is None)."""
    if clusters is None:
        return [np.array([i]) for i in range(n)]
    groups: dict = {}
    for i, c in enumerate(clusters):
        groups.setdefault(c, []).append(i)
    return [np.asarray(v) for v in groups.values()]


def bootstrap(statistic: Callable[[np.ndarray], float], n: int, clusters: Sequence | None = None,
              n_resamples: int = DEFAULT_RESAMPLES, confidence: float = 0.95, seed: int = 0) -> Interval:
    """Percentile interval of ``statistic(indices)`` over resampled rows (or clusters of rows).

    ``statistic`` receives an index array into the data and returns a float (NaN allowed: such
    resamples are dropped). Returns NaN bounds when fewer than two clusters exist.
    """
    groups = cluster_indices(clusters, n)
    value = float(statistic(np.arange(n)))
    if len(groups) < 2 or n_resamples <= 0:
        return Interval(value, np.nan, np.nan)
    rng = np.random.default_rng(seed)
    stats = np.empty(n_resamples)
    for b in range(n_resamples):
        pick = rng.integers(0, len(groups), len(groups))
        stats[b] = statistic(np.concatenate([groups[g] for g in pick]))
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return Interval(value, np.nan, np.nan)
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(stats, [alpha, 1 - alpha])
    return Interval(value, float(lo), float(hi))


def bootstrap_mean(values: Sequence[float], clusters: Sequence | None = None, **kw) -> Interval:
    v = np.asarray(values, dtype=float)
    return bootstrap(lambda idx: float(np.mean(v[idx])) if len(idx) else np.nan, len(v), clusters, **kw)


def paired_bootstrap_diff(a: Sequence[float], b: Sequence[float], clusters: Sequence | None = None,
                          **kw) -> tuple[Interval, float]:
    """Mean of ``a - b`` on paired items with its interval and a two-sided bootstrap p-value."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    groups = cluster_indices(clusters, len(d))
    iv = bootstrap(lambda idx: float(np.mean(d[idx])), len(d), clusters, **kw)
    n_resamples = kw.get("n_resamples", DEFAULT_RESAMPLES)
    rng = np.random.default_rng(kw.get("seed", 0) + 1)
    if len(groups) < 2:
        return iv, float("nan")
    stats = np.array([np.mean(d[np.concatenate([groups[g] for g in rng.integers(0, len(groups), len(groups))])])
                      for _ in range(n_resamples)])
    # Share of resamples on the far side of zero, doubled (percentile-bootstrap test).
    p = 2 * min(np.mean(stats <= 0), np.mean(stats >= 0))
    return iv, float(min(1.0, p))
