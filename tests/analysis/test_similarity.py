import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from stylecheck.errors import StylecheckError
from stylecheck.analysis.similarity import (
    EmbeddingSizeError,
    clustered_mean_interval,
    cosine_similarity,
    equal_error_rate,
    mean_reference_embedding,
    paired_similarity_difference,
    similarity_comparison_table,
    system_similarity_table,
)


def unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


def test_copied_embedding_has_similarity_one_and_another_is_lower():
    rng = np.random.default_rng(0)
    a, b = unit(rng.standard_normal(256)), unit(rng.standard_normal(256))
    assert cosine_similarity(a, a.copy()) == pytest.approx(1.0, abs=1e-12)
    assert cosine_similarity(a, 3.0 * a) == pytest.approx(1.0, abs=1e-12)  # scale does not matter
    assert cosine_similarity(a, b) < 0.5
    assert cosine_similarity(a, -a) == pytest.approx(-1.0)


def test_missing_or_zero_embedding_gives_nan_and_sizes_must_agree():
    a = unit([1.0, 2.0, 3.0])
    assert math.isnan(cosine_similarity(a, None))
    assert math.isnan(cosine_similarity(np.zeros(3), a))
    assert math.isnan(cosine_similarity([np.nan, 1, 1], a))
    with pytest.raises(EmbeddingSizeError):
        cosine_similarity(a, np.ones(4))
    assert issubclass(EmbeddingSizeError, StylecheckError)


def test_cosine_broadcasts_over_rows():
    a = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert np.allclose(cosine_similarity(a, np.array([1.0, 0.0])), [1.0, 0.0])


def test_mean_reference_normalises_each_reference_before_averaging():
    x, y = np.array([1.0, 0.0]), np.array([0.0, 100.0])
    ref = mean_reference_embedding([x, y])
    # Each recording counts equally whatever its norm: the mean direction is the diagonal.
    assert np.allclose(ref, unit([1.0, 1.0]))
    assert np.linalg.norm(ref) == pytest.approx(1.0)
    assert np.allclose(mean_reference_embedding([x]), x)
    assert mean_reference_embedding([None, np.zeros(2)]) is None
    assert np.allclose(mean_reference_embedding([x, None]), x)


def test_one_file_or_one_cluster_gives_no_interval_and_says_why():
    iv, note = clustered_mean_interval([0.7])
    assert iv.value == 0.7 and math.isnan(iv.lo) and math.isnan(iv.hi) and "one file" in note
    iv, note = clustered_mean_interval([0.7, 0.8, 0.75], ["s1", "s1", "s1"])
    assert math.isnan(iv.lo) and "one speaker" in note
    iv, note = clustered_mean_interval([], None)
    assert math.isnan(iv.value) and note


def test_two_files_give_the_wide_honest_t_interval():
    iv, note = clustered_mean_interval([0.6, 0.8])
    assert note == ""
    # t with 1 degree of freedom: mean +- 12.71 * s / sqrt(2), clipped to [-1, 1].
    half = stats.t.ppf(0.975, 1) * np.std([0.6, 0.8], ddof=1) / np.sqrt(2)
    assert iv.lo == pytest.approx(max(-1.0, 0.7 - half)) and iv.hi == pytest.approx(min(1.0, 0.7 + half))
    assert iv.hi - iv.lo > 1.0


def test_independent_files_give_exactly_the_ordinary_t_interval():
    v = np.random.default_rng(1).uniform(0.5, 0.9, 30)
    iv, _ = clustered_mean_interval(v)
    lo, hi = stats.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=stats.sem(v))
    assert iv.lo == pytest.approx(lo) and iv.hi == pytest.approx(hi)


def test_clustered_interval_is_wider_than_naive_when_clusters_repeat():
    rng = np.random.default_rng(2)
    speaker_effect = rng.normal(0, 0.1, 8)
    clusters = np.repeat(np.arange(8), 6)
    v = 0.7 + speaker_effect[clusters] + rng.normal(0, 0.01, len(clusters))
    naive, _ = clustered_mean_interval(v)
    clustered, _ = clustered_mean_interval(v, clusters.astype(str))
    assert clustered.value == pytest.approx(naive.value)
    assert (clustered.hi - clustered.lo) > 2 * (naive.hi - naive.lo)


def test_missing_cluster_counts_as_its_own_and_nan_values_are_dropped():
    iv, note = clustered_mean_interval([0.5, np.nan, 0.7], ["a", "a", None])
    assert iv.value == pytest.approx(0.6) and note == ""


def test_system_table_per_system_with_notes():
    rows = pd.DataFrame({
        "system": ["A"] * 4 + ["B"] + ["C"] * 2,
        "spk_sim": [0.8, 0.82, 0.6, np.nan, 0.5, 0.4, 0.45],
        "speaker": ["s1", "s1", "s2", "s2", "s1", "s3", "s3"],
    })
    t = system_similarity_table(rows, "spk_sim", "system", "speaker").set_index("system")
    assert t.loc["A", "n_files"] == 3 and t.loc["A", "n_missing"] == 1 and t.loc["A", "n_clusters"] == 2
    assert t.loc["A", "mean"] == pytest.approx(np.mean([0.8, 0.82, 0.6]))
    assert t.loc["A", "lo"] < t.loc["A", "mean"] < t.loc["A", "hi"]
    assert math.isnan(t.loc["B", "lo"]) and "one file" in t.loc["B", "note"]
    assert math.isnan(t.loc["C", "lo"]) and "one speaker" in t.loc["C", "note"]


def test_paired_difference_over_shared_items():
    rng = np.random.default_rng(3)
    items = [f"u{i}" for i in range(20)]
    base = rng.uniform(0.4, 0.9, 20)
    rows = pd.DataFrame({
        "system": ["A"] * 20 + ["B"] * 21,
        "item": items + items + ["only_b"],
        "spk_sim": np.concatenate([base + 0.1 + rng.normal(0, 0.01, 20), base, [0.0]]),
        "speaker": [f"s{i % 5}" for i in range(20)] * 2 + ["s9"],
    })
    d = paired_similarity_difference(rows, "spk_sim", "A", "B", "item")
    assert d["n_items"] == 20 and d["n_clusters"] == 5
    assert d["diff"] == pytest.approx(0.1, abs=0.01)
    assert d["lo"] < 0.1 < d["hi"] and d["lo"] > 0 and d["p_value"] < 0.01
    table = similarity_comparison_table(rows, "spk_sim", "item")
    assert list(table[["system_a", "system_b"]].iloc[0]) == ["A", "B"]


def test_paired_difference_with_one_shared_item_has_no_interval():
    rows = pd.DataFrame({"system": ["A", "B"], "item": ["u", "u"], "spk_sim": [0.8, 0.7], "speaker": ["s", "s"]})
    d = paired_similarity_difference(rows, "spk_sim", "A", "B", "item")
    assert d["diff"] == pytest.approx(0.1) and math.isnan(d["lo"]) and math.isnan(d["p_value"])


def test_equal_error_rate_separable_and_overlapping():
    eer, thr = equal_error_rate([0.9, 0.8, 0.3, 0.2], [True, True, False, False])
    assert eer == 0.0 and 0.3 < thr <= 0.8
    rng = np.random.default_rng(4)
    same = rng.normal(0.8, 0.05, 4000)
    diff = rng.normal(0.6, 0.05, 4000)
    eer, thr = equal_error_rate(np.r_[same, diff], np.r_[np.ones(4000, bool), np.zeros(4000, bool)])
    # Two equal-variance normals 4 sd apart cross at the midpoint with error Phi(-2).
    assert eer == pytest.approx(stats.norm.cdf(-2), abs=0.01)
    assert thr == pytest.approx(0.7, abs=0.01)
    assert all(math.isnan(x) for x in equal_error_rate([0.5, 0.6], [True, True]))
