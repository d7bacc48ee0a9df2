"""Speech presence: Silero VAD (MIT; weights ship inside the ``silero-vad`` wheel), batched
across files.

Why not the package's own ``get_speech_timestamps``: it calls the TorchScript model once per
32 ms chunk of one file (about 150x real time on one thread). The 16 kHz network is small: a
fixed STFT (stored as a convolution; computed here by FFT), four convolutions that reduce each 32 ms chunk (plus 4 ms of the
previous chunk as context) to one 128-d vector, then one LSTM cell that carries state from chunk
to chunk, and a sigmoid output. Everything before the LSTM depends on one chunk only, so all
chunks of all files go through it in one call; only the LSTM runs in time order, over every file
at once. The layers are rebuilt here after the package's own reference
(``silero_vad/tinygrad_model.py``) with the weights of its TorchScript model (``silero_vad.jit``,
what ``load_silero_vad()`` returns); ``tests/audio/test_audio_vad.py`` checks the probabilities
against that model, called chunk by chunk as Silero does. Regions come from the package's
own ``get_speech_timestamps_from_probs``, so the thresholds and hangover rules are Silero's.

Importing ``silero_vad`` calls ``torch.set_num_threads(1)`` for the whole process; the import
is wrapped so that the caller's thread count is restored.

Batch invariance: the per-chunk layers treat every chunk on its own and the LSTM always runs on
a group of 32 rows (padded with empty rows), so a file's probabilities do not depend on which
other files share its call (checked to 1e-6 in tests/audio/test_audio_vad.py).
"""
from __future__ import annotations

import importlib
import warnings
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .load import resample

#: The network's rate, chunk and context (Silero's 16 kHz model).
VAD_SAMPLE_RATE = 16000
CHUNK = 512
CONTEXT = 64
#: Chunks per call of the per-chunk layers (bounds the memory of a batch of long files).
_BLOCK = 4096


@dataclass(frozen=True)
class SpeechSettings:
    """How speech is found and used. Part of every result's resume key and of ``run.json``.

    ``min_speech_s``: a file with less detected speech than this is ``no_speech`` (never given
    style labels); 0.5 s is shorter than any real utterance a style could be judged from and
    longer than a click, a cough or a detector slip on noise (no real recording in the shared
    data has less: reports/vad.md). ``trim``: classify only the span
    from the first detected speech to the last (plus ``pad_s`` each side); inner pauses are kept,
    because cutting them out splices the voice and the model was trained on whole utterances with
    their pauses. ``threshold``, ``min_speech_ms`` and ``min_silence_ms`` are Silero's own rules
    (its defaults)."""

    min_speech_s: float = 0.5
    trim: bool = True
    pad_s: float = 0.1
    threshold: float = 0.5
    min_speech_ms: int = 250
    min_silence_ms: int = 100
    detector: str = field(default="silero-vad-16k")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SpeechRegions:
    """Detected speech of one wave, in samples of the wave's own rate."""

    regions: tuple[tuple[int, int], ...]
    n_samples: int
    sample_rate: int

    @property
    def speech_s(self) -> float:
        return sum(e - s for s, e in self.regions) / self.sample_rate

    def span(self, pad_s: float = 0.0) -> tuple[int, int]:
        """``[start, end)`` from the first speech to the last, widened by ``pad_s`` each side
        (the whole wave when nothing was detected)."""
        if not self.regions:
            return 0, self.n_samples
        pad = int(round(pad_s * self.sample_rate))
        return max(0, self.regions[0][0] - pad), min(self.n_samples, self.regions[-1][1] + pad)


def _import_silero():
    """``import silero_vad`` without its process-wide ``torch.set_num_threads(1)``."""
    before = torch.get_num_threads()
    try:
        return importlib.import_module("silero_vad")
    finally:
        torch.set_num_threads(before)


class SileroNet(torch.nn.Module):
    """Silero VAD's 16 kHz network, split into the per-chunk encoder and the LSTM decoder."""

    def __init__(self, state: dict[str, torch.Tensor]):
        super().__init__()
        basis = state["stft_conv.weight"]  # [258, 1, 256]: real and imaginary DFT rows times a window
        self.register_buffer("stft", basis)
        # The basis is a Hann-windowed 256-point DFT: an FFT gives the same magnitudes for a
        # fraction of the work (the convolution was a third of the detector's time). Checked
        # here rather than assumed, so other weights would fall back to the convolution.
        window = basis[0, 0].double()
        k = torch.arange(129, dtype=torch.float64)[:, None]
        n = torch.arange(256, dtype=torch.float64)[None, :]
        dft = torch.cat([window * torch.cos(2 * torch.pi * k * n / 256), -window * torch.sin(2 * torch.pi * k * n / 256)])
        self.fft = bool(basis.shape == (258, 1, 256) and torch.allclose(basis[:, 0].double(), dft, atol=1e-6))
        self.register_buffer("window", basis[0, 0].clone())
        self.convs = torch.nn.ModuleList()
        for i, stride in zip(range(1, 5), (1, 2, 2, 1)):
            w = state[f"conv{i}.weight"]
            conv = torch.nn.Conv1d(w.shape[1], w.shape[0], 3, stride=stride, padding=1)
            conv.weight.data.copy_(w)
            conv.bias.data.copy_(state[f"conv{i}.bias"])
            self.convs.append(conv)
        # Silero steps an LSTMCell chunk by chunk; one nn.LSTM over the sequence is the same
        # recurrence with the loop in C++ (probabilities agree to ~1e-6).
        self.lstm = torch.nn.LSTM(128, 128, batch_first=True)
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(self.lstm, f"{name}_l0").data.copy_(state[f"lstm_cell.{name}"])
        self.register_buffer("out_w", state["final_conv.weight"][:, :, 0])  # [1, 128]
        self.register_buffer("out_b", state["final_conv.bias"])
        self.eval()

    def encode(self, chunks: torch.Tensor) -> torch.Tensor:
        """``[N, CONTEXT + CHUNK]`` samples -> ``[N, 128]``."""
        x = F.pad(chunks[:, None, :], (0, 64), mode="reflect")
        if self.fft:
            frames = x[:, 0].unfold(1, 256, 128) * self.window  # [N, 4, 256]
            x = torch.fft.rfft(frames, dim=-1).abs().transpose(1, 2)  # [N, 129, 4]
        else:
            x = F.conv1d(x, self.stft, stride=128)
            half = x.shape[1] // 2
            x = torch.sqrt(x[:, :half] ** 2 + x[:, half:] ** 2)
        for conv in self.convs:
            x = torch.relu(conv(x))
        return x[:, :, 0]

    def decode(self, feats: torch.Tensor) -> torch.Tensor:
        """``[B, T, 128]`` encoded chunks in time order -> speech probabilities ``[B, T]``."""
        h, _ = self.lstm(feats)
        out = torch.relu(h) @ self.out_w.T + self.out_b
        return torch.sigmoid(out[..., 0])


#: The 16 kHz network's tensors inside the TorchScript model, under the reference's names.
_JIT_NAMES = {
    "stft_conv.weight": "stft.forward_basis_buffer",
    **{f"conv{i + 1}.{k}": f"encoder.{i}.reparam_conv.{k}" for i in range(4) for k in ("weight", "bias")},
    **{f"lstm_cell.{k}": f"decoder.rnn.{k}" for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")},
    "final_conv.weight": "decoder.decoder.2.weight",
    "final_conv.bias": "decoder.decoder.2.bias",
}


@lru_cache(maxsize=1)
def _net() -> SileroNet:
    """The network with the weights of the package's ``load_silero_vad()`` (``silero_vad.jit``,
    the model Silero documents; the wheel's ``silero_vad_16k.safetensors`` holds other weights)."""
    silero = _import_silero()
    before = torch.get_num_threads()
    try:
        with warnings.catch_warnings():  # the loader's own deprecation notices (importlib, jit)
            warnings.simplefilter("ignore", DeprecationWarning)
            jit = silero.load_silero_vad()
    finally:
        torch.set_num_threads(before)
    inner = jit._model
    tensors = {**dict(inner.named_parameters()), **dict(inner.named_buffers())}
    return SileroNet({ours: tensors[theirs].detach().clone().float() for ours, theirs in _JIT_NAMES.items()})


def _chunks(wave: torch.Tensor) -> torch.Tensor:
    """``[T, CONTEXT + CHUNK]``: consecutive 512-sample chunks (the last zero-padded), each with
    the 64 samples before it (zeros before the start), as Silero's streaming wrapper feeds them."""
    n = wave.shape[-1]
    t = max(1, -(-n // CHUNK))
    x = F.pad(wave.float(), (CONTEXT, t * CHUNK - n))
    return x.unfold(0, CONTEXT + CHUNK, CHUNK)


class SpeechDetector:
    """Finds speech in many waves at once. ``detect`` is what scoring calls."""

    def __init__(self, settings: SpeechSettings | None = None, files_per_group: int = 32):
        self.settings = settings or SpeechSettings()
        # Files per LSTM call: a fixed group size and a fixed order inside it keep a file's
        # result independent of the other files in the call.
        self.files_per_group = files_per_group

    @torch.inference_mode()
    def probabilities(self, waves: Sequence[torch.Tensor]) -> list[np.ndarray]:
        """Speech probability of each 32 ms chunk of each 16 kHz wave."""
        if not waves:
            return []
        net = _net()
        chunks = [_chunks(w) for w in waves]
        flat = torch.cat(chunks, 0)
        feats = torch.cat([net.encode(flat[s : s + _BLOCK]) for s in range(0, flat.shape[0], _BLOCK)], 0)
        per_file = list(torch.split(feats, [c.shape[0] for c in chunks]))
        out: list[np.ndarray] = [np.zeros(0)] * len(per_file)
        # Files of similar length share an LSTM call (less padding); each row of the fixed-size
        # group is computed on its own, so which files share a call does not matter.
        order = sorted(range(len(per_file)), key=lambda i: per_file[i].shape[0])
        for g in range(0, len(order), self.files_per_group):
            group = order[g : g + self.files_per_group]
            t = max(per_file[i].shape[0] for i in group)
            padded = torch.zeros(self.files_per_group, t, 128)  # always the full group size
            for row, i in enumerate(group):
                padded[row, : per_file[i].shape[0]] = per_file[i]
            probs = net.decode(padded)  # causal: padding after a file's end cannot reach it
            for row, i in enumerate(group):
                out[i] = probs[row, : per_file[i].shape[0]].numpy().astype(np.float64)
        return out

    def detect(self, waves: Sequence[torch.Tensor], sample_rate: int) -> list[SpeechRegions]:
        """Speech regions of each wave (samples at ``sample_rate``)."""
        silero = _import_silero()
        at16 = [resample(w, sample_rate, VAD_SAMPLE_RATE) for w in waves]
        s = self.settings
        out = []
        for wave, w16, probs in zip(waves, at16, self.probabilities(at16)):
            stamps = silero.get_speech_timestamps_from_probs(
                probs.tolist(), sampling_rate=VAD_SAMPLE_RATE, threshold=s.threshold,
                min_speech_duration_ms=s.min_speech_ms, min_silence_duration_ms=s.min_silence_ms,
                speech_pad_ms=0, audio_length_samples=w16.shape[-1])
            scale = sample_rate / VAD_SAMPLE_RATE
            regions = tuple((int(round(r["start"] * scale)), min(wave.shape[-1], int(round(r["end"] * scale))))
                            for r in stamps)
            out.append(SpeechRegions(regions, wave.shape[-1], sample_rate))
        return out


def detect_speech(waves: Sequence[torch.Tensor], sample_rate: int,
                  settings: SpeechSettings | None = None) -> list[SpeechRegions]:
    """Speech regions and seconds of each wave; see :class:`SpeechDetector`."""
    return SpeechDetector(settings).detect(waves, sample_rate)


def trim_to_speech(waves: Sequence[torch.Tensor], sample_rate: int,
                   settings: SpeechSettings | None = None) -> list[torch.Tensor]:
    """Each wave cut to its span of speech as scoring cuts it (``settings.trim``, ``pad_s``), so
    that features for training see what scoring will show the model; a wave with less speech
    than ``settings.min_speech_s`` is kept whole (training data is speech by construction)."""
    settings = settings or SpeechSettings()
    if not settings.trim:
        return list(waves)
    out = []
    for wave, regions in zip(waves, detect_speech(waves, sample_rate, settings)):
        if regions.speech_s >= settings.min_speech_s and regions.regions:
            start, end = regions.span(settings.pad_s)
            wave = wave[start:end]
        out.append(wave)
    return out


__all__ = ["SpeechDetector", "SpeechRegions", "SpeechSettings", "VAD_SAMPLE_RATE", "detect_speech", "trim_to_speech"]
