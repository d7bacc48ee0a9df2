"""Checkpoint folders: config.json + model.safetensors round-trip (also into a fresh process),
and every broken folder is a CheckpointError that names the file and the reason."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
import pytest
import torch
from safetensors.torch import load_file, save_file

from helpers import speech_like, write_wav
from stylecheck.features import build_backbone
from stylecheck.styles.labels import PAPER_LABELS, LabelSet
from stylecheck.models import CheckpointError, ModelConfig, StyleModel, load_checkpoint, new_model, save_checkpoint
from stylecheck.models.config import FORMAT_VERSION

REPO = Path(__file__).resolve().parents[2]
SPEECHMLC = {"d_model": 32, "n_layers": 1, "n_heads": 2, "ff_dim": 64}


def venv_python() -> str:
    python = REPO / ".venv" / "bin" / "python"
    return str(python) if python.exists() else sys.executable


@pytest.fixture(scope="module")
def audio_files(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("audio")
    # Real speech (the bundled examples), so the files pass predict's speech check.
    return [write_wav(root / f"f{i}.wav", speech_like(d, seed=i)) for i, d in enumerate((1.0, 2.2, 6.1))]


@pytest.fixture
def saved(tmp_path) -> Path:
    torch.manual_seed(1)
    return new_model("speechmlc", build_backbone("mel80"), PAPER_LABELS, **SPEECHMLC).save_pretrained(tmp_path / "model")


def test_saved_folder_holds_config_and_safetensors_only(saved):
    assert sorted(p.name for p in saved.iterdir()) == ["config.json", "model.safetensors"]
    config = json.loads((saved / "config.json").read_text())
    assert config["format"] == "stylecheck-model" and config["format_version"] == FORMAT_VERSION
    assert config["labels"] == PAPER_LABELS.to_dict() and config["arch_params"] == SPEECHMLC
    assert config["backbone"]["kind"] == "mel80" and config["input_dim"] == 80
    import stylecheck

    assert config["package_version"] == stylecheck.__version__
    assert set(load_file(str(saved / "model.safetensors"))) == set(StyleModel.from_pretrained(saved).head.state_dict())


def test_round_trip_in_a_new_process_gives_the_same_probabilities(tmp_path, tiny_hubert, audio_files):
    torch.manual_seed(2)
    models = {
        "mel80-speechmlc": new_model("speechmlc", build_backbone("mel80"), PAPER_LABELS, **SPEECHMLC),
        "mel80-resnet34": new_model("resnet34", build_backbone("mel80"), PAPER_LABELS, widths=(8, 8, 16, 16)),
        "hubert-speechmlc": new_model("speechmlc", build_backbone(str(tiny_hubert), layer=2), PAPER_LABELS, **SPEECHMLC),
    }
    expected = {}
    for name, model in models.items():
        model.config.thresholds = [0.3, 0.4, 0.5, 0.6, 0.7, 0.5, 0.5, 0.5]
        model.config.calibration = {"scale": [1.5] * 8, "bias": [-0.2] * 8}
        model.save_pretrained(tmp_path / name)
        expected[name] = model.predict(audio_files)
    script = (
        "import sys, json, numpy as np\n"
        "from stylecheck import load_model\n"
        "out = {}\n"
        "for folder in sys.argv[2:]:\n"
        "    m = load_model(folder)\n"
        "    out[folder] = {'probs': m.predict(sys.argv[1].split(',')).tolist(), 'labels': list(m.labels),\n"
        "                   'thresholds': m.thresholds.tolist()}\n"
        "print(json.dumps(out))\n"
    )
    folders = [str(tmp_path / name) for name in models]
    env = dict(os.environ, OMP_NUM_THREADS="1", HF_HUB_OFFLINE="1")
    proc = subprocess.run([venv_python(), "-c", script, ",".join(map(str, audio_files)), *folders],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    for name in models:
        got = result[str(tmp_path / name)]
        np.testing.assert_allclose(np.array(got["probs"]), expected[name], atol=1e-6, rtol=0, err_msg=name)
        assert got["labels"] == list(PAPER_LABELS.labels)
        assert got["thresholds"] == [0.3, 0.4, 0.5, 0.6, 0.7, 0.5, 0.5, 0.5]


def test_calibration_and_thresholds_are_applied(saved, audio_files):
    # Files of one 5 s window: calibration acts on window logits, so only there is the file's
    # probability the calibrated logit's sigmoid (several real-speech windows are averaged).
    audio_files = [f for f in audio_files if sf.info(str(f)).duration <= 5.0]
    model = StyleModel.from_pretrained(saved)
    raw = model.predict(audio_files)
    model.config.calibration = {"scale": [2.0] * 8, "bias": [0.5] * 8}
    model.config.thresholds = [0.5] * 7 + [1.0]
    logits = np.log(raw / (1 - raw))
    np.testing.assert_allclose(model.predict(audio_files), 1 / (1 + np.exp(-(2 * logits + 0.5))), atol=1e-6)
    decisions = model.decide(model.predict(audio_files))
    assert decisions.dtype == bool and not decisions[:, -1].any()


def test_custom_label_set_round_trips_and_predicts_its_columns(tmp_path, audio_files):
    labels = LabelSet({"pitch": ("Low", "High"), "energy": ("Loud",)})
    torch.manual_seed(3)
    model = new_model("speechmlc", build_backbone("mel80"), labels, **SPEECHMLC)
    model.save_pretrained(tmp_path / "custom")
    loaded = StyleModel.from_pretrained(tmp_path / "custom")
    assert loaded.labels == ("Low", "High", "Loud")
    assert loaded.label_set == labels and loaded.label_set.category_of("Loud") == "energy"
    probs = loaded.predict(audio_files)
    assert probs.shape == (len(audio_files), 3)
    np.testing.assert_allclose(probs, model.predict(audio_files), atol=1e-6, rtol=0)
    assert loaded.thresholds.shape == (3,) and loaded.decide(probs).shape == (len(audio_files), 3)


def test_loaded_head_is_in_eval_mode(saved):
    model = StyleModel.from_pretrained(saved)
    assert not model.head.training


# -- broken folders ------------------------------------------------------------------------------


def edit_config(folder: Path, **changes) -> Path:
    config = json.loads((folder / "config.json").read_text())
    config.update(changes)
    (folder / "config.json").write_text(json.dumps(config))
    return folder / "config.json"


def expect_error(folder: Path, *fragments: str) -> CheckpointError:
    with pytest.raises(CheckpointError) as info:
        StyleModel.from_pretrained(folder)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return info.value


def test_missing_folder(tmp_path):
    expect_error(tmp_path / "nope" / "model", str(tmp_path / "nope" / "model"), "no such model folder")


def test_a_file_is_not_a_model_folder(tmp_path):
    (tmp_path / "model.bin").write_bytes(b"weights")
    expect_error(tmp_path / "model.bin", str(tmp_path / "model.bin"), "must be a folder")


def test_folder_without_config(saved):
    (saved / "config.json").unlink()
    expect_error(saved, str(saved), "config.json is missing")


def test_corrupt_json(saved):
    (saved / "config.json").write_text('{"arch": "speechmlc", ')
    expect_error(saved, str(saved / "config.json"), "corrupt JSON")


def test_json_that_is_not_a_model_config(saved):
    (saved / "config.json").write_text('["a", "list"]')
    expect_error(saved, str(saved / "config.json"), "not a stylecheck model config")


def test_wrong_format_version(saved):
    edit_config(saved, format_version=FORMAT_VERSION + 1)
    expect_error(saved, str(saved / "config.json"), f"format version {FORMAT_VERSION + 1}", f"reads version {FORMAT_VERSION}")


def test_unknown_config_key(saved):
    edit_config(saved, learning_rate=0.1)
    expect_error(saved, str(saved / "config.json"), "invalid config", "learning_rate")


def test_unknown_architecture(saved):
    edit_config(saved, arch="lstm")
    expect_error(saved, str(saved / "config.json"), "unknown architecture 'lstm'")


@pytest.mark.parametrize("labels,reason", [
    ({"gender": []}, "has no labels"),
    ({"a": ["X"], "b": ["X"]}, "appears twice"),
    ("Female,Male", "invalid config"),
])
def test_malformed_label_set(saved, labels, reason):
    edit_config(saved, labels=labels)
    expect_error(saved, str(saved / "config.json"), reason)


def test_thresholds_of_the_wrong_length(saved):
    edit_config(saved, thresholds=[0.5, 0.5])
    expect_error(saved, str(saved / "config.json"), "2 thresholds for 8 labels")


def test_arch_params_the_architecture_does_not_take(saved):
    edit_config(saved, arch_params=dict(SPEECHMLC, n_experts=4))
    expect_error(saved, str(saved / "config.json"), "cannot build the speechmlc head", "n_experts")


def test_missing_weights(saved):
    (saved / "model.safetensors").unlink()
    expect_error(saved, str(saved), "model.safetensors is missing")


@pytest.mark.parametrize("content", [b"", b"not a safetensors file at all", b"\xff" * 64])
def test_corrupt_weights(saved, content):
    (saved / "model.safetensors").write_bytes(content)
    expect_error(saved, str(saved / "model.safetensors"), "corrupt weights")


def test_truncated_weights(saved):
    data = (saved / "model.safetensors").read_bytes()
    (saved / "model.safetensors").write_bytes(data[: len(data) // 2])
    expect_error(saved, str(saved / "model.safetensors"), "corrupt weights")


def test_weights_of_another_size(saved):
    edit_config(saved, arch_params=dict(SPEECHMLC, d_model=64))
    expect_error(saved, str(saved / "model.safetensors"), "do not match the config's architecture", "size mismatch")


def test_weights_of_another_label_count(saved):
    edit_config(saved, labels={"a": ["X", "Y"]})
    expect_error(saved, "do not match the config's architecture")


def test_weights_with_missing_and_extra_tensors(saved):
    state = load_file(str(saved / "model.safetensors"))
    state.pop("head.bias")
    state["extra.weight"] = torch.zeros(2)
    save_file(state, str(saved / "model.safetensors"))
    error = expect_error(saved, "do not match the config's architecture")
    assert re.search(r"head\.bias", str(error)) and "extra.weight" in str(error)


def test_a_pickle_is_never_loaded(saved):
    (saved / "model.safetensors").unlink()
    torch.save({"head.bias": torch.zeros(8)}, saved / "model.pt")
    expect_error(saved, "model.safetensors is missing")


def test_save_checkpoint_overwrites_atomically(saved):
    config, head, _ = load_checkpoint(saved)
    config.thresholds = [0.25] * 8
    save_checkpoint(saved, config, head)
    assert sorted(p.name for p in saved.iterdir()) == ["config.json", "model.safetensors"]
    assert StyleModel.from_pretrained(saved).thresholds.tolist() == [0.25] * 8


def test_model_config_round_trips_through_a_dict():
    config = ModelConfig(arch="resnet34", arch_params={"widths": [8, 8, 16, 16]}, thresholds=[0.5] * 8)
    assert ModelConfig.from_dict(config.to_dict()) == config
    with pytest.raises(ValueError, match="unknown config keys"):
        ModelConfig.from_dict({**config.to_dict(), "extra": 1})


def test_a_backbone_this_version_cannot_build_is_a_checkpoint_error_naming_the_folder(tmp_path):
    import shutil

    from stylecheck.pretrained import default_model_path

    folder = tmp_path / "future"
    shutil.copytree(default_model_path(), folder)
    config = json.loads((folder / "config.json").read_text())
    config["backbone"]["voice_version"] = 7
    (folder / "config.json").write_text(json.dumps(config))
    model = StyleModel.from_pretrained(folder)  # the config itself is well formed
    with pytest.raises(CheckpointError) as info:
        model.backbone
    assert str(folder) in str(info.value) and "unknown voice-parameter version 7" in str(info.value)
