"""Finding VCTK audio by speaker.

Accepted layouts (the speaker folder must match the file's speaker, so stray files are ignored):

* VCTK 0.80: ``wav48/<spk>/<spk>_<nnn>.wav``;
* VCTK 0.92: ``wav48_silence_trimmed/<spk>/<spk>_<nnn>_mic1.flac`` (and ``_mic2``);
* the simpler ``<spk>/<spk>_<nnn>.flac`` of ``shared/data/vctk``.

Speaker ids are written ``p225`` in VCTK and in DreamVoiceDB, but some copies drop the ``p``
(``225/225_001.wav``); :func:`vctk_speaker_id` maps both to ``p225``. VCTK 0.92 records every
utterance with two microphones: when both are present, only mic1 is kept, so an utterance is not
counted twice.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ...audio import find_audio_files

VCTK_NAME = re.compile(r"^([ps]?\d+)_(\d+)(?:_mic(\d))?$", re.IGNORECASE)
VCTK_ID = re.compile(r"^([ps]?)(\d+)$", re.IGNORECASE)


def vctk_speaker_id(name: str) -> str | None:
    """Canonical VCTK speaker id: 'p225', 'P225' and '225' -> 'p225'; 's5' -> 's5'; else None."""
    m = VCTK_ID.match(str(name).strip())
    if not m:
        return None
    prefix = (m.group(1) or "p").lower()
    return f"{prefix}{int(m.group(2))}"


def vctk_file_key(path: str | os.PathLike) -> tuple[str, str, int | None] | None:
    """(speaker, utterance, mic) for a VCTK-named file inside its speaker folder, else None."""
    path = Path(path)
    m = VCTK_NAME.match(path.name.split(".", 1)[0])
    if not m:
        return None
    spk = vctk_speaker_id(m.group(1))
    if spk is None or vctk_speaker_id(path.parent.name) != spk:
        return None
    return spk, m.group(2), int(m.group(3)) if m.group(3) else None


def find_vctk_audio(root: str | os.PathLike, files: list[Path] | None = None) -> dict[str, list[Path]]:
    """Canonical speaker id -> sorted VCTK audio files under ``root`` (mic1 preferred)."""
    by_utt: dict[tuple[str, str], dict[int | None, Path]] = {}
    for path in files if files is not None else find_audio_files(root):
        key = vctk_file_key(path)
        if key is not None:
            spk, utt, mic = key
            by_utt.setdefault((spk, utt), {})[mic] = path
    found: dict[str, list[Path]] = {}
    for (spk, _), mics in by_utt.items():
        # One file per utterance: a plain name, else mic1, else the lowest microphone number.
        mic = None if None in mics else min(mics)
        found.setdefault(spk, []).append(mics[mic])
    return {spk: sorted(paths) for spk, paths in sorted(found.items())}
