"""One answer per category: the one decision function that scoring, summaries and evaluation use.

``decide_categories(probs [N, K], config) -> {category: [answer per row]}``, where an answer is
one label of the category, :data:`UNCERTAIN`, or ``""`` (not judged).

Rules (``ModelConfig.decision``):

* ``None`` (v1 models): the most probable label at or above its threshold (``config.thresholds``),
  ``""`` when none is; never ``uncertain``. This is the old ``decide_category`` rule.
* ``{"rule": "pairwise", "uncertain_margin": m}``: the labels' probabilities are normalised within
  the category (``q_l = p_l / sum p``; for a pairwise model whose two probabilities already sum to
  1 this changes nothing), the most probable label is the answer, and ``uncertain`` when it leads
  the runner-up by less than ``m`` (``m`` a number, or ``{category: number}``). A label that was
  not detected at all cannot be the answer: a category always gets one answer per judged row.

Rows with a non-finite probability in the category get ``""``.

Every caller that turns probabilities into a verdict uses :func:`decide_categories`: scoring,
``StyleModel.decide``, the summaries and the protocol. One deliberate exception is the paper's
Table 2 (``stylecheck evaluate``): it measures a multi-label classifier label by label, each
sigmoid against its own tuned threshold, as SpeechMLC reports it, so its F1 stays comparable with
the paper's; :func:`per_label_decisions` is that rule, named so nobody mistakes it for the
scoring rule.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from .labels import LabelSet
from ..errors import InvalidValueError

UNCERTAIN = "uncertain"
RULES = ("pairwise",)


def check_decision(decision: Mapping[str, Any] | None) -> None:
    """Raise ``ValueError`` on a malformed ``decision`` setting (checked when a config is read)."""
    if decision is None:
        return
    if not isinstance(decision, Mapping) or decision.get("rule") not in RULES:
        raise InvalidValueError(f"decision must be null or an object with rule in {RULES}, got {decision!r}")
    margin = decision.get("uncertain_margin", 0.0)
    values = margin.values() if isinstance(margin, Mapping) else [margin]
    for m in values:
        if not isinstance(m, (int, float)) or not 0.0 <= float(m) < 1.0:
            raise InvalidValueError(f"uncertain_margin must be in [0, 1), got {m!r}")


def margin_for(decision: Mapping[str, Any], category: str) -> float:
    margin = decision.get("uncertain_margin", 0.0)
    if isinstance(margin, Mapping):
        return float(margin.get(category, 0.0))
    return float(margin)


def effective_thresholds(label_set: LabelSet, thresholds, decision: Mapping[str, Any] | None) -> dict[str, float]:
    """label -> the probability the label needs to be the answer under the model's rule: the one
    place that says it, for every text and plot that explains a decision.

    * v1 rule (``decision`` None): the label's own threshold (``thresholds`` in label order, or
      label -> value; 0.5 when absent).
    * pairwise rule: the label's share of its pair must lead the other's by the category's margin
      ``m``, i.e. ``q >= (1 + m) / 2`` (0.5 with no margin). Categories with more than two labels
      have no single threshold under this rule (the lead over the runner-up depends on the
      third label), so their labels are left out."""
    if decision is None:
        if thresholds is None:
            return {lab: 0.5 for lab in label_set.labels}
        if isinstance(thresholds, Mapping):
            return {lab: float(thresholds.get(lab, 0.5)) for lab in label_set.labels}
        return dict(zip(label_set.labels, (float(t) for t in thresholds)))
    out = {}
    for cat, labels in label_set.categories.items():
        if len(labels) == 2:
            needed = (1.0 + margin_for(decision, cat)) / 2.0
            out.update({lab: needed for lab in labels})
    return out


def can_be_uncertain(decision: Mapping[str, Any] | None, category: str) -> bool:
    """Whether the rule can answer ``uncertain`` in ``category`` (pairwise with a margin > 0)."""
    return decision is not None and margin_for(decision, category) > 0.0


def can_have_no_label(decision: Mapping[str, Any] | None) -> bool:
    """Whether the rule can leave a judged file without a label (only the v1 per-label thresholds:
    the pairwise rule always answers, a label or ``uncertain``)."""
    return decision is None


def pair_probabilities(probs: np.ndarray, label_set: LabelSet) -> np.ndarray:
    """``probs`` normalised to sum to 1 within each category (the calibrated pair probability of a
    pairwise model); rows whose category sums to 0 get equal shares."""
    probs = np.asarray(probs, dtype=float)
    out = np.empty_like(probs)
    for cat, labels in label_set.categories.items():
        idx = [label_set.index(lab) for lab in labels]
        block = probs[:, idx]
        total = block.sum(1, keepdims=True)
        out[:, idx] = np.where(total > 0, block / np.where(total > 0, total, 1.0), 1.0 / len(idx))
    return out


def decide_categories(probs: np.ndarray, config) -> dict[str, list[str]]:
    """The answer per category for every row of ``probs`` (columns in ``config.label_set`` order).

    ``config`` is a :class:`~stylecheck.models.ModelConfig` (its ``label_set``, ``thresholds`` and
    ``decision`` are read)."""
    label_set: LabelSet = config.label_set
    probs = np.atleast_2d(np.asarray(probs, dtype=float))
    if probs.shape[1] != len(label_set):
        raise InvalidValueError(f"{probs.shape[1]} probability columns for {len(label_set)} labels")
    thresholds = np.full(len(label_set), 0.5) if config.thresholds is None else np.asarray(config.thresholds, float)
    decision = config.decision
    out: dict[str, list[str]] = {}
    pair = pair_probabilities(np.nan_to_num(probs, nan=0.0), label_set) if decision is not None else None
    for cat, labels in label_set.categories.items():
        idx = np.array([label_set.index(lab) for lab in labels])
        finite = np.isfinite(probs[:, idx]).all(1)
        answers = []
        for r in range(probs.shape[0]):
            if not finite[r]:
                answers.append("")
                continue
            if decision is None:
                p = probs[r, idx]
                passing = p >= thresholds[idx]
                answers.append(labels[int(np.argmax(np.where(passing, p, -np.inf)))] if passing.any() else "")
                continue
            q = pair[r, idx]
            order = np.argsort(-q, kind="stable")
            lead = q[order[0]] - (q[order[1]] if len(order) > 1 else 0.0)
            answers.append(UNCERTAIN if lead < margin_for(decision, cat) else labels[int(order[0])])
        out[cat] = answers
    return out


def decisions_matrix(answers: Mapping[str, list[str]], label_set: LabelSet) -> np.ndarray:
    """0/1 matrix ``[N, K]``: 1 where the row's answer is that label (``uncertain`` and ``""`` give
    no label), for per-label F1."""
    n = len(next(iter(answers.values()))) if answers else 0
    out = np.zeros((n, len(label_set)))
    for cat, rows in answers.items():
        for r, a in enumerate(rows):
            if a and a != UNCERTAIN:
                out[r, label_set.index(a)] = 1.0
    return out


def per_label_decisions(probs: np.ndarray, thresholds) -> np.ndarray:
    """The paper's Table 2 rule: each label present when its probability reaches its own
    threshold, independently of the other labels (boolean ``[N, K]``). Used only for per-label
    evaluation (``stylecheck evaluate``); scoring decides with :func:`decide_categories`."""
    return np.asarray(probs, dtype=float) >= np.asarray(thresholds, dtype=float)[None, :]
