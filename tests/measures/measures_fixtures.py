"""Fixtures for the measure tests: a short real speech file shipped with the package (flite's
'slt' voice, 172 Hz median F0 by its provenance), changed with Praat by known amounts."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

EXAMPLE = Path(__file__).resolve().parents[2] / "stylecheck" / "examples" / "audio" / "flite" / "utt01.flac"
TEXT = "The morning train leaves at seven, so please be on time."
SR = 16000


@lru_cache(maxsize=1)
def example() -> np.ndarray:
    from stylecheck.audio.load import load_audio

    return load_audio(EXAMPLE).numpy().astype(np.float64)


def regions_of(wave: np.ndarray):
    import torch

    from stylecheck.audio.vad import detect_speech

    return detect_speech([torch.from_numpy(wave.astype(np.float32))], SR)[0]


def praat_pitch_shift(wave: np.ndarray, semitones: float) -> np.ndarray:
    import parselmouth
    from parselmouth.praat import call

    man = call(parselmouth.Sound(wave, SR), "To Manipulation", 0.01, 75, 600)
    tier = call(man, "Extract pitch tier")
    call(tier, "Shift frequencies", 0, 1000, semitones, "semitones")
    call([tier, man], "Replace pitch tier")
    return np.asarray(call(man, "Get resynthesis (overlap-add)").values[0], dtype=np.float64)


def praat_tempo(wave: np.ndarray, factor: float) -> np.ndarray:
    import parselmouth
    from parselmouth.praat import call

    snd = parselmouth.Sound(wave, SR)
    man = call(snd, "To Manipulation", 0.01, 75, 600)
    dur = call(man, "Extract duration tier")
    call(dur, "Add point", 0.0, 1.0 / factor)
    call([man, dur], "Replace duration tier")
    return np.asarray(call(man, "Get resynthesis (overlap-add)").values[0], dtype=np.float64)
