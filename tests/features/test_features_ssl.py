"""SSL backbones (transformers HuBERT / wav2vec 2.0 / WavLM) on tiny random models saved with
save_pretrained: layer k is hidden_states[k] of the full model, layers above k never run, and a
padded batch gives each item the frames it gets alone."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

from backbone_checks import check_backbone_contract, mixed_waves
from helpers import tiny_hubert_dir, voice_like
from stylecheck.features import build_backbone
from stylecheck.features.ssl import LengthAwareGroupNorm, SSLBackbone

N_LAYERS = 4  # tiny_hubert_dir's default
# WavLM's attention (inside transformers) mixes mask types; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Support for mismatched key_padding_mask:UserWarning")


@pytest.fixture(scope="module")
def tiny_models(tiny_hubert, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny_ssl")
    return {"hubert": tiny_hubert,
            "wav2vec2": tiny_hubert_dir(root / "wav2vec2", "wav2vec2"),
            "wavlm": tiny_hubert_dir(root / "wavlm", "wavlm")}


def full_hidden_states(folder: Path, wave: torch.Tensor) -> tuple[torch.Tensor, ...]:
    from transformers import AutoModel

    model = AutoModel.from_pretrained(folder).eval()
    with torch.no_grad():
        return model(wave[None], output_hidden_states=True).hidden_states


@pytest.mark.parametrize("model_type", ["hubert", "wavlm", "wav2vec2"])
def test_layer_k_equals_hidden_states_k_of_the_full_model(tiny_models, model_type):
    wave = torch.from_numpy(voice_like(1.3, seed=4))
    reference = full_hidden_states(tiny_models[model_type], wave)
    assert len(reference) == N_LAYERS + 1
    for k in range(N_LAYERS + 1):
        backbone = build_backbone(str(tiny_models[model_type]), layer=k)
        frames, mask = backbone.extract(wave[None], torch.tensor([wave.shape[0]]))
        assert mask.all() and frames.shape == reference[k].shape
        torch.testing.assert_close(frames, reference[k], atol=1e-5, rtol=0, msg=f"{model_type} layer {k}")


@pytest.mark.parametrize("layer", [0, 2, N_LAYERS])
def test_layers_above_k_are_removed_and_never_run(tiny_hubert, layer, monkeypatch):
    from transformers.models.hubert import modeling_hubert

    backbone = build_backbone(str(tiny_hubert), layer=layer)
    layers = backbone.net.encoder.layers
    assert len(layers) == layer and backbone.net.config.num_hidden_layers == layer
    hooked, any_instance = [], []
    handles = [m.register_forward_hook(lambda *_: hooked.append(1)) for m in layers]
    # Also count every HuBERT layer that runs anywhere, kept in the module or not.
    original = modeling_hubert.HubertEncoderLayer.forward
    monkeypatch.setattr(modeling_hubert.HubertEncoderLayer, "forward",
                        lambda self, *a, **kw: any_instance.append(1) or original(self, *a, **kw))
    try:
        backbone.extract(torch.from_numpy(voice_like(0.8))[None], torch.tensor([12800]))
    finally:
        for h in handles:
            h.remove()
    assert len(hooked) == layer and len(any_instance) == layer


@pytest.mark.parametrize("model_type", ["hubert", "wavlm"])
def test_ssl_shape_mask_and_batch_invariance(tiny_models, model_type):
    backbone = build_backbone(str(tiny_models[model_type]), layer=2)
    assert isinstance(backbone, SSLBackbone)
    assert (backbone.dim, backbone.sample_rate, backbone.frame_rate) == (32, 16000, 50.0)
    frames, mask = check_backbone_contract(backbone, mixed_waves(), atol=1e-5)
    # The wav2vec 2.0 feature encoder: one frame per 20 ms (400-sample receptive field).
    assert mask.sum(1).tolist() == [19, 64, 102]


def test_group_norm_feature_encoder_is_made_length_aware(tiny_models):
    hubert = build_backbone(str(tiny_models["hubert"]), layer=1)
    assert isinstance(hubert.net.feature_extractor.conv_layers[0].layer_norm, LengthAwareGroupNorm)
    wavlm = build_backbone(str(tiny_models["wavlm"]), layer=1)  # layer norm per frame: nothing to fix
    assert not isinstance(getattr(wavlm.net.feature_extractor.conv_layers[0], "layer_norm", None), LengthAwareGroupNorm)


def test_spec_names_the_model_and_rebuilds_it(tiny_hubert):
    backbone = build_backbone(str(tiny_hubert), layer=3)
    assert backbone.spec == {"kind": "ssl", "model": str(tiny_hubert.resolve()), "revision": None, "layer": 3,
                             "model_type": "hubert"}
    rebuilt = build_backbone(backbone.spec)
    wave = torch.from_numpy(voice_like(0.6))[None]
    torch.testing.assert_close(rebuilt.extract(wave, torch.tensor([wave.shape[1]]))[0],
                               backbone.extract(wave, torch.tensor([wave.shape[1]]))[0])


def test_a_relative_folder_is_stored_as_an_absolute_path(tiny_hubert, monkeypatch):
    monkeypatch.chdir(tiny_hubert.parent)
    backbone = build_backbone(tiny_hubert.name, layer=1)
    assert backbone.spec["model"] == str(tiny_hubert.resolve())


def test_backbone_is_frozen(tiny_hubert):
    backbone = build_backbone(str(tiny_hubert), layer=1)
    backbone.train()
    assert not backbone.training and not backbone.net.training
    assert all(not p.requires_grad for p in backbone.parameters())


@pytest.mark.parametrize("layer", [-1, N_LAYERS + 1])
def test_invalid_layer_is_a_clear_error(tiny_hubert, layer):
    with pytest.raises(ValueError, match=rf"layer {layer} out of range for .*tiny_hubert.* \(0\.\.{N_LAYERS}\)"):
        build_backbone(str(tiny_hubert), layer=layer)


def test_missing_folder_is_a_clear_os_error(tmp_path):
    missing = tmp_path / "no_such_model"
    with pytest.raises(OSError, match=rf"{re.escape(str(missing))}: no such folder"):
        build_backbone(str(missing), layer=1)


def test_file_instead_of_folder_is_a_clear_os_error(tmp_path):
    a_file = tmp_path / "model.bin"
    a_file.write_bytes(b"x")
    with pytest.raises(OSError, match="a file, not a folder"):
        build_backbone(str(a_file), layer=1)


def test_folder_without_a_model_is_a_clear_os_error(tmp_path):
    with pytest.raises(OSError, match=rf"cannot load speech model '{re.escape(str(tmp_path))}'"):
        build_backbone(str(tmp_path), layer=1)


def test_waveform_normalisation_follows_the_saved_feature_extractor(tmp_path, tiny_models):
    from transformers import Wav2Vec2FeatureExtractor

    folder = tiny_hubert_dir(tmp_path / "normalising", "wav2vec2")
    extractor = Wav2Vec2FeatureExtractor(do_normalize=True, return_attention_mask=True)
    extractor.save_pretrained(folder)
    backbone = build_backbone(str(folder), layer=3)
    assert backbone.do_normalize
    wave = torch.from_numpy(voice_like(1.1, seed=9, amplitude=0.05))
    inputs = extractor(wave.numpy(), sampling_rate=16000, return_tensors="pt").input_values
    reference = full_hidden_states(folder, inputs[0])[3]
    frames, _ = backbone.extract(wave[None], torch.tensor([wave.shape[0]]))
    torch.testing.assert_close(frames, reference, atol=1e-5, rtol=0)
    # Normalised per item over its real samples only, so padding still changes nothing.
    check_backbone_contract(backbone, mixed_waves(), atol=1e-5)
    # A model folder without a feature extractor: no normalisation.
    assert not build_backbone(str(tiny_models["wav2vec2"]), layer=1).do_normalize


def test_frames_are_right_when_threads_share_one_backbone(tiny_hubert):
    # Scoring workers run one backbone on different batches at once; the per-call valid lengths
    # of the length-aware group norm must not leak from one thread's call into another's.
    from concurrent.futures import ThreadPoolExecutor

    bb = SSLBackbone(tiny_hubert, layer=2)
    torch.manual_seed(0)
    waves = [torch.randn(1, n) * 0.1 for n in (4000, 16000, 9000, 12000) * 3]
    alone = [bb.extract(w, torch.tensor([w.shape[-1]]))[0] for w in waves]
    padded = [torch.nn.functional.pad(w, (0, 16000 - w.shape[-1])) for w in waves]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda i: bb.extract(padded[i], torch.tensor([waves[i].shape[-1]]))[0], range(len(waves))))
    for a, g in zip(alone, got):
        torch.testing.assert_close(g[:, : a.shape[1]], a, atol=1e-5, rtol=0)
