"""DNSMOS through onnxruntime: ranges, the effect of noise, refusals, scaling, and agreement with
the speechmos wrapper (to 1e-4 MOS) on a bundled example and on real recordings."""
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from helpers import real_data

pytest.importorskip("onnxruntime")
dnsmos = pytest.importorskip("stylecheck.measures.dnsmos")
try:
    dnsmos.model_paths()
except dnsmos.DNSMOSUnavailable as exc:  # pragma: no cover - only without the speechmos wheel
    pytest.skip(str(exc), allow_module_level=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "stylecheck" / "examples" / "audio" / "flite" / "utt02.flac"  # 2.6 s: one window
TOLERANCE = 1e-4  # MOS points; measured differences are ~1e-7 (float32 rounding in the mel)


@pytest.fixture(scope="module")
def example():
    wave, sr = sf.read(str(EXAMPLE), dtype="float32")
    assert sr == 16000
    return wave


@pytest.fixture(scope="module")
def example_scores(example):
    return dnsmos.dnsmos_scores([example])[0]


def wrapper_scores(wave):
    run = pytest.importorskip("speechmos.dnsmos").run  # needs librosa, requests
    r = run(wave, 16000)
    return {"dnsmos_sig": r["sig_mos"], "dnsmos_bak": r["bak_mos"], "dnsmos_ovrl": r["ovrl_mos"],
            "dnsmos_p808": r["p808_mos"]}


def test_scores_are_mos_in_range(example_scores):
    assert set(dnsmos.COLUMNS) <= set(example_scores)
    for c in dnsmos.COLUMNS:
        assert 1.0 <= example_scores[c] <= 5.0, (c, example_scores[c])
    assert example_scores["dnsmos_note"] == ""


def test_noise_lowers_overall_and_background(example, example_scores):
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(len(example)).astype(np.float32)
    noisy = example + noise * np.sqrt(np.mean(example**2) / np.mean(noise**2))  # 0 dB SNR
    s = dnsmos.dnsmos_scores([noisy])[0]
    assert s["dnsmos_ovrl"] < example_scores["dnsmos_ovrl"] - 0.5
    assert s["dnsmos_bak"] < example_scores["dnsmos_bak"] - 1.0


def test_too_short_empty_or_broken_input_gets_none_with_a_reason():
    short = np.zeros(int(0.4 * 16000), dtype=np.float32)
    assert dnsmos.dnsmos_scores([short, np.array([], dtype=np.float32)]) == [None, None]
    assert "too short" in dnsmos.skip_reason(short)
    assert "no samples" in dnsmos.skip_reason(np.array([]))
    assert "NaN" in dnsmos.skip_reason(np.array([0.1, np.nan] * 8000))
    assert "1-D" in dnsmos.skip_reason(np.zeros((2, 16000)))
    assert "16000" in dnsmos.skip_reason(np.zeros(16000), sample_rate=22050)
    assert dnsmos.skip_reason(np.zeros(8000)) is None  # 0.5 s: the minimum


def test_peak_above_one_is_scaled_down_with_a_note(example):
    loud = example * (2.5 / np.abs(example).max())
    s = dnsmos.dnsmos_scores([loud])[0]
    assert "scaled" in s["dnsmos_note"]
    ref = dnsmos.dnsmos_scores([loud / np.abs(loud).max()])[0]
    for c in dnsmos.COLUMNS:
        assert s[c] == pytest.approx(ref[c], abs=1e-6)


def test_windows_follow_dnsmos_tiling_and_hops():
    sr = 16000
    # Tiled by doubling: 3 s -> 12 s (three windows), 2.6 s -> 10.4 s (one), 5 s -> 10 s (one).
    assert [len(w) for w in dnsmos.dnsmos_windows(np.zeros(3 * sr))] == [144160] * 3
    assert len(dnsmos.dnsmos_windows(np.zeros(int(2.6 * sr)))) == 1
    assert len(dnsmos.dnsmos_windows(np.zeros(5 * sr))) == 1
    assert len(dnsmos.dnsmos_windows(np.zeros(int(9.5 * sr)))) == 1
    assert len(dnsmos.dnsmos_windows(np.zeros(11 * sr))) == 2
    assert len(dnsmos.dnsmos_windows(np.zeros(int(14.2 * sr)))) == 5
    tiled = dnsmos.dnsmos_windows(np.arange(3 * sr, dtype=np.float32))[0]
    assert np.array_equal(tiled[3 * sr : 6 * sr], np.arange(3 * sr))


def test_threads_setting_does_not_change_scores(example, example_scores):
    two = dnsmos.DNSMOS(intra_op_num_threads=2).score(example)
    for c in dnsmos.COLUMNS:
        assert two[c] == pytest.approx(example_scores[c], abs=1e-5)


def test_low_quality_threshold_is_a_documented_mos():
    assert 1.0 < dnsmos.LOW_QUALITY_OVRL < 5.0
    assert dnsmos.is_low_quality(dnsmos.LOW_QUALITY_OVRL - 0.01) is True
    assert dnsmos.is_low_quality(dnsmos.LOW_QUALITY_OVRL + 0.01) is False
    assert dnsmos.is_low_quality(float("nan")) is None


def test_matches_the_speechmos_wrapper_on_a_bundled_example(example, example_scores):
    ref = wrapper_scores(example)
    for c in dnsmos.COLUMNS:
        assert example_scores[c] == pytest.approx(float(ref[c]), abs=TOLERANCE), c


@pytest.mark.realdata
@pytest.mark.parametrize("parts", [("librispeech", "train-clean-100", "103-1240-0000.flac"),
                                   ("vctk", "p229", "p229_068.flac")])
def test_matches_the_speechmos_wrapper_on_real_recordings(parts):
    from stylecheck.audio import load_audio

    # The first 5 s: one DNSMOS window, so the test stays fast; the computation is the same.
    wave = load_audio(real_data(*parts), 16000).numpy()[: 5 * 16000]
    ours = dnsmos.dnsmos_scores([wave])[0]
    ref = wrapper_scores(wave)
    for c in dnsmos.COLUMNS:
        assert ours[c] == pytest.approx(float(ref[c]), abs=TOLERANCE), (parts, c)
