"""Mel80: the paper's 80-band log-mel frames."""
from __future__ import annotations

import librosa
import numpy as np
import pytest
import torch

from backbone_checks import check_backbone_contract, mixed_waves
from helpers import voice_like
from stylecheck.features import Backbone, build_backbone
from stylecheck.features.mel import Mel80Backbone


@pytest.fixture(scope="module")
def mel80() -> Backbone:
    return build_backbone("mel80")


def test_mel80_shape_mask_and_batch_invariance(mel80):
    assert isinstance(mel80, Mel80Backbone)
    assert (mel80.dim, mel80.sample_rate, mel80.frame_rate) == (80, 16000, 100.0)
    frames, mask = check_backbone_contract(mel80, mixed_waves(), atol=1e-6)
    # 25 ms windows every 10 ms, no centring: (T - 400) // 160 + 1 frames.
    assert mask.sum(1).tolist() == [(n - 400) // 160 + 1 for n in (6400, 20800, 32800)]


def test_mel80_matches_librosa_log_mel(mel80):
    wave = voice_like(1.0, seed=3)
    frames, _ = mel80.extract(torch.from_numpy(wave)[None], torch.tensor([len(wave)]))
    ref = librosa.feature.melspectrogram(y=wave, sr=16000, n_fft=400, hop_length=160, center=False, n_mels=80,
                                         htk=True, norm=None, power=2.0)
    np.testing.assert_allclose(frames[0].numpy(), np.log(ref + 1e-6).T, atol=1e-3)


def test_mel80_puts_a_tone_in_its_mel_band(mel80):
    t = np.arange(16000) / 16000
    wave = torch.from_numpy((0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32))
    frames, _ = mel80.extract(wave[None], torch.tensor([16000]))
    centres = librosa.mel_frequencies(n_mels=82, fmin=0, fmax=8000, htk=True)[1:-1]
    peak = int(frames[0].mean(0).argmax())
    assert abs(centres[peak] - 1000) < (centres[peak + 1] - centres[peak - 1])


def test_mel80_input_shorter_than_one_window_gives_no_real_frames(mel80):
    frames, mask = mel80.extract(torch.randn(2, 300), torch.tensor([300, 200]))
    assert frames.shape == (2, 1, 80) and not mask.any() and torch.all(frames == 0)


def test_mel80_spec_rebuilds_the_same_backbone(mel80):
    rebuilt = build_backbone(mel80.spec)
    assert rebuilt.spec == mel80.spec == {"kind": "mel80", "sample_rate": 16000, "n_mels": 80, "n_fft": 400, "hop": 160}
    wave = torch.from_numpy(voice_like(0.7))[None]
    torch.testing.assert_close(rebuilt.extract(wave, torch.tensor([wave.shape[1]]))[0],
                               mel80.extract(wave, torch.tensor([wave.shape[1]]))[0])


def test_backbones_stay_frozen_in_eval_mode(mel80):
    mel80.train()
    assert not mel80.training
    assert all(not p.requires_grad for p in mel80.parameters())


def test_unknown_backbone_kind_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown backbone kind 'nope'"):
        build_backbone({"kind": "nope"})
