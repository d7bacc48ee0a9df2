"""Score intervals: honest on small samples, at 0 and 1, and under speaker clustering."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest, multinomial, norm

from stylecheck.analysis.intervals import (clustered_proportion_interval, effective_n, paired_difference_interval,
                                           tango_interval, wilson_interval)

Z2 = norm.ppf(0.975) ** 2


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


@pytest.mark.parametrize("n", [1, 2, 3, 8, 10, 40])
def test_identical_outcomes_never_give_a_point_whatever_the_proportion(n):
    # Issue 21 item 2: [1,1,1,1,0,0,0,0] against itself gave 0.000 [0.000, 0.000]. With no
    # discordant pair Tango's interval is +-z^2 / (n + z^2), the same at every proportion.
    bound = Z2 / (n + Z2)
    for outcome in ([0] * n, [1] * n, [1] * (n // 2) + [0] * (n - n // 2)):
        iv = paired_difference_interval(outcome, outcome)
        assert iv.value == 0
        assert (iv.lo, iv.hi) == pytest.approx((-bound, bound), abs=1e-9)
    issue = paired_difference_interval([1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0])
    assert issue.hi == pytest.approx(0.3244, abs=1e-4)


def test_all_discordant_pairs():
    # All one way: the estimate sits at the edge, the interval reaches it and stays inside [-1, 1].
    iv = paired_difference_interval([1] * 8, [0] * 8)
    assert iv.value == 1 and iv.hi == 1 and 0 < iv.lo < 0.5
    iv = paired_difference_interval([0] * 8, [1] * 8)
    assert iv.value == -1 and iv.lo == -1 and -0.5 < iv.hi < 0
    # Half each way: centred on 0, and wider than when the same pairs all agree.
    iv = paired_difference_interval([1] * 4 + [0] * 4, [0] * 4 + [1] * 4)
    assert iv.value == 0 and iv.lo == pytest.approx(-iv.hi)
    assert iv.hi > paired_difference_interval([1] * 8, [1] * 8).hi


def test_one_pair_and_no_pair():
    iv = paired_difference_interval([1], [1])
    assert iv.value == 0 and iv.lo == pytest.approx(-Z2 / (1 + Z2)) and iv.hi == pytest.approx(Z2 / (1 + Z2))
    iv = paired_difference_interval([1], [0])
    assert iv.value == 1 and iv.hi == 1 and iv.lo < 0
    none = paired_difference_interval([], [])
    assert math.isnan(none.value) and math.isnan(none.lo) and math.isnan(none.hi)
    assert none.reason == "no pairs"
    with pytest.raises(ValueError, match="differ in length"):
        paired_difference_interval([1, 0], [1])


def test_tango_agrees_with_published_values():
    # Cavo et al. (2012), complete response before / after consolidation: 59 both, 6 before only,
    # 16 after only, 80 neither. Fagerland, Lydersen & Laake, Statistical Analysis of Contingency
    # Tables (2017), ch. 8: Tango asymptotic score interval -0.0621 (-0.1240 to -0.0054), as the
    # R package contingencytables reproduces it in its tests.
    a = [1] * 59 + [1] * 6 + [0] * 16 + [0] * 80
    b = [1] * 59 + [0] * 6 + [1] * 16 + [0] * 80
    iv = paired_difference_interval(a, b)
    assert (iv.value, iv.lo, iv.hi) == pytest.approx((-0.0621, -0.1240, -0.0054), abs=5e-5)
    t = tango_interval(6, 16, 161)
    assert (t.value, t.lo, t.hi) == pytest.approx((iv.value, iv.lo, iv.hi), abs=1e-12)


def _tango_statistic(delta, b, c, n):
    """Tango's (1998) score statistic written out from the paper's formulas, independently of the
    package: the constrained MLE of P(only b) is the positive root of 2n q^2 + B q + C = 0."""
    B = -b - c + (2 * n - b + c) * delta
    C = -c * delta * (1 - delta)
    q21 = (-B + math.sqrt(B * B - 8 * n * C)) / (4 * n)
    return (b - c - n * delta) / math.sqrt(n * (2 * q21 + delta * (1 - delta)))


@pytest.mark.parametrize("b, c, n", [(6, 16, 161), (1, 7, 21), (0, 3, 5), (5, 0, 44), (12, 12, 30)])
def test_tango_limits_are_where_the_score_test_turns(b, c, n):
    iv = tango_interval(b, c, n)
    z = norm.ppf(0.975)
    if iv.lo > -1:
        assert _tango_statistic(iv.lo, b, c, n) == pytest.approx(z, abs=1e-6)
    if iv.hi < 1:
        assert _tango_statistic(iv.hi, b, c, n) == pytest.approx(-z, abs=1e-6)
    # Inside, the test does not reject; just outside, it does.
    for delta in np.linspace(iv.lo, iv.hi, 9)[1:-1]:
        assert abs(_tango_statistic(delta, b, c, n)) < z
    assert iv.lo <= -1 or _tango_statistic(iv.lo - 1e-3, b, c, n) > z
    assert iv.hi >= 1 or _tango_statistic(iv.hi + 1e-3, b, c, n) < -z


def test_tango_covers_close_to_95_percent_on_few_pairs():
    # Exact coverage over every table of 12 pairs (multinomial probabilities), including the
    # tables with no discordant pair that used to give a zero-width interval.
    n = 12
    tables = [(b, c) for b in range(n + 1) for c in range(n + 1 - b)]
    ivs = {t: tango_interval(*t, n) for t in tables}
    for p12, p21 in [(0.05, 0.05), (0.1, 0.2), (0.3, 0.1), (0.02, 0.0)]:
        delta = p12 - p21
        coverage = sum(multinomial.pmf([b, c, n - b - c], n, [p12, p21, 1 - p12 - p21])
                       for (b, c), iv in ivs.items() if iv.lo <= delta <= iv.hi)
        assert coverage > 0.93, (p12, p21, coverage)


def test_speaker_clusters_widen_the_paired_interval():
    same = [1, 1, 0, 0] * 2
    # Each pair its own speaker: as without clusters.
    assert paired_difference_interval(same, same, list("abcdefgh")) == paired_difference_interval(same, same)
    # Two speakers, four pairs each: two observations' worth of agreement.
    two = paired_difference_interval(same, same, list("aaaabbbb"))
    assert two.hi == pytest.approx(Z2 / (2 + Z2)) and two.hi > paired_difference_interval(same, same).hi
