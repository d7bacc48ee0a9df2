"""Score intervals: honest on small samples, at 0 and 1, and under speaker clustering."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from stylecheck.analysis.intervals import (clustered_proportion_interval, effective_n, paired_difference_interval,
                                           wilson_interval)


def test_small_perfect_and_zero_samples_are_not_certain():
    lo, hi = wilson_interval(1.0, 11)
    assert lo < 0.80 and hi == 1.0
    lo, hi = wilson_interval(0.0, 5)
    assert lo == 0.0 and hi > 0.40
    assert wilson_interval(1.0, 3)[0] < 0.5


@pytest.mark.parametrize("n", [1, 2, 3, 5, 11, 40, 200])
def test_wilson_equals_scipy_and_never_has_zero_width(n):
    for k in range(n + 1):
        lo, hi = wilson_interval(k / n, n)
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert (lo, hi) == pytest.approx((ci.low, ci.high), abs=1e-12)
        assert hi - lo > 0 and lo <= k / n <= hi


def test_clustering_shrinks_the_effective_size():
    # Independent files: n_eff = n.
    assert effective_n([1, 0, 1, 1], None) == 4
    assert effective_n([1, 0, 1, 1], ["a", "b", "c", "d"]) == 4
    # One speaker: one observation, whatever the number of files.
    assert effective_n([1] * 11, ["s"] * 11) == 1
    iv = clustered_proportion_interval([1] * 11, ["s"] * 11)
    assert iv.value == 1.0 and iv.lo == pytest.approx(wilson_interval(1.0, 1)[0]) and iv.lo < 0.3
    # All right, three speakers: one observation per voice.
    assert effective_n([1] * 9, list("aaabbbccc")) == 3
    # Speakers that are each all-right or all-wrong carry one observation each (k - 1 by the
    # ratio-estimator variance), not one per file.
    homogeneous = [1, 1, 0, 0, 1, 1, 0, 0]
    assert effective_n(homogeneous, list("aabbccdd")) == pytest.approx(3.0)
    # Speakers that each hold one right and one wrong file: no between-speaker variance, so
    # clustering costs nothing and n_eff stays n.
    assert effective_n([1, 0] * 4, list("aabbccdd")) == 8


def test_paired_difference_is_honest_when_both_systems_agree():
    iv = paired_difference_interval([1] * 11, [1] * 11)
    assert iv.value == 0 and iv.lo < -0.1 and iv.hi > 0.1
    iv = paired_difference_interval([0] * 5, [0] * 5)
    assert iv.lo < 0 < iv.hi


def test_paired_difference_is_antisymmetric_and_contains_the_estimate():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 2, 30).astype(float), rng.integers(0, 2, 30).astype(float)
    ab, ba = paired_difference_interval(a, b), paired_difference_interval(b, a)
    assert ab.value == pytest.approx(a.mean() - b.mean())
    assert (ab.lo, ab.hi) == pytest.approx((-ba.hi, -ba.lo))
    assert ab.lo < ab.value < ab.hi
    # A clear difference on many pairs excludes 0.
    clear = paired_difference_interval([1] * 40, [1] * 10 + [0] * 30)
    assert clear.lo > 0.5


def test_clustered_interval_keeps_its_coverage_when_speakers_repeat():
    # Ten speakers of five files, adherence 0.8, alike within a speaker (ICC 0.3): treating the
    # 50 files as independent covers only ~81% (benchmarks/interval_coverage.py), the
    # speaker-adjusted Wilson interval ~94%.
    rng = np.random.default_rng(1)
    mean, icc, k, m = 0.8, 0.3, 10, 5
    s = 1 / icc - 1
    clusters = np.repeat(np.arange(k), m)
    covered = naive = 0
    for _ in range(300):
        p = rng.beta(mean * s, (1 - mean) * s, k)
        y = (rng.random((k, m)) < p[:, None]).astype(float).ravel()
        iv = clustered_proportion_interval(y, clusters)
        assert iv.hi > iv.lo
        covered += iv.lo <= mean <= iv.hi
        lo, hi = wilson_interval(y.mean(), len(y))
        naive += lo <= mean <= hi
    assert covered / 300 >= 0.9 > naive / 300


def test_reliability_bins_average_each_bin():
    from stylecheck.analysis.metrics import reliability_bins

    xs, ys, ns = reliability_bins([0.05, 0.15, 0.95, 1.0], [0, 1, 1, 1], n_bins=10)
    assert ns == [1, 1, 2] and ys == [0.0, 1.0, 1.0]
    assert xs[0] == 0.05 and abs(xs[2] - 0.975) < 1e-12  # 1.0 falls in the last bin
