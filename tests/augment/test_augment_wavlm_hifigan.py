"""The official-setup backend's glue, with a tiny random WavLM and a tiny HiFi-GAN of the real
architectures (the real weights cannot be downloaded here): loading, layer choice, shapes,
matching. Audio quality is not checked."""
import warnings

import pytest
import torch
from helpers import tiny_hubert_dir, voice_like

from stylecheck.augment import build_backend, convert, knn_regression
from stylecheck.augment.hifigan import HiFiGANConfig, HiFiGANGenerator, fold_weight_norm, load_hifigan
from stylecheck.augment.wavlm_hifigan import BackendUnavailable, WavLMHiFiGANBackend

TINY = HiFiGANConfig(upsample_initial_channel=16, resblock_kernel_sizes=[3, 5], resblock_dilation_sizes=[[1, 3, 5], [1, 3, 5]],
                     hubert_dim=32, hifi_dim=16)


def weight_normed_generator(config: HiFiGANConfig) -> HiFiGANGenerator:
    """A generator laid out like the released training checkpoint: every convolution weight-normed."""
    torch.manual_seed(0)
    gen = HiFiGANGenerator(config)
    with warnings.catch_warnings():  # the old API is the one that wrote the released checkpoint
        warnings.simplefilter("ignore", FutureWarning)
        for module in gen.modules():
            if isinstance(module, (torch.nn.Conv1d, torch.nn.ConvTranspose1d)):
                torch.nn.utils.weight_norm(module)
    return gen.eval()


@pytest.fixture(scope="module")
def local_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("knnvc")
    wavlm = tiny_hubert_dir(folder / "wavlm", "wavlm", layers=7)  # deeper than 6, so the cut matters
    gen = weight_normed_generator(TINY)
    torch.save({"generator": gen.state_dict(), "steps": 0}, folder / "g.pt")
    return wavlm, folder / "g.pt", gen


def test_checkpoint_with_weight_norm_loads_and_matches(local_files):
    _, ckpt, reference = local_files
    state = torch.load(ckpt, weights_only=True)["generator"]
    assert any(k.endswith("weight_g") for k in state)
    loaded = load_hifigan(ckpt, TINY)
    x = torch.randn(1, 7, 32)
    with torch.no_grad():
        y, y_ref = loaded(x), reference(x)
    assert y.shape == (1, 1, 7 * 320)
    torch.testing.assert_close(y, y_ref, atol=1e-5, rtol=1e-4)
    assert not any(k.endswith(("weight_g", "weight_v")) for k in fold_weight_norm(state))


def test_bad_checkpoints_are_refused(tmp_path, local_files):
    with pytest.raises(FileNotFoundError):
        load_hifigan(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_text("not a checkpoint")
    with pytest.raises(ValueError, match="junk.pt"):
        load_hifigan(tmp_path / "junk.pt")
    _, ckpt, _ = local_files
    with pytest.raises(ValueError, match="does not match"):
        load_hifigan(ckpt, HiFiGANConfig())  # the full-size config


@pytest.fixture(scope="module")
def backend(local_files):
    """Loaded like a user's download: the config JSON beside the checkpoint is picked up."""
    import json

    wavlm, ckpt, _ = local_files
    # HiFi-GAN's JSON also holds training settings; they are ignored.
    (ckpt.parent / "config.json").write_text(json.dumps({**TINY.to_dict(), "batch_size": 16}))
    return WavLMHiFiGANBackend.from_local(wavlm, ckpt)


def test_features_are_wavlm_hidden_state_6_of_the_raw_waveform(backend, local_files):
    from transformers import WavLMModel

    wave = torch.from_numpy(voice_like(1.0, f0=130))
    frames = backend.encode(wave)
    full = WavLMModel.from_pretrained(local_files[0]).eval()
    with torch.no_grad():
        hidden = full(wave[None], output_hidden_states=True).hidden_states
    assert len(hidden) == 8
    assert frames.keys.shape == (hidden[6].shape[1], 32)
    torch.testing.assert_close(frames.keys, hidden[6][0], atol=1e-4, rtol=1e-4)
    assert not torch.allclose(frames.keys, hidden[7][0], atol=1e-2)
    assert frames.values is frames.keys and frames.groups is None
    assert backend.frame_rate == 50.0 and backend.sample_rate == 16000


def test_conversion_vocodes_the_knn_matched_target_frames(backend):
    source = torch.from_numpy(voice_like(1.0, f0=110, seed=1))
    target = torch.from_numpy(voice_like(1.2, f0=220, seed=2))
    matching = backend.matching_set([target[:9600], target[9600:]], max_seconds=60)
    seen = []
    vocoder = backend.vocoder

    def spy(features):
        seen.append(features.clone())
        return vocoder(features)

    backend.vocoder = spy
    try:
        out = convert(backend, source, matching, k=3)
    finally:
        backend.vocoder = vocoder
    src = backend.encode(source)
    expected = knn_regression(src.keys, matching.keys, matching.values, k=3)
    assert seen[0].shape == (1, len(src), 32)
    torch.testing.assert_close(seen[0][0], expected)
    assert out.shape == source.shape and torch.isfinite(out).all()


def test_local_files_missing_say_what_to_provide(tmp_path, local_files):
    wavlm, ckpt, _ = local_files
    with pytest.raises(BackendUnavailable, match="--hifigan"):
        WavLMHiFiGANBackend.from_local(wavlm, tmp_path / "none.pt")
    with pytest.raises(BackendUnavailable, match="--wavlm"):
        WavLMHiFiGANBackend.from_local(tmp_path / "nowhere", ckpt)
    with pytest.raises(ValueError, match="both"):
        build_backend("wavlm-hifigan", wavlm=str(wavlm))
    with pytest.raises(ValueError, match="unknown backend"):
        build_backend("psola")


def test_unreachable_hub_raises_a_clear_error(monkeypatch):
    def offline(*args, **kwargs):
        raise OSError("network is unreachable")

    monkeypatch.setattr(torch.hub, "load", offline)
    with pytest.raises(BackendUnavailable) as err:
        WavLMHiFiGANBackend.from_hub()
    message = str(err.value)
    assert "bshall/knn-vc" in message and "--wavlm" in message and "prematch_g_02500000.pt" in message


class FakeKnnVC:
    """The interface of kNN-VC's KNeighborsVC that the backend uses."""

    sr, hop_length, device = 16000, 320, "cpu"

    def get_features(self, wave, vad_trigger_level=0):
        assert wave.ndim == 2 and vad_trigger_level == 0
        n = wave.shape[-1] // 320
        return wave[0, : n * 320].reshape(n, 320)[:, :8] + 1.0

    def vocode(self, features):
        return features.mean(-1).repeat_interleave(320, dim=-1)


def test_hub_model_is_used_through_its_own_interface(monkeypatch):
    calls = []

    def fake_load(repo, model, **kwargs):
        calls.append((repo, model, kwargs))
        import torchaudio.sox_effects  # noqa: F401  (kNN-VC's matcher imports it)

        return FakeKnnVC()

    monkeypatch.setattr(torch.hub, "load", fake_load)
    vc = WavLMHiFiGANBackend.from_hub()
    assert calls[0][:2] == ("bshall/knn-vc", "knn_vc")
    assert calls[0][2]["prematched"] is True and calls[0][2]["trust_repo"] is True
    wave = torch.from_numpy(voice_like(0.5, f0=150))
    matching = vc.matching_set([wave])
    out = convert(vc, wave, matching, k=1)
    assert out.shape == wave.shape
