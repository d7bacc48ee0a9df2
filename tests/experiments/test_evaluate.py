"""``evaluate`` reports on speakers the model never saw, and says what it left out."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
from toy import make_toy_corpus  # noqa: E402

from stylecheck.experiments.evaluate import evaluate_models  # noqa: E402
from stylecheck.errors import ManifestError  # noqa: E402
from stylecheck.features import build_backbone  # noqa: E402
from stylecheck.styles.labels import PAPER_LABELS  # noqa: E402
from stylecheck.models.style_model import new_model  # noqa: E402


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("ev")
    train, _ = make_toy_corpus(root, n_speakers=4, per_speaker=2)
    df = pd.read_csv(train)
    df["corpus"] = "toy"
    df.to_csv(train, index=False)
    model = new_model("linear", build_backbone("mel80"), PAPER_LABELS)
    model.config.training_speakers = {"toy": ["spk0", "spk1"], "vctk": ["p225"]}
    model.save_pretrained(root / "m")
    return root, train


def test_training_speakers_are_dropped_by_default_and_counted(setup, tmp_path):
    root, manifest = setup
    long = evaluate_models([root / "m"], manifest, tmp_path, n_resamples=10, cache_dir=str(root / "cache"))
    note = next(iter(long.attrs["training_speakers"].values()))
    assert note["status"] == "dropped" and (note["files"], note["speakers"], note["of_files"]) == (4, 2, 8)
    assert "dropped 4 of 8 file(s), of 2 speaker(s)" in note["text"]
    preds = pd.read_csv(tmp_path / "predictions.csv")
    assert sorted(set(preds["speaker"])) == ["spk2", "spk3"] and not preds["training_speaker"].any()
    assert set(long["training_speakers"]) == {"dropped"}
    assert "dropped 4 of 8 file(s)" in (tmp_path / "f1.md").read_text()


def test_training_speakers_can_be_included_and_are_marked(setup, tmp_path):
    root, manifest = setup
    long = evaluate_models([root / "m"], manifest, tmp_path, n_resamples=10, cache_dir=str(root / "cache"),
                           include_training_speakers=True)
    assert all(m.endswith("[incl. training speakers]") for m in long["model"])
    preds = pd.read_csv(tmp_path / "predictions.csv")
    assert len(preds) == 8 and preds["training_speaker"].sum() == 4
    assert "4 file(s) of 2 speaker(s) the model was trained on are included" in (tmp_path / "f1.md").read_text()


def test_a_manifest_of_training_speakers_only_is_refused_with_the_way_out(setup, tmp_path):
    root, manifest = setup
    df = pd.read_csv(manifest)
    only = root / "seen.csv"
    df[df["speaker"].isin(["spk0", "spk1"])].to_csv(only, index=False)
    with pytest.raises(ManifestError, match="--include-training-speakers"):
        evaluate_models([root / "m"], only, tmp_path, n_resamples=10, cache_dir=str(root / "cache"))


def test_the_cli_says_how_many_it_dropped(setup, tmp_path):
    from typer.testing import CliRunner

    from stylecheck.cli import app

    root, manifest = setup
    res = CliRunner().invoke(app, ["evaluate", str(root / "m"), "--manifest", str(manifest), "--out", str(tmp_path / "e"),
                                   "--bootstrap", "10", "--cache-dir", str(root / "cache")], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "dropped 4 of 8 file(s), of 2 speaker(s) the model was trained on" in " ".join(res.output.split())


def test_the_cli_shows_the_mark_of_included_training_speakers(setup, tmp_path):
    from typer.testing import CliRunner

    from stylecheck.cli import app

    root, manifest = setup
    res = CliRunner().invoke(app, ["evaluate", str(root / "m"), "--manifest", str(manifest), "--out", str(tmp_path / "e"),
                                   "--bootstrap", "10", "--cache-dir", str(root / "cache"), "--include-training-speakers"],
                             terminal_width=250)
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "(marked [incl. training speakers]" in text
    f1 = pd.read_csv(tmp_path / "e" / "f1.csv")
    assert all(m.endswith("[incl. training speakers]") for m in f1["model"])
