"""The summary treats measured categories like learned ones (adherence, confusion) and counts
the prompt phrases no judge judges."""
from __future__ import annotations

import numpy as np
import pandas as pd

from stylecheck.analysis.summary import summarize, unjudged_counts
from stylecheck.styles.labels import PAPER_LABELS


def _scores():
    n = 4
    frame = pd.DataFrame({"file": [f"{i}.wav" for i in range(n)], "system": ["a"] * n, "status": ["ok"] * n,
                          "expected": ["Female"] * n, "predicted": ["Female"] * n,
                          "unjudged": ["calm; Irish accent", "calm", "", "Calm"]})
    for lab in PAPER_LABELS.labels:
        frame[f"p_{lab}"] = 0.9 if lab == "Female" else 0.1
    for cat in PAPER_LABELS.categories:
        frame[f"expected_{cat}"] = "Female" if cat == "gender" else ""
        frame[f"predicted_{cat}"] = "Female" if cat == "gender" else ""
        frame[f"match_{cat}"] = "true" if cat == "gender" else ""
    frame["expected_pitch"] = ["low", "high", "high", ""]
    frame["predicted_pitch"] = ["low", "normal", "high", "uncertain"]
    frame["match_pitch"] = ["true", "false", "true", ""]
    frame["f0_median_hz"] = [100.0, 150.0, 250.0, np.nan]
    return frame


def test_measured_category_in_adherence_and_confusion():
    summary = summarize(_scores(), PAPER_LABELS, [0.5] * len(PAPER_LABELS.labels))
    pitch = summary.adherence.set_index("category").loc["pitch"]
    assert (pitch["n"], pitch["n_matched"]) == (3, 2)
    confusion = summary.confusion[summary.confusion["category"] == "pitch"]
    assert int(confusion[(confusion["expected"] == "high") & (confusion["predicted"] == "normal")]["n"].sum()) == 1
    assert summary.label_set is PAPER_LABELS and "pitch" in summary.categories.categories
    assert summary.controllability[["category", "pairs", "concordance"]].values.tolist() == [["pitch", 2, 1.0]]


def test_unjudged_counted_once_per_file():
    assert unjudged_counts(_scores()) == {"calm": 3, "irish accent": 1}
