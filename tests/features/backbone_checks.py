"""Checks shared by the backbone tests (a plain module: a second conftest.py would shadow the
root one for ``from helpers import ...``)."""
from __future__ import annotations

import torch

from helpers import voice_like
from stylecheck.audio import pad_batch


def mixed_waves(durations=(0.4, 1.3, 2.05), sr: int = 16000) -> list[torch.Tensor]:
    """Voices of different lengths, pitches and levels (every other one quiet, so GE2E's
    increase-only volume normalisation applies a gain to some items and not to others)."""
    return [torch.from_numpy(voice_like(d, sr, f0=110 + 40 * i, seed=i, amplitude=0.3 if i % 2 == 0 else 0.003))
            for i, d in enumerate(durations)]


def check_backbone_contract(backbone, waves: list[torch.Tensor], atol: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Shapes, mask and batch invariance of ``extract``; returns the batched output."""
    batch, lengths = pad_batch(waves)
    frames, mask = backbone.extract(batch, lengths)
    expected = backbone.n_frames(lengths)
    assert frames.ndim == 3 and frames.shape[0] == len(waves) and frames.shape[2] == backbone.dim
    assert mask.dtype == torch.bool and mask.shape == frames.shape[:2]
    assert frames.shape[1] == int(expected.max())
    assert mask.sum(1).tolist() == expected.tolist()
    # Real frames first, then padding; padded frames are zero.
    for row, n in zip(mask, expected.tolist()):
        assert row[:n].all() and not row[n:].any()
    assert torch.all(frames[~mask] == 0)
    assert torch.isfinite(frames).all()
    # An item's real frames are the frames it gets alone.
    for i, w in enumerate(waves):
        alone, alone_mask = backbone.extract(w[None], torch.tensor([w.shape[0]]))
        n = int(expected[i])
        assert alone.shape[1] == n and alone_mask.all()
        torch.testing.assert_close(frames[i, :n], alone[0], atol=atol, rtol=0)
    return frames, mask
