"""Scoring with a pairwise model: one answer per category, ``uncertain`` as its own outcome."""
from __future__ import annotations

import torch

from helpers import voice_like, write_wav
from stylecheck.features import build_backbone
from stylecheck.features.voice import FUNCTIONAL_NAMES
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.models import ModelConfig, StyleModel
from stylecheck.models.linear import CategoryLinear
from stylecheck.scoring import score_directory


def pitch_model(tmp_path) -> StyleModel:
    """Gender from the median F0 (semitones re 27.5 Hz; 36 st ~ 220 Hz, 24 st ~ 110 Hz): Male below
    ~30 st. Every other category has no information: its pair probability is 0.5."""
    bb = build_backbone("voice")
    head = CategoryLinear(bb.dim, PAPER_LABELS)
    with torch.no_grad():
        head.linears[0].weight[1, FUNCTIONAL_NAMES.index("f0_p50")] = -1.0  # Male logit
        head.linears[0].bias[1] = 30.0
    cfg = ModelConfig(arch="linear", backbone=bb.spec, input_dim=bb.dim, window_s=30.0,
                      decision={"rule": "pairwise", "uncertain_margin": 0.1}, name="pitch-test")
    StyleModel(cfg, head).save_pretrained(tmp_path / "model")
    return StyleModel.from_pretrained(tmp_path / "model")


def test_pairwise_model_answers_each_category_and_marks_uncertain(tmp_path):
    audio = tmp_path / "audio"
    write_wav(audio / "low.wav", voice_like(1.5, f0=110, seed=1))
    write_wav(audio / "high.wav", voice_like(1.5, f0=220, seed=2))
    # A synthetic voice with a controlled F0 (the speech check rightly finds no speech in it).
    scores = score_directory(audio, model=pitch_model(tmp_path), write_summary=False, speech=None).set_index("file")
    assert scores.loc["low.wav", "predicted_gender"] == "Male"
    assert scores.loc["high.wav", "predicted_gender"] == "Female"
    for cat in ("age", "brightness", "roughness"):
        assert (scores[f"predicted_{cat}"] == "uncertain").all()
    # `predicted` holds the verdicts only: one label per category, never "uncertain".
    assert scores.loc["low.wav", "predicted"] == "Male"
    assert scores.loc["high.wav", "predicted"] == "Female"
    assert (scores["p_Female"] + scores["p_Male"]).round(6).eq(1.0).all()
