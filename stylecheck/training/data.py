"""Training samples: random crops of cached frame sequences with their (partly unknown) targets.

Crops are taken in frame space from features of the whole utterance (computed once and cached),
which is what makes head-only epochs cheap; a crop of ``window`` frames is what the backbone gives
for the paper's 5 s of audio.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch


class CropSampler:
    """Yields batches ``(frames [B, W, D], mask [B, W], targets [B, K], weights [B])``.

    Each epoch draws ``crops_per_item`` random crops from every utterance (or from the rank's
    shard under DDP), shuffled with a generator seeded by ``(seed, epoch)``, so an epoch is
    reproducible on its own and a resumed run repeats the same batches.
    """

    def __init__(self, frames: Sequence[torch.Tensor], targets: np.ndarray, window: int, batch_size: int = 64,
                 crops_per_item: int = 1, sample_weights: np.ndarray | None = None, seed: int = 0,
                 rank: int = 0, world_size: int = 1):
        self.frames = list(frames)
        self.targets = torch.tensor(targets, dtype=torch.float32)
        self.window = window
        self.batch_size = batch_size
        self.crops_per_item = crops_per_item
        self.sample_weights = sample_weights
        self.seed = seed
        self.rank = rank
        self.world_size = world_size

    def order(self, epoch: int) -> tuple[torch.Tensor, torch.Generator]:
        g = torch.Generator().manual_seed(self.seed * 100003 + epoch)
        n = len(self.frames) * self.crops_per_item
        if self.sample_weights is not None:
            w = torch.tensor(np.tile(self.sample_weights, self.crops_per_item), dtype=torch.float64)
            idx = torch.multinomial(w, n, replacement=True, generator=g) % len(self.frames)
        else:
            idx = torch.randperm(n, generator=g) % len(self.frames)
        # Every rank gets the same number of batches (DDP needs equal step counts).
        per_rank = len(idx) // self.world_size if self.world_size > 1 else len(idx)
        idx = idx[self.rank :: self.world_size][:per_rank]
        return idx, g

    def n_batches(self) -> int:
        n = len(self.frames) * self.crops_per_item
        if self.world_size > 1:
            n //= self.world_size
        return max(1, -(-n // self.batch_size))

    def batches(self, epoch: int):
        idx, g = self.order(epoch)
        for s in range(0, len(idx), self.batch_size):
            chunk = idx[s : s + self.batch_size].tolist()
            crops = []
            for i in chunk:
                fr = self.frames[i]
                if fr.shape[0] > self.window:
                    start = int(torch.randint(0, fr.shape[0] - self.window + 1, (1,), generator=g))
                    fr = fr[start : start + self.window]
                crops.append(fr)
            width = max(c.shape[0] for c in crops)
            x = torch.zeros(len(crops), width, crops[0].shape[1])
            mask = torch.zeros(len(crops), width, dtype=torch.bool)
            for k, c in enumerate(crops):
                x[k, : c.shape[0]] = c
                mask[k, : c.shape[0]] = True
            yield x, mask, self.targets[chunk]


def balanced_weights(targets: np.ndarray) -> np.ndarray:
    """Per-utterance sampling weights that favour rare positives: each utterance weighs the
    inverse frequency of its rarest positive label (1 for none), normalised to mean 1."""
    pos = np.nan_to_num(targets, nan=0.0) == 1
    freq = pos.mean(0).clip(1e-6)
    w = np.ones(len(targets))
    for i in range(len(targets)):
        if pos[i].any():
            w[i] = (1.0 / freq[pos[i]]).max()
    w = np.sqrt(w)  # full inverse frequency oversamples a handful of speakers too hard
    return w / w.mean()
