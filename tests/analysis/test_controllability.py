"""Controllability: the share of file pairs whose measured values are ordered as the prompts asked."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stylecheck.analysis.controllability import CONTROLLABILITY_COLUMNS, concordance, controllability_table


def test_concordance_counts_pairs_with_different_levels_only():
    pairs, share, n_eff = concordance(np.array([100.0, 120, 200, 190]), np.array([0, 0, 2, 2]), np.zeros(4))
    assert pairs == 4 and share == 1.0 and n_eff == pytest.approx(3 * 2 * 2 / 5)
    pairs, share, _ = concordance(np.array([200.0, 100]), np.array([0, 2]), np.zeros(2))
    assert (pairs, share) == (1, 0.0)
    assert concordance(np.array([1.0, 1.0]), np.array([0, 1]), np.zeros(2))[1] == 0.5  # a tie counts half


def test_table_per_system_within_speakers():
    scores = pd.DataFrame({
        "system": ["a"] * 4 + ["b"] * 4,
        "speaker": ["s1", "s1", "s2", "s2"] * 2,
        "expected_pitch": ["low", "high"] * 4,
        "f0_median_hz": [100, 200, 150, 250, 200, 100, 150, np.nan],
    })
    table = controllability_table(scores)
    assert list(table.columns) == CONTROLLABILITY_COLUMNS
    a = table.set_index("system").loc["a"]
    # Within speakers only: (100, 200) and (150, 250); the cross-speaker pair (200 high, 150 low) is not one.
    assert (a["category"], a["pairs"], a["concordance"]) == ("pitch", 2, 1.0)
    assert 0 < a["lo"] < 1 == a["hi"]
    b = table.set_index("system").loc["b"]
    assert (b["pairs"], b["concordance"]) == (1, 0.0)  # the unmeasured file is in no pair


def test_no_pairs_no_rows():
    scores = pd.DataFrame({"system": ["a", "a"], "expected_rate": ["fast", "fast"], "speech_rate_syl_s": [4.0, 5.0]})
    assert controllability_table(scores).empty


def test_measured_columns_and_units_agree_with_the_measures():
    # The table layers keep their own copy (they may not import measures/, which reads audio).
    from stylecheck.measures.norms import CATEGORIES, UNITS
    from stylecheck.styles.measured_expectations import MEASURE_OF, MEASURE_UNITS, MEASURED_CATEGORIES

    assert MEASURE_UNITS == UNITS
    assert {c: (MEASURE_OF[c], set(levels)) for c, levels in MEASURED_CATEGORIES.items()} == {
        c: (m, set(levels)) for c, (m, levels) in CATEGORIES.items()}
