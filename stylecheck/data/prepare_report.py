"""Turning a labelled corpus into split manifests plus ``prepare_report.md``.

A corpus preparer (:mod:`.corpora.libritts_p`, :mod:`.corpora.dreamvoice`) builds a
:class:`PreparedCorpus`: one row per audio file with its speaker's labels, and everything it left
out with the reason. :func:`write_prepared` splits it by speaker, writes ``train.csv``,
``valid.csv``, ``test.csv``, ``all.csv``, the split lists (``splits/*.txt``, to pass back with
``--splits`` for the same split later), ``prepare_report.md`` and ``label_distribution.png``
(the paper's Figure 3: samples per label). Nothing is written before everything is computed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_figure, write_text
from ..styles.labels import LabelSet
from ..markdown import markdown_table
from .manifest import read_manifest, write_manifest
from .splits import SPLITS, assign_splits, read_split_lists, split_list_texts, split_sizes
from .votes import agree_column, category_agreement
from ..errors import InvalidValueError, MissingFileError

FIGURE_NAME = "label_distribution.png"
REPORT_NAME = "prepare_report.md"


@dataclass
class PreparedCorpus:
    """A corpus with labels per audio file, before splitting."""

    corpus: str
    rows: pd.DataFrame  # path (absolute), speaker, corpus, one column per label (1/0/NaN), agree_*, n_annotators
    label_set: LabelSet
    inputs: dict[str, str]  # what was read, for the report
    n_annotated: int  # speakers with annotations in the input
    dropped: dict[str, list[str]] = field(default_factory=dict)  # reason -> speaker ids
    sections: list[tuple[str, str]] = field(default_factory=list)  # extra report sections (title, markdown)


@dataclass
class SplitPlan:
    """How to split: fixed speaker lists (``lists``) or a seeded stratified draw."""

    lists: Path | None = None
    seed: int = 0
    valid_fraction: float = 0.1
    test_fraction: float | None = 0.1
    test_speakers: int | None = None
    #: With vote counts: test labels whose category agreement is below this become unknown.
    test_min_agreement: int | None = None


@dataclass
class PrepareSummary:
    out_dir: Path
    files: dict[str, Path]
    counts: pd.DataFrame  # split, label, positive, negative, unknown, positive_speakers
    speakers: dict[str, int]  # split -> speakers
    dropped: dict[str, int]  # reason -> speakers


def write_prepared(prepared: PreparedCorpus, out_dir: str | os.PathLike, plan: SplitPlan) -> PrepareSummary:
    """Split ``prepared`` by speaker and write the manifests, split lists and report."""
    out = Path(out_dir)
    rows = prepared.rows.copy()
    labels = list(prepared.label_set.labels)
    dropped = {k: list(v) for k, v in prepared.dropped.items()}
    if rows.empty:
        raise InvalidValueError(f"{prepared.corpus}: no speaker has both labels and audio; nothing to write "
                         f"(dropped: {', '.join(f'{k}: {len(v)}' for k, v in dropped.items()) or 'none'})")
    rows["speaker"] = rows["speaker"].astype(str)
    speaker_labels = rows.groupby("speaker", sort=True)[labels].first()
    notes: list[str] = []
    if plan.lists is not None:
        fixed = read_split_lists(plan.lists)
        unlisted = sorted(set(speaker_labels.index) - set(fixed))
        if unlisted:
            dropped["not in the fixed split lists"] = unlisted
        missing = sorted(set(fixed) - set(speaker_labels.index))
        if missing:
            notes.append(f"{len(missing)} speaker(s) of the split lists have no usable data here: "
                         f"{', '.join(missing)}")
        assignment = pd.Series({s: fixed[s] for s in speaker_labels.index if s in fixed}, name="split", dtype=str)
        if assignment.empty:
            raise InvalidValueError(f"{plan.lists}: none of the {len(speaker_labels)} speakers is in the split lists")
        rows = rows[rows["speaker"].isin(assignment.index)]
        how = f"fixed speaker lists from `{plan.lists}`"
    else:
        sizes = split_sizes(len(speaker_labels), plan.valid_fraction, plan.test_fraction, plan.test_speakers)
        assignment = assign_splits(speaker_labels, sizes, plan.seed)
        how = (f"drawn with seed {plan.seed} (stratified over labels, speaker-disjoint): "
               + ", ".join(f"{k} {v}" for k, v in sizes.items()) + " speakers")
    rows = rows.assign(split=rows["speaker"].map(assignment)).reset_index(drop=True)
    if plan.test_min_agreement is not None:
        rows, filter_note = _filter_test_by_agreement(rows, prepared.label_set, plan.test_min_agreement)
        notes.append(filter_note)

    counts = label_counts(rows, labels)
    manifests = {split: rows[rows["split"] == split] for split in SPLITS}
    manifests["all"] = rows
    report = _report_markdown(prepared, rows, counts, how, dropped, notes)
    fig = label_figure(counts, labels, f"{prepared.corpus}: samples per label")

    files: dict[str, Path] = {}
    for name, frame in manifests.items():
        files[name] = write_manifest(out / f"{name}.csv", with_relative_paths(frame, out), prepared.label_set)
    for name, text in split_list_texts(assignment).items():
        files[f"splits/{name}"] = write_text(out / "splits" / name, text)
    files["figure"] = write_figure(out / FIGURE_NAME, fig)
    files["report"] = write_text(out / REPORT_NAME, report)
    return PrepareSummary(out, files, counts, {s: int((assignment == s).sum()) for s in SPLITS},
                          {k: len(v) for k, v in dropped.items()})


def with_relative_paths(frame: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """Paths relative to the manifest folder when the audio lies below it, else absolute; vote
    counts as integers (pandas turns a count column with gaps into floats)."""
    base = folder.resolve()
    frame = frame.copy()
    for col in frame.columns:
        if col.startswith("agree_") or col == "n_annotators":
            frame[col] = pd.to_numeric(frame[col], errors="coerce").round().astype("Int64")

    def rel(p: str) -> str:
        path = Path(p).resolve()
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            return str(path)

    return frame.assign(path=frame["path"].map(rel))


def label_counts(rows: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Long table: split (incl. 'all'), label, positive / negative / unknown files, positive speakers."""
    out = []
    for split in (*SPLITS, "all"):
        part = rows if split == "all" else rows[rows["split"] == split]
        for lab in labels:
            v = part[lab].to_numpy(dtype=float)
            out.append({"split": split, "label": lab, "positive": int((v == 1).sum()), "negative": int((v == 0).sum()),
                        "unknown": int(np.isnan(v).sum()),
                        "positive_speakers": int(part.loc[v == 1, "speaker"].nunique())})
    return pd.DataFrame(out)


def label_figure(counts: pd.DataFrame, labels: list[str], title: str):
    """Grouped bars: positive samples per label and split (the paper's Figure 3)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1.1 * len(labels) + 2, 3.6))
    x = np.arange(len(labels))
    width = 0.8 / len(SPLITS)
    for k, split in enumerate(SPLITS):
        part = counts[counts["split"] == split].set_index("label").reindex(labels)
        bars = ax.bar(x + (k - (len(SPLITS) - 1) / 2) * width, part["positive"], width, label=split)
        ax.bar_label(bars, fontsize=7, padding=1)
    ax.set_xticks(x, labels)
    ax.set_ylabel("samples (positive)")
    ax.set_title(title)
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def _filter_test_by_agreement(rows: pd.DataFrame, label_set: LabelSet, threshold: int) -> tuple[pd.DataFrame, str]:
    """Test rows: labels whose category agreement is below ``threshold`` become unknown (the
    paper's test set keeps only decisions at least 5 of 8 annotators shared)."""
    cols = [agree_column(lab) for lab in label_set.labels]
    if not all(c in rows for c in cols):
        return rows, ("No per-annotator votes were given, so the test split keeps every consensus label "
                      f"(the agreement filter >= {threshold} needs `--votes`).")
    rows = rows.copy()
    test = rows["split"] == "test"
    agree = category_agreement(rows, label_set)
    cleared = {}
    for lab in label_set.labels:
        low = test & rows[lab].notna() & ~(agree[lab] >= threshold)
        cleared[lab] = int(low.sum())
        rows.loc[low, lab] = np.nan
    detail = ", ".join(f"{lab} {n}" for lab, n in cleared.items())
    return rows, (f"Test split: labels whose category agreement is below {threshold} annotators were set to "
                  f"unknown (files per label: {detail}).")


def _report_markdown(prepared: PreparedCorpus, rows: pd.DataFrame, counts: pd.DataFrame, how: str,
                     dropped: dict[str, list[str]], notes: list[str]) -> str:
    labels = list(prepared.label_set.labels)
    lines = [f"# Prepared corpus: {prepared.corpus}", ""]
    lines += ["## Inputs", ""] + [f"- {k}: `{v}`" for k, v in prepared.inputs.items()] + [""]
    n_spk = rows["speaker"].nunique()
    lines += ["## Speakers", "",
              f"- annotated in the input: {prepared.n_annotated}",
              f"- kept (labels and audio): {n_spk} speakers, {len(rows)} audio files",
              f"- split: {how}", ""]
    per_split = pd.DataFrame([{"split": s, "speakers": rows.loc[rows["split"] == s, "speaker"].nunique(),
                               "files": int((rows["split"] == s).sum())} for s in SPLITS])
    lines += [markdown_table(per_split), ""]
    if dropped:
        lines += ["## Left out", "", markdown_table(pd.DataFrame(
            [{"reason": k, "speakers": len(v)} for k, v in dropped.items()])), ""]
        for reason, spk in dropped.items():
            if spk:
                lines += [f"<details><summary>{reason} ({len(spk)})</summary>", "", ", ".join(spk), "", "</details>", ""]
    lines += ["## Label distribution", "",
              "Files per label and split as positive / negative / unknown (unknown = no decision: "
              "masked out of training and metrics); `speakers+` = speakers with the label.", ""]
    wide = []
    for lab in labels:
        rec = {"label": lab}
        for split in (*SPLITS, "all"):
            c = counts[(counts["split"] == split) & (counts["label"] == lab)].iloc[0]
            rec[split] = f"{c['positive']} / {c['negative']} / {c['unknown']}"
        rec["speakers+ (all)"] = int(counts[(counts["split"] == "all") & (counts["label"] == lab)]["positive_speakers"].iloc[0])
        wide.append(rec)
    lines += [markdown_table(pd.DataFrame(wide)), "", f"![samples per label]({FIGURE_NAME})", ""]
    missing = [f"{lab} ({split})" for split in SPLITS for lab in labels
               if counts[(counts["split"] == split) & (counts["label"] == lab)]["positive"].iloc[0] == 0
               and (rows["split"] == split).any()]
    if missing:
        lines += [f"Splits without a positive sample: {', '.join(missing)}.", ""]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    for title, body in prepared.sections:
        lines += [f"## {title}", "", body.rstrip(), ""]
    return "\n".join(lines)


def combine_prepared(inputs: list[str | os.PathLike], out_dir: str | os.PathLike,
                     label_set: LabelSet) -> PrepareSummary:
    """Concatenate the per-split manifests of several prepared folders into ``out_dir``.

    The ``corpus`` column is kept; a label or vote column absent from one corpus stays empty for
    its rows. A speaker placed in different splits by two inputs would leak between training and
    test, so that is an error naming the speakers.
    """
    out = Path(out_dir)
    labels = list(label_set.labels)
    frames: dict[str, list[pd.DataFrame]] = {s: [] for s in SPLITS}
    seen: dict[str, tuple[str, str]] = {}
    leaks = []
    for folder in map(Path, inputs):
        for split in SPLITS:
            path = folder / f"{split}.csv"
            if not path.is_file():
                raise MissingFileError(f"{path}: missing; is {folder} a folder written by 'stylecheck prepare'?")
            m = read_manifest(path, label_set, check_files=False)
            frame = m.frame.copy()
            frame["split"] = split
            if "corpus" not in frame:
                frame["corpus"] = folder.name
            if "speaker" not in frame:
                raise InvalidValueError(f"{path}: no 'speaker' column, so speaker-disjointness cannot be checked")
            for spk in frame["speaker"].astype(str).unique():
                if spk in seen and seen[spk][1] != split:
                    leaks.append(f"{spk} ({seen[spk][0]}: {seen[spk][1]}, {folder}: {split})")
                seen.setdefault(spk, (str(folder), split))
            frames[split].append(frame)
    if leaks:
        raise InvalidValueError(f"{len(leaks)} speaker(s) are in different splits in different inputs (train/test leak); "
                         f"prepare the corpora with shared --splits lists: {'; '.join(leaks[:20])}")
    rows = pd.concat([f for split in SPLITS for f in frames[split]], ignore_index=True)
    agree = [agree_column(lab) for lab in labels if agree_column(lab) in rows]
    front = ["path", "speaker", "corpus", *labels, *agree] + (["n_annotators"] if "n_annotators" in rows else [])
    rows = rows[front + [c for c in rows.columns if c not in front]]
    counts = label_counts(rows, labels)
    fig = label_figure(counts, labels, "combined: samples per label")
    files: dict[str, Path] = {}
    for split in (*SPLITS, "all"):
        part = rows if split == "all" else rows[rows["split"] == split]
        files[split] = write_manifest(out / f"{split}.csv", with_relative_paths(part, out), label_set)
    per_corpus = rows.groupby(["corpus", "split"])["speaker"].nunique().unstack(fill_value=0).reset_index()
    report = "\n".join([
        "# Combined corpora", "", "Inputs: " + ", ".join(f"`{p}`" for p in inputs), "",
        "Speakers per corpus and split:", "", markdown_table(per_corpus), "",
        "## Label distribution (positive / negative / unknown files)", "",
        markdown_table(pd.DataFrame([{"label": lab, **{s: "{positive} / {negative} / {unknown}".format(
            **counts[(counts['split'] == s) & (counts['label'] == lab)].iloc[0].to_dict()) for s in (*SPLITS, "all")}}
            for lab in labels])), "", f"![samples per label]({FIGURE_NAME})", ""])
    files["figure"] = write_figure(out / FIGURE_NAME, fig)
    files["report"] = write_text(out / REPORT_NAME, report)
    speakers = {s: int(rows.loc[rows["split"] == s, "speaker"].nunique()) for s in SPLITS}
    return PrepareSummary(out, files, counts, speakers, {})
