"""The per-file row contract: what one row of ``scores.csv`` holds and how its cells are read.

Scoring writes one row per input file, always (``file``, ``system``, ``speaker``, ``status``,
``error``, ``prompt``, ``p_<Label>`` per label and, per category ``c``, ``expected_<c>``,
``predicted_<c>`` and ``match_<c>``); analysis and reporting read the same rows, from memory or
from a ``scores.csv`` read back from disk (where blanks come back as NaN and booleans as text),
through the helpers here. A category judged by a measurement rather than the model uses the same
columns, so every table downstream treats both alike.
"""
from __future__ import annotations

import posixpath
import re

import numpy as np
import pandas as pd

SCORED_STATUSES = ("ok", "unlisted")
#: Listed files that could not be judged: they count against adherence by default.
FAILED_STATUSES = ("error", "missing", "no_speech", "bad_row")
#: A STYLES.csv row that could not be read (``--skip-bad-rows``): its expectations are unknown.
BAD_ROW_STATUS = "bad_row"
ALL_CATEGORY = "all"
#: ``role`` of a row: a generated file, or a source recording scored because an output names it.
ROLE_OUTPUT = "output"
ROLE_SOURCE = "source"
#: A target-speaker recording named in STYLES.csv's ``reference`` column: an input, like a source.
ROLE_REFERENCE = "reference"
SIGNIFICANCE_LEVEL = 0.05
#: How a file that belongs to no system is named for people (files directly in the folder).
NO_SYSTEM = "(top level)"
#: How the scored folder itself is named where files are counted by folder.
TOP_FOLDER = "./"
#: Order of the counts of :func:`status_counts` (any other status follows, alphabetically).
COUNT_ORDER = ("ok", ROLE_SOURCE, "unlisted", "no_speech", "error", "missing", "bad_row")


def expected_column(category: str) -> str:
    return f"expected_{category}"


def predicted_column(category: str) -> str:
    return f"predicted_{category}"


def match_column(category: str) -> str:
    return f"match_{category}"


def probability_column(label: str) -> str:
    return f"p_{label}"


# --------------------------------------------------------------------------------------------

def as_text(value) -> str:
    """One cell of a text column as a string; missing values (NaN, None) are ``""``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    # A CSV column of numbers with blanks (speaker ids 19, 27, ...) comes back as floats.
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column of a scores table with missing values (NaN, None, absent column) as ``""``."""
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    values = frame[column]
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # The common case (text cells, blanks as NaN) without a Python call per cell.
        return values.astype(object).where(values.notna(), "").str.strip().astype(object)
    return values.astype(object).map(as_text).astype(object)


def match_flag(value) -> float:
    """1.0 / 0.0 / NaN from a match cell that may be a bool, a number or text (CSV round trip)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value != 0)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return 1.0
    if text in ("false", "0", "no"):
        return 0.0
    return np.nan


def _example(values: pd.Series) -> str:
    return repr(str(values.iloc[0])) if len(values) else ""


def item_keys(scores: pd.DataFrame) -> tuple[pd.Series | None, str]:
    """The key that pairs one system's file with another's, and how it was chosen.

    Systems are usually first-level folders holding the same utterances (``sysA/utt1.wav`` and
    ``sysB/utt1.wav``): then the path without its first component pairs them. Otherwise the
    prompt text pairs them, provided no system has the same prompt twice (a repeated prompt
    would make the pairing arbitrary). Returns ``(None, reason)`` when neither works, the reason
    naming what broke each rule (with an example).
    """
    system = text_column(scores, "system")
    file = text_column(scores, "file")
    parts = file.map(lambda f: f.split("/", 1))
    first = parts.map(lambda p: p[0] if len(p) == 2 else None)
    why_path = ""
    outside = (system == "") | (first != system)
    if outside.any():
        bad = file[outside]
        why_path = (f"{len(bad)} file(s) do not lie in a folder named after their system "
                    f"(e.g. {_example(bad)} of system {_example(system[outside]) or repr('')})")
    else:
        keys = parts.map(lambda p: p[1])
        if not pd.DataFrame({"s": system, "k": keys}).duplicated().any():
            return keys, "path without the system folder"
    prompt = text_column(scores, "prompt")
    repeated = pd.DataFrame({"s": system, "k": prompt}).duplicated(keep=False) & (prompt != "")
    if (prompt == "").any():
        why_prompt = (f"{int((prompt == '').sum())} file(s) have no prompt "
                      f"(e.g. {_example(file[prompt == ''])})")
    elif repeated.any():
        first_repeat = repeated.idxmax()
        why_prompt = (f"system {system[first_repeat]!r} has the prompt {prompt[first_repeat]!r} "
                      f"{int(((system == system[first_repeat]) & (prompt == prompt[first_repeat])).sum())} times")
    else:
        return prompt, "prompt text"
    return None, ("files cannot be paired across systems: by path, " + why_path
                  + "; by prompt, " + why_prompt)


def natural_key(text) -> tuple:
    """Sort key that orders ``2.wav`` before ``10.wav``: digit runs compare as numbers."""
    parts = re.split(r"(\d+)", as_text(text).lower())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def folder_of(file) -> str:
    """The folder a file key lies in, with a trailing ``/`` (``gt/``); :data:`TOP_FOLDER` for a
    file directly in the scored folder."""
    folder = posixpath.dirname(as_text(file))
    return f"{folder}/" if folder else TOP_FOLDER


def status_counts(scores: pd.DataFrame) -> dict[str, int]:
    """How many rows of each kind, for the one-line count a run prints (``ok 45, source 15,
    unlisted 5``): outputs by status; source recordings (``role`` source) as ``source`` when
    scored, ``source <status>`` when not; in :data:`COUNT_ORDER`."""
    status = text_column(scores, "status")
    is_source = (text_column(scores, "role") == ROLE_SOURCE).to_numpy()
    kinds = [(ROLE_SOURCE if s in SCORED_STATUSES else f"{ROLE_SOURCE} {s}") if src else s
             for s, src in zip(status, is_source)]
    counts = pd.Series(kinds, dtype=object).value_counts().to_dict() if kinds else {}
    order = {k: i for i, k in enumerate(COUNT_ORDER)}
    return {k: int(counts[k]) for k in sorted(counts, key=lambda k: (order.get(k, len(order)), k))}


def unlisted_folders(scores: pd.DataFrame) -> dict[str, int]:
    """Folder -> how many files found there are listed nowhere in STYLES.csv (status
    ``unlisted``, not some output's source), in natural folder order."""
    rows = scores[(text_column(scores, "status") == "unlisted").to_numpy()
                  & (text_column(scores, "role") != ROLE_SOURCE).to_numpy()]
    counts = text_column(rows, "file").map(folder_of).value_counts().to_dict()
    return {k: int(counts[k]) for k in sorted(counts, key=natural_key)}


def has_sources(scores: pd.DataFrame) -> bool:
    return "source" in scores.columns and (scores["source"].fillna("").astype(str) != "").any()


def output_rows(scores: pd.DataFrame) -> pd.DataFrame:
    """The generated files only: rows scored only because they are some file's source or
    reference recording are left out, so per-system tables and comparisons are about outputs."""
    if "role" not in scores.columns:
        return scores
    return scores[~scores["role"].fillna("").astype(str).isin((ROLE_SOURCE, ROLE_REFERENCE))]


def listed_outputs(scores: pd.DataFrame) -> pd.DataFrame:
    """The outputs STYLES.csv lists: :func:`output_rows` without the ``unlisted`` files, which
    were asked for nothing, so no per-system table counts them. When no output is listed at all
    (a folder only classified) every output is kept: "unlisted" then separates nothing."""
    outputs = output_rows(scores)
    listed = (text_column(outputs, "status") != "unlisted").to_numpy()
    return outputs[listed] if listed.any() else outputs
