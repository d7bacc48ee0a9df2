"""The backbone interface: a frozen feature extractor from padded waveforms to padded frames."""
from __future__ import annotations

from typing import Any

import torch
from torch import nn


class Backbone(nn.Module):
    """Frozen frame-feature extractor.

    ``extract(waves [B, T], lengths [B]) -> (frames [B, F, D], mask [B, F])`` where ``mask`` is
    True on real frames. A frame is real when it is computed from real samples only, and a
    backbone guarantees that an item's real frames do not depend on the other items of its batch.

    ``spec`` names the backbone exactly (kind, model id or path, revision, layer, ...); it keys the
    feature cache and is stored in checkpoints, from which :func:`stylecheck.features.build_backbone`
    rebuilds the backbone.
    """

    sample_rate: int = 16000
    dim: int
    frame_rate: float  # frames per second
    #: Batches worth scoring side by side on a CPU, one thread each (None: one per thread, see
    #: :func:`stylecheck.scoring.pipeline.default_workers`).
    cpu_workers: int | None = None

    @property
    def spec(self) -> dict[str, Any]:
        raise NotImplementedError

    def n_frames(self, lengths: torch.Tensor) -> torch.Tensor:
        """Number of real frames for inputs of ``lengths`` samples."""
        raise NotImplementedError

    def extract(self, waves: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError

    def forward(self, waves: torch.Tensor, lengths: torch.Tensor):
        return self.extract(waves, lengths)

    def freeze(self) -> "Backbone":
        self.eval()
        for p in self.parameters():
            p.requires_grad_(False)
        return self

    def train(self, mode: bool = True):
        # A frozen backbone stays in eval mode (no dropout, no feature masking) even while the
        # head trains.
        return super().train(False)


def frames_mask(n_frames: torch.Tensor, total: int) -> torch.Tensor:
    """Boolean ``[B, total]`` mask, True for the first ``n_frames[b]`` frames of each row."""
    return torch.arange(total, device=n_frames.device)[None, :] < n_frames[:, None]
