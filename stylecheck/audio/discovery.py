"""Finding audio files in a folder tree."""
from __future__ import annotations

import os
from pathlib import Path
from ..errors import MissingFileError

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aiff", ".aif", ".au", ".w64")


def find_audio_files(root: str | os.PathLike, extensions=AUDIO_EXTENSIONS) -> list[Path]:
    """All files under ``root`` with an audio extension (case-insensitive), sorted, hidden ones skipped."""
    root = Path(root)
    if not root.is_dir():
        raise MissingFileError(f"{root}: not a directory")
    exts = {e.lower() for e in extensions}
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and Path(name).suffix.lower() in exts:
                found.append(Path(dirpath) / name)
    return sorted(found)
