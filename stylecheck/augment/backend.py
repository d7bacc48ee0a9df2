"""The interface every kNN-VC vocoder backend implements, and the conversion that uses it.

A backend turns a waveform into per-frame features (:meth:`VoiceConversionBackend.encode`) and
per-frame features back into a waveform (:meth:`VoiceConversionBackend.decode`). Conversion is the
same for all backends: encode the source, encode the target's matching set, replace every source
frame by the mean of its ``k`` nearest matching-set frames (:func:`.knn.knn_regression`), decode.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import torch

from .knn import knn_regression
from ..errors import InvalidValueError


@dataclass
class Frames:
    """Per-frame features of one utterance or of a whole matching set.

    ``keys`` [T, D] are compared by cosine similarity; ``values`` [T, E] are what the matched
    frames contribute (averaged, then decoded); ``groups`` [T] optional integer classes that must
    match (WORLD: voiced/unvoiced); ``extras`` per-frame tensors [T, ...] the decoder needs from the
    source (WORLD: F0 and frame energy).
    """

    keys: torch.Tensor
    values: torch.Tensor
    groups: torch.Tensor | None = None
    extras: dict[str, torch.Tensor] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.keys.shape[0])

    @staticmethod
    def concat(parts: list["Frames"]) -> "Frames":
        """The frames of several utterances as one pool (a target speaker's matching set)."""
        if not parts:
            raise InvalidValueError("no frames to concatenate")
        groups = None if parts[0].groups is None else torch.cat([p.groups for p in parts])
        return Frames(
            keys=torch.cat([p.keys for p in parts]),
            values=torch.cat([p.values for p in parts]),
            groups=groups,
            extras={name: torch.cat([p.extras[name] for p in parts]) for name in parts[0].extras},
        )

    def head(self, n: int) -> "Frames":
        """The first ``n`` frames (to cap a matching set at the requested duration)."""
        return Frames(self.keys[:n], self.values[:n], None if self.groups is None else self.groups[:n],
                      {name: t[:n] for name, t in self.extras.items()})


class VoiceConversionBackend(ABC):
    """Features in, waveform out. ``sample_rate`` is the rate of both ``encode``'s input and
    ``decode``'s output; ``frame_rate`` converts a duration into a number of frames."""

    name: str
    sample_rate: int
    frame_rate: float

    @abstractmethod
    def encode(self, wave: torch.Tensor) -> Frames:
        """Features of a mono waveform at ``sample_rate``."""

    @abstractmethod
    def decode(self, source: Frames, matched: torch.Tensor, target: Frames, n_samples: int) -> torch.Tensor:
        """The waveform (``n_samples`` long) for the source's frames whose ``values`` were replaced by
        ``matched`` [T, E]; ``target`` is the matching set (for speaker statistics such as F0)."""

    @property
    def spec(self) -> dict[str, Any]:
        """What names this backend's output exactly (stored with the augmented files)."""
        return {"backend": self.name}

    def matching_set(self, waves: list[torch.Tensor], max_seconds: float | None = None) -> Frames:
        """A target speaker's frames from ``waves`` in order, at most ``max_seconds`` of them."""
        parts, total = [], 0
        limit = None if max_seconds is None else int(round(max_seconds * self.frame_rate))
        for wave in waves:
            frames = self.encode(wave)
            if limit is not None:
                frames = frames.head(limit - total)
            parts.append(frames)
            total += len(frames)
            if limit is not None and total >= limit:
                break
        return Frames.concat(parts)


def match_loudness(wave: torch.Tensor, reference: torch.Tensor, peak: float = 0.99) -> torch.Tensor:
    """Scale ``wave`` to the RMS level of ``reference`` (the source keeps its loudness), then down
    to ``peak`` if it would clip, so a 16-bit file never wraps around."""
    rms_ref = reference.pow(2).mean().sqrt()
    rms = wave.pow(2).mean().sqrt()
    if rms > 0:
        wave = wave * (rms_ref / rms)
    top = wave.abs().max()
    if top > peak:
        wave = wave * (peak / top)
    return wave


@torch.inference_mode()
def convert(backend: VoiceConversionBackend, source: torch.Tensor, target: Frames, k: int = 4) -> torch.Tensor:
    """The source waveform spoken with the voice of ``target`` (a matching set from the same
    backend), at ``backend.sample_rate`` and with the source's length and loudness."""
    src = backend.encode(source)
    matched = knn_regression(src.keys, target.keys, target.values, k, src.groups, target.groups)
    out = backend.decode(src, matched, target, n_samples=int(source.shape[-1]))
    out = out.float().cpu()
    if out.shape[-1] < source.shape[-1]:
        out = torch.nn.functional.pad(out, (0, source.shape[-1] - out.shape[-1]))
    return match_loudness(out[: source.shape[-1]], source.float().cpu())
