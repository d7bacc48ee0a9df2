"""Cutting waveforms into fixed-length model windows.

Training follows the paper: a random 5 s crop, zero-padded at the end (with a mask) when shorter.

Inference on a long file uses consecutive 5 s windows; the last one is aligned to the file's end
so that every window is full length (no padding at all for files of 5 s or more). A file's
probability for a label is the mean over its windows weighted by the seconds each window adds
that no earlier window covered, so every second of audio counts exactly once and the overlap of
the end-aligned window is not counted twice. Averaging probabilities (not logits) keeps one
confident window from overruling a long file.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Window:
    start: int  # first sample
    length: int  # samples in the window (<= window size; shorter only for short files)
    weight: float  # seconds of audio this window contributes to the file's average


def random_crop(wave: torch.Tensor, size: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """A random ``size``-sample crop of a 1-D wave; the whole wave when it is shorter."""
    n = wave.shape[-1]
    if n <= size:
        return wave
    start = int(torch.randint(0, n - size + 1, (1,), generator=generator))
    return wave[..., start : start + size]


def inference_windows(n_samples: int, size: int, sample_rate: int) -> list[Window]:
    if n_samples <= size:
        return [Window(0, n_samples, n_samples / sample_rate)]
    starts = list(range(0, n_samples - size, size))
    windows = [Window(s, size, size / sample_rate) for s in starts]
    covered = starts[-1] + size
    last = n_samples - size
    windows.append(Window(last, size, (n_samples - covered) / sample_rate))
    return windows


def pad_batch(waves: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-pad 1-D waves at the end into ``[B, T]`` and return it with the lengths ``[B]``."""
    lengths = torch.tensor([w.shape[-1] for w in waves], dtype=torch.long)
    out = torch.zeros(len(waves), int(lengths.max()) if len(waves) else 0, dtype=torch.float32)
    for i, w in enumerate(waves):
        out[i, : w.shape[-1]] = w
    return out, lengths
