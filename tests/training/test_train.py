"""Training and evaluation: round trip, learning, masking, cache, resume, torchrun."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load_file

sys.path.insert(0, str(Path(__file__).parent))
from toy import TINY, make_toy_corpus  # noqa: E402

from stylecheck.experiments.evaluate import evaluate_models  # noqa: E402
from stylecheck.models import StyleModel  # noqa: E402
from stylecheck.training import FeatureCache, TrainOptions, train_model  # noqa: E402
from stylecheck.training.losses import masked_bce  # noqa: E402


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("toy")
    train, valid = make_toy_corpus(root)
    return root, train, valid


def _opts(root, train, valid, out, **kw):
    base = dict(train=[str(train)], valid=str(valid), out=str(out), backbone="mel80", epochs=12, batch_size=8,
                crops_per_item=2, lr=3e-3, arch_params=dict(TINY), cache_dir=str(root / "cache"), device="cpu")
    base.update(kw)
    return TrainOptions(**base)


def test_train_save_load_evaluate_learns_the_toy_task(toy, tmp_path):
    root, train, valid = toy
    out = train_model(_opts(root, train, valid, tmp_path / "m"))
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    assert (out / "epoch_log.csv").is_file()
    log = pd.read_csv(out / "epoch_log.csv")
    assert {"epoch", "train_loss", "valid_macro_f1", "f1_Female"} <= set(log.columns)
    model = StyleModel.from_pretrained(out)
    assert len(model.config.thresholds) == 8 and model.config.calibration is not None
    long = evaluate_models([out], train, tmp_path / "eval", n_resamples=50)
    avg = long[long.label == "Average"].f1.item()
    assert avg >= 0.9, long
    # Labels with no known targets are reported as n/a, not as zero.
    assert np.isnan(long[long.label == "Rough"].f1.item())
    for name in ("f1.csv", "f1.md", "predictions.csv"):
        assert (tmp_path / "eval" / name).is_file()
    preds = pd.read_csv(tmp_path / "eval" / "predictions.csv")
    assert len(preds) == 24 and {"p_Female", "pred_Female", "path", "speaker"} <= set(preds.columns)


def test_masked_loss_ignores_unknown_labels():
    torch.manual_seed(0)
    logits = torch.randn(4, 8, requires_grad=True)
    y = torch.tensor(np.random.default_rng(0).integers(0, 2, (4, 8)), dtype=torch.float32)
    y[1, 3] = float("nan")
    y[2, 0] = float("nan")
    loss = masked_bce(logits, y)
    grad = torch.autograd.grad(loss, logits)[0]
    assert grad[1, 3] == 0 and grad[2, 0] == 0
    # An unknown target is not "absent": setting it to 0 or 1 first would change the loss.
    y0, y1 = y.clone(), y.clone()
    y0[1, 3], y1[1, 3] = 0.0, 1.0
    assert not torch.isclose(masked_bce(logits, y0), masked_bce(logits, y1))


def test_flipping_an_unknown_label_changes_nothing(toy, tmp_path):
    root, train, valid = toy
    df = pd.read_csv(train, dtype=str, keep_default_na=False)
    df["Rough"] = ""  # unknown everywhere
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    df.assign(path=[str(root / p) for p in df.path]).to_csv(a, index=False)
    df2 = df.copy()
    df2.loc[0, "Rough"] = ""  # identical: unknown stays unknown regardless of what it "really" is
    df2.assign(path=[str(root / p) for p in df2.path]).to_csv(b, index=False)
    wa = train_model(_opts(root, a, valid, tmp_path / "ma", epochs=2, calibrate=False))
    wb = train_model(_opts(root, b, valid, tmp_path / "mb", epochs=2, calibrate=False))
    sa, sb = load_file(str(wa / "model.safetensors")), load_file(str(wb / "model.safetensors"))
    assert all(torch.equal(sa[k], sb[k]) for k in sa)


def test_feature_cache_is_reused(toy, tmp_path):
    root, train, valid = toy
    from stylecheck.features import build_backbone

    paths = [str(root / p) for p in pd.read_csv(train).path]
    cache = FeatureCache(build_backbone("mel80"), tmp_path / "c")
    first = cache.get(paths)
    assert cache.computed == len(paths)
    again = FeatureCache(build_backbone("mel80"), tmp_path / "c")
    second = again.get(paths)
    assert again.computed == 0
    assert all(torch.equal(x, y) for x, y in zip(first, second))
    # No temporary files are left behind.
    assert not [p for p in (tmp_path / "c").rglob(".*")]


def test_feature_cache_with_speech_trimming_is_a_separate_entry_of_the_trimmed_audio(toy, tmp_path):
    root, train, valid = toy
    from stylecheck.audio import SpeechSettings, load_audio
    from stylecheck.audio.vad import trim_to_speech
    from stylecheck.features import build_backbone

    path = str(root / pd.read_csv(train).path.iloc[0])
    bb = build_backbone("mel80")
    whole = FeatureCache(bb, tmp_path / "c")
    trimmed = FeatureCache(bb, tmp_path / "c", speech=SpeechSettings())
    assert whole.folder != trimmed.folder
    wave = trim_to_speech([load_audio(path, bb.sample_rate)], bb.sample_rate, SpeechSettings())[0]
    expected = bb.extract(wave[None], torch.tensor([wave.shape[0]]))[0][0]
    got = trimmed.get([path])[0]
    assert got.shape == expected.shape and torch.allclose(got, expected, atol=1e-5)


def test_resume_gives_the_same_weights(toy, tmp_path):
    root, train, valid = toy
    full = train_model(_opts(root, train, valid, tmp_path / "full", epochs=4, patience=100))
    # Interrupted after 2 epochs, then resumed to 4.
    train_model(_opts(root, train, valid, tmp_path / "part", epochs=2, patience=100))
    resumed = train_model(_opts(root, train, valid, tmp_path / "part", epochs=4, patience=100, resume=True))
    a, b = load_file(str(full / "model.safetensors")), load_file(str(resumed / "model.safetensors"))
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)
    assert len(pd.read_csv(resumed / "epoch_log.csv")) == 4


def test_resnet34_trains(toy, tmp_path):
    root, train, valid = toy
    out = train_model(_opts(root, train, valid, tmp_path / "r", arch="resnet34", epochs=2,
                            arch_params={"widths": (8, 8, 16, 16)}))
    assert StyleModel.from_pretrained(out).config.arch == "resnet34"


def test_torchrun_two_processes_gloo(toy, tmp_path):
    root, train, valid = toy
    torchrun = Path(sys.executable).parent / "torchrun"
    if not torchrun.exists():
        pytest.skip("torchrun not installed")
    out = tmp_path / "ddp"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [str(torchrun), "--standalone", "--nproc-per-node", "2", "-m", "stylecheck.cli", "train",
           "--train", str(train), "--valid", str(valid), "--out", str(out), "--backbone", "mel80",
           "--epochs", "2", "--batch-size", "8", "--d-model", "32", "--n-layers", "1", "--device", "cpu",
           "--cache-dir", str(root / "cache")]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (out / "model.safetensors").is_file()
    cfg = StyleModel.from_pretrained(out).config
    assert cfg.training["world_size"] == 2


def test_cli_train_and_evaluate(toy, tmp_path):
    from typer.testing import CliRunner

    import stylecheck.cli  # noqa: F401  (registers commands)
    from stylecheck.cli import app

    root, train, valid = toy
    runner = CliRunner()
    out = tmp_path / "cli_model"
    args = ["train", "--train", str(train), "--valid", str(valid), "--out", str(out), "--backbone", "mel80",
            "--epochs", "1", "--batch-size", "8", "--d-model", "32", "--n-layers", "1", "--cache-dir", str(root / "cache")]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    # Refuses to overwrite without --force.
    res = runner.invoke(app, args)
    assert res.exit_code != 0 and "--force" in res.output
    res = runner.invoke(app, ["evaluate", str(out), "--manifest", str(train), "--out", str(tmp_path / "e"),
                              "--bootstrap", "20", "--cache-dir", str(root / "cache")])
    assert res.exit_code == 0, res.output
    f1 = pd.read_csv(tmp_path / "e" / "f1.csv")
    assert list(f1.label) == ["Female", "Male", "Adult", "Teenager", "Dark", "Bright", "Rough", "Smooth", "Average"]


def test_bad_manifest_rows_stop_training_with_line_numbers(toy, tmp_path):
    root, train, valid = toy
    df = pd.read_csv(train, dtype=str, keep_default_na=False)
    df.loc[2, "Female"] = "yes"
    df.loc[4, "path"] = "missing.wav"
    bad = root / "bad.csv"
    df.to_csv(bad, index=False)
    from stylecheck.data.manifest import ManifestError

    with pytest.raises(ManifestError) as err:
        train_model(_opts(root, bad, valid, tmp_path / "x", epochs=1))
    assert "line 4" in str(err.value) and "line 6" in str(err.value)
    out = train_model(_opts(root, bad, valid, tmp_path / "y", epochs=1, skip_bad_rows=True))
    assert StyleModel.from_pretrained(out).config.training["n_train_files"] == len(df) - 2


def test_cli_trains_a_resnet_of_the_given_widths(toy, tmp_path):
    from typer.testing import CliRunner

    import stylecheck.cli  # noqa: F401  (registers commands)
    from stylecheck.cli import app

    root, train, valid = toy
    base = ["train", "--train", str(train), "--valid", str(valid), "--backbone", "mel80", "--arch", "resnet34",
            "--epochs", "1", "--batch-size", "8", "--cache-dir", str(root / "cache")]
    res = CliRunner().invoke(app, [*base, "--out", str(tmp_path / "r"), "--widths", "4,4,8,8"])
    assert res.exit_code == 0, res.output
    cfg = StyleModel.from_pretrained(tmp_path / "r").config
    assert cfg.arch == "resnet34" and tuple(cfg.arch_params["widths"]) == (4, 4, 8, 8)
    res = CliRunner().invoke(app, [*base, "--out", str(tmp_path / "bad"), "--widths", "4,4,8"])
    assert res.exit_code != 0 and "--widths" in res.output


def test_trim_speech_trains_on_the_speech_keyed_cache_and_records_it(toy, tmp_path):
    root, train, valid = toy
    from stylecheck.audio import SpeechSettings
    from stylecheck.features import build_backbone

    cache = tmp_path / "cache"
    out = train_model(_opts(root, train, valid, tmp_path / "m", epochs=1, cache_dir=str(cache), trim_speech=True))
    model = StyleModel.from_pretrained(out)
    assert model.config.training["options"]["trim_speech"] is True
    trimmed = FeatureCache(build_backbone("mel80"), cache, model.config.segment_s, speech=SpeechSettings())
    whole = FeatureCache(build_backbone("mel80"), cache, model.config.segment_s)
    assert trimmed.folder.is_dir() and not whole.folder.exists()
    long = evaluate_models([out], valid, tmp_path / "eval", n_resamples=20, trim_speech=True)
    assert not long.empty
