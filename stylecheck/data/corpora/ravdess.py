"""RAVDESS (Livingstone & Russo 2018): ``Actor_NN/MM-VV-EE-II-SS-RR-AA.wav``.

The seven two-digit fields are modality (01 full AV, 02 video only, 03 audio only), vocal channel
(01 speech, 02 song), emotion, intensity (01 normal, 02 strong), statement, repetition and actor
(odd actors male, even female). Only audio files are read (video files have other extensions);
song files are not speech and are left out, counted in ``frame.attrs["song_files"]``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .layout import scan_corpus

CORPUS = "RAVDESS"
EXPECTED_NAMING = "Actor_NN/03-01-EE-II-SS-RR-AA.wav"

EMOTIONS = {
    "01": "neutral", "02": "calm", "03": "happy", "04": "sad",
    "05": "angry", "06": "fear", "07": "disgust", "08": "surprise",
}
INTENSITIES = {"01": "normal", "02": "strong"}
SPEECH, SONG = "01", "02"

_NAME = re.compile(
    r"^(?P<modality>0[123])-(?P<channel>0[12])-(?P<emotion>0[1-8])-(?P<intensity>0[12])"
    r"-(?P<statement>0[12])-(?P<repetition>0[12])-(?P<actor>\d{2})$"
)
COLUMNS = ("vocal_channel", "intensity", "statement", "repetition", "actor", "sex")


def parse_ravdess_name(path: str | os.PathLike) -> dict | None:
    """The fields of a RAVDESS file name, or ``None`` when the name does not follow the convention."""
    path = Path(path)
    m = _NAME.match(path.stem)
    if m is None or not 1 <= int(m["actor"]) <= 24:
        return None
    actor = int(m["actor"])
    return {
        "path": str(path),
        "corpus": CORPUS,
        "speaker": f"Actor_{actor:02d}",
        "emotion": EMOTIONS[m["emotion"]],
        "vocal_channel": "speech" if m["channel"] == SPEECH else "song",
        "intensity": INTENSITIES[m["intensity"]],
        "statement": int(m["statement"]),
        "repetition": int(m["repetition"]),
        "actor": actor,
        "sex": "male" if actor % 2 else "female",
    }


def read_ravdess(root: str | os.PathLike, include_song: bool = False) -> pd.DataFrame:
    """All RAVDESS speech files under ``root`` (searched recursively), one row per file.

    Columns: path, corpus, speaker (``Actor_NN``), emotion, vocal_channel, intensity (normal /
    strong), statement, repetition, actor, sex. ``attrs["unmatched"]`` lists audio files whose
    names are not RAVDESS names; ``attrs["song_files"]`` counts song files left out.
    """
    frame = scan_corpus(root, CORPUS, EXPECTED_NAMING, parse_ravdess_name, COLUMNS)
    song = frame["vocal_channel"] == "song"
    frame.attrs["song_files"] = 0 if include_song else int(song.sum())
    if not include_song:
        attrs = dict(frame.attrs)
        frame = frame[~song].reset_index(drop=True)
        frame.attrs.update(attrs)
    return frame
