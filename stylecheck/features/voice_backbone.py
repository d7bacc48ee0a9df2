"""Voice parameters (:mod:`.voice`) as backbones, alone and fused with GE2E.

* ``VoiceBackbone(level="functionals")``: one frame per input, the utterance vector
  (:data:`~.voice.FUNCTIONAL_NAMES`, physical units);
* ``VoiceBackbone(level="lld")``: the low-level descriptors on their grid (40 ms in version 2,
  20 ms in version 1), scaled to about unit range (:func:`~.voice.normalized_llds`);
* ``FusionBackbone(level="utterance")``: one frame per input, [mean GE2E embedding ‖ voice
  functionals]. The GE2E embedding is the mean of L2-normalised embeddings of 1.6 s windows
  taken every 1.6 s (``partial_hop`` 160): resemblyzer's partials, without their overlap, so the
  LSTM runs once over each frame (the overlapping default costs about 4x, reports/performance.md);
  in version 2 at most ``max_partials`` (6: about 10 s) spread evenly over a longer input, since a
  speaker embedding averaged over 10 s of speech is as settled as one over a minute and the LSTM
  is a third of scoring's time;
* ``FusionBackbone(level="frames")``: GE2E ``frames`` (10 ms) ‖ scaled LLDs (each LLD frame
  repeated for the GE2E frames it covers).

``version`` selects the voice parameters' analysis grid (:data:`~.voice.VERSION_HOPS`); a stored
spec without one is version 1, so earlier checkpoints get exactly the features they were trained on.

The voice analyses run per item on the CPU, so batching never changes an item's frames.
"""
from __future__ import annotations

import numpy as np
import torch

from . import voice
from .base import Backbone, frames_mask
from ..errors import InvalidValueError


def _item_waves(waves: torch.Tensor, lengths: torch.Tensor):
    for i, n in enumerate(lengths.tolist()):
        yield waves[i, : int(n)].detach().float().cpu().numpy()


class VoiceBackbone(Backbone):
    sample_rate = voice.SR

    def __init__(self, level: str = "functionals", version: int = voice.VOICE_VERSION):
        super().__init__()
        if level not in ("functionals", "lld"):
            raise InvalidValueError(f"unknown voice-parameter level {level!r} (functionals or lld)")
        self.level = level
        self.hop = voice.hop_for(version)  # first: it rejects an unknown version with a clear message
        self.version = int(version)
        self.dim = len(voice.FUNCTIONAL_NAMES) if level == "functionals" else len(voice.LLD_NAMES)
        self.frame_rate = 0.1 if level == "functionals" else voice.SR / self.hop
        self.names = voice.FUNCTIONAL_NAMES if level == "functionals" else voice.LLD_NAMES
        self.freeze()

    @property
    def spec(self):
        return {"kind": "voice", "level": self.level, "version": self.version}

    def n_frames(self, lengths: torch.Tensor) -> torch.Tensor:
        if self.level == "functionals":
            return (lengths > 0).long()
        return torch.div(lengths, self.hop, rounding_mode="floor") + 1

    @torch.inference_mode()
    def extract(self, waves, lengths):
        lengths = lengths.cpu()
        rows = []
        for w in _item_waves(waves, lengths):
            lld, extras = voice.voice_llds(w, self.hop)
            rows.append(voice.voice_functionals(lld, extras)[None, :] if self.level == "functionals"
                        else voice.normalized_llds(lld))
        return _pad(rows, self.n_frames(lengths))


def _pad(rows: list[np.ndarray], n_frames: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    width = int(n_frames.max()) if len(rows) else 0
    out = torch.zeros(len(rows), width, rows[0].shape[1] if rows else 0)
    for i, r in enumerate(rows):
        k = min(int(n_frames[i]), r.shape[0])
        out[i, :k] = torch.from_numpy(np.ascontiguousarray(r[:k]))
    return out, frames_mask(n_frames, width)


class FusionBackbone(Backbone):
    sample_rate = voice.SR

    def __init__(self, level: str = "utterance", version: int = voice.VOICE_VERSION):
        super().__init__()
        from .ge2e import GE2EBackbone

        if level not in ("utterance", "frames"):
            raise InvalidValueError(f"unknown fusion level {level!r} (utterance or frames)")
        self.level = level
        self.hop = voice.hop_for(version)
        self.version = int(version)
        if level == "utterance":
            self.ge2e = GE2EBackbone(variant="partials", partial_hop=160,
                                     max_partials=None if self.version == 1 else 6)
            self.voice_dim = len(voice.FUNCTIONAL_NAMES)
            self.frame_rate = 0.1
        else:
            self.ge2e = GE2EBackbone(variant="frames")
            self.voice_dim = len(voice.LLD_NAMES)
            self.frame_rate = 100.0
        self.dim = self.ge2e.dim + self.voice_dim
        self.max_batch_seconds = self.ge2e.max_batch_seconds
        self.freeze()

    @property
    def spec(self):
        return {"kind": "fusion", "level": self.level, "ge2e": self.ge2e.spec, "voice_version": self.version}

    def n_frames(self, lengths: torch.Tensor) -> torch.Tensor:
        if self.level == "utterance":
            return (lengths > 0).long()
        return self.ge2e.n_frames(lengths)

    @torch.inference_mode()
    def extract(self, waves, lengths):
        lengths = lengths.cpu()
        g, g_mask = self.ge2e.extract(waves, lengths)
        g, g_mask = g.float().cpu(), g_mask.cpu()
        rows = []
        for i, w in enumerate(_item_waves(waves, lengths)):
            lld, extras = voice.voice_llds(w, self.hop)
            n_g = int(g_mask[i].sum())
            if self.level == "utterance":
                e = g[i, :n_g].mean(0)
                e = e / e.norm().clamp_min(1e-12)
                rows.append(np.concatenate([e.numpy(), voice.voice_functionals(lld, extras)])[None, :])
            else:
                idx = np.minimum(np.arange(n_g) * 160 // self.hop, len(lld) - 1)
                rows.append(np.concatenate([g[i, :n_g].numpy(), voice.normalized_llds(lld)[idx]], 1))
        return _pad(rows, self.n_frames(lengths))
