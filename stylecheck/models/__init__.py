"""Style classifier heads, checkpoints, and the loaded :class:`StyleModel`. Members load on first
use, so reading the head registry (:mod:`stylecheck.models.heads`) does not import torch."""
from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "CheckpointError": "..errors", "NoSpeechError": "..errors",
    "build_head": ".heads", "ARCHITECTURES": ".heads",
    "load_checkpoint": ".checkpoint", "save_checkpoint": ".checkpoint",
    "ModelConfig": ".config",
    "ResNet34": ".resnet",
    "SpeechMLC": ".speechmlc", "StyleQueryDecoder": ".speechmlc",
    "DEFAULT_SPEECH": ".style_model", "SpeechCut": ".style_model", "StyleModel": ".style_model",
    "load_model": ".style_model", "new_model": ".style_model", "resolve_device": ".style_model",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
