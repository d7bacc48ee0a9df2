"""Columns beside the style verdicts, read from what scoring already computed for each file:
speaker similarity (from the speaker embedding of the classifier's own frames: no second model
pass) and, with ``quality``, DNSMOS scores and the quality guard.

* ``spk_sim_source``: cosine between an output's embedding and its source recording's
  (STYLES.csv ``source``); ``spk_sim_reference``: cosine to the target speaker's reference
  recording(s) (``reference``, several averaged after each is made unit-norm). Empty where either
  side had no speech or no embedding.
* ``dnsmos_sig``, ``dnsmos_bak``, ``dnsmos_ovrl``, ``dnsmos_p808`` (P.835 and P.808, whole file),
  ``dnsmos_note``, and ``low_quality`` (``true`` when OVRL is below
  :data:`stylecheck.measures.dnsmos.LOW_QUALITY_OVRL`; empty when not measured).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from ..analysis.similarity import cosine_similarity, mean_reference_embedding
from ..measures.dnsmos import COLUMNS as DNSMOS_COLUMNS
from ..measures.dnsmos import is_low_quality
from ..results import text_column

SIMILARITY_COLUMNS = ("spk_sim_source", "spk_sim_reference")
QUALITY_COLUMNS = (*DNSMOS_COLUMNS, "dnsmos_note", "low_quality")


def _embedding(results: Mapping[str, dict], key: str) -> np.ndarray | None:
    rec = results.get(key) or {}
    emb = rec.get("embedding") if rec.get("status") == "ok" else None
    return None if emb is None else np.asarray(emb, dtype=float)


def add_speaker_similarity(scores: pd.DataFrame, results: Mapping[str, dict]) -> pd.DataFrame:
    """``scores`` with ``spk_sim_source`` when it names sources and ``spk_sim_reference`` when it
    names references (looked up in ``results``: file key -> scored record)."""
    out = scores.copy()
    if "source" in out:
        values = []
        for file, source in zip(out["file"], text_column(out, "source")):
            a, b = _embedding(results, file), _embedding(results, source) if source else None
            values.append(float(cosine_similarity(a, b)) if a is not None and b is not None else np.nan)
        out["spk_sim_source"] = values
    if "reference" in out:
        values = []
        for file, refs in zip(out["file"], text_column(out, "reference")):
            a = _embedding(results, file)
            embs = [e for e in (_embedding(results, k) for k in refs.split(";") if k) if e is not None]
            ref = mean_reference_embedding(embs) if embs else None
            values.append(float(cosine_similarity(a, ref)) if a is not None and ref is not None else np.nan)
        out["spk_sim_reference"] = values
    return out


def add_quality_columns(scores: pd.DataFrame, results: Mapping[str, dict]) -> pd.DataFrame:
    """``scores`` with the DNSMOS columns and ``low_quality`` of each scored file."""
    out = scores.copy()
    table = {c: [] for c in QUALITY_COLUMNS}
    for file in out["file"]:
        q = (results.get(file) or {}).get("quality") or {}
        for c in DNSMOS_COLUMNS:
            table[c].append(float(q[c]) if c in q and q[c] is not None else np.nan)
        table["dnsmos_note"].append(str(q.get("dnsmos_note") or ""))
        low = is_low_quality(table["dnsmos_ovrl"][-1])
        table["low_quality"].append("" if low is None else ("true" if low else "false"))
    for c in QUALITY_COLUMNS:
        out[c] = table[c]
    return out
