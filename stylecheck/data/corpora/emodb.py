"""Berlin EmoDB (Burkhardt et al. 2005): ``wav/SSTTTEV.wav``, e.g. ``03a01Fa.wav``.

Speaker (two digits), text code (three characters, ``a01`` .. ``b10``), emotion letter (German
initials: W Wut/anger, L Langeweile/boredom, E Ekel/disgust, A Angst/fear, F Freude/happiness,
T Trauer/sadness, N neutral) and version letter. The ten speakers' sexes are documented with the
corpus, so a name with another speaker number is not an EmoDB name.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .layout import scan_corpus

CORPUS = "EmoDB"
EXPECTED_NAMING = "wav/SSTTTEV.wav (e.g. 03a01Fa.wav)"

EMOTIONS = {
    "W": "angry", "L": "boredom", "E": "disgust", "A": "fear",
    "F": "happy", "T": "sad", "N": "neutral",
}
SPEAKER_SEX = {
    "03": "male", "08": "female", "09": "female", "10": "male", "11": "male",
    "12": "male", "13": "female", "14": "female", "15": "male", "16": "female",
}

_NAME = re.compile(r"^(?P<speaker>\d{2})(?P<text>[a-z]\d{2})(?P<emotion>[WLEAFTN])(?P<version>[a-z])$")
COLUMNS = ("text", "version", "sex")


def parse_emodb_name(path: str | os.PathLike) -> dict | None:
    """The fields of an EmoDB file name, or ``None`` when the name does not follow the convention."""
    path = Path(path)
    m = _NAME.match(path.stem)
    if m is None or m["speaker"] not in SPEAKER_SEX:
        return None
    return {
        "path": str(path),
        "corpus": CORPUS,
        "speaker": m["speaker"],
        "emotion": EMOTIONS[m["emotion"]],
        "text": m["text"],
        "version": m["version"],
        "sex": SPEAKER_SEX[m["speaker"]],
    }


def read_emodb(root: str | os.PathLike) -> pd.DataFrame:
    """All EmoDB files under ``root`` (the corpus folder or its ``wav/``; searched recursively).

    Columns: path, corpus, speaker, emotion, text, version, sex. ``attrs["unmatched"]`` lists
    audio files whose names are not EmoDB names.
    """
    return scan_corpus(root, CORPUS, EXPECTED_NAMING, parse_emodb_name, COLUMNS)
