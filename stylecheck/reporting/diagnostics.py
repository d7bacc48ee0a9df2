"""Tables that help read adherence: the classifier's own reliability per category, source
leakage, confusion per system and category, and the distribution of predicted labels.

Display functions turn analysis tables into the columns people read (shared by ``summary.md``
and ``report.html``); :func:`write_diagnostic_tables` writes the CSVs:

* ``reliability.csv``      per category: the classifier's held-out figures and whether it is weak
* ``leakage.csv``          source leakage per system and category (only when sources were given)
* ``confusion.csv``        expected x predicted counts per system and category (long format)
* ``predicted_labels.csv`` predicted-label counts and shares per system and category
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from ..analysis.adherence import ADHERENCE_COLUMNS
from ..analysis.confusion import NO_LABEL, confusion_matrix
from ..analysis.leakage import LEAKAGE_COLUMNS
from ..io import write_csv
from ..styles.labels import LabelSet
from ..analysis.summary import Summary
from ..styles.decision import UNCERTAIN, can_be_uncertain, can_have_no_label
from ..styles.reliability import WEAK_RULE, reliability_label
from ..markdown import markdown_table
from .tables import display_system, format_cell, format_interval

RELIABILITY_COLUMNS = ["category", "labels", "held_out_f1", "held_out_f1_lo", "held_out_f1_hi", "accuracy",
                       "accuracy_lo", "accuracy_hi", "weak", "why_weak", "setting"]

PROBABILITY_NOTE = (
    "Each label gets a probability from the classifier: its calibrated estimate that listeners "
    "would give the voice that label (labels of one category are scored separately, so Female and "
    "Male need not add up to 1). A label is predicted when its probability reaches the label's "
    "threshold, tuned on held-out speakers; when both labels of a category pass, the more probable "
    "one is predicted, and when neither does the category has no label for that file.")
PAIRWISE_NOTE = (
    "Each category gets one answer. The classifier gives each of its two labels a probability, its "
    "calibrated estimate that listeners would give the voice that label (the two add up to 1 within "
    "the category), and the more probable label is predicted. "
    "When the two are closer than the category's margin ({margins}; chosen on held-out speakers), "
    "the answer is 'uncertain': the file was judged, no label is claimed, and it does not count as "
    "a match.")


def probability_note(decision: Mapping[str, Any] | None) -> str:
    """How to read the probabilities and predicted labels under the model's decision rule."""
    if not decision:
        return PROBABILITY_NOTE
    margin = decision.get("uncertain_margin", 0.0)
    margins = (", ".join(f"{c} {float(m):.2f}" for c, m in margin.items()) if isinstance(margin, Mapping)
               else f"{float(margin):.2f}")
    return PAIRWISE_NOTE.format(margins=margins)


LEAKAGE_NOTE = (
    "Source leakage, per system and category: among judged outputs whose prompt asks for label X "
    "while their source recording was predicted as the other label Y, the share predicted Y (the "
    "output kept the source's label). 1 = copies the source, 0 = never keeps it. Outputs whose "
    "source has no verdict in the category or already has X are not counted; 95% Wilson intervals "
    "over files; `followed` = predicted X; `failed` = could not be judged.")
#: Why a column of outcomes is left out, by outcome.
DROPPED_WHY = {
    "uncertain": "this model's rule never answers uncertain (it has no uncertain margin)",
    "no label": "this model's pairwise rule always answers a judged file (a label or uncertain)",
}


def shown_outcomes(decision: Mapping[str, Any] | None, categories,
                   counts: Mapping[str, int] | None = None) -> list[str]:
    """Which of ``uncertain`` / ``no label`` get a column for ``categories`` under the model's rule;
    an outcome the rule cannot give still shows when ``counts`` (outcome -> files) has some."""
    counts = counts or {}
    out = []
    if any(can_be_uncertain(decision, c) for c in categories) or counts.get(UNCERTAIN, 0):
        out.append(UNCERTAIN)
    if can_have_no_label(decision) or counts.get(NO_LABEL, 0):
        out.append(NO_LABEL)
    return out


def _dropped_note(dropped: list[str]) -> str:
    return "".join(f" No `{o}` column: {DROPPED_WHY[o]}." for o in dropped)


def leakage_note(decision: Mapping[str, Any] | None, leakage: pd.DataFrame | None = None) -> str:
    """:data:`LEAKAGE_NOTE` with the outcome columns this model's rule can fill."""
    counts = {} if leakage is None or leakage.empty else {
        UNCERTAIN: int(leakage["n_uncertain"].sum()), NO_LABEL: int(leakage["n_no_label"].sum())}
    shown = shown_outcomes(decision, _categories(leakage), counts)
    parts = [LEAKAGE_NOTE]
    if UNCERTAIN in shown:
        parts.append(" `uncertain` = the output's two labels were closer than the margin (no verdict).")
    if NO_LABEL in shown:
        parts.append(" `no label` = no label passed its threshold.")
    return "".join(parts) + _dropped_note([o for o in (UNCERTAIN, NO_LABEL) if o not in shown])


def confusion_note(confusion: pd.DataFrame | None) -> str:
    """How to read the confusion matrices. ``uncertain`` and ``no label`` have a column where the
    model's rule can give them (the table lists them even at zero, see
    :func:`stylecheck.analysis.confusion.confusion_table`) or a file has them; the note says why
    a missing one is missing."""
    present = set() if confusion is None or confusion.empty else set(confusion["predicted"])
    shown = [o for o in (UNCERTAIN, NO_LABEL) if o in present]
    text = "Rows: expected label; columns: predicted label"
    text += "".join({UNCERTAIN: ", `uncertain` (the two labels were closer than the category's margin: no verdict)",
                     NO_LABEL: ", `no label` (no label passed its threshold)"}[o] for o in shown)
    text += " and, when some file has it, `not judged` (the file could not be scored)."
    return text + _dropped_note([o for o in (UNCERTAIN, NO_LABEL) if o not in shown])


def _categories(table: pd.DataFrame | None) -> list[str]:
    return [] if table is None or table.empty else list(dict.fromkeys(table["category"]))


# --------------------------------------------------------------------------------------------
# Reliability
# --------------------------------------------------------------------------------------------

def reliability_table(reliability: Mapping[str, Any] | None, label_set: LabelSet,
                      weak: Mapping[str, str]) -> pd.DataFrame:
    """Per category: the lowest held-out F1 of its labels (with that label's interval), the
    category's accuracy when measured, and whether the category is weak (``weak``: category ->
    why, as the summary computed it)."""
    per_label = (reliability or {}).get("per_label") or {}
    per_category = (reliability or {}).get("per_category") or {}
    rows = []
    for category, labels in label_set.categories.items():
        figures = [per_label[lab] for lab in labels if lab in per_label]
        worst = min(figures, key=lambda f: f.get("f1", float("nan"))) if figures else {}
        acc = per_category.get(category, {})
        rows.append({"category": category, "labels": ";".join(labels),
                     "held_out_f1": worst.get("f1", float("nan")), "held_out_f1_lo": worst.get("lo", float("nan")),
                     "held_out_f1_hi": worst.get("hi", float("nan")),
                     "accuracy": acc.get("accuracy", float("nan")), "accuracy_lo": acc.get("lo", float("nan")),
                     "accuracy_hi": acc.get("hi", float("nan")),
                     "weak": category in weak, "why_weak": weak.get(category, ""),
                     "setting": (reliability or {}).get("setting") or ""})
    return pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)


def label_reliability(reliability: Mapping[str, Any] | None, label: str) -> str:
    """``F1 0.63 [0.45, 0.82], 19 speakers`` for one label, or ``not measured``."""
    fig = ((reliability or {}).get("per_label") or {}).get(label)
    if not fig:
        return "not measured"
    text = "F1 " + format_interval(fig.get("f1"), fig.get("lo"), fig.get("hi"), ".2f")
    if fig.get("n_pos_speakers") is not None:
        text += f", {int(fig['n_pos_speakers'])} positive speakers"
    return text


def all_row_reliability(weak: Iterable[str], asked: Iterable[str]) -> str:
    """The classifier's reliability for an ``all`` row: weak only through the categories that row's
    files asked for (``asked``), never through a category nobody asked about."""
    names = [c for c in asked if c in weak]
    return f"WEAK: {', '.join(names)}" if names else "asked categories reliable"


def asked_categories(adherence: pd.DataFrame) -> list[list[str]]:
    """Per row of an adherence table: the categories with a row in the same group (system, and
    speaker for speaker tables), i.e. the categories the group's files asked for."""
    if adherence.empty:
        return []
    groups = [c for c in adherence.columns if c not in ADHERENCE_COLUMNS]
    keys = [tuple(format_cell(v) for v in row) for row in adherence[groups].itertuples(index=False, name=None)]
    by_group: dict[tuple, list[str]] = {}
    for key, category in zip(keys, adherence["category"]):
        if category != "all":
            by_group.setdefault(key, []).append(str(category))
    return [by_group.get(key, []) for key in keys]


def category_reliability(reliability: Mapping[str, Any] | None, label_set: LabelSet, category: str,
                         weak: Mapping[str, str], asked: Iterable[str] | None = None) -> str:
    """Short text for one category: its labels' held-out F1 and a weak mark; for ``all``, the
    weak categories among ``asked`` (default: every category of the label set)."""
    if category not in label_set.categories:
        return all_row_reliability(weak, label_set.categories if asked is None else asked)
    parts = [f"{lab} {format_interval(fig['f1'], fig.get('lo'), fig.get('hi'), '.2f')}"
             for lab in label_set.categories[category]
             if (fig := ((reliability or {}).get("per_label") or {}).get(lab))]
    text = "F1 " + "; ".join(parts) if parts else "not measured"
    return ("WEAK: " if category in weak else "") + text


def adherence_reliability_column(adherence: pd.DataFrame, reliability: Mapping[str, Any] | None,
                                 label_set: LabelSet, weak: Mapping[str, str]) -> list[str]:
    """The classifier's reliability beside each adherence row (``all`` rows: see
    :func:`all_row_reliability`)."""
    return [category_reliability(reliability, label_set, str(c), weak, asked)
            for c, asked in zip(adherence["category"], asked_categories(adherence))]


def reliability_display(reliability: Mapping[str, Any] | None, label_set: LabelSet,
                        weak: Mapping[str, str]) -> pd.DataFrame:
    table = reliability_table(reliability, label_set, weak)
    return pd.DataFrame({
        "category": table["category"],
        f"{(reliability or {}).get('setting') or 'held-out'} F1 per label [95% CI]": [
            category_reliability(reliability, label_set, c, weak).removeprefix("WEAK: ") for c in table["category"]],
        "accuracy [95% CI]": [format_interval(r.accuracy, r.accuracy_lo, r.accuracy_hi, ".2f")
                              for r in table.itertuples()],
        "weak": ["yes" if w else "no" for w in table["weak"]],
        "why": table["why_weak"]})


def reliability_markdown(summary: Summary) -> str:
    reliability = summary.reliability
    source = (reliability or {}).get("source") or "no held-out figures stored with this model"
    return "\n".join([
        f"### How reliable the classifier is, beside the adherence above: {reliability_label(reliability)}\n",
        f"Measured on: {source}. Rule: {WEAK_RULE}.\n",
        markdown_table(reliability_display(reliability, summary.label_set, summary.weak)), "",
        probability_note(summary.decision), ""])


# --------------------------------------------------------------------------------------------
# Leakage, confusion, distribution
# --------------------------------------------------------------------------------------------

def leakage_display(leakage: pd.DataFrame, weak: Mapping[str, str] | None = None,
                    decision: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """The leakage table for people; ``uncertain`` and ``no label`` columns only where the model's
    rule (``decision``) can fill them or some output has them (see :func:`leakage_note`)."""
    weak = weak or {}
    counts = {} if leakage.empty else {UNCERTAIN: int(leakage["n_uncertain"].sum()),
                                       NO_LABEL: int(leakage["n_no_label"].sum())}
    shown = shown_outcomes(decision, _categories(leakage), counts)
    outcome_columns = {UNCERTAIN: "n_uncertain", NO_LABEL: "n_no_label"}
    rows = [{"system": display_system(r["system"]), "category": r["category"] + (" (weak)" if r["category"] in weak else ""),
             "n": int(r["n"]), "kept source": int(r["n_kept_source"]),
             "leakage [95% CI]": format_interval(r["leakage"], r["lo"], r["hi"]),
             "followed prompt": int(r["n_followed_prompt"]),
             **{o: int(r[outcome_columns[o]]) for o in shown},
             "failed": int(r["n_failed"])}
            for _, r in leakage.iterrows()]
    return pd.DataFrame(rows, columns=["system", "category", "n", "kept source", "leakage [95% CI]",
                                       "followed prompt", *shown, "failed"])


def confusion_blocks(confusion: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(system, category, matrix with the expected label as first column) for each pair."""
    out = []
    if confusion.empty:
        return out
    keys = confusion.assign(system=confusion["system"].fillna("").astype(str))[["system", "category"]]
    for system, category in dict.fromkeys(map(tuple, keys.to_numpy())):
        matrix = confusion_matrix(confusion, system, category)
        out.append((system, category, matrix.reset_index().rename(columns={"expected": "expected label"})))
    return out


def distribution_display(distribution: pd.DataFrame) -> pd.DataFrame:
    """Per system and category, one row: ``Female 12 (60%), Male 8 (40%), no label 0``."""
    rows = []
    frame = distribution.assign(system=distribution["system"].fillna("").astype(str))
    for (system, category), part in frame.groupby(["system", "category"], sort=False):
        total = int(part["n"].sum())
        rows.append({"system": display_system(system), "category": category, "judged": total,
                     "predicted labels": ", ".join(f"{r.predicted} {int(r.n)} ({r.share:.0%})" if total else
                                                   f"{r.predicted} 0" for r in part.itertuples())})
    return pd.DataFrame(rows, columns=["system", "category", "judged", "predicted labels"])


def diagnostics_markdown(summary: Summary) -> str:
    """The leakage, confusion and predicted-label sections of ``summary.md``."""
    weak = summary.weak
    parts = []
    leakage = summary.leakage
    if leakage is not None and not leakage.empty:
        parts += ["\n## Source leakage\n", leakage_note(summary.decision, leakage) + "\n",
                  markdown_table(leakage_display(leakage, weak, summary.decision))]
    parts.append("\n## Predicted labels per system\n")
    parts.append(markdown_table(distribution_display(summary.distribution)) if not summary.distribution.empty
                 else "No file was judged.\n")
    parts += ["\n## Confusion per system and category\n", confusion_note(summary.confusion) + "\n"]
    blocks = confusion_blocks(summary.confusion)
    for system, category, matrix in blocks:
        mark = " (weak category)" if category in weak else ""
        parts += [f"\n### {display_system(system)}: {category}{mark}\n", markdown_table(matrix)]
    if not blocks:
        parts.append("No file had an expected style.\n")
    return "\n".join(parts) + "\n"


def write_diagnostic_tables(out_dir: str | Path, summary: Summary) -> dict[str, Path]:
    out_dir = Path(out_dir)
    reliability = reliability_table(summary.reliability, summary.label_set, summary.weak)
    written = {"reliability.csv": write_csv(out_dir / "reliability.csv", reliability),
               "confusion.csv": write_csv(out_dir / "confusion.csv", summary.confusion),
               "predicted_labels.csv": write_csv(out_dir / "predicted_labels.csv", summary.distribution)}
    leakage = summary.leakage
    if leakage is not None:
        written["leakage.csv"] = write_csv(out_dir / "leakage.csv", leakage.reindex(columns=LEAKAGE_COLUMNS))
    return written


__all__ = ["LEAKAGE_NOTE", "PROBABILITY_NOTE", "probability_note", "category_reliability", "confusion_blocks",
           "confusion_note", "leakage_note", "shown_outcomes", "adherence_reliability_column", "all_row_reliability",
           "asked_categories",
           "diagnostics_markdown", "distribution_display", "label_reliability", "leakage_display",
           "reliability_display", "reliability_markdown", "reliability_table", "write_diagnostic_tables"]
