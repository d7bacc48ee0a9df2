"""One pitch track per file (Praat's autocorrelation method), and the pitch measures on it.

Why not the track of ``stylecheck/features/voice.py``: that one is part of the model's input
(a fixed 60-500 Hz search on a 40 ms grid, which trained checkpoints depend on). The measures
need a finer grid (20 ms: the syllable-nucleus detector checks voicing at intensity peaks; 10 ms
cost twice as much and moved no validation figure) and a
search range per gender, the usual remedy against octave errors (Praat's manual advises
75-300 Hz for male and 100-500 Hz for female voices; the ranges below are widened by a few
semitones so that a low-pitched man or a high-pitched woman, which prompts ask for, still
fit). With the gender unknown the search spans both (50-600 Hz): more octave-error risk, which
``benchmarks/attribute_validation.py`` measures. Like ``voice.py`` the analysis runs at 8 kHz:
F0 needs no more bandwidth and it halves the cost.

Against spurious frames: a 60 Hz high-pass first (mains hum and rumble, common in read-speech
corpora, otherwise come out as "voiced" frames at 55-65 Hz; the fundamental of a low voice
survives as its harmonics, which the autocorrelation uses), and a voicing threshold of 0.5
and silence threshold of 0.05 instead of Praat's 0.45 and 0.03: on LibriSpeech files the
defaults let through frames of breath and hum that widened the 5-95 % range by 20 semitones.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SR = 16000
PITCH_SR = 8000
TIME_STEP = 0.02
#: Search ranges in Hz: (floor, ceiling) per gender key; ``None`` is the unknown gender.
F0_RANGES: dict[str | None, tuple[float, float]] = {
    "Male": (50.0, 350.0),
    "Female": (90.0, 600.0),
    None: (50.0, 600.0),
}
#: Less voiced speech than this gives no pitch measure: a median and a 5-95 % range over fewer
#: than 15 frames of 20 ms rest on one or two syllables.
MIN_VOICED_S = 0.3
HIGHPASS_HZ = 60.0
SILENCE_THRESHOLD = 0.05
VOICING_THRESHOLD = 0.5


@lru_cache(maxsize=1)
def _highpass():
    from scipy.signal import butter

    return butter(4, HIGHPASS_HZ, "highpass", fs=PITCH_SR, output="sos")


def f0_range_for(gender: str | None) -> tuple[float, float]:
    """The F0 search range for a gender key ('Female', 'Male'; anything else is unknown)."""
    return F0_RANGES.get(gender if gender in ("Female", "Male") else None)


@dataclass(frozen=True)
class PitchTrack:
    """F0 in Hz (0 where unvoiced) at ``times`` seconds, :data:`TIME_STEP` apart, and the range searched."""

    times: np.ndarray
    f0: np.ndarray
    floor_hz: float
    ceiling_hz: float

    def voiced_in(self, regions: tuple[tuple[int, int], ...], sample_rate: int) -> np.ndarray:
        """Mask of voiced frames whose centre lies inside one of ``regions`` (samples)."""
        inside = np.zeros(self.times.shape, dtype=bool)
        for start, end in regions:
            inside |= (self.times >= start / sample_rate) & (self.times < end / sample_rate)
        return inside & (self.f0 > 0)

    def voiced_at(self, t: np.ndarray) -> np.ndarray:
        """Whether the frame nearest each time in ``t`` is voiced."""
        if self.times.size == 0:
            return np.zeros(np.shape(t), dtype=bool)
        step = self.times[1] - self.times[0] if self.times.size > 1 else TIME_STEP
        idx = np.clip(np.rint((np.asarray(t) - self.times[0]) / step).astype(int), 0, self.times.size - 1)
        return self.f0[idx] > 0


def pitch_track(wave: np.ndarray, gender: str | None = None) -> PitchTrack:
    """Praat ``To Pitch (ac)`` of a 16 kHz mono wave, with the gender's search range."""
    import parselmouth
    from scipy.signal import resample_poly, sosfiltfilt

    floor, ceiling = f0_range_for(gender)
    wave = np.asarray(wave, dtype=np.float64)
    if wave.size < int(3 / floor * SR) + 1:  # Praat needs three periods of the floor
        return PitchTrack(np.zeros(0), np.zeros(0), floor, ceiling)
    x = sosfiltfilt(_highpass(), resample_poly(wave, PITCH_SR, SR))
    pitch = parselmouth.Sound(x, PITCH_SR).to_pitch_ac(
        time_step=TIME_STEP, pitch_floor=floor, pitch_ceiling=ceiling, max_number_of_candidates=15,
        silence_threshold=SILENCE_THRESHOLD, voicing_threshold=VOICING_THRESHOLD)
    f0 = np.asarray(pitch.selected_array["frequency"], dtype=np.float64)
    return PitchTrack(np.asarray(pitch.xs(), dtype=np.float64), f0, floor, ceiling)


def semitones(ratio: float | np.ndarray) -> float | np.ndarray:
    return 12.0 * np.log2(ratio)


def pitch_measures(track: PitchTrack, regions, sample_rate: int) -> tuple[dict, dict]:
    """``f0_median_hz`` and ``f0_range_st`` (5th-95th percentile of voiced F0) over the speech
    regions, each ``None`` with a reason where there is too little voiced speech."""
    voiced = track.f0[track.voiced_in(regions, sample_rate)]
    seconds = voiced.size * (track.times[1] - track.times[0] if track.times.size > 1 else TIME_STEP)
    if seconds < MIN_VOICED_S:
        why = f"too little voiced speech: {seconds:.2f} s (minimum {MIN_VOICED_S} s)"
        return {"f0_median_hz": None, "f0_range_st": None}, {"f0_median_hz": why, "f0_range_st": why}
    p5, p50, p95 = np.percentile(voiced, [5, 50, 95])
    return {"f0_median_hz": float(p50), "f0_range_st": float(semitones(p95 / p5))}, {}
