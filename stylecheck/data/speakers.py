"""Speakers across manifests: which speaker-id space a row's speaker belongs to, so that the
speakers a model was trained on (``ModelConfig.training_speakers``) are recognised in any other
manifest, however it was prepared.

LibriSpeech, LibriTTS and LibriTTS-R share LibriVox speaker ids, and LibriTTS-P and DreamVoiceDB
label those same speakers, so all of them are one space, ``librispeech``; VCTK ids are another,
``vctk`` (DreamVoiceDB rates speakers of both: its ``meta_audio_corpus`` column says which). Other
corpora (ESD, RAVDESS, EmoDB, ...) are each their own space, named by the ``corpus`` column.
Without a usable ``corpus`` column, the file name decides (LibriSpeech / LibriTTS names, VCTK names
inside the speaker's folder).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .corpora.librispeech import libri_speaker
from .corpora.vctk import VCTK_NAME, vctk_speaker_id

LIBRISPEECH = "librispeech"
VCTK = "vctk"
#: ``corpus`` / ``meta_audio_corpus`` values (lower case) and the speaker-id space they use.
CORPUS_SPACES = {"libritts_p": LIBRISPEECH, "librispeech": LIBRISPEECH, "libritts": LIBRISPEECH,
                 "libritts_r": LIBRISPEECH, "libritts-r": LIBRISPEECH, "vctk": VCTK}
#: Corpora whose rows may hold either space (the audio corpus or the file name decides).
MIXED = {"dreamvoice", ""}


def speaker_space(corpus: str | None, path: str, audio_corpus: str | None = None) -> str | None:
    """The speaker-id space of one row, or None when nothing tells."""
    audio, corpus = _clean(audio_corpus), _clean(corpus)
    for key in (audio, corpus):
        if key in CORPUS_SPACES:
            return CORPUS_SPACES[key]
    if corpus not in MIXED:
        return corpus
    if libri_speaker(path) is not None:
        return LIBRISPEECH
    p = Path(path)
    m = VCTK_NAME.match(p.name.split(".", 1)[0])
    if m and vctk_speaker_id(m.group(1)) == vctk_speaker_id(p.parent.name):
        return VCTK
    return None


def _clean(name) -> str:
    key = str(name if name is not None else "").strip().lower()
    return "" if key in ("nan", "none") else key


def speaker_id(space: str, speaker) -> str:
    """The canonical id within a space ('p225' for VCTK's '225'; '19' for LibriSpeech's '0019')."""
    s = str(speaker).strip()
    if space == VCTK:
        return vctk_speaker_id(s) or s
    if space == LIBRISPEECH and s.isdigit():
        return str(int(s))
    return s


def row_speakers(frame: pd.DataFrame) -> list[tuple[str, str] | None]:
    """(space, canonical id) per manifest row; None where the row has no speaker or no space."""
    if "speaker" not in frame:
        return [None] * len(frame)
    corpus = frame["corpus"].astype(str) if "corpus" in frame else pd.Series([""] * len(frame), index=frame.index)
    audio = (frame["meta_audio_corpus"].astype(str) if "meta_audio_corpus" in frame
             else pd.Series([""] * len(frame), index=frame.index))
    out = []
    for spk, c, a, path in zip(frame["speaker"], corpus, audio, frame["path"].astype(str)):
        if spk is None or (isinstance(spk, float) and np.isnan(spk)) or str(spk).strip() == "":
            out.append(None)
            continue
        space = speaker_space(c, path, a)
        out.append(None if space is None else (space, speaker_id(space, spk)))
    return out


def training_speakers(frames: Iterable[pd.DataFrame]) -> dict[str, list[str]]:
    """Space -> sorted canonical speaker ids of every row of ``frames`` (for the model config)."""
    found: dict[str, set[str]] = {}
    for frame in frames:
        for key in row_speakers(frame):
            if key is not None:
                found.setdefault(key[0], set()).add(key[1])
    return {space: sorted(ids, key=lambda s: (len(s), s)) for space, ids in sorted(found.items())}


def seen_in_training(frame: pd.DataFrame, trained: Mapping[str, Iterable[str]]) -> np.ndarray:
    """Per manifest row: whether its speaker is one of ``trained`` (a config's ``training_speakers``)."""
    known = {space: {speaker_id(space, s) for s in ids} for space, ids in trained.items()}
    return np.array([key is not None and key[1] in known.get(key[0], ()) for key in row_speakers(frame)], dtype=bool)


__all__ = ["CORPUS_SPACES", "LIBRISPEECH", "VCTK", "row_speakers", "seen_in_training", "speaker_id", "speaker_space",
           "training_speakers"]
