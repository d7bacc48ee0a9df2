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

from ..styles.labels import LabelSet
from ..styles.decision import UNCERTAIN, decide_categories, decisions_matrix
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


def _cluster_resamples(speakers: np.ndarray, n_resamples: int, seed: int = 0):
    """Cluster ids per row, and ``[B, n_clusters]`` counts of each speaker in every bootstrap draw."""
    _, cluster = np.unique(speakers, return_inverse=True)
    n_c = int(cluster.max()) + 1 if len(cluster) else 0
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n_c, (n_resamples, n_c))
    counts = np.zeros((n_resamples, n_c))
    np.add.at(counts, (np.repeat(np.arange(n_resamples), n_c), picks.ravel()), 1.0)
    return cluster, n_c, counts


def _f1(tp, fp, fn):
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = 2 * tp / (2 * tp + fp + fn)
    return np.where(tp + fn > 0, np.nan_to_num(f1, nan=0.0), np.nan)


def _interval(stats: np.ndarray) -> tuple[float, float]:
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return float("nan"), float("nan")
    lo, hi = np.quantile(stats, [0.025, 0.975])
    return float(lo), float(hi)


def score_answers(data: ProtocolData, rows: np.ndarray, answers: dict[str, list[str]],
                  n_resamples: int = 500) -> list[dict]:
    """Long-format figures for the tested ``rows``: per-label F1 (known targets only), macro-F1 over
    labels with positives, per-category accuracy and uncertain rate; 95% intervals from one
    shared set of speaker-bootstrap draws (counts per speaker resampled, vectorised)."""
    from ..training.linear import category_targets

    ls = data.label_set
    sub = {cat: [a[r] for r in rows] for cat, a in answers.items()}
    y = data.targets[rows]
    spk = data.speakers[rows]
    dec = decisions_matrix(sub, ls)
    cluster, n_c, draws = _cluster_resamples(spk, n_resamples)
    known = ~np.isnan(y)
    pos = (np.nan_to_num(y, nan=0.0) == 1) & known
    neg = (np.nan_to_num(y, nan=1.0) == 0) & known
    said = dec == 1
    per = np.zeros((n_c, len(ls), 3))  # tp, fp, fn per speaker and label
    np.add.at(per, cluster, np.stack([pos & said, neg & said, pos & ~said], -1).astype(float))
    total = per.sum(0)
    f1 = _f1(total[:, 0], total[:, 1], total[:, 2])
    boot = np.einsum("bc,ckm->bkm", draws, per)
    f1_b = _f1(boot[..., 0], boot[..., 1], boot[..., 2])
    out = []
    for j, lab in enumerate(ls.labels):
        lo, hi = _interval(f1_b[:, j])
        out.append({"metric": "F1", "what": lab, "value": float(f1[j]), "lo": lo, "hi": hi, "n": int(known[:, j].sum()),
                    "n_speakers": int(len(set(spk[pos[:, j]])))})
    with np.errstate(invalid="ignore"):
        macro_b = np.nanmean(np.where(np.isnan(f1)[None, :], np.nan, f1_b), 1)
    lo, hi = _interval(macro_b)
    out.append({"metric": "F1", "what": "macro-F1", "value": float(np.nanmean(f1)), "lo": lo, "hi": hi,
                "n": int(len(rows)), "n_speakers": int(n_c)})
    yc = category_targets(y, ls)
    for cat, labels in ls.categories.items():
        k = yc[cat] >= 0
        if not k.any():
            continue
        ans = np.asarray(sub[cat], dtype=object)
        right = np.array([a == labels[i] if i >= 0 else False for a, i in zip(ans, yc[cat])])
        unc = ans == UNCERTAIN
        cnt = np.zeros((n_c, 3))  # known, right, uncertain
        np.add.at(cnt, cluster[k], np.stack([np.ones(k.sum()), right[k], unc[k]], -1).astype(float))
        b = draws @ cnt
        with np.errstate(invalid="ignore", divide="ignore"):
            acc_b = b[:, 1] / b[:, 0]
        lo, hi = _interval(acc_b)
        out.append({"metric": "accuracy", "what": cat, "value": float(right[k].mean()), "lo": lo, "hi": hi,
                    "n": int(k.sum()), "n_speakers": int(len(set(spk[k])))})
        out.append({"metric": "uncertain rate", "what": cat, "value": float(unc[k].mean()), "lo": np.nan, "hi": np.nan,
                    "n": int(k.sum()), "n_speakers": int(len(set(spk[k])))})
    return out


def pair_auc(data: ProtocolData, rows: np.ndarray, probs: np.ndarray, n_resamples: int = 200) -> list[dict]:
    """ROC AUC per category of the pair probability of its second label (threshold-free: how well
    the model ranks voices, whatever the label rates of the test corpus), speaker-bootstrapped."""
    from sklearn.metrics import roc_auc_score

    from ..styles.decision import pair_probabilities
    from ..training.linear import category_targets

    ls = data.label_set
    pair = pair_probabilities(np.nan_to_num(probs[rows], nan=0.5), ls)
    yc = category_targets(data.targets[rows], ls)
    spk = data.speakers[rows]
    out = []
    for cat, labels in ls.categories.items():
        k = np.nonzero(yc[cat] >= 0)[0]
        y, p = yc[cat][k], pair[k, ls.index(labels[-1])]
        if len(set(y.tolist())) < 2:
            continue
        groups = [np.nonzero(spk[k] == s)[0] for s in np.unique(spk[k])]
        rng = np.random.default_rng(0)
        stats = []
        for _ in range(n_resamples):
            idx = np.concatenate([groups[g] for g in rng.integers(0, len(groups), len(groups))])
            if len(set(y[idx].tolist())) == 2:
                stats.append(roc_auc_score(y[idx], p[idx]))
        lo, hi = _interval(np.asarray(stats))
        out.append({"metric": "AUC", "what": cat, "value": float(roc_auc_score(y, p)), "lo": lo, "hi": hi,
                    "n": int(len(k)), "n_speakers": len(groups)})
    return out


def evaluate_protocol(data: ProtocolData, candidates: dict[str, Candidate], folds: int = 5,
                      n_resamples: int = 500, log=print, settings_of: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """Every candidate in every setting (or only ``settings_of[name]``); a long table (setting,
    model, metric, what, value, lo, hi, n)."""
    splits = setting_splits(data, folds)
    rows = []
    for name, cand in candidates.items():
        loco_answers = {cat: [""] * len(data) for cat in data.label_set.categories}
        loco_probs = np.full((len(data), len(data.label_set)), np.nan)
        for setting, sp in splits.items():
            if settings_of and name in settings_of and setting not in settings_of[name]:
                continue
            log(f"  {name}: {setting}")
            probs, answers = run_candidate(data, cand, sp)
            tested = np.unique(np.concatenate([te for _, te in sp]))
            for r in score_answers(data, tested, answers, n_resamples) + pair_auc(data, tested, probs, n_resamples // 5):
                rows.append({"setting": setting, "model": name, **r})
            if setting.startswith("LOCO"):
                loco_probs[tested] = probs[tested]
            if setting.startswith("LOCO"):
                for cat in loco_answers:
                    for i in tested:
                        loco_answers[cat][i] = answers[cat][i]
        loco_rows = np.nonzero(np.isfinite(loco_probs).all(1))[0]
        if len(loco_rows) == 0:
            continue
        for r in score_answers(data, loco_rows, loco_answers, n_resamples) + pair_auc(data, loco_rows, loco_probs,
                                                                                       n_resamples // 5):
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
                     augmented: bool = False, uncertain: bool | tuple[str, ...] = True, shared_scale: slice | None = None,
                     category_columns: dict | None = None, probe_c: bool | tuple[str, ...] = False) -> Candidate:
    """The ``linear`` head (:func:`stylecheck.training.linear.fit_with_validation`) on a feature
    matrix (optionally a column slice), C and margin chosen inside the training rows.
    ``category_columns``: the columns each category reads (``CategoryLinear``'s ``columns``).
    ``probe_c`` (all categories, or the ones named): C fixed at the GE2E probe's regularisation
    instead of chosen (see :func:`probe_equivalent_c`). ``uncertain`` (all categories, or the ones
    named): keep the margin chosen on training folds; the others answer every file, as the probe
    does."""
    from ..training.linear import C_GRID, fit_with_validation, head_probabilities

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
        grid = C_GRID
        if probe_c:
            rows = x[train] if extra is None else np.concatenate([x[train], extra[0]])
            c = probe_equivalent_c(rows, shared_scale)
            grid = {cat: (c,) if probe_c is True or cat in probe_c else C_GRID for cat in data.label_set.categories}
        fit = fit_with_validation(x[train], data.targets[train], data.label_set, data.speakers[train],
                                  data.corpus[train], balance, extra=extra, shared_scale=shared_scale,
                                  columns=category_columns, c_grid=grid)
        margin = margins_kept(fit.margin, uncertain)
        return Prediction(head_probabilities(fit.head, x[test]), {"rule": "pairwise", "uncertain_margin": margin})

    return run


def margins_kept(margins: dict[str, float], uncertain: bool | tuple[str, ...]) -> dict[str, float]:
    """The chosen margins of the categories that keep one (``uncertain``: all, none, or the ones
    named); 0 for the others, which answer every file."""
    return {cat: (m if uncertain is True or (uncertain and cat in uncertain) else 0.0) for cat, m in margins.items()}


def probe_equivalent_c(x: np.ndarray, shared_scale: slice | None) -> float:
    """The head's C that equals the GE2E probe's C = 1 on the unscaled embedding: the head divides
    the embedding by one shared scale ``s`` (the mean per-dimension standard deviation of the
    training rows ``x``), and scaling the input by 1/s scales the equivalent C by s^2."""
    cols = x[:, shared_scale] if shared_scale is not None else x
    s = float(cols.std(0).mean())
    return s * s


# -- tables -------------------------------------------------------------------------------------
def _fmt(v, lo, hi) -> str:
    if not np.isfinite(v):
        return "n/a"
    return f"{v:.3f}" if not np.isfinite(lo) else f"{v:.3f} [{lo:.2f}, {hi:.2f}]"


def setting_table(results: pd.DataFrame, setting: str, categories, models=None) -> pd.DataFrame:
    """One row per model: accuracy per category, macro-F1 over the labels, uncertain rate."""
    part = results[results["setting"] == setting]
    rows = []
    for model in (models or list(dict.fromkeys(part["model"]))):
        m = part[part["model"] == model]
        row = {"model": model}
        for cat in categories:
            r = m[(m["metric"] == "accuracy") & (m["what"] == cat)]
            row[f"{cat} acc."] = _fmt(*r[["value", "lo", "hi"]].iloc[0]) if len(r) else "n/a"
        r = m[(m["metric"] == "F1") & (m["what"] == "macro-F1")]
        row["macro-F1 (labels)"] = _fmt(*r[["value", "lo", "hi"]].iloc[0]) if len(r) else "n/a"
        u = m[m["metric"] == "uncertain rate"]
        row["uncertain"] = f"{u['value'].mean():.2f}" if len(u) else "n/a"
        rows.append(row)
    return pd.DataFrame(rows)


def auc_table(results: pd.DataFrame, setting: str, categories, models=None) -> pd.DataFrame:
    part = results[(results["setting"] == setting) & (results["metric"] == "AUC")]
    rows = []
    for model in (models or list(dict.fromkeys(results[results["setting"] == setting]["model"]))):
        m = part[part["model"] == model]
        row = {"model": model}
        for cat in categories:
            r = m[m["what"] == cat]
            row[f"{cat} AUC"] = _fmt(*r[["value", "lo", "hi"]].iloc[0]) if len(r) else "n/a"
        rows.append(row)
    return pd.DataFrame(rows)


def figure(results: pd.DataFrame, setting: str, model: str, metric: str, what: str) -> float:
    r = results[(results["setting"] == setting) & (results["model"] == model) & (results["metric"] == metric)
                & (results["what"] == what)]
    return float(r["value"].iloc[0]) if len(r) else float("nan")


def speechmlc_candidate(work_dir, cache_dir: str | None, backbone: str = "fusion-frames", epochs: int = 30,
                        patience: int = 8, seed: int = 0) -> Candidate:
    """SpeechMLC (the paper's architecture) on frame-level features, trained with the project's
    own loop (:func:`stylecheck.training.train_model`) on the training rows, 10% of the training
    speakers held out for early stopping, calibration and thresholds. Answers: the more probable
    label of each pair (no uncertain margin: there are no out-of-fold predictions to choose it)."""
    from pathlib import Path

    from ..data.manifest import read_manifest, write_manifest
    from ..models import StyleModel
    from ..training import FeatureCache, TrainOptions, train_model

    def run(data, train, test):
        key = f"{len(train)}_{int(np.sum(train)) % 100000}_{len(test)}"
        folder = Path(work_dir) / f"speechmlc_{key}"
        frame = pd.concat([read_manifest(m, data.label_set).frame for m in data.sources], ignore_index=True)
        frame = frame.drop_duplicates("path").set_index("path").loc[data.paths].reset_index()
        spk = np.unique(data.speakers[train])
        rng = np.random.default_rng(seed)
        valid_spk = set(rng.choice(spk, max(1, len(spk) // 10), replace=False))
        is_valid = np.array([s in valid_spk for s in data.speakers[train]])
        write_manifest(folder / "train.csv", frame.iloc[train[~is_valid]], data.label_set)
        write_manifest(folder / "valid.csv", frame.iloc[train[is_valid]], data.label_set)
        if not (folder / "model" / "config.json").is_file():
            opts = TrainOptions(train=[str(folder / "train.csv")], valid=str(folder / "valid.csv"), out=str(folder / "model"),
                                backbone=backbone, arch="speechmlc", epochs=epochs, patience=patience, batch_size=64,
                                lr=1e-4, crops_per_item=4, device="cpu", cache_dir=cache_dir, seed=seed)
            train_model(opts, data.label_set)
        model = StyleModel.from_pretrained(folder / "model")
        frames = FeatureCache(model.backbone, cache_dir, model.config.segment_s).get([data.paths[i] for i in test])
        return Prediction(model.probabilities_from_frames(frames), {"rule": "pairwise", "uncertain_margin": 0.0})

    return run
