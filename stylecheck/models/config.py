"""The model configuration stored as ``config.json`` in every checkpoint folder."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..styles.labels import LabelSet, PAPER_LABELS
from ..errors import InvalidValueError

FORMAT_NAME = "stylecheck-model"
FORMAT_VERSION = 1


@dataclass
class ModelConfig:
    arch: str = "speechmlc"  # speechmlc | resnet34 | linear
    arch_params: dict[str, Any] = field(default_factory=dict)
    backbone: dict[str, Any] = field(default_factory=lambda: {"kind": "ge2e", "variant": "partials", "partial_hop": 40})
    input_dim: int = 256
    labels: dict[str, list[str]] = field(default_factory=PAPER_LABELS.to_dict)
    sample_rate: int = 16000
    window_s: float = 5.0  # the head sees windows of this many seconds (paper: 5 s crops)
    segment_s: float = 30.0  # the backbone sees at most this many seconds at once
    # Per-label decision thresholds on calibrated probabilities (0.5 when not tuned).
    thresholds: list[float] | None = None
    # Per-label Platt scaling of logits: p = sigmoid(scale * logit + bias); None = identity.
    calibration: dict[str, list[float]] | None = None
    # How one answer per category is chosen (stylecheck.styles.decision); None = the v1 rule
    # (the most probable label at or above its threshold, else none), e.g.
    # {"rule": "pairwise", "uncertain_margin": 0.1}.
    decision: dict[str, Any] | None = None
    # Measured held-out figures (per label F1, per category accuracy) that reports show beside
    # every adherence figure; schema and the "weak category" rule in models/reliability.py.
    reliability: dict[str, Any] | None = None
    # The same figures measured on held-out speakers of the training corpora, when ``reliability``
    # holds the cross-corpus ones (model card shows both; reports show ``reliability``).
    reliability_in_distribution: dict[str, Any] | None = None
    # Speaker ids the model was trained on, per speaker-id space ("librispeech": LibriSpeech,
    # LibriTTS and LibriTTS-R share ids; "vctk"), so evaluation can leave them out
    # (stylecheck.data.speakers).
    training_speakers: dict[str, list[str]] | None = None
    name: str = "stylecheck-model"
    version: str = "0"
    training: dict[str, Any] = field(default_factory=dict)
    package_version: str = ""
    format: str = FORMAT_NAME
    format_version: int = FORMAT_VERSION

    @property
    def label_set(self) -> LabelSet:
        return LabelSet.from_dict(self.labels)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ModelConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise InvalidValueError(f"unknown config keys: {sorted(unknown)}")
        return cls(**data)
