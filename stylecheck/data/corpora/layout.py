"""What the corpus readers share: walking a corpus folder, parsing each audio file's path, and
keeping count of the files whose names do not follow the corpus's convention.

Every reader returns a DataFrame with at least ``path, corpus, speaker, emotion``; files that do
not parse are listed in ``frame.attrs["unmatched"]`` so callers can report them instead of
losing them silently.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import pandas as pd

from ...audio import find_audio_files
from ...errors import CorpusLayoutError

BASE_COLUMNS = ("path", "corpus", "speaker", "emotion")


def scan_corpus(root: str | os.PathLike, corpus: str, expected: str,
                parse: Callable[[Path], dict | None], columns: tuple[str, ...]) -> pd.DataFrame:
    """Parse every audio file under ``root`` with ``parse(path)``.

    ``parse`` returns the row for a file that follows the corpus's naming or ``None`` for one that
    does not. Raises :class:`CorpusLayoutError` when ``root`` is not a folder or no file parses
    (``expected`` describes the naming, e.g. ``Actor_NN/03-01-EE-II-SS-RR-AA.wav``).
    """
    root = Path(root)
    if not root.is_dir():
        raise CorpusLayoutError(f"{corpus}: {root} is not a directory")
    rows, unmatched = [], []
    for path in find_audio_files(root):
        row = parse(path)
        if row is None:
            unmatched.append(str(path))
        else:
            rows.append(row)
    if not rows:
        other = f" ({len(unmatched)} other audio files found)" if unmatched else " (no audio files found)"
        raise CorpusLayoutError(f"{corpus}: no files named {expected} under {root}{other}")
    frame = pd.DataFrame(rows, columns=list(BASE_COLUMNS + columns))
    frame = frame.sort_values("path", kind="stable").reset_index(drop=True)
    frame.attrs["unmatched"] = unmatched
    return frame
