"""Small generated corpus trees in the real LibriSpeech / LibriTTS-R / VCTK layouts, and the
hand-checked LibriTTS-P example used by several tests."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from helpers import write_wav


def tone(path: Path, sr: int = 16000, seconds: float = 0.05, f0: float = 220.0) -> Path:
    """A short sine, written as FLAC or WAV by the file's suffix."""
    t = np.arange(int(sr * seconds)) / sr
    return write_wav(path, (0.1 * np.sin(2 * np.pi * f0 * t)).astype(np.float32), sr)


# Three annotators, hand-checked votes (see test_libritts_p_votes_by_hand):
#   1: Female 3, Teenager 2 (adult-like casts no vote), Bright 2 (bright, thin) vs Dark 1,
#      Smooth 2 (soft, clear) vs Rough 1
#   2: Male 3, Adult 3 (middle-aged, mature, old), Dark 2 (dark, muffled) vs Bright 1 (light),
#      Rough 2 vs Smooth 1 (annotator 2 chose both raspy and soft)
#   3: Female 3, Teenager 2 vs Adult 1, Bright 2 vs Dark 1, Rough 2 vs Smooth 2 -> tie, unknown
#   4: Male 2 (gender-neutral is no vote), Adult 2, Dark 1 vs Bright 1 -> unknown, Rough 1 -> unknown
#   5: on the excluded list; 6: annotated without audio; 7 (audio only): not annotated
LIBRITTS_P_ANNOTATORS = [
    {"1": "very feminine,slightly young,bright,soft", "2": "masculine,adult-like,middle-aged,dark,raspy",
     "3": "feminine,young,thick,clear", "4": "masculine,gender-neutral,old,calm", "5": "feminine,friendly",
     "6": "masculine"},
    {"1": "feminine,young,thin,raspy", "2": "masculine,mature,muffled,raspy,soft", "3": "feminine,young,bright,raspy",
     "4": "gender-neutral,slightly old,bright,sparkly", "5": "feminine", "6": "masculine"},
    {"1": "feminine,adult-like,dark,clear", "2": "very masculine,slightly old,light",
     "3": "feminine,mature,thin,soft,raspy", "4": "masculine,dark,raspy", "5": "masculine", "6": "masculine"},
]

SPEAKERS_TXT = """; LibriSpeech speakers (generated)
;ID  |SEX| SUBSET           |MINUTES| NAME
1    | F | train-clean-360  | 25.03 | One
2    | M | train-clean-100  | 25.11 | Two
3    | M | train-clean-100  | 25.04 | Three
4    | M | train-clean-360  | 25.19 | Four
"""


def write_libritts_p(root: Path) -> dict:
    """Annotation files, excluded list, SPEAKERS.TXT and audio in three Libri layouts under ``root``."""
    ann = []
    for i, files in enumerate(LIBRITTS_P_ANNOTATORS, start=1):
        path = root / "libritts_p" / f"df{i}_en.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{spk}|{kws}\n" for spk, kws in files.items()))
        ann.append(path)
    excluded = root / "libritts_p" / "excluded_spk_list.txt"
    excluded.write_text("5\n8\n")
    audio = root / "audio"
    (audio / "SPEAKERS.TXT").parent.mkdir(parents=True, exist_ok=True)
    (audio / "SPEAKERS.TXT").write_text(SPEAKERS_TXT)
    tone(audio / "LibriTTS_R/train-clean-360/1/100/1_100_000001_000000.wav")
    tone(audio / "LibriTTS_R/train-clean-360/1/100/1_100_000002_000001.wav")
    tone(audio / "LibriSpeech/train-clean-100/2/200/2-200-0000.flac")
    tone(audio / "flat/3-300-0001.flac")
    tone(audio / "LibriTTS_R/train-clean-360/4/400/4_400_000003_000000.wav")
    tone(audio / "flat/5-500-0000.flac")
    tone(audio / "flat/7-700-0000.flac")
    (audio / "flat/readme.txt").write_text("not audio")
    return {"annotations": ann, "excluded": excluded, "audio": audio}


DREAMVOICE_RATINGS = """speaker_id,gender,age,dark_bright,rough_smooth,attractive,profession
p225,Female,Teenager,Bright,,,[]
p226,Male,Senior,Dark,Rough,,[]
p227,Ambiguous,Adult,,Smooth,,[]
s5,Female,Adult,,,,[]
1034,Male,Teenager,Bright,Smooth,,[]
240,Female,Adult,Dark,,,[]
p240,Male,Adult,,,,[]
9999,Male,Adult,,,,[]
"""


def write_dreamvoice(root: Path) -> dict:
    """Ratings plus audio in the VCTK 0.80, VCTK 0.92, shared-data and LibriTTS-R layouts.

    Expected audio: p225 2 files, p226 2 (mic1 only), p227 1 (folder '227'), s5 1, p240 1,
    1034 1; 240 (LibriTTS-R, not VCTK p240) and 9999 have none.
    """
    ratings = root / "merged_speaker_ratings.csv"
    root.mkdir(parents=True, exist_ok=True)
    ratings.write_text(DREAMVOICE_RATINGS)
    audio = root / "audio"
    tone(audio / "VCTK-Corpus/wav48/p225/p225_001.wav", sr=48000)
    tone(audio / "VCTK-Corpus/wav48/p225/p225_002.wav", sr=48000)
    tone(audio / "VCTK-0.92/wav48_silence_trimmed/p226/p226_001_mic1.flac")
    tone(audio / "VCTK-0.92/wav48_silence_trimmed/p226/p226_001_mic2.flac")
    tone(audio / "VCTK-0.92/wav48_silence_trimmed/p226/p226_002_mic1.flac")
    tone(audio / "copy/227/227_003.flac")
    tone(audio / "vctk/s5/s5_001.flac")
    tone(audio / "vctk/p240/p240_901.flac", sr=24000)
    tone(audio / "vctk/notes/p999_001.flac")  # speaker folder does not match: ignored
    tone(audio / "LibriTTS_R/train-clean-360/1034/121119/1034_121119_000001_000000.wav", sr=24000)
    return {"ratings": ratings, "audio": audio}
