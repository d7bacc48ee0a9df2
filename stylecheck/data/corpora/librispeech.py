"""Finding LibriSpeech / LibriTTS / LibriTTS-R audio by speaker, and LibriSpeech's SPEAKERS.TXT.

The three corpora share LibriVox speaker and chapter ids; only the file naming differs:

* LibriSpeech: ``<split>/<spk>/<chapter>/<spk>-<chapter>-<utt>.flac`` (or all files in one flat
  folder, as in ``shared/data/librispeech/train-clean-100``);
* LibriTTS and LibriTTS-R: ``<split>/<spk>/<chapter>/<spk>_<chapter>_<para>_<sent>.wav``.

The speaker is read from the file name, so any nesting works (the search is recursive).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ...audio import find_audio_files
from ...errors import InvalidValueError

LIBRISPEECH_NAME = re.compile(r"^(\d+)-(\d+)-(\d+)$")
LIBRITTS_NAME = re.compile(r"^(\d+)_(\d+)_(\d+)(?:_\d+)*$")
SPEAKERS_FILE = "SPEAKERS.TXT"


def libri_speaker(path: str | os.PathLike) -> str | None:
    """The speaker id of a LibriSpeech or LibriTTS(-R) file name, or None for other names."""
    stem = Path(path).name.split(".", 1)[0]
    m = LIBRISPEECH_NAME.match(stem) or LIBRITTS_NAME.match(stem)
    return str(int(m.group(1))) if m else None


def find_libri_audio(root: str | os.PathLike, files: list[Path] | None = None) -> dict[str, list[Path]]:
    """Speaker id -> sorted audio files under ``root`` named like LibriSpeech or LibriTTS(-R).

    ``files`` lets a caller that already walked the tree reuse its listing.
    """
    found: dict[str, list[Path]] = {}
    for path in files if files is not None else find_audio_files(root):
        spk = libri_speaker(path)
        if spk is not None:
            found.setdefault(spk, []).append(path)
    return {spk: sorted(paths) for spk, paths in sorted(found.items())}


def find_speakers_file(audio_root: str | os.PathLike, levels_up: int = 2) -> Path | None:
    """LibriSpeech's SPEAKERS.TXT in ``audio_root`` or up to ``levels_up`` folders above it (the
    release keeps it beside the split folders)."""
    folder = Path(audio_root).resolve()
    for candidate in [folder, *list(folder.parents)[:levels_up]]:
        path = candidate / SPEAKERS_FILE
        if path.is_file():
            return path
    return None


def read_speakers_sex(path: str | os.PathLike) -> dict[str, str]:
    """Speaker id -> 'F' or 'M' from SPEAKERS.TXT (``ID | SEX | SUBSET | MINUTES | NAME``, ';'
    starts a comment). Raises ValueError naming the file and line for a malformed row."""
    path = Path(path)
    sex: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0].isdigit() or parts[1] not in ("F", "M"):
            raise InvalidValueError(f"{path}: line {n}: expected 'ID | F/M | ...', got {line.strip()!r}")
        sex[str(int(parts[0]))] = parts[1]
    return sex
