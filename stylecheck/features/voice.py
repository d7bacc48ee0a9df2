"""Voice parameters in the spirit of eGeMAPS (Eyben et al., 2016), computed with Praat
(``parselmouth``), librosa and torch, with no non-commercial component.

Low-level descriptors (LLDs) on a grid of ``hop`` samples whose frame ``i`` is centred at
``i * hop`` (``n // hop + 1`` frames at 16 kHz). Version 2 (the default) analyses every 40 ms,
version 1 every 20 ms (:data:`VERSION_HOPS`); a checkpoint stores the version its head was
trained on. The 40 ms grid halves the cost of every analysis below; on 80 real files the
functionals correlate with the 20 ms grid's at median r 0.96 (F0 level, loudness and spectral
shape 0.96-1.00; F0 spread 0.86-0.92; formant spreads, jitter and voiced-segment statistics,
which it samples more coarsely, 0.68-0.85: ``benchmarks/voice_grid.py``, reports/model_v2/voice_grid.md), and the default model
was retrained and re-evaluated on version 2:

* from Praat's autocorrelation pitch analysis (the whole file in one call, at 8 kHz: F0 needs
  no more bandwidth and it halves the cost): F0 in semitones
  re 27.5 Hz, voicing, and the harmonics-to-noise ratio, which Praat defines from the same
  autocorrelation peak ``r`` as ``10 log10(r / (1 - r))`` (what ``To Harmonicity (ac)`` reports);
* from one STFT (64 ms Hann frames): loudness (sum of compressed mel-band power, as eGeMAPS' auditory spectrum),
  alpha ratio (50-1000 Hz over 1-5 kHz energy), Hammarberg index (strongest peak 0-2 kHz over
  2-5 kHz), spectral slopes 0-500 Hz and 500-1500 Hz, cepstral peak prominence, and on voiced
  frames H1-H2 and H1-A3 (harmonic amplitudes at F0, 2 F0 and the harmonic nearest F3);
* formants F1-F3 and their bandwidths from the roots of a Burg LPC fit (``librosa.lpc``, order
  10 at 11 kHz, 25 ms Hamming windows: Praat's ``To Formant (burg)`` settings) on voiced frames.

Utterance-level functionals (:data:`FUNCTIONAL_NAMES`) add Praat's local jitter and shimmer from
a glottal-pulse point process, and the rate of voiced segments.

Speed (measured, see reports/model_v2): Praat's own formant and harmonicity analyses cost more
than the rest of scoring together, so formants use the vectorised LPC above and HNR comes from
the pitch analysis; every analysis runs once over the whole file, on the version's grid.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch
from ..errors import InvalidValueError

SR = 16000
VERSION_HOPS = {1: 320, 2: 640}  # analysis grid per feature version: 20 ms, 40 ms
VOICE_VERSION = 2  # what new backbones compute
HOP = VERSION_HOPS[VOICE_VERSION]
PITCH_SR = 8000
LLD_NAMES = (
    "f0_semitone", "voiced", "loudness", "hnr_db", "cpp_db",
    "f1_hz", "f2_hz", "f3_hz", "f1_bw_hz", "f2_bw_hz", "f3_bw_hz",
    "alpha_ratio_db", "hammarberg_db", "slope_0_500", "slope_500_1500", "h1_h2_db", "h1_a3_db",
)
# Fixed affine scaling of each LLD to about unit range for frame-level heads (value - centre) / scale;
# chosen from the physical ranges of adult speech, not fitted to any data set.
LLD_CENTRE = np.array([36, 0.5, 3, 10, 10, 500, 1500, 2500, 150, 200, 250, -10, 20, 0, -10, 5, 10], dtype=np.float32)
LLD_SCALE = np.array([12, 0.5, 3, 10, 10, 300, 600, 600, 150, 200, 250, 10, 10, 30, 15, 10, 15], dtype=np.float32)

_F0_FLOOR, _F0_CEIL = 60.0, 500.0


def _semitones(f0: np.ndarray) -> np.ndarray:
    return 12.0 * np.log2(np.maximum(f0, 1e-3) / 27.5)


def hop_for(version: int) -> int:
    """Analysis hop (samples at 16 kHz) of a feature version; a clear error for an unknown one."""
    try:
        return VERSION_HOPS[int(version)]
    except (KeyError, ValueError, TypeError):
        raise InvalidValueError(f"unknown voice-parameter version {version!r} (known: {sorted(VERSION_HOPS)}); "
                         "the checkpoint needs a newer stylecheck") from None


def _pitch(wave: np.ndarray, n_frames: int, hop: int):
    """F0 (Hz, 0 when unvoiced) and autocorrelation strength on the analysis grid."""
    import parselmouth
    from scipy.signal import resample_poly

    snd = parselmouth.Sound(resample_poly(wave, PITCH_SR, SR), PITCH_SR)
    pitch = snd.to_pitch_ac(time_step=hop / SR, pitch_floor=_F0_FLOOR, pitch_ceiling=_F0_CEIL,
                            max_number_of_candidates=6)
    sel = pitch.selected_array
    f0_p, r_p = sel["frequency"], sel["strength"]
    # Praat's frames start at x1 (centred in the file); map each grid time to the nearest one.
    t = np.arange(n_frames) * hop / SR
    idx = np.rint((t - pitch.x1) / pitch.dx).astype(int)
    inside = (idx >= 0) & (idx < len(f0_p))
    f0 = np.zeros(n_frames)
    r = np.zeros(n_frames)
    f0[inside] = f0_p[idx[inside]]
    r[inside] = r_p[idx[inside]]
    return f0, r, snd, pitch


def _jitter_shimmer(snd, pitch) -> tuple[float, float]:
    """Praat's local jitter (relative) and local shimmer (dB) over the whole file."""
    from parselmouth.praat import call

    try:
        pp = call([snd, pitch], "To PointProcess (cc)")
        jitter = call(pp, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3)
        shimmer = call([snd, pp], "Get shimmer (local_dB)", 0, 0, 0.0001, 0.02, 1.3, 1.6)
    except Exception:  # Praat refuses files with too few glottal pulses
        return float("nan"), float("nan")
    return float(jitter), float(shimmer)


N_FFT = 1024  # 64 ms: resolves the first harmonics of low voices (15.6 Hz bins)


@lru_cache(maxsize=4)
def _stft_setup(n_fft: int):
    freqs = np.fft.rfftfreq(n_fft, 1.0 / SR)
    return torch.hann_window(n_fft), freqs


def _power_spectrum(wave: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Power spectrum ``[F, n_fft/2+1]`` of Hann frames centred on the grid (zero-padded ends)."""
    window, _ = _stft_setup(n_fft)
    x = torch.from_numpy(wave.astype(np.float32))
    spec = torch.stft(x, n_fft, hop, window=window, center=True, pad_mode="constant", return_complex=True)
    return torch.view_as_real(spec).pow(2).sum(-1).T.numpy()


@lru_cache(maxsize=2)
def _mel_fbank(n_fft: int) -> np.ndarray:
    import torchaudio.functional as AF

    return AF.melscale_fbanks(n_fft // 2 + 1, 20.0, 8000.0, 26, SR, norm=None, mel_scale="htk").numpy()


def _slope_weights(freqs: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Least-squares slope (dB per kHz) of a dB spectrum over ``lo``-``hi`` Hz as one dot product."""
    sel = (freqs >= lo) & (freqs <= hi)
    f = freqs[sel] / 1000.0
    w = np.zeros_like(freqs)
    w[sel] = (f - f.mean()) / ((f - f.mean()) ** 2).sum()
    return w


def _spectral_llds(wave: np.ndarray, n_frames: int, f0: np.ndarray, formant3: np.ndarray, hop: int):
    p = _power_spectrum(wave, N_FFT, hop)[:n_frames]
    _, freqs = _stft_setup(N_FFT)
    eps = 1e-10
    loud = (np.maximum(p @ _mel_fbank(N_FFT), 0.0) ** 0.3).sum(1)
    band = lambda lo, hi: (freqs >= lo) & (freqs < hi)  # noqa: E731
    alpha = 10 * np.log10((p[:, band(50, 1000)].sum(1) + eps) / (p[:, band(1000, 5000)].sum(1) + eps))
    hammar = 10 * np.log10((p[:, band(0, 2000)].max(1) + eps) / (p[:, band(2000, 5000)].max(1) + eps))
    db = 10 * np.log10(p + eps)
    slope1 = db @ _slope_weights(freqs, 0, 500)
    slope2 = db @ _slope_weights(freqs, 500, 1500)
    energy_db = 10 * np.log10(p.sum(1) + eps)
    # CPP only where it is defined (voiced frames): the cepstra are the costliest step here.
    cpp = np.zeros(n_frames)
    if (f0 > 0).any():
        cpp[f0 > 0] = _cpp(db[f0 > 0])
    db_f, freqs_f = db, freqs
    h1h2 = np.zeros(n_frames)
    h1a3 = np.zeros(n_frames)
    voiced = f0 > 0
    if voiced.any():
        df = freqs_f[1]
        rows = np.nonzero(voiced)[0]
        h1 = _peak_near(db_f[rows], f0[rows], 0.1 * f0[rows], df)
        h2 = _peak_near(db_f[rows], 2 * f0[rows], 0.1 * f0[rows], df)
        # A3: the harmonic nearest F3 (fall back to 2.5 kHz where no F3 was found).
        f3 = np.where(formant3[rows] > 0, formant3[rows], 2500.0)
        a3 = _peak_near(db_f[rows], np.rint(f3 / f0[rows]) * f0[rows], 0.1 * f0[rows], df)
        h1h2[rows] = h1 - h2
        h1a3[rows] = h1 - a3
    return loud, alpha, hammar, slope1, slope2, cpp, h1h2, h1a3, energy_db


def _peak_near(db: np.ndarray, centre: np.ndarray, half_width: np.ndarray, df: float) -> np.ndarray:
    """Per row, the largest dB value within ``centre +- half_width`` Hz (at least one bin each side)."""
    n_bins = db.shape[1]
    lo = np.clip(np.floor((centre - half_width) / df), 0, n_bins - 1).astype(int)
    hi = np.clip(np.ceil((centre + half_width) / df), 0, n_bins - 1).astype(int)
    hi = np.maximum(hi, lo + 1).clip(max=n_bins - 1)
    width = int((hi - lo).max()) + 1
    cols = lo[:, None] + np.arange(width)[None, :]
    valid = cols <= hi[:, None]
    vals = np.take_along_axis(db, np.minimum(cols, n_bins - 1), 1)
    return np.where(valid, vals, -np.inf).max(1)


def _cpp(db: np.ndarray) -> np.ndarray:
    """Cepstral peak prominence (Hillenbrand): the power cepstrum's peak between 1/500 and 1/60 s
    above the regression line fitted over 1 ms and beyond, in dB."""
    ceps = np.fft.irfft(db, axis=1)
    n = ceps.shape[1]
    q = np.arange(n) / SR  # quefrency, s
    fit, proj = _cpp_setup(n)
    power = 10 * np.log10(ceps[:, : n // 2] ** 2 + 1e-12)
    coef = power[:, fit] @ proj  # [F, 2]: slope, intercept
    search = np.nonzero((q >= 1 / _F0_CEIL) & (q <= 1 / _F0_FLOOR))[0]
    k = search[np.argmax(power[:, search], 1)]
    peak = power[np.arange(power.shape[0]), k]
    return peak - (coef[:, 0] * q[k] + coef[:, 1])


@lru_cache(maxsize=2)
def _cpp_setup(n: int):
    q = np.arange(n // 2) / SR
    fit = q >= 0.001
    A = np.stack([q[fit], np.ones(fit.sum())], 1)
    return fit, np.linalg.pinv(A).T  # least squares as one product


FORMANT_SR = 11000
_LPC_ORDER = 10


def _formants(wave: np.ndarray, n_frames: int, voiced: np.ndarray, hop: int) -> np.ndarray:
    """F1-F3 and bandwidths ``[F, 6]`` (0 where unvoiced or not found)."""
    import librosa
    from scipy.signal import resample_poly

    out = np.zeros((n_frames, 6))
    rows = np.nonzero(voiced)[0]
    if rows.size == 0:
        return out
    x = resample_poly(wave, FORMANT_SR // 1000, SR // 1000)
    x = np.append(x[0], x[1:] - 0.94 * x[:-1])  # pre-emphasis from ~100 Hz, as Praat's 50 Hz default
    win = int(0.025 * FORMANT_SR)
    pad = np.pad(x, (win, win))
    centres = np.rint(rows * hop / SR * FORMANT_SR).astype(int) + win
    idx = centres[:, None] - win // 2 + np.arange(win)[None, :]
    frames = pad[idx] * np.hamming(win)[None, :]
    # A faint fixed dither keeps digital-silence frames from making the LPC fit singular.
    frames += 1e-7 * np.random.default_rng(0).standard_normal(win)[None, :]
    try:
        a = librosa.lpc(frames, order=_LPC_ORDER, axis=-1)  # [N, order + 1]
    except FloatingPointError:
        return out
    comp = np.zeros((len(rows), _LPC_ORDER, _LPC_ORDER))
    comp[:, 0, :] = -a[:, 1:] / a[:, :1]
    comp[:, np.arange(1, _LPC_ORDER), np.arange(_LPC_ORDER - 1)] = 1.0
    # torch's batched eigensolver: about twice numpy's speed here, and it releases the GIL, so
    # the scoring workers overlap it.
    roots = torch.linalg.eigvals(torch.from_numpy(comp)).numpy()
    freq = np.angle(roots) * FORMANT_SR / (2 * math.pi)
    bw = -np.log(np.maximum(np.abs(roots), 1e-9)) * FORMANT_SR / math.pi
    ok = (freq > 90) & (freq < FORMANT_SR / 2 - 50) & (bw < 700) & np.isfinite(freq)
    freq = np.where(ok, freq, np.inf)
    order = np.argsort(freq, 1)[:, :3]
    f = np.take_along_axis(freq, order, 1)
    b = np.take_along_axis(bw, order, 1)
    found = np.isfinite(f)
    out[rows, :3] = np.where(found, f, 0.0)
    out[rows, 3:] = np.where(found, b, 0.0)
    return out


def n_frames_for(n_samples: int, hop: int = HOP) -> int:
    return n_samples // hop + 1


def voice_llds(wave: np.ndarray, hop: int = HOP) -> tuple[np.ndarray, dict]:
    """LLDs ``[F, len(LLD_NAMES)]`` (physical units) of a mono 16 kHz wave on a ``hop``-sample
    grid, and the file-level extras the functionals need (jitter, shimmer, frame energy, hop)."""
    wave = np.asarray(wave, dtype=np.float64)
    n = n_frames_for(len(wave), hop)
    if len(wave) < int(3 / _F0_FLOOR * SR) + 1:  # Praat needs three periods of the floor
        wave = np.pad(wave, (0, int(3 / _F0_FLOOR * SR) + 1 - len(wave)))
    f0, r, snd, pitch = _pitch(wave, n, hop)
    voiced = f0 > 0
    form = _formants(wave, n, voiced, hop)
    loud, alpha, hammar, s1, s2, cpp, h1h2, h1a3, energy_db = _spectral_llds(wave, n, f0, form[:, 2], hop)
    r = np.clip(r, 1e-4, 1 - 1e-4)
    hnr = np.where(voiced, 10 * np.log10(r / (1 - r)), 0.0)
    lld = np.column_stack([
        np.where(voiced, _semitones(f0), 0.0), voiced.astype(float), loud, hnr, cpp,
        form[:, 0], form[:, 1], form[:, 2], form[:, 3], form[:, 4], form[:, 5],
        alpha, hammar, s1, s2, h1h2, h1a3,
    ])
    jitter, shimmer = _jitter_shimmer(snd, pitch)
    return lld.astype(np.float32), {"jitter": jitter, "shimmer_db": shimmer, "energy_db": energy_db, "hop": hop}


FUNCTIONAL_NAMES = (
    "f0_mean", "f0_sd", "f0_p20", "f0_p50", "f0_p80", "f0_range_20_80",
    "loudness_mean", "loudness_sd", "loudness_p20", "loudness_p50", "loudness_p80",
    "jitter_local", "shimmer_local_db", "hnr_mean", "hnr_sd", "cpp_mean", "cpp_sd",
    "f1_mean", "f1_sd", "f2_mean", "f2_sd", "f3_mean", "f3_sd", "f1_bw_mean", "f2_bw_mean", "f3_bw_mean",
    "formant_dispersion",
    "alpha_ratio_voiced", "alpha_ratio_unvoiced", "hammarberg_voiced", "hammarberg_unvoiced",
    "slope_0_500_voiced", "slope_0_500_unvoiced", "slope_500_1500_voiced", "slope_500_1500_unvoiced",
    "h1_h2_mean", "h1_h2_sd", "h1_a3_mean", "h1_a3_sd",
    "voiced_fraction", "voiced_segments_per_s", "voiced_segment_mean_s", "voiced_segment_sd_s",
    "unvoiced_segment_mean_s",
)


def _mean_sd(x: np.ndarray) -> tuple[float, float]:
    return (float(np.mean(x)), float(np.std(x))) if x.size else (0.0, 0.0)


def _runs(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lengths (frames) of the runs of True and of False in ``flags``."""
    if flags.size == 0:
        return np.zeros(0), np.zeros(0)
    change = np.nonzero(np.diff(flags.astype(int)))[0] + 1
    bounds = np.concatenate([[0], change, [flags.size]])
    lengths = np.diff(bounds)
    values = flags[bounds[:-1]]
    return lengths[values], lengths[~values]


def voice_functionals(lld: np.ndarray, extras: dict) -> np.ndarray:
    """The utterance vector (:data:`FUNCTIONAL_NAMES`) from :func:`voice_llds`'s output.

    Statistics of voice-source and formant LLDs are over voiced frames; spectral-shape
    statistics are split voiced / unvoiced, where unvoiced frames more than 50 dB below the
    loudest frame (silence) are left out. Missing values (no voiced frame, no pulses) are 0."""
    col = {name: lld[:, i].astype(np.float64) for i, name in enumerate(LLD_NAMES)}
    voiced = col["voiced"] > 0.5
    energy = extras["energy_db"][: len(voiced)]
    active = energy > (energy.max() - 50 if energy.size else 0)
    unvoiced = ~voiced & active
    f0 = col["f0_semitone"][voiced]
    p20, p50, p80 = np.percentile(f0, [20, 50, 80]) if f0.size else (0.0, 0.0, 0.0)
    loud = col["loudness"][active] if active.any() else col["loudness"]
    lp = np.percentile(loud, [20, 50, 80]) if loud.size else (0.0, 0.0, 0.0)
    vals: list[float] = [*_mean_sd(f0), p20, p50, p80, p80 - p20, *_mean_sd(loud), *lp]
    vals += [extras["jitter"], extras["shimmer_db"]]
    vals += [*_mean_sd(col["hnr_db"][voiced]), *_mean_sd(col["cpp_db"][voiced])]
    fr = {k: col[k][voiced & (col["f1_hz"] > 0)] for k in ("f1_hz", "f2_hz", "f3_hz", "f1_bw_hz", "f2_bw_hz", "f3_bw_hz")}
    for k in ("f1_hz", "f2_hz", "f3_hz"):
        vals += list(_mean_sd(fr[k]))
    vals += [_mean_sd(fr[k])[0] for k in ("f1_bw_hz", "f2_bw_hz", "f3_bw_hz")]
    # Formant dispersion (mean spacing of F1-F3), which scales inversely with vocal-tract length.
    vals.append(float(np.mean(fr["f3_hz"] - fr["f1_hz"]) / 2) if fr["f1_hz"].size else 0.0)
    for k in ("alpha_ratio_db", "hammarberg_db", "slope_0_500", "slope_500_1500"):
        vals += [_mean_sd(col[k][voiced])[0], _mean_sd(col[k][unvoiced])[0]]
    vals += [*_mean_sd(col["h1_h2_db"][voiced]), *_mean_sd(col["h1_a3_db"][voiced])]
    v_runs, u_runs = _runs(voiced[active] if active.any() else voiced)
    frame_s = extras.get("hop", HOP) / SR
    seconds = max(active.sum(), 1) * frame_s
    vals += [float(voiced.mean()) if voiced.size else 0.0, len(v_runs) / seconds,
             *_mean_sd(v_runs * frame_s), _mean_sd(u_runs * frame_s)[0]]
    out = np.asarray(vals, dtype=np.float64)
    return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0).astype(np.float32)


def normalized_llds(lld: np.ndarray) -> np.ndarray:
    """LLDs in about unit range (fixed :data:`LLD_CENTRE` / :data:`LLD_SCALE`), unvoiced voice-source
    and formant values at 0, for frame-level heads."""
    z = (lld - LLD_CENTRE) / LLD_SCALE
    voiced = lld[:, 1:2] > 0.5
    source = np.array([n in ("f0_semitone", "hnr_db", "f1_hz", "f2_hz", "f3_hz", "f1_bw_hz", "f2_bw_hz",
                             "f3_bw_hz", "h1_h2_db", "h1_a3_db", "cpp_db") for n in LLD_NAMES])
    z = np.where(source[None, :] & ~voiced, 0.0, z)
    return np.clip(z, -6, 6).astype(np.float32)
