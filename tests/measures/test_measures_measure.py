"""measure_speech on a real speech file changed with Praat by known amounts, and on what cannot
be measured (silence, noise, too little speech)."""
from __future__ import annotations

import numpy as np
import pytest

from measures_fixtures import SR, TEXT, example, praat_pitch_shift, praat_tempo, regions_of
from stylecheck.errors import StylecheckError
from stylecheck.measures import MEASURE_NAMES, measure_speech


@pytest.fixture(scope="module")
def base():
    x = example()
    return x, regions_of(x)


def test_example_is_measured(base):
    x, regions = base
    m = measure_speech(x, SR, regions, text=TEXT, gender="Female")
    assert m.reasons == {}
    assert all(v is not None for v in m.values().values())
    assert 160 < m.f0_median_hz < 185  # the voice's provenance says 172 Hz
    assert m.syllable_source == "text" and m.syllables == 13
    assert m.articulation_rate_syl_s >= m.speech_rate_syl_s > 2
    assert m.snr_method in ("vad", "wada") and m.f0_floor_hz == 90.0


@pytest.mark.parametrize("shift", [-4.0, 3.0])
def test_pitch_shift_moves_f0_median(base, shift):
    x, regions = base
    before = measure_speech(x, SR, regions, gender="Female").f0_median_hz
    y = praat_pitch_shift(x, shift)
    after = measure_speech(y, SR, regions_of(y), gender="Female").f0_median_hz
    assert 12 * np.log2(after / before) == pytest.approx(shift, abs=0.5)


def test_tempo_moves_rate(base):
    x, regions = base
    before = measure_speech(x, SR, regions, text=TEXT)
    y = praat_tempo(x, 1.4)
    after = measure_speech(y, SR, regions_of(y), text=TEXT)
    assert after.speech_rate_syl_s / before.speech_rate_syl_s == pytest.approx(1.4, rel=0.1)
    nuclei = measure_speech(y, SR, regions_of(y)).speech_rate_syl_s / measure_speech(x, SR, regions).speech_rate_syl_s
    assert nuclei == pytest.approx(1.4, rel=0.2)


@pytest.mark.parametrize("gain_db", [-6.0, -12.0])
def test_gain_moves_loudness_not_alpha_ratio(base, gain_db):
    x, regions = base
    before = measure_speech(x, SR, regions)
    after = measure_speech(x * 10 ** (gain_db / 20), SR, regions)
    assert after.loudness_lufs - before.loudness_lufs == pytest.approx(gain_db, abs=0.1)
    assert after.alpha_ratio_db == pytest.approx(before.alpha_ratio_db, abs=0.1)


def test_added_noise_lowers_snr(base):
    x, regions = base
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(x.size)
    speech_power = np.mean(np.concatenate([x[s:e] for s, e in regions.regions]) ** 2)
    snrs = []
    for snr in (20, 10, 0):
        y = x + noise * np.sqrt(speech_power / 10 ** (snr / 10))
        snrs.append(measure_speech(y, SR, regions_of(y)).snr_db)
    clean = measure_speech(x, SR, regions).snr_db
    assert clean > snrs[0] > snrs[1] > snrs[2]
    assert snrs[2] < 6


def test_silence_is_not_measured():
    m = measure_speech(np.zeros(SR * 2), SR, regions_of(np.zeros(SR * 2)))
    assert all(v is None for v in m.values().values())
    assert set(m.reasons) == set(MEASURE_NAMES) and "no speech" in m.reasons["f0_median_hz"]


def test_noise_regions_give_no_pitch():
    """White noise that a detector took for speech has no voiced frames: pitch not measured."""
    x = 0.1 * np.random.default_rng(1).standard_normal(SR * 2)
    m = measure_speech(x, SR, [(0, x.size)])
    assert m.f0_median_hz is None and m.f0_range_st is None
    assert "too little voiced speech" in m.reasons["f0_median_hz"]


def test_too_short_speech(base):
    x, regions = base
    s = regions.regions[0][0] + SR // 2
    m = measure_speech(x, SR, [(s, s + int(0.25 * SR))], text=TEXT)
    for name in ("f0_median_hz", "f0_range_st", "speech_rate_syl_s", "loudness_lufs", "alpha_ratio_db"):
        assert getattr(m, name) is None and name in m.reasons
    assert "minimum" in m.reasons["f0_median_hz"] and "minimum" in m.reasons["speech_rate_syl_s"]


def test_wrong_rate_is_an_error(base):
    with pytest.raises(StylecheckError, match="16 kHz"):
        measure_speech(base[0], 22050, base[1])
