"""Voice parameters (Praat / LPC / STFT) and the voice and fusion backbones."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.signal import lfilter

from backbone_checks import check_backbone_contract, mixed_waves
from helpers import voice_like
from stylecheck.features import build_backbone
from stylecheck.features import voice as V
from stylecheck.features.voice_backbone import FusionBackbone, VoiceBackbone

SR = 16000


def functionals(wave) -> dict[str, float]:
    lld, extras = V.voice_llds(np.asarray(wave, dtype=np.float32))
    return dict(zip(V.FUNCTIONAL_NAMES, V.voice_functionals(lld, extras)))


def source_filter_vowel(f0: float, formants=(700, 1200, 2600), seconds: float = 1.0, noise: float = 0.0,
                        seed: int = 0) -> np.ndarray:
    """An impulse train at ``f0`` through second-order resonators (80 Hz bandwidth) at ``formants``."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    x = np.zeros(n)
    x[:: int(round(SR / f0))] = 1.0
    x += noise * rng.standard_normal(n)
    for f in formants:
        r = np.exp(-np.pi * 80 / SR)
        x = lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * f / SR), r * r], x)
    return (0.3 * x / np.abs(x).max()).astype(np.float32)


def test_llds_grid_and_names():
    wave = voice_like(1.0, f0=150)
    lld, extras = V.voice_llds(wave)
    assert lld.shape == (V.n_frames_for(len(wave)), len(V.LLD_NAMES))
    assert np.isfinite(lld).all()
    assert len(V.voice_functionals(lld, extras)) == len(V.FUNCTIONAL_NAMES)


@pytest.mark.parametrize("f0", [110.0, 220.0])
def test_f0_in_semitones_follows_the_pitch(f0):
    f = functionals(source_filter_vowel(f0))
    assert f["voiced_fraction"] > 0.8
    assert abs(f["f0_p50"] - 12 * np.log2(f0 / 27.5)) < 0.5


def test_formants_of_a_synthetic_vowel():
    f = functionals(source_filter_vowel(120.0, formants=(600, 1500, 2500)))
    assert abs(f["f1_mean"] - 600) < 100
    assert abs(f["f2_mean"] - 1500) < 150
    assert abs(f["f3_mean"] - 2500) < 200


def test_noise_lowers_hnr_and_cpp_and_raises_shimmer():
    clean = functionals(source_filter_vowel(130.0))
    rng = np.random.default_rng(1)
    base = source_filter_vowel(130.0)
    noisy = functionals(base + 0.3 * np.abs(base).max() * rng.standard_normal(len(base)).astype(np.float32))
    assert noisy["hnr_mean"] < clean["hnr_mean"] - 3
    assert noisy["cpp_mean"] < clean["cpp_mean"]
    assert noisy["shimmer_local_db"] > clean["shimmer_local_db"]


def test_low_pass_raises_alpha_ratio_and_hammarberg():
    wave = voice_like(1.0, f0=140, seed=2)
    dull = lfilter([0.05], [1, -0.95], wave).astype(np.float32)  # one-pole low-pass (~130 Hz corner)
    a, b = functionals(wave), functionals(dull)
    assert b["alpha_ratio_voiced"] > a["alpha_ratio_voiced"] + 3
    assert b["hammarberg_voiced"] > a["hammarberg_voiced"] + 3


def test_silence_and_noise_give_finite_values_without_voicing():
    for wave in (np.zeros(SR, dtype=np.float32),
                 (0.1 * np.random.default_rng(0).standard_normal(SR)).astype(np.float32)):
        f = functionals(wave)
        assert all(np.isfinite(v) for v in f.values())
        assert f["voiced_fraction"] < 0.2


def test_very_short_input_still_gives_one_vector():
    f = functionals(voice_like(0.03, f0=150))
    assert len(f) == len(V.FUNCTIONAL_NAMES)


@pytest.mark.parametrize("level", ["functionals", "lld"])
def test_voice_backbone_contract(level):
    bb = build_backbone({"kind": "voice", "level": level})
    assert isinstance(bb, VoiceBackbone) and bb.spec["level"] == level
    frames, mask = check_backbone_contract(bb, mixed_waves(), atol=1e-5)
    if level == "functionals":
        assert mask.sum(1).tolist() == [1, 1, 1]


@pytest.mark.parametrize("name,level", [("fusion", "utterance"), ("fusion-frames", "frames")])
def test_fusion_backbone_contract(name, level):
    bb = build_backbone(name)
    assert isinstance(bb, FusionBackbone) and bb.spec["level"] == level
    frames, mask = check_backbone_contract(bb, mixed_waves(), atol=1e-4)
    assert bb.dim == 256 + (len(V.FUNCTIONAL_NAMES) if level == "utterance" else len(V.LLD_NAMES))
    if level == "utterance":
        # The GE2E part is a unit vector; the rest are the voice functionals of the same wave.
        w = mixed_waves()[1]
        torch.testing.assert_close(frames[1, 0, :256].norm(), torch.tensor(1.0), atol=1e-4, rtol=0)
        np.testing.assert_allclose(frames[1, 0, 256:].numpy(), np.array(list(functionals(w.numpy()).values())),
                                   rtol=1e-4, atol=1e-4)


def test_version_sets_the_analysis_grid_and_old_specs_keep_version_1():
    wave = voice_like(1.3, f0=150)
    n = len(wave)
    v1, v2 = VoiceBackbone("lld", version=1), VoiceBackbone("lld", version=2)
    assert (v1.hop, v2.hop) == (320, 640) and v2.spec["version"] == 2
    assert int(v1.n_frames(torch.tensor([n]))) == n // 320 + 1
    assert int(v2.n_frames(torch.tensor([n]))) == n // 640 + 1
    # A checkpoint written before versions existed says 1 (or nothing): it gets the 20 ms grid.
    assert build_backbone({"kind": "voice", "level": "lld"}).hop == 320
    assert build_backbone({"kind": "fusion", "level": "utterance", "voice_version": 1}).ge2e.max_partials is None
    assert build_backbone("fusion").spec["voice_version"] == V.VOICE_VERSION
    with pytest.raises(ValueError, match="unknown voice-parameter version 7"):
        VoiceBackbone(version=7)


def test_the_coarser_grid_estimates_the_same_functionals():
    # Same vowel, both grids: means of stationary parameters agree closely.
    wave = source_filter_vowel(140, seconds=2.0)
    f1 = dict(zip(V.FUNCTIONAL_NAMES, V.voice_functionals(*V.voice_llds(wave, 320))))
    f2 = dict(zip(V.FUNCTIONAL_NAMES, V.voice_functionals(*V.voice_llds(wave, 640))))
    assert abs(f1["f0_mean"] - f2["f0_mean"]) < 0.2  # semitones
    assert abs(f1["f1_mean"] - f2["f1_mean"]) < 30 and abs(f1["f2_mean"] - f2["f2_mean"]) < 50
    assert abs(f1["hnr_mean"] - f2["hnr_mean"]) < 1.0
    assert abs(f1["voiced_fraction"] - f2["voiced_fraction"]) < 0.05
