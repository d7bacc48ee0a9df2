"""The measured categories in the outputs: ``controllability.csv``, its Markdown and HTML
sections, the phrases no judge judges, and one plot per measured category (the measured value by
prompted level per system, over the norm's level edges)."""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..analysis.controllability import MEASURED
from ..analysis.summary import Summary
from ..io import write_csv, write_figure
from ..markdown import markdown_table
from ..results import as_text, text_column
from ..styles.measured_expectations import MEASURE_UNITS as UNITS
from .tables import display_system, format_interval

CONTROLLABILITY_NAME = "controllability.csv"
CONTROLLABILITY_NOTE = ("Per system and measured category, over pairs of files whose prompts ask for different "
                        "levels (within one speaker, else one source, when known): the share of pairs whose "
                        "measured values are ordered as asked (0.5 = no control), with a 95% Wilson interval on "
                        "the effective number of pairs. Independent of the norms.")
MAX_UNJUDGED = 20


def controllability_display(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"system": table["system"].map(display_system), "category": table["category"],
                         "pairs": table["pairs"],
                         "concordance (95% CI)": [format_interval(v, lo, hi) for v, lo, hi in
                                                  zip(table["concordance"], table["lo"], table["hi"])]})


def controllability_markdown(summary: Summary) -> str:
    table = summary.controllability
    if table is None:
        return ""
    body = (markdown_table(controllability_display(table)) if not table.empty else
            "Not computed: no system's prompts ask for different levels of a measured category on measured files.\n")
    return f"\n## Controllability of the measured categories\n\n{CONTROLLABILITY_NOTE}\n\n{body}"


def controllability_html(summary: Summary) -> str:
    table = summary.controllability
    if table is None or table.empty:
        return ""
    from .html_sections import html_table

    return ('<h2 id="controllability">Controllability of the measured categories</h2>'
            f'<p class="note">{html.escape(CONTROLLABILITY_NOTE)}</p>' + html_table(controllability_display(table)))


def unjudged_markdown(summary: Summary) -> str:
    """How many listed files' prompts name each phrase stylecheck does not judge."""
    if not summary.unjudged:
        return ""
    rows = pd.DataFrame(list(summary.unjudged.items())[:MAX_UNJUDGED], columns=["phrase", "files"])
    more = len(summary.unjudged) - MAX_UNJUDGED
    return ("\n## Prompt phrases not judged\n\n"
            f"{sum(1 for _ in summary.unjudged)} distinct phrase(s) in the prompts name something stylecheck does "
            "not judge (emotion, accent, whisper, ...); each file lists its own in the `unjudged` column of "
            "`scores.csv`" + (f"; the {MAX_UNJUDGED} most frequent are shown" if more > 0 else "") + ".\n\n"
            + markdown_table(rows))


def plot_measured(scores: pd.DataFrame, category: str, path: str | Path, norms=None) -> Path | None:
    """Measured value (y) by prompted level (x) per system (colour), files with an expected level
    only, with the Female and Male level edges of ``norms`` (anything with ``label`` and a
    ``table[gender][measure]["edges"]``, e.g. :class:`stylecheck.measures.norms.Norms`) as
    dashed lines; None when no measured file asks for a level of ``category``."""
    measure, levels = MEASURED[category]
    if f"expected_{category}" not in scores or measure not in scores:
        return None
    expected = text_column(scores, f"expected_{category}")
    values = pd.to_numeric(scores[measure], errors="coerce")
    keep = (expected.isin(levels) & np.isfinite(values)).to_numpy()
    if not keep.any():
        return None
    frame = pd.DataFrame({"system": text_column(scores, "system")[keep], "level": expected[keep], "value": values[keep]})
    systems = list(dict.fromkeys(frame["system"]))
    fig = Figure(figsize=(max(4.5, 1.5 * len(levels) + 2), 3.6))
    ax = fig.subplots()
    width = 0.8 / len(systems)
    from matplotlib import colormaps

    colors = colormaps["tab10"](np.arange(len(systems)) % 10)
    rng = np.random.default_rng(0)
    for i, system in enumerate(systems):
        for j, level in enumerate(levels):
            v = frame[(frame["system"] == system) & (frame["level"] == level)]["value"].to_numpy(float)
            if v.size == 0:
                continue
            x = j - 0.4 + width * (i + 0.5)
            ax.scatter(x + rng.uniform(-width / 4, width / 4, v.size), v, s=12, color=colors[i], alpha=0.7,
                       label=display_system(system) if j == next(k for k, lv in enumerate(levels)
                                                                 if (frame["level"] == lv).any()) else None)
            ax.hlines(np.median(v), x - width / 3, x + width / 3, color=colors[i], linewidth=2)
    for gender, style in (("Female", "--"), ("Male", ":")):
        entry = (getattr(norms, "table", None) or {}).get(gender, {}).get(measure, {})
        for k, edge in enumerate(entry.get("edges", [])):
            ax.axhline(edge, color="grey", linestyle=style, linewidth=1,
                       label=f"{gender} level edges ({norms.label})" if k == 0 else None)
    ax.set_xticks(range(len(levels)), levels)
    ax.set_xlabel(f"{category} asked for")
    ax.set_ylabel(f"{measure} ({UNITS[measure]})")
    ax.set_title(f"Measured {category} by the level asked for")
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return write_figure(path, fig)


def measured_categories_in(scores) -> list[str]:
    """The measured categories a scores table (or one row, a dict) was judged in."""
    return [c for c in MEASURED if f"predicted_{c}" in scores]


def measured_cell(row: dict, category: str) -> tuple[str, float, bool]:
    """A file's measured category as shown per file: the value with its unit and the level
    (and the level asked for when it differs), the value to sort by, and whether it mismatches."""
    measure, _ = MEASURED[category]
    value = pd.to_numeric(pd.Series([row.get(measure)]), errors="coerce").iloc[0]
    level, wanted = as_text(row.get(f"predicted_{category}")), as_text(row.get(f"expected_{category}"))
    if not np.isfinite(value):
        return "", float("nan"), False
    text = f"{value:.3g} {UNITS[measure]}" + (f" · {level}" if level else "")
    mismatch = bool(wanted) and level != wanted
    return text + (f" (wanted {wanted})" if mismatch else ""), float(value), mismatch


def write_measured_outputs(out_dir: Path, scores: pd.DataFrame, summary: Summary, norms=None) -> list[Path]:
    """``controllability.csv`` (when the run has measured categories) and the plots; returns the plots."""
    if summary.controllability is not None and any(f"predicted_{c}" in scores for c in MEASURED):
        write_csv(Path(out_dir) / CONTROLLABILITY_NAME, summary.controllability)
    plots = [plot_measured(scores, c, Path(out_dir) / f"measured_{c}.png", norms) for c in MEASURED]
    return [p for p in plots if p is not None]


__all__ = ["CONTROLLABILITY_NAME", "controllability_html", "controllability_markdown", "measured_categories_in",
           "measured_cell", "plot_measured",
           "unjudged_markdown", "write_measured_outputs"]
