"""Channel augmentation: random recording-chain changes that should not change a voice's labels.

Each call draws, independently: band-limiting (resampling to 8, 11.025 or 12 kHz and back, as
telephone / old codecs), an EQ tilt (bass and treble shelves of opposite sign, up to ±6 dB), a
codec-like low-pass (3.5-7 kHz), additive noise at 10-35 dB SNR (white or pink), and a loudness
change (-18 to +6 dB, clipped at full scale). The corpora differ in exactly such ways (VCTK:
studio microphones at 48 kHz; LibriSpeech: home recordings, MP3-derived), so a model trained on
varied channels has less reason to learn the recording instead of the voice.
"""
from __future__ import annotations

import numpy as np
import torch
import torchaudio.functional as AF

BAND_LIMIT_RATES = (8000, 11025, 12000)


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec))
    spec[1:] /= np.sqrt(f[1:])
    x = np.fft.irfft(spec, n)
    return x / (x.std() + 1e-12)


def channel_augment(wave: torch.Tensor, sample_rate: int, rng: np.random.Generator) -> torch.Tensor:
    """One random channel variant of a mono float wave (same length and rate)."""
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
    if rng.random() < 0.5:
        snr = float(rng.uniform(10, 35))
        noise = rng.standard_normal(n) if rng.random() < 0.5 else _pink(n, rng)
        power = float((x**2).mean()) + 1e-12
        x = x + torch.from_numpy(noise.astype(np.float32)) * float(np.sqrt(power / 10 ** (snr / 10)))
    gain = 10 ** (float(rng.uniform(-18, 6)) / 20)
    return (x * gain).clamp(-1.0, 1.0)
