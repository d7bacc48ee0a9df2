"""Reading audio and cutting it into model windows."""
from .discovery import AUDIO_EXTENSIONS, find_audio_files
from .load import AudioError, MIN_DURATION_S, load_audio
from .vad import SpeechDetector, SpeechRegions, SpeechSettings, detect_speech
from .windows import Window, inference_windows, random_crop, pad_batch

__all__ = [
    "AUDIO_EXTENSIONS",
    "AudioError",
    "MIN_DURATION_S",
    "SpeechDetector",
    "SpeechRegions",
    "SpeechSettings",
    "Window",
    "detect_speech",
    "find_audio_files",
    "inference_windows",
    "load_audio",
    "pad_batch",
    "random_crop",
]
