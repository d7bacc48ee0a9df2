"""The GE2E speaker encoder shipped inside the ``resemblyzer`` package (Apache-2.0).

Its preprocessing is reproduced exactly: 16 kHz audio, volume normalised to -30 dBFS (increase
only), 40-band power mel spectrogram (25 ms Hann windows every 10 ms, librosa's Slaney mel
filters, zero-padded centred frames), fed to a 3-layer LSTM (256 units), a linear layer and ReLU.
resemblyzer's optional silence trimming (webrtcvad) is left out: generated speech is rarely long
enough to need it, and it would make frame positions depend on a voice-activity detector.

Two variants expose a feature sequence:

* ``frames``: the last LSTM layer's output at every 10 ms frame (256-d), run over the whole
  input, so each frame carries the encoder's running summary of the voice so far;
* ``partials``: GE2E's own partial-utterance embeddings: the L2-normalised embedding of every
  1.6 s window (160 frames), one every ``partial_hop`` frames (default 0.4 s) — the unit the
  encoder was trained on. With ``max_partials``, an input that would give more windows gets that
  many, spread evenly from its start to its end.
"""
from __future__ import annotations

import math
from pathlib import Path

import torch
import torchaudio.transforms as T
from torch import nn

from .base import Backbone, frames_mask
from ..errors import InvalidValueError, MissingDependencyError, MissingFileError

PARTIAL_FRAMES = 160  # 1.6 s, resemblyzer's partials_n_frames


def _resemblyzer_weights() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or spec.origin is None:
        raise MissingDependencyError("the GE2E backbone needs the 'resemblyzer' package (pip install resemblyzer)")
    path = Path(spec.origin).parent / "pretrained.pt"
    if not path.exists():
        raise MissingFileError(f"resemblyzer's weights are missing: {path}")
    return path


class GE2ENetwork(nn.Module):
    """resemblyzer's VoiceEncoder network, rebuilt so its weights load with ``weights_only=True``."""

    def __init__(self, n_mels: int = 40, hidden: int = 256, layers: int = 3, embedding: int = 256):
        super().__init__()
        self.lstm = nn.LSTM(n_mels, hidden, layers, batch_first=True)
        self.linear = nn.Linear(hidden, embedding)
        self.relu = nn.ReLU()

    @classmethod
    def pretrained(cls) -> "GE2ENetwork":
        net = cls()
        state = torch.load(_resemblyzer_weights(), map_location="cpu", weights_only=True)
        state = state.get("model_state", state)
        # The GE2E training loss's similarity scale and bias are not part of the encoder.
        state = {k: v for k, v in state.items() if not k.startswith("similarity_")}
        net.load_state_dict(state, strict=True)
        return net.eval()

    def frames(self, mels: torch.Tensor, n_frames: torch.Tensor, chunk: int = 200) -> torch.Tensor:
        """The last LSTM layer's output at every frame of right-padded ``mels`` ``[B, F, 40]``.

        The recurrence runs ``chunk`` frames at a time on the sequences still going (longest
        first), carrying each one's state across chunks: the packed-sequence recurrence, but as
        dense blocks that torch's fused CPU LSTM kernel takes, and with at most ``chunk`` padded
        steps per sequence. Measured by ``benchmarks/component_speed.py`` (reports/performance.md):
        faster than packed sequences, outputs within 1e-5 of them.
        """
        order = torch.argsort(n_frames.cpu(), descending=True, stable=True)
        lengths = n_frames.cpu()[order].tolist()
        x = mels[order.to(mels.device)]
        layers, hidden = self.lstm.num_layers, self.lstm.hidden_size
        h = x.new_zeros(layers, x.shape[0], hidden)
        c = x.new_zeros(layers, x.shape[0], hidden)
        out = x.new_zeros(x.shape[0], x.shape[1], hidden)
        for t0 in range(0, x.shape[1], chunk):
            active = sum(1 for n in lengths if n > t0)  # a prefix: sorted longest first
            y, (h_new, c_new) = self.lstm(x[:active, t0 : t0 + chunk], (h[:, :active], c[:, :active]))
            out[:active, t0 : t0 + chunk] = y
            h[:, :active], c[:, :active] = h_new, c_new
        return out[torch.argsort(order).to(out.device)]

    def embed(self, mels: torch.Tensor) -> torch.Tensor:
        _, (hidden, _) = self.lstm(mels)
        emb = self.relu(self.linear(hidden[-1]))
        return emb / torch.norm(emb, dim=1, keepdim=True).clamp_min(1e-12)


class GE2EBackbone(Backbone):
    def __init__(self, variant: str = "partials", partial_hop: int = 40, max_partials: int | None = None):
        super().__init__()
        if variant not in ("frames", "partials"):
            raise InvalidValueError(f"unknown GE2E variant {variant!r} (frames or partials)")
        if max_partials is not None and int(max_partials) < 2:
            raise InvalidValueError(f"max_partials must be at least 2 (got {max_partials})")
        self.variant = variant
        self.partial_hop = int(partial_hop)
        self.max_partials = None if max_partials is None else int(max_partials)
        self.sample_rate = 16000
        self.hop = 160
        self.mel = T.MelSpectrogram(
            sample_rate=16000, n_fft=400, hop_length=160, n_mels=40, power=2.0, center=True,
            pad_mode="constant", norm="slaney", mel_scale="slaney",
        )
        self.net = GE2ENetwork.pretrained()
        self.dim = 256
        self.frame_rate = 100.0 if variant == "frames" else 100.0 / self.partial_hop
        # Padded audio per LSTM call. The recurrence is sequential in time, so the cores are
        # only kept busy by many sequences side by side (a batch of 32 ran ~2.5x faster per
        # sequence than one alone on 2 threads); outputs stay ~100 MB.
        self.max_batch_seconds = 960.0 if variant == "frames" else 120.0
        self.freeze()

    @property
    def spec(self):
        spec = {"kind": "ge2e", "variant": self.variant, "weights": "resemblyzer"}
        if self.variant == "partials":
            spec["partial_hop"] = self.partial_hop
            if self.max_partials is not None:
                spec["max_partials"] = self.max_partials
        return spec

    @staticmethod
    def normalize_volume(waves: torch.Tensor, lengths: torch.Tensor, target_dbfs: float = -30.0) -> torch.Tensor:
        """resemblyzer's ``normalize_volume(increase_only=True)``, per item over its real samples."""
        lengths = lengths.to(waves.device)
        mask = frames_mask(lengths, waves.shape[-1]).to(waves.dtype)
        ms = (waves**2 * mask).sum(-1) / lengths.clamp_min(1)
        dbfs = 10 * torch.log10(ms.clamp_min(1e-20))
        gain_db = (target_dbfs - dbfs).clamp_min(0.0)
        return waves * (10 ** (gain_db / 20))[:, None] * mask

    def mel_frames(self, waves: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-item mels ``[B, F, 40]`` and frame counts. Centred frames near an item's end read
        its padding, so each item is transformed alone to stay batch-invariant (mels are cheap)."""
        waves = self.normalize_volume(waves, lengths)
        mels = [self.mel(waves[i, : int(n)]).T for i, n in enumerate(lengths)]
        n_frames = torch.tensor([m.shape[0] for m in mels], dtype=torch.long)
        out = torch.zeros(len(mels), int(n_frames.max()), 40, device=waves.device)
        for i, m in enumerate(mels):
            out[i, : m.shape[0]] = m
        return out, n_frames

    @torch.inference_mode()
    def extract(self, waves, lengths):
        # The mel filters and the network live on the backbone's device; frame counts stay on
        # the CPU, where pack_padded_sequence wants them.
        lengths = lengths.cpu()
        device = next(self.net.parameters()).device
        mels, n_frames = self.mel_frames(waves.float().to(device), lengths)
        if self.variant == "frames":
            frames = self.net.frames(mels.to(device), n_frames)
            mask = frames_mask(n_frames.to(device), frames.shape[1])
            return frames.masked_fill(~mask[..., None], 0.0), mask
        return self._partials(mels, n_frames, device)

    def n_frames(self, lengths: torch.Tensor) -> torch.Tensor:
        mel_frames = torch.div(lengths, self.hop, rounding_mode="floor") + 1  # centred frames
        return mel_frames if self.variant == "frames" else self.n_partials(mel_frames)

    def n_partials(self, n_frames: torch.Tensor) -> torch.Tensor:
        # Windows of 160 frames every `partial_hop`; a shorter input gives one (shorter) window.
        extra = (n_frames - PARTIAL_FRAMES).clamp_min(0)
        count = torch.div(extra + self.partial_hop - 1, self.partial_hop, rounding_mode="floor") + 1
        return count if self.max_partials is None else count.clamp_max(self.max_partials)

    def _partial_starts(self, n: int, count: int) -> list[int]:
        last = max(n - PARTIAL_FRAMES, 0)
        if self.max_partials is not None and count == self.max_partials and (count - 1) * self.partial_hop < last:
            # Capped: spread the windows evenly over the whole input (first at 0, last at the end).
            return [round(j * last / (count - 1)) for j in range(count)]
        return [min(j * self.partial_hop, last) for j in range(count)]

    def _partials(self, mels, n_frames, device):
        counts = self.n_partials(n_frames)
        windows, lens = [], []
        for i, n in enumerate(n_frames.tolist()):
            for start in self._partial_starts(n, int(counts[i])):
                windows.append(mels[i, start : start + min(PARTIAL_FRAMES, n)])
                lens.append(min(PARTIAL_FRAMES, n))
        # Windows of equal length go through the LSTM together as one dense batch (nearly all
        # are the full 160 frames): the same recurrence as a packed batch, but dense input lets
        # torch use its fused CPU LSTM kernel (about 1.25x faster on 1 core, measured).
        embeds = torch.empty(len(windows), self.dim, device=device)
        by_length: dict[int, list[int]] = {}
        for k, n in enumerate(lens):
            by_length.setdefault(n, []).append(k)
        for idx in by_length.values():
            embeds[idx] = self.net.embed(torch.stack([windows[k] for k in idx]).to(device))
        out = torch.zeros(len(counts), int(counts.max()), self.dim, device=device)
        k = 0
        for i, c in enumerate(counts.tolist()):
            out[i, :c] = embeds[k : k + c]
            k += c
        return out, frames_mask(counts.to(device), out.shape[1])
