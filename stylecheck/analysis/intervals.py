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
* :func:`paired_difference_interval` for the difference of two paired proportions: Tango's
  score interval (Tango 1998), the set of differences that the score test on the discordant
  pairs does not reject, with the probability of a discordant pair profiled out by its
  constrained maximum-likelihood estimate. Unlike Newcombe's hybrid of two Wilson intervals it
  does not collapse when no pair is discordant: identical outcomes on n pairs give
  ``0 [-z^2/(n + z^2), z^2/(n + z^2)]`` (n = 8: +-0.32) whatever the two proportions are. With
  clusters, the counts are scaled to the effective number of pairs (Kish's design effect of the
  pair differences).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

from ..errors import InvalidValueError
from .bootstrap import Interval

CONFIDENCE = 0.95

#: One line per method, written into summary.md so a reader knows what the brackets mean.
METHOD_NOTE = (
    "Intervals are 95% Wilson score intervals. When speakers are known, files of one speaker are "
    "not independent, so the Wilson interval uses the effective number of files n/deff (Kish's "
    "design effect from the speaker-clustered variance, kept between 1 and n; at 0% or 100% "
    "adherence the number of speakers). Differences between systems use Tango's score interval "
    "for paired proportions on the effective number of pairs. None of these collapses to a point "
    "on a finite sample (11/11 gives [0.74, 1.00]; two systems with the same outcome on 8 pairs "
    "give 0.00 [-0.32, 0.32])."
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
    """Kish's effective sample size of the mean of ``values`` grouped by ``clusters``.

    ``n`` when every value is its own cluster (or ``clusters`` is None); otherwise
    ``n / deff`` within [1, n], and the number of clusters when all values are equal (a
    proportion of 0 or 1, or paired differences that are all 0: see the module docstring).
    ``values`` are 0/1 outcomes or differences of two of them."""
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
    if float(np.ptp(y)) == 0.0:
        return float(k)
    p = float(y.mean())
    totals = np.bincount(ids, weights=y, minlength=k)
    sizes = np.bincount(ids, minlength=k).astype(float)
    # Ratio-estimator (linearised) variance of p = sum(y) / sum(m) over clusters.
    var_cluster = k / (k - 1) * float(np.sum((totals - p * sizes) ** 2)) / n**2
    # The variance if the values were independent (p(1 - p) / n for 0/1 values).
    var_independent = float(np.mean((y - p) ** 2)) / n
    if var_cluster <= 0:
        return float(n)
    return float(min(n, max(1.0, n * var_independent / var_cluster)))


def clustered_proportion_interval(values: Sequence[float], clusters: Sequence | None = None,
                                  confidence: float = CONFIDENCE) -> Interval:
    """The mean of 0/1 ``values`` with its Wilson interval on the effective sample size."""
    y = np.asarray(values, dtype=float)
    if len(y) == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    p = float(y.mean())
    lo, hi = wilson_interval(p, effective_n(y, clusters), confidence)
    return Interval(p, lo, hi)


def _tango_statistic(delta: float, b: float, c: float, n: float) -> float:
    """Tango's score statistic for H0: p(a=1) - p(b=1) = ``delta`` from ``b`` pairs where only a
    succeeds, ``c`` where only b does, of ``n``; decreasing in ``delta``, 0 at (b - c) / n."""
    excess = b - c - n * delta
    if excess == 0:
        return 0.0
    # Constrained MLE of P(only b succeeds) under H0 (the root of Tango's quadratic).
    qa, qb, qc = 2 * n, -b - c + (2 * n - b + c) * delta, -c * delta * (1 - delta)
    q21 = (math.sqrt(max(qb * qb - 4 * qa * qc, 0.0)) - qb) / (2 * qa)
    variance = n * (2 * q21 + delta * (1 - delta))
    return excess / math.sqrt(variance) if variance > 0 else math.copysign(math.inf, excess)


def tango_interval(b: float, c: float, n: float, confidence: float = CONFIDENCE) -> Interval:
    """Tango's (1998) score interval for a difference of paired proportions.

    ``b`` pairs have only the first outcome positive, ``c`` only the second, ``n`` pairs in all
    (counts may be effective, non-integer sizes). The limits solve ``T(delta) = +-z`` for the
    score statistic, found by root bracketing; a limit is +-1 when the test cannot reject there
    (all pairs discordant one way)."""
    if not (n > 0) or not all(np.isfinite((b, c, n))):
        return Interval(float("nan"), float("nan"), float("nan"), reason="no pairs")
    z = _z(confidence)
    estimate = (b - c) / n
    edge = 1e-12  # at exactly +-1 the variance is 0/0

    def stat(delta: float) -> float:
        return _tango_statistic(delta, b, c, n)

    lo = -1.0 if stat(-1 + edge) < z else brentq(lambda d: stat(d) - z, -1 + edge, estimate, xtol=1e-12)
    hi = 1.0 if stat(1 - edge) > -z else brentq(lambda d: stat(d) + z, estimate, 1 - edge, xtol=1e-12)
    return Interval(estimate, min(lo, estimate), max(hi, estimate))


def paired_difference_interval(a: Sequence[float], b: Sequence[float], clusters: Sequence | None = None,
                               confidence: float = CONFIDENCE) -> Interval:
    """``mean(a) - mean(b)`` on paired 0/1 outcomes with Tango's score interval.

    Only the discordant pairs move the estimate, but the interval also rests on how many pairs
    agree: with no discordant pair it is ``+-z^2/(n + z^2)``, never a point. With ``clusters``
    (the speakers of each pair) the counts are scaled by ``n_eff / n``, ``n_eff`` being Kish's
    effective size of the pair differences (:func:`effective_n`). No pairs: NaN with a reason."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if len(a) != len(b):
        raise InvalidValueError(f"paired outcomes differ in length: {len(a)} and {len(b)}")
    if len(a) == 0:
        return Interval(float("nan"), float("nan"), float("nan"), reason="no pairs")
    a_only = float(np.sum((a == 1) & (b == 0)))
    b_only = float(np.sum((a == 0) & (b == 1)))
    n = float(len(a))
    scale = effective_n(a - b, clusters) / n
    iv = tango_interval(a_only * scale, b_only * scale, n * scale, confidence)
    # The estimate is the plain difference of the proportions; only the interval uses n_eff.
    return Interval(float(a.mean() - b.mean()), iv.lo, iv.hi)


__all__ = ["CONFIDENCE", "METHOD_NOTE", "clustered_proportion_interval", "effective_n",
           "paired_difference_interval", "tango_interval", "wilson_interval"]
