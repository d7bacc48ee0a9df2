"""The bundled examples and the bundled default model: what `make demo` runs."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

import stylecheck
from stylecheck.audio import find_audio_files, load_audio
from stylecheck.pretrained import default_model_path
from stylecheck.scoring.expected import read_expected_styles

EXAMPLES = Path(stylecheck.__file__).parent / "examples"


def test_examples_are_listed_exactly_and_load():
    audio = EXAMPLES / "audio"
    found = sorted(p.relative_to(audio).as_posix() for p in find_audio_files(audio))
    expected = read_expected_styles(EXAMPLES / "styles.csv")
    assert sorted(expected.files) == found and len(found) >= 12
    assert len({f.split("/")[0] for f in found}) >= 2  # several systems
    sources = set(expected.table["source"])
    assert {"styles", "prompt"} <= sources  # label lists and free-text prompts
    for f in found:
        wave = load_audio(audio / f)
        assert wave.dtype == torch.float32 and 1.0 < wave.shape[0] / 16000 < 8.0


def test_default_model_is_bundled_loads_and_is_described():
    folder = default_model_path()
    cfg = json.loads((folder / "config.json").read_text())
    assert cfg["format"] == "stylecheck-model" and cfg["backbone"]["kind"] == "fusion"
    assert cfg["name"] == "stylecheck-voice-v2" and cfg["arch"] == "linear"
    assert (folder / "MODEL_CARD.md").is_file() and (folder / "reliability.png").is_file()
    assert (folder / "model.safetensors").stat().st_size < 20_000_000
    model = stylecheck.load_model()
    assert model.labels == stylecheck.LABELS
    # One answer per category with an uncertain margin, and measured reliability for reports.
    assert model.config.decision["rule"] == "pairwise"
    assert set(model.config.decision["uncertain_margin"]) == set(stylecheck.CATEGORIES)
    rel = model.config.reliability
    assert rel["source"] and set(rel["per_category"]) == set(stylecheck.CATEGORIES)
    assert all(0.0 <= v["accuracy"] <= 1.0 for v in rel["per_category"].values())


def test_v1_still_loads_by_name_through_the_api_and_the_cli(tmp_path):
    from typer.testing import CliRunner

    from stylecheck.cli import app

    v1 = stylecheck.load_model("stylecheck-ge2e-v1")
    assert v1.config.name == "stylecheck-ge2e-v1" and v1.config.decision is None
    assert v1.config.backbone["kind"] == "ge2e"
    audio = EXAMPLES / "audio" / "flite"
    res = CliRunner().invoke(app, ["score", str(audio), "--out", str(tmp_path / "o"), "--model", "stylecheck-ge2e-v1"])
    assert res.exit_code == 0, res.output
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["model"]["name"] == "stylecheck-ge2e-v1"


def test_an_unknown_model_name_names_the_bundled_ones():
    with pytest.raises(stylecheck.CheckpointError, match="stylecheck-ge2e-v1"):
        stylecheck.load_model("no-such-model")


def test_demo_scores_the_bundled_examples(tmp_path):
    scores = stylecheck.score_directory(EXAMPLES / "audio", EXAMPLES / "styles.csv", out_dir=tmp_path / "demo")
    assert (scores["status"] == "ok").all() and len(scores) == len(find_audio_files(EXAMPLES / "audio"))
    assert (tmp_path / "demo" / "report.html").is_file()
    run = json.loads((tmp_path / "demo" / "run.json").read_text())
    assert run["model"]["name"] == "stylecheck-voice-v2"
    # The synthetic voices' requested gender is mostly recognised (flite slt / rms, espeak f/m variants).
    gender = scores[scores["match_gender"] != ""]
    assert (gender["match_gender"] == "true").mean() >= 0.7


def test_default_model_shows_cross_corpus_reliability_and_knows_its_training_speakers():
    """Version 2.3: reports read leave-one-corpus-out figures (labelled so), the in-distribution
    ones are kept apart; each category reads the columns that transfer best for it, and age (the
    GE2E embedding at the probe's regularisation) answers every file as the probe does."""
    from stylecheck.styles.reliability import reliability_label

    cfg = stylecheck.load_model().config
    assert cfg.version == "2.3" and cfg.name == "stylecheck-voice-v2"
    assert reliability_label(cfg.reliability) == "classifier (cross-corpus)"
    assert "leave-one-corpus-out" in cfg.reliability["source"]
    assert cfg.reliability_in_distribution["setting"] == "in-distribution"
    assert set(cfg.reliability_in_distribution["per_label"]) == set(stylecheck.LABELS)
    assert set(cfg.training_speakers) == {"librispeech", "vctk"}
    assert sum(len(v) for v in cfg.training_speakers.values()) == cfg.training["n_speakers"]
    assert cfg.arch_params["columns"] == {"age": [[0, 256]], "roughness": [[256, 300]]}
    assert cfg.decision["uncertain_margin"]["age"] == 0.0


def test_default_model_is_no_worse_than_the_ge2e_probe_across_corpora():
    """Issue 21: every category's leave-one-corpus-out accuracy (the figures reports show) is at
    least the GE2E probe's in the protocol table the model was chosen from."""
    cfg = stylecheck.load_model().config
    table = pd.read_csv(Path(__file__).resolve().parents[1] / "reports" / "model_v2" / "protocol.csv")
    probe = table[(table["setting"] == "LOCO pooled") & (table["model"] == "GE2E probe, one answer")
                  & (table["metric"] == "accuracy")].set_index("what")["value"]
    ours = {cat: fig["accuracy"] for cat, fig in cfg.reliability["per_category"].items()}
    assert set(ours) == set(probe.index)
    assert all(ours[cat] >= probe[cat] for cat in ours), (ours, probe.to_dict())
