"""Summary tables as CSV and Markdown.

Files written by :func:`write_summary_tables` (each atomically, through :mod:`stylecheck.io`):

* ``summary.csv``     adherence per system and category: n, n_matched, adherence, lo, hi, n_failed,
  n_judged, n_uncertain
* ``labels.csv``      precision, recall, F1 and support per system and label
* ``comparison.csv``  paired comparison of every two systems per category (empty with one system)
* ``speakers.csv``    adherence over voices (only when the speaker-level table is given)
* ``summary.md``      the same tables for people, intervals written next to the values

One CSV per table rather than one long table with a "kind" column: each file then has one
schema, so ``pandas.read_csv`` or a spreadsheet gets typed columns without filtering first.

:func:`markdown_table` (from :mod:`stylecheck.markdown`, re-exported here) is the one
Markdown table formatter of the package; the ``*_display`` functions turn analysis tables into
the human-readable columns both the Markdown summary and the HTML report show.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..analysis.adherence import ADHERENCE_COLUMNS
from ..analysis.intervals import METHOD_NOTE
from ..io import write_csv, write_text
from ..markdown import format_cell, format_p_value, markdown_table

__all__ = ["NOT_COMPUTED_TITLES", "adherence_display", "adherence_note", "comparison_display", "display_system",
           "format_cell", "format_interval", "format_p_value", "label_prf_display", "markdown_table",
           "not_computed_lines", "summary_markdown", "write_summary_tables"]

#: How each section that may not be computed is named for people.
NOT_COMPUTED_TITLES = {"adherence": "Adherence", "speakers": "Adherence over speakers",
                       "comparison": "Systems compared", "labels": "Precision, recall and F1 per label",
                       "adherence.png": "Plot adherence.png", "expected_probability.png": "Plot expected_probability.png"}
MAX_LISTED_NO_STYLE = 20

TOP_LEVEL_SYSTEM = "(top level)"


def display_system(name) -> str:
    """A system's name for people: files directly in the scored folder have no system name."""
    text = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name)
    return text if text else TOP_LEVEL_SYSTEM


def format_interval(value, lo, hi, floatfmt: str = ".3f") -> str:
    """``value [lo, hi]``; just the value when there is no interval, empty when no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = format(float(value), floatfmt)
    if lo is None or hi is None or math.isnan(float(lo)) or math.isnan(float(hi)):
        return text
    return f"{text} [{format(float(lo), floatfmt)}, {format(float(hi), floatfmt)}]"


# --------------------------------------------------------------------------------------------
# Display versions of the analysis tables (shared by Markdown and HTML)
# --------------------------------------------------------------------------------------------

def adherence_display(adherence: pd.DataFrame, floatfmt: str = ".3f") -> pd.DataFrame:
    """Group columns (system, ...), category, files judged, matched, adherence with its 95%
    interval, failed files, and files answered uncertain (judged, no verdict: not matched)."""
    groups = [c for c in adherence.columns if c not in ADHERENCE_COLUMNS]
    columns = groups + ["category", "n", "matched", "adherence [95% CI]", "failed", "uncertain"]
    rows = [{**{g: display_system(r[g]) if g == "system" else format_cell(r[g]) for g in groups},
             "category": r["category"], "n": int(r["n"]), "matched": int(r["n_matched"]),
             "adherence [95% CI]": format_interval(r["adherence"], r["lo"], r["hi"], floatfmt),
             "failed": int(r["n_failed"]), "uncertain": int(r.get("n_uncertain", 0) or 0)}
            for _, r in adherence.iterrows()]
    return pd.DataFrame(rows, columns=columns)


def comparison_display(comparison: pd.DataFrame, floatfmt: str = ".3f") -> pd.DataFrame:
    """Each pair of systems per category: both adherences, the difference with its interval,
    the discordant counts, McNemar's p and whether it is below 0.05."""
    rows = [{"system A": display_system(r["system_a"]), "system B": display_system(r["system_b"]),
             "category": r["category"], "pairs": int(r["n_pairs"]),
             "adherence A": float(r["adherence_a"]), "adherence B": float(r["adherence_b"]),
             "A - B [95% CI]": format_interval(r["difference"], r["difference_lo"], r["difference_hi"], floatfmt),
             "only A / only B": f"{int(r['n_a_only'])} / {int(r['n_b_only'])}",
             "McNemar p": format_p_value(r["mcnemar_p"]),
             "significant": "yes" if bool(r["significant"]) else "no"}
            for _, r in comparison.iterrows()]
    return pd.DataFrame(rows, columns=["system A", "system B", "category", "pairs", "adherence A", "adherence B",
                                       "A - B [95% CI]", "only A / only B", "McNemar p", "significant"])


def label_prf_display(label_prf: pd.DataFrame) -> pd.DataFrame:
    """Per system and label: precision, recall, F1, support (files expected to carry the label)
    and n (files judged)."""
    out = label_prf.loc[:, ["system", "category", "label", "precision", "recall", "f1", "support", "n"]].copy()
    out["system"] = out["system"].map(display_system)
    return out.rename(columns={"f1": "F1"}).reset_index(drop=True)


def adherence_note(count_failed: bool) -> str:
    """What ``n`` and ``failed`` mean, for the adherence tables (Markdown and HTML)."""
    if count_failed:
        return ("`failed`: listed files with an expectation that could not be judged (error, missing, "
                "no_speech; a skipped bad STYLES.csv row in `all`); they count as not adhering and are "
                "included in `n` (`--judged-only` rates judged files only). `uncertain`: judged files the "
                "model gave no verdict (its two labels too close); they count as not matched.")
    return ("`failed`: listed files with an expectation that could not be judged (error, missing, "
            "no_speech, bad rows); this run rated judged files only (`--judged-only`), so they are "
            "NOT in `n`.")


def not_computed_lines(not_computed: dict[str, str] | None) -> list[str]:
    """One line per table or plot that could not be computed: ``Title: reason``."""
    return [f"{NOT_COMPUTED_TITLES.get(k, k)}: {v}" for k, v in (not_computed or {}).items()]


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def summary_markdown(adherence: pd.DataFrame, label_prf: pd.DataFrame, comparison: pd.DataFrame,
                     speaker_adherence: pd.DataFrame | None = None, title: str = "Style adherence", *,
                     not_computed: dict[str, str] | None = None, no_style: pd.DataFrame | None = None,
                     count_failed: bool | None = None, after_adherence: str = "", appendix: str = "") -> str:
    """The Markdown summary document: adherence, comparison across systems, per-label P/R/F1,
    then what could not be computed and why, and the listed files that expect no judged style.
    ``count_failed`` defaults to how ``adherence`` was computed (its ``attrs``); ``after_adherence``
    and ``appendix`` are Markdown sections placed after the adherence table and after the labels."""
    if count_failed is None:
        count_failed = bool(adherence.attrs.get("count_failed", True))
    reasons = dict(not_computed or {})
    parts = [f"# {title}\n",
             "Adherence is the share of files whose predicted label matches the expected one "
             "(category `all`: every expected category matches). " + adherence_note(count_failed) + "\n",
             METHOD_NOTE + "\n",
             "## Adherence per system and category\n"]
    parts.append(markdown_table(adherence_display(adherence)) if not adherence.empty
                 else (f"Not computed: {reasons['adherence']}.\n" if "adherence" in reasons
                       else "No file had an expected style, so adherence was not computed.\n"))
    if after_adherence:  # e.g. the classifier's reliability, read beside adherence
        parts.append("\n" + after_adherence)
    if speaker_adherence is not None:
        parts.append("\n## Adherence over speakers\n")
        parts.append("Each (system, speaker) is judged once from the mean probabilities of its files; "
                     "`n` counts speakers.\n")
        parts.append(markdown_table(adherence_display(speaker_adherence)) if not speaker_adherence.empty
                     else f"Not computed: {reasons.get('speakers', 'no speaker with an expected style')}.\n")
    parts.append("\n## Systems compared\n")
    if comparison.empty:
        reason = reasons.get("comparison") or comparison.attrs.get("pairing", "no paired files")
        parts.append(f"No comparison: {reason}.\n")
    else:
        parts.append(f"Files paired by {comparison.attrs.get('pairing', 'item')} (files listed in STYLES.csv "
                     "only). Difference A - B with Tango's paired score interval; McNemar's exact test "
                     "on the discordant pairs; significant when p < 0.05.\n")
        parts.append(markdown_table(comparison_display(comparison)))
    parts.append("\n## Precision, recall and F1 per label\n")
    parts.append(markdown_table(label_prf_display(label_prf)) if not label_prf.empty
                 else (f"Not computed: {reasons['labels']}.\n" if "labels" in reasons
                       else "No file had an expected style, so no label was evaluated.\n"))
    if appendix:
        parts.append(appendix)
    if reasons:
        parts.append("\n## Not computed\n")
        parts.append("\n".join(f"- {line}" for line in not_computed_lines(reasons)) + "\n")
    if no_style is not None and not no_style.empty:
        parts.append("\n## Listed files that ask for no judged style\n")
        parts.append(f"{len(no_style)} listed file(s) have a prompt (or styles cell) that mentions no style "
                     "the model judges, so they are in no adherence figure"
                     + (f"; the first {MAX_LISTED_NO_STYLE} are listed, `scores.csv` has all"
                        if len(no_style) > MAX_LISTED_NO_STYLE else "") + ".\n")
        shown = no_style.head(MAX_LISTED_NO_STYLE).assign(system=lambda d: d["system"].map(display_system))
        parts.append(markdown_table(shown.reset_index(drop=True)))
    return "\n".join(parts)


def write_summary_tables(out_dir: str | Path, adherence: pd.DataFrame, label_prf: pd.DataFrame,
                         comparison: pd.DataFrame, speaker_adherence: pd.DataFrame | None = None, *,
                         not_computed: dict[str, str] | None = None, no_style: pd.DataFrame | None = None,
                         count_failed: bool | None = None, after_adherence: str = "",
                         appendix: str = "") -> dict[str, Path]:
    """Write the CSV tables and ``summary.md`` into ``out_dir``; returns name -> path.
    ``after_adherence`` and ``appendix`` are Markdown sections added to ``summary.md``."""
    out_dir = Path(out_dir)
    written = {"summary.csv": write_csv(out_dir / "summary.csv", adherence),
               "labels.csv": write_csv(out_dir / "labels.csv", label_prf),
               "comparison.csv": write_csv(out_dir / "comparison.csv", comparison)}
    if speaker_adherence is not None:
        written["speakers.csv"] = write_csv(out_dir / "speakers.csv", speaker_adherence)
    written["summary.md"] = write_text(out_dir / "summary.md",
                                       summary_markdown(adherence, label_prf, comparison, speaker_adherence,
                                                        not_computed=not_computed, no_style=no_style,
                                                        count_failed=count_failed,
                                                        after_adherence=after_adherence, appendix=appendix))
    return written
