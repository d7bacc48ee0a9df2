"""stylecheck: check whether synthesized speech carries the speaking style it was asked for.

Public API::

    from stylecheck import load_model, load_audio, LABELS
    model = load_model("path/to/model")          # or None for the bundled default
    probs = model.predict(["a.wav", "b.flac"])   # [N, K] in model.labels order
"""
from __future__ import annotations

__version__ = "0.1.0"

from .audio import AudioError, find_audio_files, load_audio  # noqa: E402
from .styles.labels import CATEGORIES, LABELS, PAPER_LABELS, LabelSet  # noqa: E402
from .models import CheckpointError, ModelConfig, SpeechMLC, StyleModel  # noqa: E402
from .features import build_backbone  # noqa: E402
from .styles.prompts import parse_style_prompt  # noqa: E402
from .scoring import merge_score_parts, score_directory  # noqa: E402
from .training import TrainOptions, train_model  # noqa: E402


def load_model(name_or_path=None, device: str = "cpu") -> StyleModel:
    """Load a model folder or hub id; ``None`` loads the bundled default model."""
    if name_or_path is None:
        from .pretrained import default_model_path

        name_or_path = default_model_path()
    return StyleModel.from_pretrained(name_or_path, device=device)


__all__ = [
    "AudioError", "CATEGORIES", "CheckpointError", "LABELS", "LabelSet", "ModelConfig", "PAPER_LABELS",
    "SpeechMLC", "StyleModel", "TrainOptions", "__version__", "build_backbone", "find_audio_files", "load_audio",
    "load_model", "merge_score_parts", "parse_style_prompt", "score_directory", "train_model",
]
