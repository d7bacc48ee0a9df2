"""What the augmentation plans: the target speakers (with their matching sets) and the source ->
target pairs; shared by the pipeline and its report."""
from __future__ import annotations

from dataclasses import dataclass, field

#: kNN-VC's quality drops quickly below about 30 s of target speech (Baas et al. 2023, fig. 2).
SHORT_REFERENCE_S = 30.0


@dataclass
class TargetSpeaker:
    speaker: str
    labels: dict[str, float]          # the speaker's label values (1, 0 or NaN) for every label
    files: list[str]                   # readable files, in the order they are pooled
    reference_s: float                 # seconds of their audio in the matching set
    requested: list[str] = field(default_factory=list)  # requested labels this speaker carries

    def is_short(self, threshold_s: float = SHORT_REFERENCE_S) -> bool:
        return self.reference_s < threshold_s


@dataclass
class Pair:
    source: str
    source_speaker: str
    target: str
    label: str            # the requested label this pair was planned for
    duration_s: float     # the source's duration = the output's duration
    output: str           # path relative to the output folder
