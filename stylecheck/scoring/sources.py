"""Source / reference recordings (STYLES.csv ``source`` column): where they are, and their labels
beside each generated file.

Voice conversion and zero-shot TTS start from a source or reference voice; whether the output
took on the requested style or kept the source's is read by comparing the output's predicted
labels with the source's. So the source is scored like any other file: it appears in
``scores.csv`` once, as its own row (``role`` = ``source``; the same row as the audio file when
it also lies under the audio folder), and every generated file's row carries the source's key
and labels in ``source``, ``source_status``, ``source_p_<Label>`` and ``source_predicted_<c>``.
"""
from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..styles.labels import LabelSet
from ..results import ROLE_OUTPUT, ROLE_SOURCE, has_sources, output_rows
from .expected import normalise_file_key

_DRIVE = re.compile(r"^[A-Za-z]:/")


def source_key(text: str, audio_dir: str | os.PathLike) -> str:
    """The key that names a source recording in ``scores.csv``: its path relative to the audio
    folder when it lies inside it (the same key the file has when found there), else its
    absolute posix path. ``text`` is relative to the audio folder or absolute; ``""`` stays ``""``."""
    text = (text or "").strip().replace("\\", "/")
    if not text:
        return ""
    root = Path(audio_dir).absolute()
    absolute = text.startswith("/") or bool(_DRIVE.match(text))
    try:
        return normalise_file_key(text, root if absolute else None)
    except ValueError:
        # Outside the folder (absolute, or relative with ../): name it by its absolute path.
        path = text if absolute else (root / text).as_posix()
        return posixpath.normpath(path)


def source_path(key: str, audio_dir: str | os.PathLike) -> Path:
    """The file a :func:`source_key` names."""
    return Path(key) if key.startswith("/") or _DRIVE.match(key) else Path(audio_dir) / key


def attach_source_labels(scores: pd.DataFrame, label_set: LabelSet) -> pd.DataFrame:
    """``scores`` with the source's status, probabilities and predicted labels beside each row
    that names a source (looked up by file key in the same table; a source scored in another
    shard shows as ``not scored here`` until the shards are merged)."""
    if "source" not in scores.columns:
        return scores
    out = scores.drop(columns=[c for c in scores.columns if str(c).startswith("source_")])
    by_file = out.set_index(out["file"].astype(str))
    source = out["source"].fillna("").astype(str)
    found = source.isin(by_file.index) & (source != "")
    status = np.where(source == "", "", "not scored here").astype(object)
    status[found.to_numpy()] = by_file.loc[source[found], "status"].to_numpy()
    extra = {"source_status": status}
    for label in label_set.labels:
        values = np.full(len(out), np.nan)
        if f"p_{label}" in by_file:
            values[found.to_numpy()] = pd.to_numeric(by_file.loc[source[found], f"p_{label}"],
                                                     errors="coerce").to_numpy()
        extra[f"source_p_{label}"] = values
    for category in label_set.categories:
        values = np.full(len(out), "", dtype=object)
        if f"predicted_{category}" in by_file:
            values[found.to_numpy()] = by_file.loc[source[found], f"predicted_{category}"].fillna("").astype(str).to_numpy()
        extra[f"source_predicted_{category}"] = values
    return pd.concat([out.reset_index(drop=True), pd.DataFrame(extra)], axis=1).set_axis(scores.index)


__all__ = ["ROLE_OUTPUT", "ROLE_SOURCE", "attach_source_labels", "has_sources", "output_rows", "source_key",
           "source_path"]
