"""Channel augmentation: random recording-chain changes that should not change a voice's labels.

Each call draws, independently: band-limiting (resampling to 8, 11.025 or 12 kHz and back, as
telephone / old codecs), an EQ tilt (bass and treble shelves of opposite sign, up to ±6 dB), a
codec-like low-pass (3.5-7 kHz), optionally room reverberation (``reverb``: a synthetic impulse
response, the direct sound plus exponentially decaying noise, RT60 0.2-0.8 s, direct-to-reverberant
ratio 0-12 dB; off by default: in the v2 protocol it lowered the fused model's leave-one-corpus-out
and CV figures, reports/model_v2/summary.md), additive noise at 10-35 dB SNR (white or pink),
and a loudness change (-18 to +6 dB, clipped at full scale). The corpora differ in exactly such
ways (VCTK: studio microphones at 48 kHz; LibriSpeech: home recordings, MP3-derived; other
corpora: devices in real rooms), so a model trained on varied channels has less reason to learn
the recording instead of the voice.
"""
from __future__ import annotations

import numpy as np
import torch
import torchaudio.functional as AF

BAND_LIMIT_RATES = (8000, 11025, 12000)
#: Bumped whenever the recipe changes, so stored augmented features are recomputed.
AUGMENT_VERSION = 1


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec))
    spec[1:] /= np.sqrt(f[1:])
    x = np.fft.irfft(spec, n)
    return x / (x.std() + 1e-12)


def room_impulse_response(sample_rate: int, rng: np.random.Generator) -> torch.Tensor:
    """A synthetic room impulse response: a unit direct path, then noise whose energy decays by
    60 dB over RT60 (0.2-0.8 s), scaled to a direct-to-reverberant ratio of 0-12 dB."""
    rt60 = float(rng.uniform(0.2, 0.8))
    drr_db = float(rng.uniform(0.0, 12.0))
    n = int(rt60 * sample_rate)
    t = np.arange(1, n) / sample_rate
    tail = rng.standard_normal(n - 1) * 10 ** (-3.0 * t / rt60)  # -60 dB of energy at rt60
    tail *= np.sqrt(10 ** (-drr_db / 10) / (tail**2).sum())
    return torch.from_numpy(np.concatenate([[1.0], tail]).astype(np.float32))


def channel_augment(wave: torch.Tensor, sample_rate: int, rng: np.random.Generator,
                    reverb: float = 0.0) -> torch.Tensor:
    """One random channel variant of a mono float wave (same length and rate); ``reverb`` is the
    probability of room reverberation (0: never, and no random draw for it, so the variants are
    those of the recipe without it)."""
    x = wave.float().clone()
    n = x.shape[-1]
    if rng.random() < 0.4:
        low = int(rng.choice(BAND_LIMIT_RATES))
        x = AF.resample(AF.resample(x, sample_rate, low), low, sample_rate)[..., :n]
        if x.shape[-1] < n:
            x = torch.nn.functional.pad(x, (0, n - x.shape[-1]))
    if rng.random() < 0.5:
        tilt = float(rng.uniform(-6, 6))
        x = AF.bass_biquad(x, sample_rate, gain=tilt, central_freq=300.0)
        x = AF.treble_biquad(x, sample_rate, gain=-tilt, central_freq=3000.0)
    if rng.random() < 0.3:
        x = AF.lowpass_biquad(x, sample_rate, cutoff_freq=float(rng.uniform(3500, 7000)))
    if reverb > 0 and rng.random() < reverb:
        x = AF.fftconvolve(x, room_impulse_response(sample_rate, rng))[..., :n]
    if rng.random() < 0.5:
        snr = float(rng.uniform(10, 35))
        noise = rng.standard_normal(n) if rng.random() < 0.5 else _pink(n, rng)
        power = float((x**2).mean()) + 1e-12
        x = x + torch.from_numpy(noise.astype(np.float32)) * float(np.sqrt(power / 10 ** (snr / 10)))
    gain = 10 ** (float(rng.uniform(-18, 6)) / 20)
    return (x * gain).clamp(-1.0, 1.0)
