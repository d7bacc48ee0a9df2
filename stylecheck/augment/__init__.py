"""Voice-conversion augmentation for rare labels: kNN-VC matching with a WORLD or the official
WavLM + HiFi-GAN backend, and the pipeline that turns a training manifest into converted audio
labelled as its target speakers."""
from .backend import Frames, VoiceConversionBackend, convert, match_loudness
from .registry import BACKENDS, build_backend
from .knn import knn_indices, knn_regression
from .pipeline import AugmentError, AugmentResult, augment_manifest, plan_pairs, speaker_label_table

__all__ = [
    "AugmentError",
    "AugmentResult",
    "BACKENDS",
    "Frames",
    "VoiceConversionBackend",
    "augment_manifest",
    "build_backend",
    "convert",
    "knn_indices",
    "knn_regression",
    "match_loudness",
    "plan_pairs",
    "speaker_label_table",
]
