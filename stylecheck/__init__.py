"""stylecheck: check whether synthesized speech carries the speaking style it was asked for.

Public API::

    import stylecheck
    model = stylecheck.load_model()                  # the bundled default; or a folder / hub id
    probs = model.predict(["a.wav", "b.flac"])       # [N, K] in model.labels order
    scores = stylecheck.score_directory("generated/", "styles.csv", out_dir="out")
    stylecheck.parse_style_prompt("an elderly man with a gravelly voice").expected

Names are imported on first use, so ``import stylecheck`` itself loads neither torch, pandas,
scikit-learn, scipy nor matplotlib. No module of the package imports this one.
"""
from __future__ import annotations

from ._lazy import lazy_exports
from ._version import __version__

_EXPORTS = {
    "StylecheckError": ".errors", "AudioError": ".errors", "CheckpointError": ".errors",
    "NoSpeechError": ".errors", "StylesError": ".errors",
    "CATEGORIES": ".styles.labels", "LABELS": ".styles.labels", "PAPER_LABELS": ".styles.labels",
    "LabelSet": ".styles.labels",
    "parse_style_prompt": ".styles.prompts",
    "find_audio_files": ".audio.discovery", "load_audio": ".audio.load",
    "build_backbone": ".features.registry",
    "ModelConfig": ".models.config", "SpeechMLC": ".models.speechmlc", "StyleModel": ".models.style_model",
    "load_model": ".models.style_model",
    "score_directory": ".scoring.score", "merge_score_parts": ".scoring.merge",
    "TrainOptions": ".training.loop", "train_model": ".training.loop",
}
__getattr__, _dir = lazy_exports(__name__, _EXPORTS)


def __dir__() -> list[str]:
    return sorted([*_dir(), "__version__"])


__all__ = sorted([*_EXPORTS, "__version__"])
