"""The classifier's own measured reliability, carried in its config so every report can show it.

A model's ``config.json`` may hold ``reliability`` (see :class:`stylecheck.models.config.ModelConfig`):

    {"source": "where it was measured",
     "setting": "cross-corpus",   # or "in-distribution"; labels the figures wherever they are shown
     "per_label": {"Female": {"f1": 0.99, "lo": 0.97, "hi": 1.0, "n_pos_speakers": 21}, ...},
     "per_category": {"gender": {"accuracy": 0.99, "lo": 0.97, "hi": 1.0, "n_files": 104,
                                 "n_speakers": 45}, ...}}

Why it matters: adherence is the classifier's verdict on generated audio. Where the classifier
is itself unreliable on held-out real speech, a low (or high) adherence says as much about the
classifier as about the system, so reports mark such categories as *weak* by one stated rule
(:data:`WEAK_RULE`, :func:`weak_categories`).

Which figures: a user's TTS output is a corpus the classifier never saw, so the bundled model
stores its leave-one-corpus-out figures here (``"setting": "cross-corpus"``) and keeps the
figures of held-out speakers from its training corpora under ``reliability_in_distribution``
(model card: both). Every column beside adherence is labelled by :func:`reliability_label`.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from scipy.stats import binomtest

from .labels import LabelSet

#: Below this lower 95% bound of a label's held-out F1 (or of a category's accuracy) a category is weak.
WEAK_LOWER_BOUND = 0.7
#: With fewer positive held-out speakers than this, a label's figure cannot be trusted at all.
MIN_POSITIVE_SPEAKERS = 5

WEAK_RULE = (f"a category is weak when the classifier's held-out figures for it are missing, or the lower "
             f"end of the 95% interval of any of its labels' F1 (or of the category's accuracy) is below "
             f"{WEAK_LOWER_BOUND}, or any of its labels had fewer than {MIN_POSITIVE_SPEAKERS} positive "
             f"held-out speakers; read adherence there as an indication, not a verdict")


#: The values of ``reliability["setting"]`` and how reports label the figures.
SETTING_LABELS = {"cross-corpus": "classifier (cross-corpus)", "in-distribution": "classifier (in-distribution)"}


def reliability_label(reliability: Mapping[str, Any] | None) -> str:
    """The column title for the figures in ``reliability``: ``classifier (cross-corpus)``,
    ``classifier (in-distribution)``, or ``classifier (held-out)`` when the setting is not stored."""
    return SETTING_LABELS.get(str((reliability or {}).get("setting") or ""), "classifier (held-out)")


def _finite(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def weakness(reliability: Mapping[str, Any] | None, category: str, labels) -> str:
    """Why ``category`` is weak under :data:`WEAK_RULE` (``""`` when it is not)."""
    if not reliability:
        return "no held-out figures for this model"
    per_label = reliability.get("per_label") or {}
    reasons = []
    for label in labels:
        fig = per_label.get(label)
        if not fig or _finite(fig.get("f1")) is None:
            reasons.append(f"{label}: no held-out F1")
            continue
        lo = _finite(fig.get("lo"))
        if lo is not None and lo < WEAK_LOWER_BOUND:
            reasons.append(f"{label}: F1 lower bound {lo:.2f} < {WEAK_LOWER_BOUND}")
        n_spk = _finite(fig.get("n_pos_speakers"))
        if n_spk is not None and n_spk < MIN_POSITIVE_SPEAKERS:
            reasons.append(f"{label}: {int(n_spk)} positive speakers < {MIN_POSITIVE_SPEAKERS}")
    cat = (reliability.get("per_category") or {}).get(category) or {}
    lo = _finite(cat.get("lo"))
    if lo is not None and lo < WEAK_LOWER_BOUND:
        reasons.append(f"accuracy lower bound {lo:.2f} < {WEAK_LOWER_BOUND}")
    return "; ".join(reasons)


def weak_categories(reliability: Mapping[str, Any] | None, label_set: LabelSet) -> dict[str, str]:
    """category -> reason, for every weak category of ``label_set`` (see :data:`WEAK_RULE`)."""
    out = {}
    for category, labels in label_set.categories.items():
        reason = weakness(reliability, category, labels)
        if reason:
            out[category] = reason
    return out


def reliability_from_test_metrics(metrics: Mapping[str, Any], label_set: LabelSet, source: str) -> dict:
    """The ``reliability`` entry from a ``test_metrics.json`` written by
    ``scripts/build_default_model.py`` (per-label F1 with speaker-bootstrap intervals; gender
    accuracy on files with a known gender).

    Gender accuracy is stored there without an interval, so its interval here is a Wilson
    interval over files (``n_files`` = files with a known gender); it does not resample
    speakers and is therefore narrower than a speaker bootstrap would give."""
    records = {r["label"]: r for r in metrics.get("f1", [])}
    per_label = {}
    for label in label_set.labels:
        r = records.get(label)
        if r is None:
            continue
        per_label[label] = {"f1": float(r["f1"]), "lo": float(r["f1_lo"]), "hi": float(r["f1_hi"]),
                            "n_pos_speakers": int(r["n_pos_speakers"]), "n_pos_files": int(r["n_pos"]),
                            "n_files": int(r["n_known"])}
    per_category = {}
    accuracy = _finite(metrics.get("gender_accuracy"))
    if accuracy is not None and "gender" in label_set.categories:
        n = int(records[label_set.categories["gender"][0]]["n_known"])
        ci = binomtest(round(accuracy * n), n).proportion_ci(0.95, method="wilson")
        speakers = sum(int(records[lab]["n_pos_speakers"]) for lab in label_set.categories["gender"])
        per_category["gender"] = {"accuracy": accuracy, "lo": float(ci.low), "hi": float(ci.high),
                                  "n_files": n, "n_speakers": speakers}
    return {"source": source, "per_label": per_label, "per_category": per_category}


__all__ = ["MIN_POSITIVE_SPEAKERS", "SETTING_LABELS", "WEAK_LOWER_BOUND", "WEAK_RULE", "reliability_from_test_metrics",
           "reliability_label", "weak_categories", "weakness"]
