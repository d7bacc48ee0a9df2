"""Speaker similarity and audio quality beside the style figures: their CSV tables, their
``summary.md`` and ``report.html`` sections, and the similarity plot, all from the Summary."""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.beside_style import (
    QUALITY_NOTE, SAME_SPEAKER_THRESHOLD, SIMILARITY_MEASURES, SIMILARITY_NOTE,
)
from ..analysis.summary import Summary
from ..io import write_csv, write_figure
from ..markdown import markdown_table
from ..results import listed_outputs, text_column
from .tables import adherence_display, display_system, format_interval


def write_beside_style_tables(out_dir: Path, summary: Summary) -> dict[str, Path]:
    """``similarity.csv``, ``similarity_comparison.csv``, ``quality.csv``, ``low_quality.csv``
    (each only when its figures were computed)."""
    tables = {"similarity.csv": summary.similarity, "similarity_comparison.csv": summary.similarity_comparison,
              "quality.csv": summary.quality, "low_quality.csv": summary.low_quality}
    return {name: write_csv(Path(out_dir) / name, table) for name, table in tables.items() if table is not None}


def similarity_display(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "measure": [SIMILARITY_MEASURES.get(m, m) for m in table["measure"]],
        "system": [display_system(s) for s in table["system"]],
        "files": table["n_files"], "missing": table["n_missing"],
        "mean [95% CI]": [format_interval(r.mean, r.lo, r.hi) for r in table.itertuples()],
        "median": table["median"], "note": table["note"]})


def comparison_display(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "measure": [SIMILARITY_MEASURES.get(m, m) for m in table["measure"]],
        "A": [display_system(s) for s in table["system_a"]], "B": [display_system(s) for s in table["system_b"]],
        "items": table["n_items"],
        "A - B [95% CI]": [format_interval(r.diff, r.lo, r.hi) for r in table.itertuples()],
        "p": table["p_value"], "note": table["note"]})


def quality_display(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "system": [display_system(s) for s in table["system"]], "measure": table["measure"],
        "files": table["n_files"], "mean [95% CI]": [format_interval(r.mean, r.lo, r.hi) for r in table.itertuples()],
        "low quality": table["n_low_quality"], "not measured": table["n_not_measured"], "note": table["note"]})


def _sections(summary: Summary) -> list[tuple[str, str, pd.DataFrame | str]]:
    """(level, title, table or text) in reading order."""
    parts: list[tuple[str, str, pd.DataFrame | str]] = []
    if summary.similarity is not None:
        parts += [("h2", "Speaker similarity", SIMILARITY_NOTE), ("table", "", similarity_display(summary.similarity))]
        if summary.similarity_comparison is not None and not summary.similarity_comparison.empty:
            parts += [("h3", "Speaker similarity, systems compared",
                       "Paired differences over the items both systems made (clustered t-interval)."),
                      ("table", "", comparison_display(summary.similarity_comparison))]
    if summary.quality is not None:
        parts += [("h2", "Audio quality (DNSMOS)", QUALITY_NOTE), ("table", "", quality_display(summary.quality))]
        if summary.adherence_without_low_quality is not None:
            parts += [("h3", "Adherence without the low-quality files", ""),
                      ("table", "", adherence_display(summary.adherence_without_low_quality))]
        flagged = summary.low_quality
        parts.append(("h3", "Files the quality guard flags",
                      "None." if flagged is None or flagged.empty else ""))
        if flagged is not None and not flagged.empty:
            parts.append(("table", "", flagged.assign(system=[display_system(s) for s in flagged["system"]])))
    return parts


def beside_style_markdown(summary: Summary) -> str:
    out = []
    for kind, title, body in _sections(summary):
        if kind == "table":
            out += [markdown_table(body), ""]
        else:
            out += [f"\n{'##' if kind == 'h2' else '###'} {title}\n", body + "\n" if body else ""]
    return "\n".join(out)


def beside_style_html(summary: Summary, html_table) -> list[str]:
    out = []
    for kind, title, body in _sections(summary):
        if kind == "table":
            out.append(html_table(body))
        else:
            out.append(f"<{kind}>{html.escape(title)}</{kind}>")
            if body:
                out.append(f'<p class="note">{html.escape(body)}</p>')
    return out


def plot_similarity(scores: pd.DataFrame, path: Path) -> Path | None:
    """Each output's speaker similarity per system (one panel per measure), with the
    same-speaker threshold of natural speech drawn; None without similarity values."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outputs = listed_outputs(scores)
    measures = [m for m in SIMILARITY_MEASURES if m in outputs and pd.to_numeric(outputs[m], errors="coerce").notna().any()]
    if not measures:
        return None
    systems = list(dict.fromkeys(text_column(outputs, "system")))
    fig, axes = plt.subplots(1, len(measures), figsize=(5 + 1.2 * len(systems) * len(measures), 3.6), squeeze=False)
    rng = np.random.default_rng(0)
    for ax, measure in zip(axes[0], measures):
        values = pd.to_numeric(outputs[measure], errors="coerce")
        for i, system in enumerate(systems):
            v = values[(text_column(outputs, "system") == system).to_numpy()].dropna().to_numpy()
            ax.scatter(i + rng.uniform(-0.15, 0.15, len(v)), v, s=14, alpha=0.7)
            if len(v):
                ax.hlines(np.median(v), i - 0.3, i + 0.3, color="black", lw=1.5)
        ax.axhline(SAME_SPEAKER_THRESHOLD, color="grey", ls="--", lw=1, label=f"same speaker above {SAME_SPEAKER_THRESHOLD}")
        ax.set_xticks(range(len(systems)), [display_system(s) for s in systems], rotation=20)
        ax.set_ylabel("cosine similarity")
        ax.set_title(SIMILARITY_MEASURES[measure], fontsize=10)
        ax.legend(fontsize=7, loc="lower right")
    return write_figure(path, fig)


def print_beside_style(out: Path, console) -> None:
    """Speaker similarity and quality per system in the terminal, from the run's CSVs."""
    from rich.table import Table

    path = Path(out) / "similarity.csv"
    if path.is_file():
        table = pd.read_csv(path, keep_default_na=False)
        if not table.empty:
            shown = Table(title=f"Speaker similarity (95% interval; same voice above {SAME_SPEAKER_THRESHOLD} "
                                "on natural speech)")
            for c in ("measure", "system", "files", "mean [95% CI]", "note"):
                shown.add_column(c)
            for r in similarity_display(table.replace("", np.nan)).itertuples(index=False):
                shown.add_row(str(r[0]), str(r[1]), str(r[2]), str(r[4]), str(r[6] if r[6] == r[6] else ""))
            console.print(shown)
    path = Path(out) / "quality.csv"
    if path.is_file():
        table = pd.read_csv(path, keep_default_na=False)
        ovrl = table[table["measure"] == "dnsmos_ovrl"]
        for r in ovrl.itertuples():
            lo_hi = f" [{float(r.lo):.2f}, {float(r.hi):.2f}]" if r.lo != "" and r.hi != "" else ""
            console.print(f"DNSMOS OVRL {display_system(r.system)}: {float(r.mean):.2f}{lo_hi} over {r.n_files} "
                          f"file(s); {r.n_low_quality} low quality (adherence without them: summary.md)",
                          highlight=False)
