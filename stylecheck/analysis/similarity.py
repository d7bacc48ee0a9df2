"""Speaker similarity: cosines between speaker embeddings, per-system means with clustered
intervals, paired system differences, and the equal-error rate of a same/different-speaker test.

Pure functions on vectors and tables (the embeddings come from the scoring pipeline; see
:func:`stylecheck.features.speaker.speaker_embedding`).

Intervals. Files of one speaker (or made from one source recording) are not independent evidence,
so a mean's 95 % interval is a cluster-robust t-interval: the file mean ``ybar = sum(y) / n``, its
linearised (ratio-estimator) variance over cluster totals ``V = k / (k - 1) * sum_c (T_c - ybar *
m_c)^2 / n^2`` and Student's t with ``k - 1`` degrees of freedom, ``k`` the number of clusters.
With every file its own cluster this is exactly the ordinary t-interval. With one file, or one
cluster, there is no interval (NaN bounds, and the ``note`` column says why): one voice tells
nothing about how much another would differ. With two clusters t has one degree of freedom
(12.7): the interval is wide, as it should be. Chosen over a cluster bootstrap, which at two or
three clusters can only ever resample those few values and gives intervals far too narrow.
"""
from __future__ import annotations

import math
from itertools import combinations
from typing import Sequence

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from ..errors import StylecheckError
from .bootstrap import Interval

CONFIDENCE = 0.95


class EmbeddingSizeError(StylecheckError, ValueError):
    """Two embeddings of different sizes (from different models) cannot be compared."""


def cosine_similarity(a, b) -> float | np.ndarray:
    """Cosine of ``a`` and ``b`` along their last axis (broadcast). NaN where either is missing
    (``None``), non-finite or all zeros: a file with no embedding has no similarity."""
    if a is None or b is None:
        return float("nan")
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape[-1] != b.shape[-1]:
        raise EmbeddingSizeError(f"embeddings of different sizes: {a.shape[-1]} and {b.shape[-1]}")
    na, nb = np.linalg.norm(a, axis=-1), np.linalg.norm(b, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(a * b, axis=-1) / (na * nb)
    cos = np.where((na > 0) & (nb > 0) & np.isfinite(cos), np.clip(cos, -1.0, 1.0), np.nan)
    return float(cos) if cos.ndim == 0 else cos


def mean_reference_embedding(embeddings: Sequence) -> np.ndarray | None:
    """One reference from several recordings of the target voice: each embedding L2-normalised
    first (so each recording counts equally, whatever its norm; GE2E embeddings already have norm
    1), then averaged, then the mean L2-normalised (resemblyzer's speaker embedding). Missing or
    zero embeddings are left out; ``None`` when none is left."""
    rows = [np.asarray(e, dtype=float) for e in embeddings if e is not None]
    rows = [e / np.linalg.norm(e) for e in rows if np.all(np.isfinite(e)) and np.linalg.norm(e) > 0]
    if not rows:
        return None
    mean = np.mean(np.stack(rows), axis=0)
    norm = np.linalg.norm(mean)
    return None if norm == 0 else mean / norm


def _cluster_ids(clusters: Sequence | None, n: int) -> np.ndarray:
    if clusters is None:
        return np.arange(n)
    labels = pd.Series(list(clusters), dtype=object)
    missing = labels.isna() | (labels.astype(str).str.strip() == "")
    # A file with no cluster is its own cluster.
    keys = np.where(missing, "file:" + pd.Series(range(n)).astype(str), "c:" + labels.astype(str))
    return np.unique(keys, return_inverse=True)[1]


def _clustered_mean(values: Sequence[float], clusters: Sequence | None) -> tuple[float, float, int, int, str]:
    """Mean of the finite ``values``, its cluster-robust standard error (NaN when there is none),
    the number of values and of clusters, and why there is no standard error."""
    y = np.asarray(values, dtype=float)
    keep = np.isfinite(y)
    ids = _cluster_ids(None if clusters is None else np.asarray(list(clusters), dtype=object)[keep], int(keep.sum()))
    y = y[keep]
    n = len(y)
    if n == 0:
        return float("nan"), float("nan"), 0, 0, "no values"
    mean = float(y.mean())
    k = int(ids.max()) + 1
    if n == 1:
        return mean, float("nan"), n, k, "one file: no interval"
    if k == 1:
        return mean, float("nan"), n, k, "one speaker/source: no interval"
    totals = np.bincount(ids, weights=y, minlength=k)
    sizes = np.bincount(ids, minlength=k).astype(float)
    var = k / (k - 1) * float(np.sum((totals - mean * sizes) ** 2)) / n**2
    return mean, math.sqrt(max(var, 0.0)), n, k, ""


def clustered_mean_interval(values: Sequence[float], clusters: Sequence | None = None,
                            confidence: float = CONFIDENCE, bounds: tuple[float, float] = (-1.0, 1.0)
                            ) -> tuple[Interval, str]:
    """The mean of ``values`` (NaN dropped) with its cluster-robust t-interval (module docstring),
    clipped to ``bounds``, and a note saying why there is no interval when there is none."""
    mean, se, _, k, note = _clustered_mean(values, clusters)
    if not np.isfinite(se):
        return Interval(mean, float("nan"), float("nan")), note
    half = float(student_t.ppf(1 - (1 - confidence) / 2, k - 1)) * se
    return Interval(mean, max(bounds[0], mean - half), min(bounds[1], mean + half)), ""


def system_similarity_table(rows: pd.DataFrame, value_col: str, system_col: str = "system",
                            cluster_col: str | None = "speaker", confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Per system: files with a value, clusters, mean, 95 % clustered interval (``lo``, ``hi``),
    median, and a ``note`` (why there is no interval). Rows whose value is missing (non-speech,
    no reference) are counted in ``n_missing``. ``cluster_col`` None or absent: files independent."""
    out = []
    systems = rows[system_col].astype(str) if system_col in rows else pd.Series("", index=rows.index)
    for system, part in rows.groupby(systems, sort=False):
        values = pd.to_numeric(part[value_col], errors="coerce").to_numpy(dtype=float)
        clusters = part[cluster_col].tolist() if cluster_col and cluster_col in part else None
        iv, note = clustered_mean_interval(values, clusters, confidence)
        ok = np.isfinite(values)
        n_clusters = _clustered_mean(values, clusters)[3]
        out.append({"system": system, "n_files": int(ok.sum()), "n_missing": int((~ok).sum()),
                    "n_clusters": n_clusters, "mean": iv.value, "lo": iv.lo, "hi": iv.hi,
                    "median": float(np.median(values[ok])) if ok.any() else float("nan"), "note": note})
    return pd.DataFrame(out, columns=["system", "n_files", "n_missing", "n_clusters", "mean", "lo", "hi",
                                      "median", "note"])


def paired_similarity_difference(rows: pd.DataFrame, value_col: str, system_a: str, system_b: str,
                                 item_col: str, system_col: str = "system", cluster_col: str | None = "speaker",
                                 confidence: float = CONFIDENCE) -> dict:
    """``system_a - system_b`` on the items both have a value for: the mean paired difference
    with its clustered t-interval (the cluster of a pair is system A's row's cluster), the number
    of shared items and clusters, and a two-sided p-value from the same t (NaN without interval)."""
    def side(name):
        part = rows[rows[system_col].astype(str) == str(name)]
        part = part.assign(_v=pd.to_numeric(part[value_col], errors="coerce")).dropna(subset=["_v"])
        return part.drop_duplicates(subset=[item_col], keep=False).set_index(item_col)

    a, b = side(system_a), side(system_b)
    shared = a.index.intersection(b.index)
    diff = (a.loc[shared, "_v"] - b.loc[shared, "_v"]).to_numpy(dtype=float)
    clusters = a.loc[shared, cluster_col].tolist() if cluster_col and cluster_col in a else None
    iv, note = clustered_mean_interval(diff, clusters, confidence, bounds=(-2.0, 2.0))
    _, se, _, n_clusters, _ = _clustered_mean(diff, clusters)
    p = float(2 * student_t.sf(abs(iv.value) / se, n_clusters - 1)) if np.isfinite(se) and se > 0 else float("nan")
    return {"system_a": str(system_a), "system_b": str(system_b), "n_items": int(len(diff)),
            "n_clusters": n_clusters, "diff": iv.value, "lo": iv.lo, "hi": iv.hi, "p_value": p, "note": note}


def similarity_comparison_table(rows: pd.DataFrame, value_col: str, item_col: str, system_col: str = "system",
                                cluster_col: str | None = "speaker") -> pd.DataFrame:
    """:func:`paired_similarity_difference` for every two systems (in order of appearance)."""
    systems = list(dict.fromkeys(rows[system_col].astype(str)))
    return pd.DataFrame([paired_similarity_difference(rows, value_col, a, b, item_col, system_col, cluster_col)
                         for a, b in combinations(systems, 2)],
                        columns=["system_a", "system_b", "n_items", "n_clusters", "diff", "lo", "hi", "p_value", "note"])


def equal_error_rate(scores: Sequence[float], same: Sequence[bool], weights: Sequence[float] | None = None
                     ) -> tuple[float, float]:
    """Equal-error rate of the test "same speaker when ``score >= threshold``" and its threshold,
    where the false-acceptance and false-rejection rates cross (linear interpolation between the
    two ROC points around the crossing)."""
    from sklearn.metrics import roc_curve

    s, y = np.asarray(scores, dtype=float), np.asarray(same, dtype=bool)
    if y.all() or not y.any():
        return float("nan"), float("nan")
    fpr, tpr, thr = roc_curve(y, s, sample_weight=weights, drop_intermediate=False)
    fnr = 1 - tpr
    i = int(np.argmax(fnr <= fpr))  # first point where false rejection has fallen to false acceptance
    if i == 0:
        return float(fpr[0]), float(thr[0])
    # Between points i-1 (fnr > fpr) and i (fnr <= fpr).
    d0, d1 = fnr[i - 1] - fpr[i - 1], fnr[i] - fpr[i]
    w = d0 / (d0 - d1) if d0 != d1 else 0.0
    eer = float(fpr[i - 1] + w * (fpr[i] - fpr[i - 1]))
    t0 = thr[i - 1] if np.isfinite(thr[i - 1]) else thr[i]
    return eer, float(t0 + w * (thr[i] - t0))


__all__ = ["CONFIDENCE", "EmbeddingSizeError", "clustered_mean_interval", "cosine_similarity", "equal_error_rate",
           "mean_reference_embedding", "paired_similarity_difference", "similarity_comparison_table",
           "system_similarity_table"]
