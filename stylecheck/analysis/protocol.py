"""The evaluation protocol that exposes the corpus confound (issue 15).

Settings, each scored with speaker-bootstrap intervals:

* ``LOCO LibriSpeech→VCTK`` and ``LOCO VCTK→LibriSpeech``: train on one corpus, test on the other
  (and ``LOCO pooled``: both directions' test predictions scored together);
* ``CV``: 5-fold speaker-grouped cross-validation over both corpora (pooled out-of-fold);
* ``within <corpus>``: 5-fold speaker-grouped cross-validation inside one corpus.

Every candidate is a function ``(data, train_rows, test_rows) -> Prediction`` that may use only
the training rows (validation choices are made by folds inside them). The corpus-only baseline
knows nothing but each file's corpus: per category it answers the training majority of that
corpus (the overall training majority for an unseen corpus).

Per setting and candidate: F1 per label and macro-F1 over the labels (one answer per category;
``uncertain`` is no answer, so it counts as a miss), accuracy per category over files whose
category label is known (``uncertain`` counts as wrong), and the ``uncertain`` rate.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from ..labels import LabelSet
from ..models.decision import UNCERTAIN, decide_categories, decisions_matrix
from .bootstrap import bootstrap
from .metrics import f1_table
from .protocol_data import ProtocolData


@dataclass
class Prediction:
    probs: np.ndarray  # [n_test, K]
    decision: dict | None  # ModelConfig.decision
    thresholds: list[float] | None = None


Candidate = Callable[[ProtocolData, np.ndarray, np.ndarray], Prediction]


@dataclass
class _Cfg:
    """The part of a ModelConfig that :func:`decide_categories` reads."""
    label_set: LabelSet
    thresholds: list[float] | None
    decision: dict | None


def setting_splits(data: ProtocolData, folds: int = 5) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Setting name -> list of (train rows, test rows); test rows of a setting are disjoint."""
    out: dict[str, list] = {}
    corpora = sorted(set(data.corpus))
    rows = np.arange(len(data))
    for a in corpora:
        for b in corpora:
            if a != b:
                out[f"LOCO {a}→{b}"] = [(rows[data.corpus == a], rows[data.corpus == b])]
    out["CV"] = _grouped(rows, data.speakers, folds)
    for c in corpora:
        in_c = rows[data.corpus == c]
        out[f"within {c}"] = [(in_c[tr], in_c[te]) for tr, te in _grouped(np.arange(len(in_c)), data.speakers[in_c], folds)]
    return out


def _grouped(rows, groups, folds):
    k = min(folds, len(np.unique(groups)))
    return [(rows[tr], rows[te]) for tr, te in GroupKFold(n_splits=k).split(rows, groups=groups)]


def run_candidate(data: ProtocolData, candidate: Candidate, splits) -> tuple[np.ndarray, dict[str, list[str]]]:
    """Pooled test probabilities and answers over a setting's splits (rows not tested: NaN / "")."""
    n, k = len(data), len(data.label_set)
    probs = np.full((n, k), np.nan)
    answers = {cat: [""] * n for cat in data.label_set.categories}
    for train, test in splits:
        pred = candidate(data, train, test)
        probs[test] = pred.probs
        dec = decide_categories(pred.probs, _Cfg(data.label_set, pred.thresholds, pred.decision))
        for cat, a in dec.items():
            for r, v in zip(test, a):
                answers[cat][r] = v
    return probs, answers


def score_answers(data: ProtocolData, rows: np.ndarray, answers: dict[str, list[str]],
                  n_resamples: int = 500) -> list[dict]:
    """Long-format figures for the tested ``rows``: per-label F1, macro-F1, per-category accuracy
    and uncertain rate, each with a speaker-bootstrap interval where it is a rate."""
    ls = data.label_set
    sub = {cat: [a[r] for r in rows] for cat, a in answers.items()}
    y = data.targets[rows]
    spk = data.speakers[rows]
    dec = decisions_matrix(sub, ls)
    t = f1_table(y, dec, ls.labels, spk, n_resamples=n_resamples)
    out = [{"metric": "F1", "what": r.label if r.label != "Average" else "macro-F1", "value": r.f1, "lo": r.f1_lo,
            "hi": r.f1_hi, "n": r.n_known} for r in t.itertuples()]
    from ..training.linear import category_targets

    yc = category_targets(y, ls)
    for cat, labels in ls.categories.items():
        known = yc[cat] >= 0
        ans = np.asarray(sub[cat], dtype=object)
        right = np.array([a == labels[i] if i >= 0 else False for a, i in zip(ans, yc[cat])])
        idx = np.nonzero(known)[0]
        if len(idx) == 0:
            continue
        iv = bootstrap(lambda s: float(right[idx][s].mean()), len(idx), spk[idx], n_resamples=n_resamples)
        out.append({"metric": "accuracy", "what": cat, "value": float(right[idx].mean()), "lo": iv.lo, "hi": iv.hi,
                    "n": int(len(idx)), "n_speakers": int(len(set(spk[idx])))})
        unc = ans[idx] == UNCERTAIN
        out.append({"metric": "uncertain rate", "what": cat, "value": float(unc.mean()), "lo": np.nan, "hi": np.nan,
                    "n": int(len(idx))})
    return out


def evaluate_protocol(data: ProtocolData, candidates: dict[str, Candidate], folds: int = 5,
                      n_resamples: int = 500, log=print) -> pd.DataFrame:
    """Every candidate in every setting; a long table (setting, model, metric, what, value, lo, hi, n)."""
    splits = setting_splits(data, folds)
    rows = []
    for name, cand in candidates.items():
        loco_answers = {cat: [""] * len(data) for cat in data.label_set.categories}
        for setting, sp in splits.items():
            log(f"  {name}: {setting}")
            _, answers = run_candidate(data, cand, sp)
            tested = np.unique(np.concatenate([te for _, te in sp]))
            for r in score_answers(data, tested, answers, n_resamples):
                rows.append({"setting": setting, "model": name, **r})
            if setting.startswith("LOCO"):
                for cat in loco_answers:
                    for i in tested:
                        loco_answers[cat][i] = answers[cat][i]
        loco_rows = np.arange(len(data))
        for r in score_answers(data, loco_rows, loco_answers, n_resamples):
            rows.append({"setting": "LOCO pooled", "model": name, **r})
    return pd.DataFrame(rows)


# -- candidates ---------------------------------------------------------------------------------
def corpus_only(data: ProtocolData, train: np.ndarray, test: np.ndarray) -> Prediction:
    """Knows only the corpus: the training majority label of the file's corpus, per category."""
    from ..training.linear import category_targets

    ls = data.label_set
    yc = category_targets(data.targets, ls)
    probs = np.zeros((len(test), len(ls)))
    for cat, labels in ls.categories.items():
        idx = [ls.index(lab) for lab in labels]
        overall = np.bincount(yc[cat][train][yc[cat][train] >= 0], minlength=len(labels))
        for r, row in enumerate(test):
            same = train[data.corpus[train] == data.corpus[row]]
            y = yc[cat][same]
            counts = np.bincount(y[y >= 0], minlength=len(labels)) if (y >= 0).any() else overall
            p = (counts + 1e-3) / (counts + 1e-3).sum()
            probs[r, idx] = p
    return Prediction(probs, {"rule": "pairwise", "uncertain_margin": 0.0})


def ge2e_probe(one_answer: bool) -> Candidate:
    """The logistic-regression probe on the mean GE2E embedding (``linear_probe``: one binary
    model per label, balanced classes, C = 1), decided per label at 0.5 (the v1 rule) or as one
    answer per category (the more probable of the pair)."""
    from .baselines import linear_probe

    def run(data, train, test):
        x = data.features["ge2e"]
        probs = linear_probe(x[train], data.targets[train], x[test])
        if one_answer:
            return Prediction(probs, {"rule": "pairwise", "uncertain_margin": 0.0})
        return Prediction(probs, None, [0.5] * probs.shape[1])

    return run


def linear_candidate(feature: str, columns: slice | None = None, balance: str | None = "corpus",
                     augmented: bool = False, uncertain: bool = True) -> Candidate:
    """The ``linear`` head (:func:`stylecheck.training.linear.fit_with_validation`) on a feature
    matrix (optionally a column slice), C and margin chosen inside the training rows."""
    from ..training.linear import fit_with_validation, head_probabilities

    def run(data, train, test):
        x = data.features[feature]
        if columns is not None:
            x = x[:, columns]
        extra = None
        if augmented:
            xa, owner = data.augmented[feature]
            if columns is not None:
                xa = xa[:, columns]
            sel = np.isin(owner, train)
            remap = {int(r): k for k, r in enumerate(train)}
            extra = (xa[sel], np.array([remap[int(o)] for o in owner[sel]]), 1.0)
        fit = fit_with_validation(x[train], data.targets[train], data.label_set, data.speakers[train],
                                  data.corpus[train], balance, extra=extra)
        margin = fit.margin if uncertain else 0.0
        return Prediction(head_probabilities(fit.head, x[test]), {"rule": "pairwise", "uncertain_margin": margin})

    return run
