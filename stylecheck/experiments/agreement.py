"""How annotator agreement relates to model accuracy (the paper's Figure 5 and Table 1).

For each label, test files are split by how many annotators agreed on the decision the file
carries for that label, and F1 is computed in each part ("low": at most K agreeing annotators,
"high": more than K; the paper: <= 4 vs >= 5 of 8, so K defaults to floor(n_annotators / 2)).
That default cannot split every panel: with 3 annotators a label exists only with 2 or 3 votes,
so "at most 1" is always empty. When floor(n/2) leaves a bucket empty, K is chosen from the
agreement levels the labelled files have (:func:`choose_split`): the level that divides them
most evenly (3 annotators: 2 vs 3, bare majority vs unanimous).

Which agreement? ``agree_<Label>`` counts votes *for* a label, but a negative file of Female is a
file the annotators called Male, and how sure they were is the Male vote count. So a file's
agreement for label L is the vote count of the label chosen in L's category, i.e. the largest
``agree_*`` count in that category (:func:`stylecheck.data.votes.category_agreement`). Positive
and negative files of L are bucketed alike, which keeps F1 (which needs both) meaningful in each
bucket.

Table 1 (``agreement_ratio.csv``): per label, the share of its positive files whose agreement
exceeds K (the paper: at least 5 of 8 annotators).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score

from ..data.manifest import read_manifest
from ..data.votes import agree_column, category_agreement
from ..io import write_csv, write_figure, write_text
from ..styles.labels import LabelSet, PAPER_LABELS
from ..markdown import markdown_table
from ..analysis.bootstrap import bootstrap
from ..errors import AgreementError

BUCKETS = ("low", "high")


@dataclass
class AgreementResult:
    f1: pd.DataFrame  # model, label, bucket, rule, files, speakers, positives, f1, f1_lo, f1_hi
    ratio: pd.DataFrame  # label, positives, reaching, ratio_percent, rule
    notes: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)


def _norm(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def _f1(t: np.ndarray, p: np.ndarray) -> float:
    """F1 of the positive class; NaN without positive targets (undefined, not zero)."""
    if t.size == 0 or t.sum() == 0:
        return float("nan")
    return float(f1_score(t.astype(int), p.astype(int), zero_division=0))


def _decisions(pred: pd.DataFrame, labels: list[str], source: Path, notes: list[str]) -> pd.DataFrame:
    """0/1 (NaN if missing) per label: pred_<L>, else a 'predicted' list, else p_<L> >= 0.5."""
    out = pd.DataFrame(index=pred.index)
    if all(f"pred_{lab}" in pred for lab in labels):
        for lab in labels:
            v = pd.to_numeric(pred[f"pred_{lab}"], errors="coerce")
            bad = v.notna() & ~v.isin([0, 1])
            if bad.any():
                raise AgreementError(f"{source}: pred_{lab} must be 0 or 1 ({int(bad.sum())} other values)")
            out[lab] = v
        return out
    if "predicted" in pred:
        chosen = pred["predicted"].fillna("").map(lambda s: {t.strip().lower() for t in re.split(r"[;,|\s]+", s) if t.strip()})
        # 'stylecheck score' leaves 'predicted' empty for files it could not score: their p_* are NaN.
        failed = pred[[f"p_{lab}" for lab in labels if f"p_{lab}" in pred]].isna().any(axis=1)
        for lab in labels:
            out[lab] = chosen.map(lambda c, lab=lab: float(lab.lower() in c)).where(~failed)
        notes.append(f"Decisions read from the `predicted` column of {source.name}.")
        return out
    missing = [lab for lab in labels if f"p_{lab}" not in pred]
    if missing:
        raise AgreementError(f"{source}: no decisions for {', '.join(missing)} (needs pred_<Label> columns, a "
                             "'predicted' column, or p_<Label> probabilities)")
    for lab in labels:
        out[lab] = (pd.to_numeric(pred[f"p_{lab}"], errors="coerce") >= 0.5).astype(float)
        out.loc[pd.to_numeric(pred[f"p_{lab}"], errors="coerce").isna(), lab] = np.nan
    notes.append(f"{source.name} has no pred_<Label> columns: decisions are p_<Label> >= 0.5, not the model's "
                 "tuned thresholds.")
    return out


def _join(pred: pd.DataFrame, manifest: pd.DataFrame, source: Path, notes: list[str]) -> pd.DataFrame:
    """Row positions into the manifest for each prediction row (-1: not in the manifest)."""
    if "path" in pred:
        key = pred["path"].astype(str).map(lambda p: _norm(p if os.path.isabs(p) else str(source.parent / p)))
        index = {k: i for i, k in enumerate(manifest["path"].map(_norm))}
        how = "path"
    elif "file" in pred:
        names = manifest["path"].map(lambda p: Path(p).name)
        dup = names[names.duplicated(keep=False)]
        if len(dup):
            notes.append(f"{dup.nunique()} file name(s) occur more than once in the manifest and cannot be matched "
                         f"by name: {', '.join(sorted(dup.unique())[:10])}")
        index = {n: i for i, n in enumerate(names) if n not in set(dup)}
        key = pred["file"].astype(str).map(lambda p: Path(p).name)
        how = "file name"
    else:
        raise AgreementError(f"{source}: needs a 'path' or 'file' column to match the manifest "
                             f"(has {', '.join(pred.columns)})")
    pos = key.map(lambda k: index.get(k, -1)).astype(int)
    unmatched = int((pos < 0).sum())
    if unmatched:
        examples = ", ".join(key[pos < 0].head(5))
        notes.append(f"{unmatched} prediction row(s) match no manifest file by {how} and were ignored "
                     f"(e.g. {examples}).")
    return pos


def agreement_report(predictions: str | os.PathLike, manifest: str | os.PathLike, out_dir: str | os.PathLike,
                     split_at: int | None = None, label_set: LabelSet = PAPER_LABELS, n_resamples: int = 1000,
                     seed: int = 0) -> AgreementResult:
    """F1 per label on low- vs high-agreement files; writes agreement_f1.csv / .md / .png and
    agreement_ratio.csv into ``out_dir``."""
    pred_path, man_path, out = Path(predictions), Path(manifest), Path(out_dir)
    if not pred_path.is_file():
        raise AgreementError(f"{pred_path}: predictions file not found")
    m = read_manifest(man_path, label_set, check_files=False)
    frame = m.frame
    labels = [lab for lab in label_set.labels if agree_column(lab) in frame]
    if not labels:
        raise AgreementError(f"{man_path}: no agree_<Label> columns, so there is no agreement to split by; "
                             "prepare the test manifest from per-annotator votes (e.g. 'stylecheck prepare "
                             "libritts-p', or 'prepare dreamvoice --votes')")
    if split_at is None and "n_annotators" not in frame:
        raise AgreementError(f"{man_path}: no n_annotators column; pass --split-at K")
    try:
        pred = pd.read_csv(pred_path)
    except Exception as exc:
        raise AgreementError(f"{pred_path}: not a readable CSV ({exc})") from None
    notes: list[str] = []
    skipped_labels = [lab for lab in label_set.labels if lab not in labels]
    if skipped_labels:
        notes.append(f"{man_path.name} has no agreement for {', '.join(skipped_labels)}: left out.")
    have_pred = [lab for lab in labels if f"pred_{lab}" in pred or f"p_{lab}" in pred or "predicted" in pred]
    if not have_pred:
        raise AgreementError(f"{pred_path}: no p_<Label> or pred_<Label> column for any of {', '.join(labels)}")
    if len(have_pred) < len(labels):
        notes.append(f"{pred_path.name} has no predictions for {', '.join(sorted(set(labels) - set(have_pred)))}: "
                     "left out.")
    labels = have_pred

    if "status" in pred:  # a 'stylecheck score' table: rows that failed carry no prediction
        bad = ~pred["status"].astype(str).isin(["ok", "unlisted"])
        if bad.any():
            notes.append(f"{int(bad.sum())} prediction row(s) with status other than ok were ignored.")
            pred = pred[~bad].reset_index(drop=True)
    pos = _join(pred, frame, pred_path, notes)
    decisions = _decisions(pred, labels, pred_path, notes)
    agree = category_agreement(frame, label_set)
    k_row, rule, split_notes = choose_split(frame, agree, labels, split_at)
    notes += split_notes
    models = pred["model"].astype(str) if "model" in pred else pd.Series("model", index=pred.index)
    matched = pos >= 0
    if not matched.any():
        raise AgreementError(f"{pred_path}: none of its {len(pred)} rows matches a file of {man_path}")
    missing_files = len(frame) - pos[matched].nunique()
    if missing_files:
        notes.append(f"{missing_files} manifest file(s) have no prediction.")

    rows = []
    for model in models[matched].unique():
        sel = matched & (models == model)
        dup = pos[sel].duplicated()
        if dup.any():
            notes.append(f"{model}: {int(dup.sum())} duplicate prediction row(s) for one file; the first was used.")
        idx_pred = pos[sel][~dup].index.to_numpy()
        idx_man = pos[sel][~dup].to_numpy()
        for lab in labels:
            t = frame[lab].to_numpy(dtype=float)[idx_man]
            p = decisions.loc[idx_pred, lab].to_numpy(dtype=float)
            a = agree[lab].to_numpy(dtype=float)[idx_man]
            k = k_row[idx_man]
            usable = ~np.isnan(t) & ~np.isnan(p) & ~np.isnan(a) & ~np.isnan(k)
            no_agree = int((~np.isnan(t) & np.isnan(a)).sum())
            if no_agree:
                notes.append(f"{model}, {lab}: {no_agree} labelled file(s) without agreement counts were left out.")
            speakers = frame["speaker"].astype(str).to_numpy()[idx_man] if "speaker" in frame else None
            for bucket in BUCKETS:
                part = usable & ((a <= k) if bucket == "low" else (a > k))
                ti, pi = t[part], p[part]
                spk = speakers[part] if speakers is not None else None
                iv = bootstrap(lambda ix, ti=ti, pi=pi: _f1(ti[ix], pi[ix]), int(part.sum()), spk,
                               n_resamples=n_resamples, seed=seed)
                rows.append({"model": model, "label": lab, "bucket": bucket, "files": int(part.sum()),
                             "speakers": int(len(set(spk))) if spk is not None else int(part.sum()),
                             "positives": int(ti.sum()), "f1": iv.value, "f1_lo": iv.lo, "f1_hi": iv.hi})
    f1 = pd.DataFrame(rows)
    f1.insert(3, "rule", rule)
    empty = f1[f1["files"] == 0]
    if len(empty):
        notes.append("Empty buckets (no labelled file at that agreement): "
                     + ", ".join(f"{r.label} {r.bucket}" for r in empty.itertuples()) + ".")
    for bucket in BUCKETS:
        if (f1.loc[f1["bucket"] == bucket, "files"] == 0).all():
            fits = _splits_with_both_buckets(frame, agree, labels)
            notes.append(f"No labelled file is in the {bucket} bucket with this split. "
                         + (f"Splits that leave both buckets non-empty here: "
                            f"{', '.join(f'--split-at {k}' for k in fits)}." if fits else
                            "Every labelled file has the same agreement, so no split can compare agreement levels."))
    ratio = agreement_ratio(frame, labels, agree, k_row)
    ratio["rule"] = "agreement " + rule.removeprefix("low: ").removesuffix(", high: more").replace("<=", ">")

    files = {
        "f1_csv": write_csv(out / "agreement_f1.csv", f1),
        "ratio_csv": write_csv(out / "agreement_ratio.csv", ratio),
        "figure": write_figure(out / "agreement_f1.png", agreement_figure(f1, labels)),
    }
    files["md"] = write_text(out / "agreement_f1.md", _markdown(f1, ratio, rule, pred_path, man_path, notes))
    return AgreementResult(f1, ratio, notes, files)


def _labelled_levels(frame: pd.DataFrame, agree: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """One row per labelled (file, label): the file's n_annotators (NaN without the column) and
    its agreement for the label."""
    n_ann = (pd.to_numeric(frame["n_annotators"], errors="coerce") if "n_annotators" in frame
             else pd.Series(np.nan, index=frame.index))
    parts = []
    for lab in labels:
        known = pd.to_numeric(frame[lab], errors="coerce").notna() & agree[lab].notna()
        parts.append(pd.DataFrame({"n_annotators": n_ann[known].to_numpy(),
                                   "agreement": agree.loc[known, lab].to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["n_annotators", "agreement"])


def _splits_with_both_buckets(frame: pd.DataFrame, agree: pd.DataFrame, labels: list[str]) -> list[int]:
    """Every K for which some labelled file has agreement <= K and some has more."""
    levels = sorted({int(v) for v in _labelled_levels(frame, agree, labels)["agreement"]})
    return levels[:-1]


def choose_split(frame: pd.DataFrame, agree: pd.DataFrame, labels: list[str],
                 split_at: int | None = None) -> tuple[np.ndarray, str, list[str]]:
    """K per manifest row (low: agreement <= K), the rule in words, and notes on the choice.

    ``split_at`` fixes K. Otherwise, per number of annotators n: K = floor(n/2) (the paper's 4 of
    8) when labelled files fall on both sides of it; else the agreement level that divides the
    labelled (file, label) pairs most evenly (the lower on a tie), so neither bucket is empty
    whenever the files differ in agreement at all."""
    if split_at is not None:
        return (np.full(len(frame), float(split_at)),
                f"low: <= {split_at} agreeing annotators (--split-at), high: more", [])
    n_ann = pd.to_numeric(frame["n_annotators"], errors="coerce").to_numpy(dtype=float)
    k_row = np.floor(n_ann / 2)
    observed = _labelled_levels(frame, agree, labels)
    parts, notes = [], []
    for n in sorted({int(v) for v in n_ann if np.isfinite(v)}):
        paper = n // 2
        levels = observed.loc[observed["n_annotators"] == n, "agreement"].to_numpy(dtype=float)
        counts = {int(v): int((levels == v).sum()) for v in np.unique(levels)}
        shown = ", ".join(f"{v} of {n}: {c}" for v, c in counts.items())
        if not len(levels) or ((levels <= paper).any() and (levels > paper).any()):
            parts.append(f"<= {paper} of {n} (floor(n_annotators/2))")
            continue
        if len(counts) < 2:
            parts.append(f"<= {paper} of {n} (floor(n_annotators/2))")
            notes.append(f"Every labelled file rated by {n} annotators has agreement {next(iter(counts))}: "
                         "no split gives two non-empty buckets.")
            continue
        below = np.array([(levels <= k).sum() for k in list(counts)[:-1]])
        k = list(counts)[int(np.argmin(np.abs(2 * below - len(levels))))]
        k_row[n_ann == n] = k
        parts.append(f"<= {k} of {n}")
        empty = "low" if (levels > paper).all() else "high"
        notes.append(f"Files rated by {n} annotators: floor({n}/2) = {paper} would leave the {empty} bucket "
                     f"empty (labelled file-label pairs by agreement: {shown}), so the split is at {k}, "
                     f"the level that divides them most evenly "
                     f"(--split-at sets another).")
    rule = "low: " + "; ".join(parts) + " agreeing annotators, high: more"
    return k_row, rule, notes


def agreement_ratio(frame: pd.DataFrame, labels: list[str], agree: pd.DataFrame, k_row: np.ndarray) -> pd.DataFrame:
    """Per label: positive files and the share whose agreement exceeds K (the paper's Table 1)."""
    rows = []
    for lab in labels:
        positive = frame[lab].to_numpy(dtype=float) == 1
        a = agree[lab].to_numpy(dtype=float)
        known = positive & ~np.isnan(a) & ~np.isnan(k_row)
        reach = known & (a > k_row)
        rows.append({"label": lab, "positives": int(known.sum()), "reaching": int(reach.sum()),
                     "ratio_percent": 100.0 * reach.sum() / known.sum() if known.sum() else float("nan")})
    return pd.DataFrame(rows)


def agreement_figure(f1: pd.DataFrame, labels: list[str]):
    """Grouped bars (low vs high agreement) per label with bootstrap intervals, one panel per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = list(f1["model"].unique())
    fig, axes = plt.subplots(len(models), 1, figsize=(1.1 * len(labels) + 2, 3.4 * len(models)), squeeze=False)
    x = np.arange(len(labels))
    for ax, model in zip(axes[:, 0], models):
        for j, bucket in enumerate(BUCKETS):
            part = f1[(f1["model"] == model) & (f1["bucket"] == bucket)].set_index("label").reindex(labels)
            err = np.vstack([part["f1"] - part["f1_lo"], part["f1_hi"] - part["f1"]])
            err = np.where(np.isfinite(err), np.maximum(err, 0), 0)
            ax.bar(x + (j - 0.5) * 0.38, part["f1"].fillna(0), 0.38, yerr=err, capsize=2,
                   label=f"{bucket} agreement", color=("#bbbbbb", "#3b6ea8")[j])
            for xi, (v, n) in enumerate(zip(part["f1"], part["files"])):
                if not np.isfinite(v):
                    ax.text(xi + (j - 0.5) * 0.38, 0.02, "n/a", ha="center", fontsize=7, rotation=90)
        ax.set_xticks(x, labels)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("F1")
        ax.set_title(model if len(models) > 1 else "F1 by annotator agreement")
        ax.legend(frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _markdown(f1: pd.DataFrame, ratio: pd.DataFrame, rule: str, pred: Path, manifest: Path, notes: list[str]) -> str:
    table = f1.copy()
    table["F1 [95% CI]"] = [
        "n/a" if not np.isfinite(r.f1) else (f"{r.f1:.3f} [{r.f1_lo:.3f}, {r.f1_hi:.3f}]" if np.isfinite(r.f1_lo)
                                           else f"{r.f1:.3f}") for r in f1.itertuples()]
    table = table[["model", "label", "bucket", "files", "speakers", "positives", "F1 [95% CI]"]]
    lines = ["# F1 by annotator agreement", "",
             f"Predictions: `{pred}`; manifest: `{manifest}`.", "",
             f"Buckets: {rule}. A file's agreement for a label is the vote count of the label the annotators "
             "chose in that label's category (so positives and negatives are bucketed alike). Intervals: "
             "95% bootstrap over speakers; n/a = no positive file in the bucket.", "",
             markdown_table(table), "", "![F1 by agreement](agreement_f1.png)", "",
             "## Share of positive files with high agreement (the paper's Table 1)", "",
             markdown_table(ratio, floatfmt=".2f"), ""]
    if notes:
        lines += ["## Input problems and notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)
