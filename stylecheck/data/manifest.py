"""Training / evaluation manifests (CSV, one row per audio file).

Columns: ``path`` (absolute, or relative to the manifest's folder), optional ``speaker``, one
column per label holding 1, 0 or empty (empty = unknown: masked out of the loss and the metrics),
optional ``agree_<Label>`` (annotators who chose the label) and ``n_annotators``. Other columns
(``source``, ``corpus``, ...) are kept and ignored.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..styles.labels import LabelSet, PAPER_LABELS
from ..errors import ManifestError
from ..io import read_csv_table

KNOWN_COLUMNS = {"path", "speaker", "n_annotators", "corpus", "utterance", "source", "target", "backend",
                 "split", "duration_s", "weight"}


@dataclass
class Manifest:
    frame: pd.DataFrame  # columns: path (absolute str), speaker, labels..., agree_*, n_annotators
    label_set: LabelSet
    source: Path | None = None
    skipped: list[str] = field(default_factory=list)

    @property
    def labels(self) -> tuple[str, ...]:
        return self.label_set.labels

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def paths(self) -> list[str]:
        return self.frame["path"].tolist()

    @property
    def speakers(self) -> list[str]:
        if "speaker" in self.frame:
            return self.frame["speaker"].astype(str).tolist()
        return self.paths

    def targets(self) -> np.ndarray:
        """``[N, K]`` float array: 1, 0, or NaN for unknown."""
        return self.frame[list(self.labels)].to_numpy(dtype=float)

    def agreement(self) -> np.ndarray | None:
        cols = [f"agree_{lab}" for lab in self.labels]
        if not all(c in self.frame for c in cols):
            return None
        return self.frame[cols].to_numpy(dtype=float)


def _parse_label_value(v) -> float | None:
    """1/0/empty -> 1.0/0.0/NaN; anything else -> None (bad)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return np.nan
    s = str(v).strip()
    if s == "":
        return np.nan
    if s in ("1", "1.0", "true", "True"):
        return 1.0
    if s in ("0", "0.0", "false", "False"):
        return 0.0
    return None


def read_manifest(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS, skip_bad_rows: bool = False,
                  check_files: bool = True) -> Manifest:
    path = Path(path)
    raw = read_csv_table(path, ["path"], "manifest", ManifestError)
    labels = label_set.labels
    agree_cols = {f"agree_{lab}" for lab in labels}
    unknown = [c for c in raw.columns if c not in KNOWN_COLUMNS and c not in labels and c not in agree_cols
               and not c.startswith(("p_", "meta_"))]
    label_like = [c for c in unknown if c[:1].isupper() or c.startswith("agree_")]
    if label_like:
        raise ManifestError(
            f"{path}: unknown label column(s) {', '.join(label_like)}; valid labels: {', '.join(labels)}"
        )
    missing_labels = [lab for lab in labels if lab not in raw.columns]
    for lab in missing_labels:  # a label the manifest never mentions is unknown everywhere
        raw[lab] = ""
    problems: list[tuple[int, str]] = []
    bad_rows: set[int] = set()
    values = np.full((len(raw), len(labels)), np.nan)
    abs_paths = []
    for i, row in enumerate(raw.itertuples(index=False)):
        line = i + 2  # header is line 1
        rec = dict(zip(raw.columns, row))
        p = Path(rec["path"].strip())
        if not rec["path"].strip():
            problems.append((line, "empty path"))
            bad_rows.add(i)
        if not p.is_absolute():
            p = path.parent / p
        abs_paths.append(str(p))
        if check_files and rec["path"].strip() and not p.is_file():
            problems.append((line, f"file not found: {p}"))
            bad_rows.add(i)
        for k, lab in enumerate(labels):
            v = _parse_label_value(rec[lab])
            if v is None:
                problems.append((line, f"{lab}={rec[lab]!r} (must be 1, 0 or empty)"))
                bad_rows.add(i)
            else:
                values[i, k] = v
    if problems and not skip_bad_rows:
        shown = "\n".join(f"  line {ln}: {msg}" for ln, msg in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ManifestError(
            f"{path}: {len(bad_rows)} bad row(s); fix them or pass --skip-bad-rows:\n{shown}{more}"
        )
    frame = raw.copy()
    frame["path"] = abs_paths
    for k, lab in enumerate(labels):
        frame[lab] = values[:, k]
    for c in agree_cols & set(frame.columns):
        frame[c] = pd.to_numeric(frame[c], errors="coerce")
    if "n_annotators" in frame:
        frame["n_annotators"] = pd.to_numeric(frame["n_annotators"], errors="coerce")
    skipped = [f"line {ln}: {msg}" for ln, msg in problems]
    keep = [i for i in range(len(frame)) if i not in bad_rows]
    frame = frame.iloc[keep].reset_index(drop=True)
    return Manifest(frame, label_set, path, skipped)


def write_manifest(path: str | os.PathLike, frame: pd.DataFrame, label_set: LabelSet = PAPER_LABELS) -> Path:
    """Write a manifest atomically; label columns as 1/0/empty."""
    from ..io import write_csv

    out = frame.copy()
    for lab in label_set.labels:
        if lab in out:
            out[lab] = out[lab].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(int(v)))
    return write_csv(path, out)
