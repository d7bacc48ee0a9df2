"""Controllability: does a system's measured value follow the level its prompts ask for?

For each system and measured category, over pairs of files whose prompts ask for different
levels (pairs within one speaker, else within one source recording, when the table says who
speaks or what a file was made from), the share of pairs whose measured values are ordered as
asked (pairwise concordance; a tie in value counts half). It does not depend on the norms:
it says whether "high-pitched" prompts gave higher pitch than "low-pitched" ones.

The 95% interval is a Wilson interval on an effective number of pairs, since pairs sharing a
file are not independent: per group and pair of levels with ``a`` and ``b`` files, the pairs
carry the information of ``3ab / (a + b + 1)`` independent ones (the Mann-Whitney statistic's
variance under no effect, ``(a + b + 1) / (12ab)``, set equal to a proportion's ``1 / (4n)``);
summed over groups and level pairs, never more than the pairs themselves.
"""
from __future__ import annotations

from itertools import combinations
from typing import Mapping

import numpy as np
import pandas as pd

from ..results import text_column
from ..styles.measured_expectations import MEASURE_OF, MEASURED_CATEGORIES
from .intervals import wilson_interval

CONTROLLABILITY_COLUMNS = ["system", "category", "pairs", "concordance", "lo", "hi"]
#: measured category -> (the measure it is judged on, its levels lowest first)
MEASURED: dict[str, tuple[str, tuple[str, ...]]] = {
    c: (MEASURE_OF[c], tuple(levels)) for c, levels in MEASURED_CATEGORIES.items()}


def _group_key(frame: pd.DataFrame) -> pd.Series:
    """Who or what each file's pairs stay within: its speaker, else its source, else one group."""
    for column in ("speaker", "source"):
        if column in frame:
            values = text_column(frame, column)
            if (values != "").any():
                return values
    return pd.Series([""] * len(frame), index=frame.index)


def concordance(values: np.ndarray, ranks: np.ndarray, groups: np.ndarray) -> tuple[int, float, float]:
    """(pairs, concordant share, effective number of pairs) over pairs in one group whose ranks differ."""
    pairs, score, n_eff = 0, 0.0, 0.0
    for g in np.unique(groups):
        v, r = values[groups == g], ranks[groups == g]
        counts = {k: int((r == k).sum()) for k in np.unique(r)}
        for a, b in combinations(sorted(counts), 2):
            n_eff += 3 * counts[a] * counts[b] / (counts[a] + counts[b] + 1)
        diff_r = np.sign(r[:, None] - r[None, :])
        diff_v = np.sign(v[:, None] - v[None, :])
        upper = np.triu(diff_r != 0, k=1)
        pairs += int(upper.sum())
        score += float(np.where(diff_v == 0, 0.5, diff_v == diff_r)[upper].sum())
    if pairs == 0:
        return 0, float("nan"), 0.0
    return pairs, score / pairs, min(n_eff, float(pairs))


def controllability_table(scores: pd.DataFrame,
                          categories: Mapping[str, tuple[str, tuple[str, ...]]] = MEASURED) -> pd.DataFrame:
    """One row per system and measured category with at least one pair of files asked for
    different levels and measured (columns :data:`CONTROLLABILITY_COLUMNS`)."""
    rows = []
    if scores.empty:
        return pd.DataFrame(columns=CONTROLLABILITY_COLUMNS)
    system = text_column(scores, "system")
    for name in sorted(set(system)):
        frame = scores[(system == name).to_numpy()]
        groups_all = _group_key(frame)
        for category, (measure, levels) in categories.items():
            if f"expected_{category}" not in frame or measure not in frame:
                continue
            expected = text_column(frame, f"expected_{category}")
            values = pd.to_numeric(frame[measure], errors="coerce")
            keep = (expected.isin(levels) & np.isfinite(values)).to_numpy()
            if keep.sum() < 2:
                continue
            ranks = np.array([levels.index(e) for e in expected[keep]])
            pairs, share, n_eff = concordance(values[keep].to_numpy(float), ranks, groups_all[keep].to_numpy())
            if pairs == 0:
                continue
            lo, hi = wilson_interval(share, n_eff)
            rows.append({"system": name, "category": category, "pairs": pairs, "concordance": share,
                         "lo": lo, "hi": hi})
    return pd.DataFrame(rows, columns=CONTROLLABILITY_COLUMNS)


__all__ = ["CONTROLLABILITY_COLUMNS", "MEASURED", "concordance", "controllability_table"]
