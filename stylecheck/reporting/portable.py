"""A report folder that can be moved or zipped: the audio the page plays, copied beside it.

Without copying, players reach the scored folder by a relative path, which breaks as soon as
the report folder moves without it. With copying, every file the page plays is copied to
``<out>/audio/<its key>`` (files named by an absolute path, e.g. sources outside the audio
folder, go to ``audio/_external/<8 hex of the path>/<name>`` so two sources called ``ref.wav``
do not collide), and the page links there, so the output folder is self-sufficient.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Iterable

from ..io import atomic_path

AUDIO_FOLDER = "audio"


def is_absolute_key(key: str) -> bool:
    return key.startswith("/") or (len(key) > 2 and key[1] == ":" and key[2] == "/")


def key_path(key: str, audio_root: str | os.PathLike) -> Path:
    """The file a ``scores.csv`` key names: relative keys are under the audio folder."""
    return Path(key) if is_absolute_key(key) else Path(audio_root) / key


def portable_name(key: str) -> str:
    """Where a key's copy lives under the ``audio`` folder (posix, relative)."""
    if is_absolute_key(key):
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        return f"_external/{digest}/{PurePosixPath(key).name}"
    return key


def copy_audio(keys: Iterable[str], audio_root: str | os.PathLike, out_dir: str | os.PathLike) -> dict[str, Path]:
    """Copy the files named by ``keys`` into ``out_dir/audio``; returns key -> copy. A copy
    already there with the same size and modification time is kept (reruns copy nothing new);
    each copy is written to a temporary name and renamed, so an interrupted run leaves no half
    file under a real name. Keys whose file does not exist are left out."""
    target_root = Path(out_dir) / AUDIO_FOLDER
    copies: dict[str, Path] = {}
    for key in dict.fromkeys(keys):
        source = key_path(key, audio_root)
        if not source.is_file():
            continue
        target = target_root / portable_name(key)
        stat = source.stat()
        if not (target.is_file() and target.stat().st_size == stat.st_size
                and int(target.stat().st_mtime) == int(stat.st_mtime)):
            with atomic_path(target, suffix=target.suffix) as tmp:
                shutil.copyfile(source, tmp)
                os.utime(tmp, (stat.st_atime, stat.st_mtime))
        copies[key] = target
    return copies


__all__ = ["AUDIO_FOLDER", "copy_audio", "is_absolute_key", "key_path", "portable_name"]
