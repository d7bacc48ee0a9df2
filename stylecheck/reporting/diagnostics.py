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
from typing import Any, Mapping

import pandas as pd

from ..analysis.confusion import confusion_matrix
from ..analysis.leakage import LEAKAGE_COLUMNS
from ..io import write_csv
from ..styles.labels import LabelSet
from ..analysis.summary import Summary
from ..styles.reliability import WEAK_RULE, reliability_label
from ..markdown import markdown_table
from .tables import display_system, format_interval

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
    "source has no label in the category or already has X are not counted; 95% Wilson intervals "
    "over files; `followed` = predicted X; `failed` = could not be judged.")
CONFUSION_NOTE = ("Rows: expected label; columns: predicted label, `no label` (no label passed its "
                  "threshold), `uncertain` (no verdict) and `not judged` (the file could not be scored).")


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


def category_reliability(reliability: Mapping[str, Any] | None, label_set: LabelSet, category: str,
                         weak: Mapping[str, str]) -> str:
    """Short text for one category (or ``all``): its labels' held-out F1 and a weak mark."""
    if category not in label_set.categories:
        names = [c for c in label_set.categories if c in weak]
        return f"weak: {', '.join(names)}" if names else "all categories reliable"
    parts = [f"{lab} {format_interval(fig['f1'], fig.get('lo'), fig.get('hi'), '.2f')}"
             for lab in label_set.categories[category]
             if (fig := ((reliability or {}).get("per_label") or {}).get(lab))]
    text = "F1 " + "; ".join(parts) if parts else "not measured"
    return ("WEAK: " if category in weak else "") + text


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

def leakage_display(leakage: pd.DataFrame, weak: Mapping[str, str] | None = None) -> pd.DataFrame:
    weak = weak or {}
    rows = [{"system": display_system(r["system"]), "category": r["category"] + (" (weak)" if r["category"] in weak else ""),
             "n": int(r["n"]), "kept source": int(r["n_kept_source"]),
             "leakage [95% CI]": format_interval(r["leakage"], r["lo"], r["hi"]),
             "followed prompt": int(r["n_followed_prompt"]), "no label": int(r["n_no_label"]),
             "failed": int(r["n_failed"])}
            for _, r in leakage.iterrows()]
    return pd.DataFrame(rows, columns=["system", "category", "n", "kept source", "leakage [95% CI]",
                                       "followed prompt", "no label", "failed"])


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
        parts += ["\n## Source leakage\n", LEAKAGE_NOTE + "\n", markdown_table(leakage_display(leakage, weak))]
    parts.append("\n## Predicted labels per system\n")
    parts.append(markdown_table(distribution_display(summary.distribution)) if not summary.distribution.empty
                 else "No file was judged.\n")
    parts += ["\n## Confusion per system and category\n", CONFUSION_NOTE + "\n"]
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


__all__ = ["CONFUSION_NOTE", "LEAKAGE_NOTE", "PROBABILITY_NOTE", "probability_note", "category_reliability", "confusion_blocks",
           "diagnostics_markdown", "distribution_display", "label_reliability", "leakage_display",
           "reliability_display", "reliability_markdown", "reliability_table", "write_diagnostic_tables"]
