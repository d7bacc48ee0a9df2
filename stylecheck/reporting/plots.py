"""Report figures (PNG), drawn with matplotlib's object API on the Agg canvas.

Figures are built from :class:`matplotlib.figure.Figure` directly rather than through pyplot,
so no GUI backend is ever selected and nothing depends on global pyplot state (safe in batch
jobs and threads). Every figure is saved with :func:`stylecheck.io.write_figure` (atomic).
A table with nothing to draw still gives a figure that says so, so a report never links to a
missing image.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..results import SCORED_STATUSES, text_column
from ..io import write_figure
from ..styles.labels import LabelSet
from .tables import display_system



def _empty_figure(message: str) -> Figure:
    fig = Figure(figsize=(6, 1.6))
    ax = fig.subplots()
    ax.axis("off")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11)
    return fig


def _colors(n: int):
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def plot_adherence(adherence_df: pd.DataFrame, path: str | Path, title: str = "Style adherence",
                   weak: Iterable[str] = ()) -> Path:
    """Grouped bars: adherence per category (x) and system (bar colour), with 95% interval
    error bars where an interval exists, and the number of files judged under each bar.
    Categories in ``weak`` (where the classifier itself is unreliable) are marked on the axis."""
    frame = adherence_df[adherence_df["n"] > 0] if not adherence_df.empty else adherence_df
    frame = frame.assign(system=text_column(frame, "system"))  # "" survives a CSV round trip as NaN
    if frame.empty:
        return write_figure(path, _empty_figure("No file had an expected style: nothing to plot."))
    systems = list(dict.fromkeys(frame["system"]))
    categories = list(dict.fromkeys(frame["category"]))
    width = 0.8 / len(systems)
    fig = Figure(figsize=(max(5.0, 1.1 * len(categories) * max(1, len(systems)) ** 0.5 + 2), 3.8))
    ax = fig.subplots()
    x = np.arange(len(categories))
    for i, (system, color) in enumerate(zip(systems, _colors(len(systems)))):
        rows = frame[frame["system"] == system].set_index("category").reindex(categories)
        value = rows["adherence"].to_numpy(float)
        lo, hi = rows["lo"].to_numpy(float), rows["hi"].to_numpy(float)
        err = np.vstack([np.where(np.isnan(lo), 0, value - lo), np.where(np.isnan(hi), 0, hi - value)])
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(pos, np.nan_to_num(value), width * 0.9, yerr=np.nan_to_num(err), capsize=3, color=color,
               label=display_system(system), error_kw={"elinewidth": 1})
        top = np.fmax(np.nan_to_num(value), np.nan_to_num(hi))
        for p, n, y in zip(pos, rows["n"].to_numpy(float), top):
            if np.isfinite(n):
                ax.text(p, y + 0.02, f"n={int(n)}", ha="center", va="bottom", fontsize=7, color="#444")
    weak = set(weak)
    ax.set_xticks(x, [f"{c}\n(weak classifier)" if c in weak else c for c in categories])
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("adherence (share matched)")
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    if len(systems) > 1 or systems != [""]:
        ax.legend(title="system", fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return write_figure(path, fig)


def expected_probabilities(scores: pd.DataFrame, label_set: LabelSet) -> pd.DataFrame:
    """Long table (system, category, label, probability): for every scored file and every
    category it has an expectation for, the probability the model gave the expected label."""
    scored = scores[text_column(scores, "status").isin(SCORED_STATUSES)]
    system = text_column(scored, "system")
    parts = []
    for category in label_set.categories:
        expected = text_column(scored, f"expected_{category}")
        for label in label_set.categories[category]:
            mask = expected == label
            if f"p_{label}" not in scored or not mask.any():
                continue
            parts.append(pd.DataFrame({"system": system[mask], "category": category, "label": label,
                                       "probability": pd.to_numeric(scored.loc[mask, f"p_{label}"],
                                                                    errors="coerce")}))
    columns = ["system", "category", "label", "probability"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True).dropna(subset=["probability"])[columns]


def plot_expected_probability(scores: pd.DataFrame, label_set: LabelSet, path: str | Path,
                              thresholds=None) -> Path:
    """Box plot with the individual files overlaid: the probability of each expected label
    (x: label, colour: system). High boxes mean the audio carries the requested style clearly;
    ``thresholds`` (label -> value), when given, are marked on each label: pass the effective
    thresholds (:func:`stylecheck.styles.decision.effective_thresholds`), what the label needs
    under the model's rule, not the stored per-label ones."""
    data = expected_probabilities(scores, label_set)
    if data.empty:
        return write_figure(path, _empty_figure("No scored file had an expected style: nothing to plot."))
    labels = [lab for lab in label_set.labels if (data["label"] == lab).any()]
    systems = list(dict.fromkeys(data["system"]))
    width = 0.8 / len(systems)
    fig = Figure(figsize=(max(5.0, 0.9 * len(labels) * max(1, len(systems)) ** 0.5 + 2), 3.8))
    ax = fig.subplots()
    rng = np.random.default_rng(0)  # jitter only; fixed so the figure is reproducible
    for i, (system, color) in enumerate(zip(systems, _colors(len(systems)))):
        for j, label in enumerate(labels):
            values = data.loc[(data["system"] == system) & (data["label"] == label), "probability"].to_numpy(float)
            if values.size == 0:
                continue
            pos = j - 0.4 + width * (i + 0.5)
            ax.boxplot(values, positions=[pos], widths=width * 0.8, showfliers=False, patch_artist=True,
                       boxprops={"facecolor": (*color[:3], 0.35), "edgecolor": color},
                       medianprops={"color": color}, whiskerprops={"color": color}, capprops={"color": color})
            ax.scatter(pos + rng.uniform(-width * 0.25, width * 0.25, values.size), values, s=8,
                       color=color, alpha=0.8, zorder=3, label=display_system(system) if j == 0 else None)
    if thresholds is not None:
        # The label is predicted only at or above the line: points below it were not.
        drawn = False
        for j, label in enumerate(labels):
            if label in thresholds:
                ax.hlines(float(thresholds[label]), j - 0.45, j + 0.45, colors="black", linestyles="dashed", lw=1.2,
                          label=None if drawn else "needed to be predicted", zorder=4)
                drawn = True
    ax.set_xticks(np.arange(len(labels)), labels, rotation=30 if len(labels) > 6 else 0)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability of the expected label")
    ax.set_title("Probability of the expected label per file")
    ax.grid(axis="y", alpha=0.3)
    if len(systems) > 1 or systems != [""] or thresholds is not None:
        ax.legend(title="system", fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return write_figure(path, fig)


def plot_predicted_distribution(distribution: pd.DataFrame, label_set: LabelSet, path: str | Path) -> Path:
    """One panel per category: for each system (x), the share of its judged files predicted as
    each label, ``uncertain`` or with no label (stacked). Needs no expectations: the view of a
    folder scored without ``--expected``."""
    frame = distribution.assign(system=text_column(distribution, "system"))
    if frame.empty or frame["n"].sum() == 0:
        return write_figure(path, _empty_figure("No file was judged: nothing to plot."))
    categories = [c for c in label_set.categories if (frame["category"] == c).any()]
    systems = list(dict.fromkeys(frame["system"]))
    fig = Figure(figsize=(max(6.0, 2.2 * len(categories) + 0.25 * len(systems) * len(categories)), 3.6))
    axes = np.atleast_1d(fig.subplots(1, len(categories), sharey=True))
    extra_colors = {"uncertain": "#9e9e9e", "no label": "#dddddd"}
    for ax, category in zip(axes, categories):
        part = frame[frame["category"] == category]
        outcomes = list(dict.fromkeys(part["predicted"]))
        palette = dict(zip(label_set.categories[category], ("#4c72b0", "#dd8452")))
        bottom = np.zeros(len(systems))
        for outcome in outcomes:
            share = (part[part["predicted"] == outcome].set_index("system")["share"]
                     .reindex(systems).fillna(0).to_numpy(float))
            ax.bar(np.arange(len(systems)), share, 0.7, bottom=bottom, label=outcome,
                   color=palette.get(outcome, extra_colors.get(outcome, "#8172b3")), edgecolor="white")
            bottom += share
        ax.set_xticks(np.arange(len(systems)), [display_system(s) for s in systems],
                      rotation=30 if len(systems) > 3 else 0, ha="right" if len(systems) > 3 else "center")
        ax.set_title(category)
        ax.set_ylim(0, 1.0)
        ax.legend(fontsize=7, loc="lower left")
    axes[0].set_ylabel("share of judged files")
    fig.suptitle("Predicted labels per system")
    return write_figure(path, fig)
