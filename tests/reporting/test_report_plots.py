"""Report plots: PNG files written atomically, without pyplot state, also when there is nothing to draw."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.image import imread

from scores_dummies import random_scores, score_row, scores_frame
from stylecheck.analysis.adherence import adherence_table
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.reporting.plots import expected_probabilities, plot_adherence, plot_expected_probability


def assert_png(path):
    assert path.is_file() and path.read_bytes().startswith(b"\x89PNG")
    image = imread(path)
    assert image.shape[0] > 50 and image.shape[1] > 100
    # Not a blank canvas.
    assert image[..., :3].std() > 0.01
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == [], "temporary file left"


@pytest.mark.parametrize("systems", [("sysA", "sysB", "sys C"), ("",)])
def test_plots_of_scores(tmp_path, systems):
    scores = random_scores(systems=systems, n_items=6, seed=2)
    before = plt.get_fignums()
    out = plot_adherence(adherence_table(scores, PAPER_LABELS, n_resamples=50), tmp_path / "adherence.png")
    assert out == tmp_path / "adherence.png"
    assert_png(out)
    out = plot_expected_probability(scores, PAPER_LABELS, tmp_path / "expected.png",
                                    thresholds={lab: 0.5 for lab in PAPER_LABELS.labels})
    assert_png(out)
    assert plt.get_fignums() == before, "plots must not leave pyplot figures open"


def test_plots_with_nothing_to_draw(tmp_path):
    scores = scores_frame([score_row("a.wav", status="unlisted"), score_row("b.wav", status="error",
                                                                            expected={"gender": "Male"})])
    assert_png(plot_adherence(adherence_table(scores, PAPER_LABELS), tmp_path / "a.png"))
    assert_png(plot_expected_probability(scores, PAPER_LABELS, tmp_path / "b.png"))


def test_expected_probabilities_pick_the_expected_label():
    scores = scores_frame([
        score_row("a.wav", system="s", expected={"gender": "Male", "age": "Adult"},
                  probs={"Female": 0.2, "Male": 0.7, "Adult": 0.4, "Teenager": 0.1, "Dark": 0.5, "Bright": 0.5,
                         "Rough": 0.5, "Smooth": 0.5}),
        score_row("b.wav", system="s", status="error", expected={"gender": "Male"}),  # no probability
        score_row("c.wav", system="s", status="unlisted"),  # no expectation
    ])
    data = expected_probabilities(scores, PAPER_LABELS)
    assert data.to_dict("records") == [
        {"system": "s", "category": "gender", "label": "Male", "probability": 0.7},
        {"system": "s", "category": "age", "label": "Adult", "probability": 0.4},
    ]
    assert np.isfinite(data.probability).all()
