"""Shared fixtures: generated audio (tones, noise, formant-like voices) and tiny models.
The plain functions live in helpers.py."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from helpers import SHARED_DATA, real_data, tiny_hubert_dir, voice_like, write_wav  # noqa: F401

torch.set_num_threads(1)


@pytest.fixture
def make_wav(tmp_path):
    def _make(name: str, duration_s: float = 1.0, sr: int = 16000, f0: float = 150.0, seed: int = 0, **kw) -> Path:
        return write_wav(tmp_path / name, voice_like(duration_s, sr, f0, seed=seed, **kw), sr)

    return _make


@pytest.fixture(scope="session")
def tiny_hubert(tmp_path_factory) -> Path:
    return tiny_hubert_dir(tmp_path_factory.mktemp("tiny_hubert"))


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A small SpeechMLC head on Mel80 features with random weights, saved as a checkpoint."""
    from stylecheck.features import build_backbone
    from stylecheck.styles.labels import PAPER_LABELS
    from stylecheck.models import new_model

    torch.manual_seed(0)
    model = new_model("speechmlc", build_backbone("mel80"), PAPER_LABELS, d_model=32, n_layers=1, n_heads=2, ff_dim=64)
    folder = tmp_path_factory.mktemp("tiny_model") / "model"
    model.save_pretrained(folder)
    return folder
