"""ESD, the Emotional Speech Dataset (Zhou et al. 2021): ``<speaker>/<Emotion>/<speaker>_<nnnnnn>.wav``.

The released archive adds ``train/``, ``evaluation/`` or ``test/`` under each emotion folder
(``0011/Happy/train/0011_000981.wav``) and usually an extra top folder (``Emotion Speech
Dataset/``), so the tree is searched recursively and both shapes are accepted. Speakers 0001-0010
speak Mandarin (corpus ``ESD-Chinese``), 0011-0020 English (``ESD-English``); the paper reports the
two languages separately. Emotion folders are Angry, Happy, Neutral, Sad, Surprise for both.
Speakers' sexes follow the speaker list of the ESD release's readme (five female and five male
speakers per language, as Zhou et al. 2021 describe the corpus).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .layout import scan_corpus

CHINESE, ENGLISH = "ESD-Chinese", "ESD-English"
EXPECTED_NAMING = "<speaker 0001-0020>/<Angry|Happy|Neutral|Sad|Surprise>/[train|evaluation|test/]<speaker>_<nnnnnn>.wav"

EMOTIONS = {"angry": "angry", "happy": "happy", "neutral": "neutral", "sad": "sad", "surprise": "surprise"}
SPLITS = ("train", "evaluation", "test")

_NAME = re.compile(r"^(?P<speaker>\d{4})_(?P<utterance>\d{6})$")
COLUMNS = ("language", "split", "utterance", "sex")
_FEMALE = {"0001", "0002", "0003", "0007", "0009", "0015", "0016", "0017", "0018", "0019"}
SPEAKER_SEX = {f"{i:04d}": "female" if f"{i:04d}" in _FEMALE else "male" for i in range(1, 21)}


def parse_esd_path(path: str | os.PathLike) -> dict | None:
    """The fields of an ESD file from its name and the folders above it, or ``None`` when the path
    does not follow the layout (the speaker folder must match the file's speaker)."""
    path = Path(path)
    m = _NAME.match(path.stem)
    if m is None or not 1 <= int(m["speaker"]) <= 20:
        return None
    folders = [p.name for p in path.parents][:3]  # [split or emotion, emotion or speaker, ...]
    split = ""
    if folders and folders[0].lower() in SPLITS:
        split = folders[0].lower()
        folders = folders[1:]
    if len(folders) < 2 or folders[0].lower() not in EMOTIONS or folders[1] != m["speaker"]:
        return None
    speaker = m["speaker"]
    mandarin = int(speaker) <= 10
    return {
        "path": str(path),
        "corpus": CHINESE if mandarin else ENGLISH,
        "speaker": speaker,
        "emotion": EMOTIONS[folders[0].lower()],
        "language": "Mandarin" if mandarin else "English",
        "split": split,
        "utterance": int(m["utterance"]),
        "sex": SPEAKER_SEX[speaker],
    }


def read_esd(root: str | os.PathLike) -> pd.DataFrame:
    """All ESD files under ``root`` (searched recursively), one row per file.

    Columns: path, corpus (ESD-Chinese / ESD-English), speaker (``0001`` .. ``0020``), emotion,
    language, split (train / evaluation / test, empty when the tree has no split folders),
    utterance, sex. ``attrs["unmatched"]`` lists audio files that do not follow the layout.
    """
    return scan_corpus(root, "ESD", EXPECTED_NAMING, parse_esd_path, COLUMNS)
