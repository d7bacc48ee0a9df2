"""Fitting the linear head: per-category targets, class weights within corpora, margins."""
from __future__ import annotations

import numpy as np
import torch

from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.training.channel import channel_augment
from stylecheck.training.linear import (
    category_targets, choose_margin, class_weights, fit_category_linear, fit_with_validation, head_probabilities,
)


def toy(n=120, seed=0):
    """Feature 0 decides gender, feature 1 brightness; no age votes at all; roughness half known."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4))
    y = np.full((n, 8), np.nan)
    male = x[:, 0] > 0
    y[:, 0], y[:, 1] = ~male, male
    bright = x[:, 1] > 0
    y[:, 4], y[:, 5] = ~bright, bright
    known = np.arange(n) % 2 == 0
    y[known, 6], y[known, 7] = (x[known, 2] > 0), (x[known, 2] <= 0)
    return x, y.astype(float)


def test_category_targets_need_exactly_one_positive():
    y = np.array([[1, 0, 0, 0, 1, 1, np.nan, np.nan], [0, 1, np.nan, np.nan, 0, 1, 0, 0]], dtype=float)
    t = category_targets(y, PAPER_LABELS)
    assert t["gender"].tolist() == [0, 1]
    assert t["age"].tolist() == [-1, -1]
    assert t["brightness"].tolist() == [-1, 1]  # row 0 has both: conflicting, left out
    assert t["roughness"].tolist() == [-1, -1]  # row 1 has neither (no vote): not a negative for both


def test_class_weights_balance_labels_within_each_corpus():
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0])
    corpus = np.array(["a", "a", "a", "a", "b", "b", "b", "b"])
    w = class_weights(y, corpus, "corpus")
    for c in "ab":
        for k in (0, 1):
            cell = (corpus == c) & (y == k)
            assert np.isclose(w[cell].sum(), w[corpus == c].sum() / 2)
    assert np.allclose(class_weights(y, corpus, None), 1.0)


def test_fit_learns_the_informative_feature_and_leaves_unlabelled_categories_flat():
    x, y = toy()
    head = fit_category_linear(x, y, PAPER_LABELS, c=1.0)
    p = head_probabilities(head, x)
    assert ((p[:, 1] > 0.5) == (x[:, 0] > 0)).mean() > 0.95
    assert ((p[:, 5] > 0.5) == (x[:, 1] > 0)).mean() > 0.95
    np.testing.assert_allclose(p[:, 2], 0.5, atol=1e-6)  # no age votes: no preference
    np.testing.assert_allclose(p[:, 0] + p[:, 1], 1.0, atol=1e-6)


def test_fit_with_validation_chooses_c_and_margins_from_training_folds():
    x, y = toy(200)
    speakers = np.arange(200) // 2
    fit = fit_with_validation(x, y, PAPER_LABELS, speakers)
    assert set(fit.c) == set(PAPER_LABELS.categories) and set(fit.margin) == set(PAPER_LABELS.categories)
    assert all(0.0 <= m <= 0.2 for m in fit.margin.values())


def test_choose_margin_widens_only_where_answers_are_near_chance():
    rng = np.random.default_rng(0)
    lead_half = np.concatenate([rng.uniform(0, 0.1, 100), rng.uniform(0.3, 0.5, 100)])
    p1 = 0.5 + lead_half
    p = np.stack([1 - p1, p1], 1)
    y = np.concatenate([rng.integers(0, 2, 100), np.ones(100, int)])  # a coin inside, right outside
    m = choose_margin(p, y)
    assert 0.1 <= m <= 0.2
    assert choose_margin(p, np.ones(200, int)) == 0.0  # always right: never uncertain


def test_channel_augment_keeps_length_and_is_reproducible():
    wave = torch.from_numpy(np.sin(np.linspace(0, 2000, 16000)).astype(np.float32)) * 0.3
    a = channel_augment(wave, 16000, np.random.default_rng(3))
    b = channel_augment(wave, 16000, np.random.default_rng(3))
    assert a.shape == wave.shape and torch.equal(a, b)
    assert a.abs().max() <= 1.0 and not torch.equal(a, wave)


def test_room_impulse_response_decays_by_its_rt60_with_the_drawn_direct_to_reverberant_ratio():
    from stylecheck.training.channel import room_impulse_response

    rng = np.random.default_rng(0)
    ir = room_impulse_response(16000, rng).numpy()
    rng = np.random.default_rng(0)
    rt60, drr_db = rng.uniform(0.2, 0.8), rng.uniform(0.0, 12.0)
    assert ir[0] == 1.0 and len(ir) == int(rt60 * 16000)
    tail = ir[1:] ** 2
    np.testing.assert_allclose(10 * np.log10(1.0 / tail.sum()), drr_db, atol=1e-3)
    # Energy in the last tenth is ~48-60 dB below the first tenth (an exponential decay to -60 dB).
    k = len(tail) // 10
    drop = 10 * np.log10(tail[:k].sum() / tail[-k:].sum())
    assert 40 < drop < 65


def test_reverberation_spreads_an_impulse_in_time():
    from stylecheck.training.channel import room_impulse_response
    import torchaudio.functional as AF

    x = torch.zeros(16000)
    x[100] = 1.0
    y = AF.fftconvolve(x, room_impulse_response(16000, np.random.default_rng(1)))[:16000]
    assert abs(float(y[100]) - 1.0) < 1e-4 and float((y[:100] ** 2).sum()) < 1e-8
    assert float((y[2000:] ** 2).sum()) > 1e-6  # energy well after the impulse


def test_per_category_columns_fit_as_a_model_of_those_columns_alone():
    """A category that reads some columns gets the same answers as a head fitted on them alone
    (the whole vector is standardised first, as the selection's own fit would be)."""
    x, y = toy()
    columns = {"gender": [[0, 1]], "brightness": [[1, 3]]}
    head = fit_category_linear(x, y, PAPER_LABELS, c=0.3, columns=columns)
    assert [lin.in_features for lin in head.linears] == [1, 4, 2, 4]
    p = head_probabilities(head, x)
    for cat, (a, b) in (("gender", (0, 1)), ("brightness", (1, 3))):
        alone = head_probabilities(fit_category_linear(x[:, a:b], y, PAPER_LABELS, c=0.3), x[:, a:b])
        k = [PAPER_LABELS.index(lab) for lab in PAPER_LABELS.categories[cat]]
        np.testing.assert_allclose(p[:, k], alone[:, k], atol=1e-5)
    fit = fit_with_validation(x, y, PAPER_LABELS, np.arange(len(x)) % 30, columns=columns, c_grid=(0.1, 1.0))
    assert [lin.in_features for lin in fit.head.linears] == [1, 4, 2, 4]


def test_the_c_grid_may_differ_per_category():
    x, y = toy()
    fit = fit_with_validation(x, y, PAPER_LABELS, np.arange(len(x)) % 30, c_grid={"gender": (0.0123,)})
    assert fit.c["gender"] == 0.0123
    assert fit.c["brightness"] in (0.003, 0.01, 0.03, 0.1, 0.3)  # the default grid
