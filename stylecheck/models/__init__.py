"""Style classifier heads, checkpoints, and the loaded :class:`StyleModel`."""
from .checkpoint import CheckpointError, build_head, load_checkpoint, save_checkpoint
from .config import ModelConfig
from .resnet import ResNet34
from .speechmlc import SpeechMLC, StyleQueryDecoder
from .style_model import DEFAULT_SPEECH, NoSpeechError, SpeechCut, StyleModel, load_model, new_model, resolve_device

__all__ = [
    "CheckpointError", "DEFAULT_SPEECH", "ModelConfig", "NoSpeechError", "SpeechCut", "ResNet34", "SpeechMLC", "StyleModel", "StyleQueryDecoder",
    "build_head", "load_checkpoint", "load_model", "new_model", "resolve_device", "save_checkpoint",
]
