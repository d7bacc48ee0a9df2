"""Level and noise: integrated loudness (ITU-R BS.1770, ``pyloudnorm``), a vocal-effort cue (alpha
ratio over voiced speech) and the signal-to-noise ratio estimated from the file alone.

Loudness is measured on the detected speech regions joined end to end, so leading and trailing
silence and pauses do not lower it (BS.1770's own gates would drop most of them too). Many
systems normalise their output level, so loudness says how loud the file is, not how loudly the
voice speaks; the alpha ratio (energy 50-1000 Hz over 1-5 kHz, Sundberg & Nordenberg; eGeMAPS'
definition, as in ``features/voice.py``) falls as vocal effort rises and does not change with gain.

SNR: with at least :data:`MIN_NOISE_S` of non-speech (outside the speech regions, 50 ms away from
their edges, whose hangover holds speech), ``10 log10((P_speech - P_noise) / P_noise)`` from mean
powers ("vad"); otherwise, or where the non-speech is louder than the speech (a detector that
took noise for speech), WADA-SNR (Kim & Stern 2008) over the speech ("wada"). Values are
clipped to [-10, 60] dB: digital silence between words (common in synthetic speech) makes the
noise power zero and the ratio unbounded; 60 dB means "no noise measurable".
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

SR = 16000
MIN_NOISE_S = 0.3
EDGE_S = 0.05
SNR_FLOOR_DB, SNR_CEIL_DB = -10.0, 60.0
#: BS.1770 measures in 400 ms blocks: less speech gives no integrated loudness.
MIN_LOUDNESS_S = 0.4
_N_FFT = 512


def speech_samples(wave: np.ndarray, regions) -> np.ndarray:
    return np.concatenate([wave[s:e] for s, e in regions]) if regions else np.zeros(0)


def loudness_lufs(wave: np.ndarray, regions, sample_rate: int = SR) -> tuple[float | None, str | None]:
    import pyloudnorm

    speech = speech_samples(wave, regions)
    if speech.size < MIN_LOUDNESS_S * sample_rate:
        return None, f"too little speech for BS.1770: {speech.size / sample_rate:.2f} s (minimum {MIN_LOUDNESS_S} s)"
    value = pyloudnorm.Meter(sample_rate).integrated_loudness(speech.astype(np.float64))
    if not np.isfinite(value):
        return None, "the speech lies below BS.1770's absolute gate (-70 LUFS)"
    return float(value), None


def alpha_ratio_db(wave: np.ndarray, voiced_times: np.ndarray, sample_rate: int = SR) -> tuple[float | None, str | None]:
    """Alpha ratio in dB over the 32 ms frames centred at ``voiced_times`` (summed powers)."""
    if voiced_times.size == 0:
        return None, "no voiced speech"
    centres = np.rint(voiced_times * sample_rate).astype(int)
    padded = np.pad(np.asarray(wave, dtype=np.float64), _N_FFT // 2)
    frames = padded[centres[:, None] + np.arange(_N_FFT)[None, :]] * np.hanning(_N_FFT)
    power = (np.abs(np.fft.rfft(frames, axis=1)) ** 2).sum(0)
    freqs = np.fft.rfftfreq(_N_FFT, 1.0 / sample_rate)
    low = power[(freqs >= 50) & (freqs < 1000)].sum()
    high = power[(freqs >= 1000) & (freqs < 5000)].sum()
    if low <= 0 or high <= 0:
        return None, "no energy in one of the alpha-ratio bands"
    return float(10 * np.log10(low / high)), None


@lru_cache(maxsize=1)
def _wada_table() -> tuple[np.ndarray, np.ndarray]:
    """G = log E|x| - E log|x| of gamma-distributed speech (shape 0.4, random sign) plus Gaussian
    noise, against SNR; Monte Carlo with a fixed seed (Kim & Stern tabulate the same statistic)."""
    rng = np.random.default_rng(0)
    n = 200_000
    speech = rng.gamma(0.4, 1.0, n) * rng.choice([-1.0, 1.0], n)
    speech /= np.sqrt(np.mean(speech ** 2))
    noise = rng.standard_normal(n)
    # -10..75 dB: the clip range; below -10 dB G flattens into the Monte Carlo noise.
    snrs = np.arange(-10.0, 76.0, 1.0)
    g = np.empty_like(snrs)
    for i, snr in enumerate(snrs):
        x = np.abs(speech * 10 ** (snr / 20) + noise)
        g[i] = np.log(x.mean()) - np.log(np.maximum(x, 1e-20)).mean()
    return snrs, g


def wada_snr(x: np.ndarray) -> float:
    x = np.abs(np.asarray(x, dtype=np.float64))
    x = x[x > 0]
    if x.size == 0:
        return SNR_CEIL_DB
    g = np.log(x.mean()) - np.log(x).mean()
    snrs, table = _wada_table()
    return float(np.interp(g, table, snrs))  # G rises with SNR


def snr_db(wave: np.ndarray, regions, sample_rate: int = SR) -> tuple[float | None, str | None, str | None]:
    """(SNR in dB, reason when None, method: 'vad' or 'wada')."""
    if not regions:
        return None, "no speech detected", None
    wave = np.asarray(wave, dtype=np.float64)
    speech = speech_samples(wave, regions)
    edge = int(EDGE_S * sample_rate)
    away = np.ones(wave.size, dtype=bool)
    for s, e in regions:
        away[max(0, s - edge):e + edge] = False
    noise = wave[away]
    p_speech = float(np.mean(speech ** 2))
    if noise.size >= MIN_NOISE_S * sample_rate:
        p_noise = float(np.mean(noise ** 2))
        if p_speech > p_noise:
            ratio = (p_speech - p_noise) / max(p_noise, 1e-30)
            return float(np.clip(10 * np.log10(max(ratio, 1e-30)), SNR_FLOOR_DB, SNR_CEIL_DB)), None, "vad"
    if p_speech <= 0:
        return None, "the speech regions are digital silence", None
    return float(np.clip(wada_snr(speech), SNR_FLOOR_DB, SNR_CEIL_DB)), None, "wada"
