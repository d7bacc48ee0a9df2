"""SNR estimators on generated signals with a known SNR."""
from __future__ import annotations

import numpy as np
import pytest

from stylecheck.measures.level import _wada_table, snr_db, wada_snr


def test_wada_table_rises_with_snr():
    snrs, g = _wada_table()
    assert np.all(np.diff(g) > 0)


def _gamma_speech(n, rng):
    x = rng.gamma(0.4, 1.0, n) * rng.choice([-1.0, 1.0], n)
    return x / np.sqrt(np.mean(x ** 2))


@pytest.mark.parametrize("snr", [0.0, 10.0, 20.0])
def test_wada_on_its_own_model(snr):
    rng = np.random.default_rng(5)
    x = _gamma_speech(160_000, rng) * 10 ** (snr / 20) + rng.standard_normal(160_000)
    assert wada_snr(x) == pytest.approx(snr, abs=1.5)


def test_vad_method_with_pauses():
    rng = np.random.default_rng(3)
    sr = 16000
    speech = np.sin(2 * np.pi * 200 * np.arange(sr) / sr)  # power 0.5
    noise = rng.standard_normal(3 * sr) * np.sqrt(0.5 / 10)  # 10 dB below the tone
    x = noise.copy()
    x[sr:2 * sr] += speech
    value, why, method = snr_db(x, [(sr, 2 * sr)], sr)
    assert method == "vad" and why is None
    assert value == pytest.approx(10.0, abs=0.5)


def test_wada_when_no_pause_and_clipping():
    rng = np.random.default_rng(4)
    x = _gamma_speech(32_000, rng)
    value, _, method = snr_db(x, [(0, x.size)], 16000)
    assert method == "wada" and value == 60.0  # noise-free: the documented ceiling
    assert snr_db(x, [], 16000)[:2] == (None, "no speech detected")
