"""The paper's Mel80 features: 80-band log-mel, 25 ms windows every 10 ms."""
from __future__ import annotations

import torch
import torchaudio.transforms as T

from .base import Backbone, frames_mask


class Mel80Backbone(Backbone):
    def __init__(self, sample_rate: int = 16000, n_mels: int = 80, win_ms: float = 25.0, hop_ms: float = 10.0):
        super().__init__()
        self.sample_rate = sample_rate
        self.n_mels = n_mels
        self.n_fft = int(round(sample_rate * win_ms / 1000))
        self.hop = int(round(sample_rate * hop_ms / 1000))
        self.dim = n_mels
        self.frame_rate = sample_rate / self.hop
        # center=False: frame i reads samples [i*hop, i*hop + n_fft) only, so a padded batch gives
        # each item exactly the frames it gets alone.
        self.mel = T.MelSpectrogram(
            sample_rate=sample_rate, n_fft=self.n_fft, hop_length=self.hop, n_mels=n_mels, center=False, power=2.0
        )
        self.freeze()

    @property
    def spec(self):
        return {"kind": "mel80", "sample_rate": self.sample_rate, "n_mels": self.n_mels, "n_fft": self.n_fft, "hop": self.hop}

    def n_frames(self, lengths: torch.Tensor) -> torch.Tensor:
        return torch.clamp((lengths - self.n_fft) // self.hop + 1, min=0)

    @torch.inference_mode()
    def extract(self, waves, lengths):
        waves = waves.to(self.mel.spectrogram.window.device)  # callers pass CPU batches
        if waves.shape[-1] < self.n_fft:
            waves = torch.nn.functional.pad(waves, (0, self.n_fft - waves.shape[-1]))
        spec = self.mel(waves)  # [B, n_mels, F]
        frames = torch.log(spec + 1e-6).transpose(1, 2).contiguous()
        mask = frames_mask(self.n_frames(lengths.to(frames.device)), frames.shape[1])
        return frames.masked_fill(~mask[..., None], 0.0), mask
