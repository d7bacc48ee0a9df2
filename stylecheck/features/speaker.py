"""The GE2E speaker embedding of a file, read from the frames scoring already computed.

``FusionBackbone(level="utterance")`` (the bundled ``stylecheck-voice-v2``) gives one frame per
segment of at most ``segment_s`` (30 s): [L2-normalised mean of the segment's GE2E partial
embeddings ‖ voice functionals]. Its first ``ge2e.dim`` (256) values are GE2E's utterance
embedding (resemblyzer's ``embed_utterance``, on non-overlapping 1.6 s windows, at most 6 spread
over the segment). A ``GE2EBackbone`` with the ``partials`` variant gives the partial embeddings
themselves. Either way the file's embedding is the mean over its frames, L2-normalised: for a
file of one segment that is exactly the vector the style head reads, so speaker similarity costs
no model pass. Backbones whose frames are not speaker embeddings give ``None``.
"""
from __future__ import annotations

import numpy as np
import torch

from .base import Backbone


def speaker_dims(backbone: Backbone) -> int | None:
    """How many leading frame values are a GE2E embedding for ``backbone``; None: not one."""
    from .ge2e import GE2EBackbone
    from .voice_backbone import FusionBackbone

    if isinstance(backbone, FusionBackbone) and backbone.level == "utterance":
        return backbone.ge2e.dim
    if isinstance(backbone, GE2EBackbone) and backbone.variant == "partials":
        return backbone.dim
    return None


def speaker_embedding(backbone: Backbone, frames: torch.Tensor) -> np.ndarray | None:
    """The unit-norm speaker embedding (float64) of one file from its real frames ``[F, D]`` as
    :func:`stylecheck.models.style_model.extract_frames` returns them; None when ``backbone`` has
    no speaker embedding or there are no frames."""
    dims = speaker_dims(backbone)
    if dims is None or frames.shape[0] == 0:
        return None
    mean = frames[:, :dims].double().mean(0).cpu().numpy()
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None


__all__ = ["speaker_dims", "speaker_embedding"]
