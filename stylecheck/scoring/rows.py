"""From what was scored to the rows of ``scores.csv``: one row per input, always, with its status
and, per category, ``expected_<c>``, ``predicted_<c>`` and ``match_<c>`` as the category's judge
(:mod:`.judges`) answered."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..results import ROLE_OUTPUT, ROLE_REFERENCE, ROLE_SOURCE
from ..styles.decision import UNCERTAIN
from ..styles.labels import LabelSet
from .judges import Judge
from .sources import attach_source_labels

LEAD_COLUMNS = ["file", "system", "speaker", "status", "error", "duration_s", "speech_s", "prompt"]


def _status_columns(items: pd.DataFrame, results: dict[str, dict]) -> tuple[pd.DataFrame, list]:
    """Status, error, duration and detected speech per row; the scored record of each row (None
    when the file was not scored: missing, a bad row, or an interrupted run)."""
    out = items.copy()
    status, error, duration, speech_s, records = [], [], [], [], []
    for rec in out.to_dict("records"):
        r = results.get(rec["file"])
        if rec["status"] == "missing":
            status.append("missing"), duration.append(np.nan), speech_s.append(np.nan), records.append(None)
            error.append(f"{rec.get('role')} listed in STYLES.csv but not found"
                         if rec.get("role") in (ROLE_SOURCE, ROLE_REFERENCE) else "listed in STYLES.csv but not found")
            continue
        if rec["status"] == "bad_row":
            status.append("bad_row"), error.append(rec["error"]), duration.append(np.nan), speech_s.append(np.nan)
            records.append(None)
            continue
        if r is None:
            status.append("error"), error.append("not scored (run interrupted?)"), duration.append(np.nan)
            speech_s.append(np.nan), records.append(None)
            continue
        records.append(r)
        if r["status"] == "ok":
            status.append("unlisted" if rec["status"] == "unlisted" else "ok")
            error.append("")
        else:
            status.append("no_speech" if r["status"] == "no_speech" else "error"), error.append(r["error"])
        duration.append(r.get("duration_s", np.nan))
        s_ = r.get("speech_s")
        speech_s.append(np.nan if s_ is None else s_)
    out["status"], out["error"], out["duration_s"], out["speech_s"] = status, error, duration, speech_s
    return out, records


def result_rows(items: pd.DataFrame, results: dict[str, dict], judges: Sequence[Judge],
                label_set: LabelSet) -> pd.DataFrame:
    """The ``scores.csv`` rows of the planned ``items`` given the scored ``results`` (file ->
    record) and the ``judges`` of every category; ``label_set`` names the source columns."""
    out, records = _status_columns(items, results)
    score_columns: list[str] = []
    categories: list[str] = []
    measured: set[str] = set()  # categories whose levels repeat across categories: not in ``predicted``
    for judge in judges:
        for column, values in judge.score_columns(records).items():
            out[column] = values
            score_columns.append(column)
        answers = judge.verdicts(records)
        for cat in judge.categories:
            expected = out[f"expected_{cat}"].fillna("").astype(str) if f"expected_{cat}" in out else \
                pd.Series([""] * len(out), index=out.index)
            out[f"expected_{cat}"] = expected
            out[f"predicted_{cat}"] = ["" if a is None else a for a in answers[cat]]
            # No match without an expectation, or when the judge could not judge the file; a
            # judged file without a level (or uncertain) does not match.
            out[f"match_{cat}"] = ["" if (not e or pr is None) else ("true" if pr == e else "false")
                                   for e, pr in zip(expected, answers[cat])]
            categories.append(cat)
            if getattr(judge, "qualified_levels", False):
                measured.add(cat)
    # One label per category at most: ``predicted`` is made from the per-category verdicts (an
    # ``uncertain`` verdict names no label), never from every label above its threshold.
    # ``predicted`` joins the labels (unique across categories); measured levels repeat
    # ("normal"), so they stay in their predicted_<category> columns only.
    labelled = [cat for cat in categories if cat not in measured]
    verdicts = out[[f"predicted_{cat}" for cat in labelled]].to_numpy()
    out["predicted"] = [";".join(v for v in row if v and v != UNCERTAIN) for row in verdicts]
    cats = [f"{k}_{cat}" for cat in categories for k in ("expected", "predicted", "match")]
    # Phrases of the prompt that no judge judges: listed per file so nothing is dropped silently.
    out["unjudged"] = out["unjudged"].fillna("").astype(str) if "unjudged" in out else ""
    columns = LEAD_COLUMNS + score_columns + ["predicted", "expected"] + cats + ["unjudged"]
    inputs = [c for c in ("source", "reference") if c in out]
    if not inputs:
        return out[columns]
    # Runs with a source or reference column: which rows are inputs, and each output's source's labels.
    out["role"] = out["role"].fillna(ROLE_OUTPUT)
    for c in inputs:
        out[c] = out[c].fillna("")
    rows = out[columns + ["role", *inputs]]
    return attach_source_labels(rows, label_set) if "source" in inputs else rows
