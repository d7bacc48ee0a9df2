"""Confidence intervals for proportions that stay honest on small samples and at 0 and 1.

Why not the percentile bootstrap: resampling 11 matches out of 11 files (or 11 files of one
speaker) only ever gives 11/11 again, so the bootstrap reports ``1.00 [1.00, 1.00]``, a
certainty no finite sample gives. The intervals here are *score* intervals, which never
collapse to a point:

* :func:`wilson_interval` (Wilson 1927) for independent files. 11/11 gives [0.74, 1.00] and
  0/5 gives [0.00, 0.43] at 95%.
* :func:`clustered_proportion_interval` for files grouped by speaker. Files of one voice are not
  independent evidence, so the Wilson interval is computed on the *effective* number of files
  ``n_eff = n / deff`` (Kish's design effect). ``deff`` is the ratio of the cluster-robust
  variance of the proportion (the ratio-estimator variance over speaker totals) to the binomial
  variance ``p(1-p)/n``; ``n_eff`` is kept within [1, n] (clustering never adds information).
  At p = 0 or 1 the variance ratio is 0/0: every speaker agrees, which is also what complete
  dependence within speakers would look like, so ``n_eff`` is the number of speakers (one
  observation per voice), the cautious choice.
* :func:`paired_difference_interval` for the difference of two paired proportions: Newcombe's
  hybrid score interval (Newcombe 1998, method 10), built from the two Wilson intervals and the
  correlation of the paired outcomes; with clusters each Wilson interval uses its ``n_eff``.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from scipy.stats import norm

from .bootstrap import Interval

CONFIDENCE = 0.95

#: One line per method, written into summary.md so a reader knows what the brackets mean.
METHOD_NOTE = (
    "Intervals are 95% Wilson score intervals. When speakers are known, files of one speaker are "
    "not independent, so the Wilson interval uses the effective number of files n/deff (Kish's "
    "design effect from the speaker-clustered variance, kept between 1 and n; at 0% or 100% "
    "adherence the number of speakers). Differences between systems use Newcombe's hybrid score "
    "interval for paired proportions on the same effective sizes. None of these collapses to a "
    "point on a finite sample (11/11 gives [0.74, 1.00])."
)


def _z(confidence: float) -> float:
    return float(norm.ppf(1 - (1 - confidence) / 2))


def wilson_interval(p: float, n: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval of a proportion ``p`` observed on ``n`` (possibly effective,
    non-integer) trials; ``(nan, nan)`` when ``n`` is not positive."""
    if not (n > 0) or not np.isfinite(p):
        return float("nan"), float("nan")
    z2 = _z(confidence) ** 2
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = math.sqrt(max(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) * math.sqrt(z2) / denom
    # At p = 0 (1) the lower (upper) end is exactly 0 (1); rounding must not move it past p.
    return min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half))


def effective_n(values: Sequence[float], clusters: Sequence | None) -> float:
    """Kish's effective sample size of the mean of 0/1 ``values`` grouped by ``clusters``.

    ``n`` when every value is its own cluster (or ``clusters`` is None); otherwise
    ``n / deff`` within [1, n], and the number of clusters when the proportion is 0 or 1 (see
    the module docstring)."""
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n == 0:
        return 0.0
    if clusters is None:
        return float(n)
    ids = np.unique(np.asarray(clusters, dtype=object).astype(str), return_inverse=True)[1]
    k = int(ids.max()) + 1
    if k == n:
        return float(n)
    if k == 1:
        return 1.0
    p = float(y.mean())
    if p in (0.0, 1.0):
        return float(k)
    totals = np.bincount(ids, weights=y, minlength=k)
    sizes = np.bincount(ids, minlength=k).astype(float)
    # Ratio-estimator (linearised) variance of p = sum(y) / sum(m) over clusters.
    var_cluster = k / (k - 1) * float(np.sum((totals - p * sizes) ** 2)) / n**2
    var_binomial = p * (1 - p) / n
    if var_cluster <= 0:
        return float(n)
    return float(min(n, max(1.0, n * var_binomial / var_cluster)))


def clustered_proportion_interval(values: Sequence[float], clusters: Sequence | None = None,
                                  confidence: float = CONFIDENCE) -> Interval:
    """The mean of 0/1 ``values`` with its Wilson interval on the effective sample size."""
    y = np.asarray(values, dtype=float)
    if len(y) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    p = float(y.mean())
    lo, hi = wilson_interval(p, effective_n(y, clusters), confidence)
    return Interval(p, lo, hi)


def paired_difference_interval(a: Sequence[float], b: Sequence[float], clusters: Sequence | None = None,
                               confidence: float = CONFIDENCE) -> Interval:
    """``mean(a) - mean(b)`` on paired 0/1 outcomes with Newcombe's hybrid score interval.

    ``L = d - sqrt(dl_a^2 - 2 phi dl_a du_b + du_b^2)`` and ``U = d + sqrt(du_a^2 - 2 phi du_a
    dl_b + dl_b^2)``, where ``dl``/``du`` are the distances from each proportion to the lower /
    upper end of its Wilson interval and ``phi`` is the correlation of the paired outcomes (0
    when a margin of the 2x2 table is empty)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    pa, pb = float(a.mean()), float(b.mean())
    la, ua = wilson_interval(pa, effective_n(a, clusters), confidence)
    lb, ub = wilson_interval(pb, effective_n(b, clusters), confidence)
    both = float(np.sum((a == 1) & (b == 1)))
    a_only = float(np.sum((a == 1) & (b == 0)))
    b_only = float(np.sum((a == 0) & (b == 1)))
    neither = float(np.sum((a == 0) & (b == 0)))
    margins = (both + a_only) * (b_only + neither) * (both + b_only) * (a_only + neither)
    phi = (both * neither - a_only * b_only) / math.sqrt(margins) if margins > 0 else 0.0
    d = pa - pb
    dla, dua, dlb, dub = pa - la, ua - pa, pb - lb, ub - pb
    lo = d - math.sqrt(max(dla**2 - 2 * phi * dla * dub + dub**2, 0.0))
    hi = d + math.sqrt(max(dua**2 - 2 * phi * dua * dlb + dlb**2, 0.0))
    return Interval(d, max(-1.0, lo), min(1.0, hi))


__all__ = ["CONFIDENCE", "METHOD_NOTE", "clustered_proportion_interval", "effective_n",
           "paired_difference_interval", "wilson_interval"]
