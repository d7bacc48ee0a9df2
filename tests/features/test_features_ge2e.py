"""GE2E (resemblyzer's speaker encoder): our batched preprocessing and network reproduce
resemblyzer's own, and both variants keep the backbone contract."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from backbone_checks import check_backbone_contract, mixed_waves
from helpers import voice_like
from stylecheck.features import build_backbone
from stylecheck.features.ge2e import PARTIAL_FRAMES, GE2EBackbone, GE2ENetwork, _resemblyzer_weights

resemblyzer = pytest.importorskip("resemblyzer")
from resemblyzer import audio as rz_audio  # noqa: E402


@pytest.fixture(scope="module")
def partials() -> GE2EBackbone:
    return build_backbone("ge2e")


@pytest.fixture(scope="module")
def frames_variant() -> GE2EBackbone:
    return build_backbone("ge2e-frames")


@pytest.fixture(scope="module")
def voice_encoder():
    return resemblyzer.VoiceEncoder("cpu", verbose=False).eval()


def resemblyzer_mel(wave: np.ndarray) -> np.ndarray:
    return rz_audio.wav_to_mel_spectrogram(rz_audio.normalize_volume(wave, -30, increase_only=True))


def one(backbone, wave: np.ndarray):
    return backbone.extract(torch.from_numpy(wave)[None], torch.tensor([len(wave)]))


@pytest.mark.parametrize("duration,amplitude", [(1.6, 0.3), (2.37, 0.002), (0.5, 0.9)])
def test_mel_equals_resemblyzer_preprocessing(partials, duration, amplitude):
    # amplitude 0.9 is above -30 dBFS (no gain: increase only), 0.002 far below it.
    wave = voice_like(duration, amplitude=amplitude, seed=2)
    ours, n_frames = partials.mel_frames(torch.from_numpy(wave)[None], torch.tensor([len(wave)]))
    ref = resemblyzer_mel(wave)
    assert ours.shape[1:] == ref.shape and n_frames.tolist() == [ref.shape[0]]
    np.testing.assert_allclose(ours[0].numpy(), ref, rtol=1e-4, atol=1e-6 * float(np.abs(ref).max()))


def test_partial_embeddings_equal_resemblyzer_on_the_same_mel_windows(partials, voice_encoder):
    wave = voice_like(1.6, seed=5)
    emb, mask = one(partials, wave)
    ref_mel = torch.from_numpy(resemblyzer_mel(wave))  # 161 centred frames
    # 1.6 s gives 161 frames: a window at 0 and the end-aligned window at 1.
    assert ref_mel.shape[0] == 161 and emb.shape == (1, 2, 256) and mask.all()
    with torch.no_grad():
        ref = voice_encoder(torch.stack([ref_mel[0:PARTIAL_FRAMES], ref_mel[1 : 1 + PARTIAL_FRAMES]])).numpy()
    for ours, theirs in zip(emb[0].numpy(), ref):
        cosine = ours @ theirs / (np.linalg.norm(ours) * np.linalg.norm(theirs))
        assert cosine > 0.999
        np.testing.assert_allclose(ours, theirs, atol=1e-4)


def test_partials_every_hop_with_the_last_one_end_aligned(partials, voice_encoder):
    wave = voice_like(3.0, seed=6)
    emb, mask = one(partials, wave)
    ref_mel = torch.from_numpy(resemblyzer_mel(wave))
    n = ref_mel.shape[0]  # 301
    starts = [0, 40, 80, 120, n - PARTIAL_FRAMES]
    assert emb.shape == (1, len(starts), 256) and int(partials.n_frames(torch.tensor([len(wave)]))) == len(starts)
    with torch.no_grad():
        ref = voice_encoder(torch.stack([ref_mel[s : s + PARTIAL_FRAMES] for s in starts]))
    torch.testing.assert_close(emb[0], ref, atol=1e-4, rtol=0)


def test_short_input_gives_one_partial_over_all_its_frames(partials, voice_encoder):
    wave = voice_like(0.6, seed=7)
    emb, mask = one(partials, wave)
    ref_mel = torch.from_numpy(resemblyzer_mel(wave))
    assert emb.shape == (1, 1, 256) and mask.tolist() == [[True]]
    with torch.no_grad():
        torch.testing.assert_close(emb[0], voice_encoder(ref_mel[None]), atol=1e-4, rtol=0)


def test_partials_are_unit_length_and_non_negative(partials):
    emb, mask = check_backbone_contract(partials, mixed_waves((0.4, 1.7, 3.1, 2.2)), atol=1e-5)
    real = emb[mask]
    torch.testing.assert_close(real.norm(dim=-1), torch.ones(real.shape[0]))
    assert (real >= 0).all()
    assert partials.frame_rate == 100.0 / 40


def test_frames_variant_is_the_last_lstm_layer_over_the_whole_input(frames_variant, voice_encoder):
    check_backbone_contract(frames_variant, mixed_waves(), atol=1e-5)
    wave = voice_like(1.2, seed=8)
    frames, _ = one(frames_variant, wave)
    with torch.no_grad():
        ref, _ = voice_encoder.lstm(torch.from_numpy(resemblyzer_mel(wave))[None])
    assert frames.shape == ref.shape == (1, len(wave) // 160 + 1, 256)
    torch.testing.assert_close(frames, ref, atol=1e-5, rtol=0)
    assert frames_variant.frame_rate == 100.0


@pytest.mark.parametrize("chunk", [7, 200])
def test_chunked_lstm_equals_each_sequence_run_alone(chunk):
    # Sequences of different lengths, some ending inside a chunk, some shorter than one:
    # carrying the state across chunks must give each one's own uninterrupted recurrence.
    net = GE2ENetwork.pretrained()
    torch.manual_seed(0)
    lengths = torch.tensor([5, 230, 17, 64, 230, 1])
    mels = torch.rand(len(lengths), int(lengths.max()), 40)
    with torch.no_grad():
        out = net.frames(mels, lengths, chunk=chunk)
        for i, n in enumerate(lengths.tolist()):
            alone, _ = net.lstm(mels[i : i + 1, :n])
            torch.testing.assert_close(out[i, :n], alone[0], atol=1e-5, rtol=0)


def test_weights_load_with_weights_only_and_equal_resemblyzers(voice_encoder):
    state = torch.load(_resemblyzer_weights(), map_location="cpu", weights_only=True)
    assert "model_state" in state
    ours = GE2ENetwork.pretrained().state_dict()
    theirs = voice_encoder.state_dict()
    assert set(ours) == set(theirs)
    for name, tensor in ours.items():
        assert torch.equal(tensor, theirs[name]), name


def test_spec_round_trip_and_names():
    for name, variant in [("ge2e", "partials"), ("ge2e-partials", "partials"), ("ge2e-frames", "frames")]:
        bb = build_backbone(name)
        assert bb.variant == variant
        rebuilt = build_backbone(bb.spec)
        assert rebuilt.spec == bb.spec and rebuilt.spec["kind"] == "ge2e"
    # 2 s = 201 frames: windows at 0, 20, 40 and the end-aligned one at 41.
    assert build_backbone({"kind": "ge2e", "variant": "partials", "partial_hop": 20}).n_frames(torch.tensor([32000])).item() == 4


def test_unknown_variant_is_rejected():
    with pytest.raises(ValueError, match="unknown GE2E variant 'mean'"):
        GE2EBackbone(variant="mean")


def test_max_partials_spreads_a_capped_count_over_the_whole_input():
    capped = GE2EBackbone(variant="partials", partial_hop=160, max_partials=6)
    free = GE2EBackbone(variant="partials", partial_hop=160)
    n = 2000  # frames: 13 uncapped windows
    assert int(free.n_partials(torch.tensor([n]))) == 13
    assert int(capped.n_partials(torch.tensor([n]))) == 6
    starts = capped._partial_starts(n, 6)
    assert starts[0] == 0 and starts[-1] == n - PARTIAL_FRAMES
    assert np.ptp(np.diff(starts)) <= 1  # evenly spaced
    # Inputs that give no more windows than the cap are windowed exactly as without it.
    for n in (100, 160, 500, 960):
        count = int(capped.n_partials(torch.tensor([n])))
        assert count == int(free.n_partials(torch.tensor([n]))) <= 6
        assert capped._partial_starts(n, count) == free._partial_starts(n, count)


def test_max_partials_embeddings_are_those_windows_and_round_trip():
    capped = build_backbone({"kind": "ge2e", "variant": "partials", "partial_hop": 160, "max_partials": 3})
    assert capped.spec["max_partials"] == 3 and "max_partials" not in build_backbone("ge2e").spec
    wave = voice_like(8.0, f0=140)
    frames, mask = one(capped, wave)
    assert mask.sum().item() == 3
    mels, n = capped.mel_frames(torch.from_numpy(wave)[None], torch.tensor([len(wave)]))
    starts = capped._partial_starts(int(n[0]), 3)
    direct = capped.net.embed(torch.stack([mels[0, s : s + PARTIAL_FRAMES] for s in starts]))
    torch.testing.assert_close(frames[0, :3], direct, atol=1e-5, rtol=0)
    with pytest.raises(ValueError, match="max_partials"):
        GE2EBackbone(max_partials=1)
