"""The HTML report: one page a person can open from disk, listen through and sort.

Self-contained: CSS and a little JavaScript inline (sorting, filtering and paging the grid and
the per-file table; see :mod:`.html_grid`), plots embedded as base64 PNG ``data:`` URIs, nothing
fetched from anywhere, so the page works offline. Audio players are the one reference outside
the page: their ``src`` is a path relative to the report's folder, either into the scored
folder (the report and the scored folder move together) or, with ``copy_audio``, into
``<out>/audio`` where the played files are copied (the output folder alone can be moved or
zipped; :mod:`.portable`). Every string that comes from users (file names, prompts, errors,
model info) is HTML-escaped.

Sections: adherence with the classifier's own held-out reliability beside it (weak categories
marked by the rule of :mod:`stylecheck.styles.reliability`), the prompt x system grid, source
leakage, predicted labels per system (the view without expectations), confusion, system
comparison, per-label P/R/F1, plots with captions, mismatched files with both probabilities and
thresholds, every file in a sortable table, failed files, and the model.
"""
from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

import pandas as pd

from .._version import __version__
from ..analysis.summary import Summary
from ..io import write_text
from ..results import text_column
from ..styles.reliability import WEAK_RULE, reliability_label
from .beside_style import beside_style_html
from .diagnostics import label_reliability, probability_note
from .html_grid import MAX_FILE_ROWS, MAX_GRID_ITEMS, SCRIPT, file_table_section, grid_section
from .measured import controllability_html
from .html_sections import (
    DEFAULT_MAX_LISTED, AudioLinks, adherence_with_reliability, diagnostic_sections, failed_section, figures,
    html_table, mismatch_section, model_section, note_html, omissions_section, shown_folder, status_counts,
)
from .tables import adherence_note, comparison_display, label_prf_display

REPORT_NAME = "report.html"

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 1400px; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
h3 { font-size: 1.05em; margin: 1em 0 0.3em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
th button.sort { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; }
th button.sort::after { content: " \\2195"; color: #999; }
th[aria-sort="ascending"] button.sort::after { content: " \\2191"; color: #222; }
th[aria-sort="descending"] button.sort::after { content: " \\2193"; color: #222; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; font-size: 0.9em; }
.note { color: #555; font-size: 0.9em; max-width: 70em; }
.bad { color: #b00020; font-weight: 600; }
.good { color: #1b5e20; font-weight: 600; }
.weak { background: #fff4e5; }
.controls { margin: 0.5em 0; font-size: 0.9em; }
.controls input, .controls select, .controls button { font: inherit; margin-right: 0.5em; }
.scroll { overflow-x: auto; }
/* The grid and the per-file table share the page's width whatever the number of systems:
   fixed layout, cells wrap (long file names break anywhere), players shrink to their cell. */
table.grid, table#files { width: 100%; table-layout: fixed; }
table.grid td, table#files td, table.grid th, table#files th { overflow-wrap: anywhere; }
table.grid th:first-child { width: 13em; }
table#files th:first-child { width: 16em; }
table#files th, table#files td { padding: 0.2em 0.35em; }
table.grid td.source { background: #f7f9fc; }
table.grid .lab { font-size: 0.85em; }
table.grid .cat { color: #666; display: inline-block; min-width: 5.5em; }
table.grid .file code { font-size: 0.8em; color: #555; }
table.grid .prompt { font-size: 0.9em; }
table.grid hr { border: 0; border-top: 1px dashed #ccc; }
table.grid audio { width: 100%; max-width: 220px; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  .scroll { overflow: visible; }
  .controls, audio { display: none; }
  table { font-size: 0.8em; }
  table.interactive tr[hidden] { display: table-row; }  /* print every row, not the shown page */
  tr, figure { break-inside: avoid; }
}
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; box-sizing: border-box; }
figcaption { color: #444; font-size: 0.9em; max-width: 70em; }
audio { width: 220px; height: 32px; display: block; margin: 0.2em 0; }
code { font-size: 0.95em; }
"""

def report_html(scores: pd.DataFrame, summary: Summary, plots: Sequence[Path], model_info: dict, out_dir: Path,
                audio_root: Path, *, max_listed: int = DEFAULT_MAX_LISTED, generated: datetime | None = None,
                links: AudioLinks | None = None, max_grid_items: int = MAX_GRID_ITEMS,
                max_file_rows: int = MAX_FILE_ROWS) -> str:
    """The report page as a string (see :func:`write_report_html`). ``links`` maps a file key
    to its player's ``src`` (default: relative links into ``audio_root``, nothing copied)."""
    out_dir, audio_root = Path(out_dir), Path(audio_root)
    model_info = model_info or {}
    generated = generated or datetime.now(timezone.utc)
    label_set, thresholds, weak = summary.label_set, summary.thresholds, summary.weak
    # What each label needs under the rule the model decides with: every explanation uses these.
    needed = summary.effective_thresholds or thresholds
    decision = summary.decision
    adherence, label_prf, comparison = summary.adherence, summary.label_prf, summary.comparison
    speaker_adherence = summary.speaker_adherence
    src_of = links or AudioLinks(audio_root, out_dir)
    reliability = summary.reliability
    model_name = " ".join(str(model_info[k]) for k in ("name", "version") if model_info.get(k)) or "unnamed model"
    outputs = scores[text_column(scores, "role") != "source"]

    weak_note = (f'<p class="note weak"><b>Weak categories: {html.escape(", ".join(weak))}.</b> '
                 f"The classifier itself is unreliable there on held-out real speech, so adherence in these "
                 f"categories is an indication, not a verdict. Rule: {html.escape(WEAK_RULE)}.</p>") if weak else (
                 f'<p class="note">No category is weak by the rule: {html.escape(WEAK_RULE)}.</p>')
    sections = [
        "<h1>Style adherence report</h1>",
        f'<p class="meta">Model: {html.escape(model_name)} &middot; generated '
        f'{html.escape(generated.strftime("%Y-%m-%d %H:%M UTC"))} by stylecheck {html.escape(__version__)} '
        f"&middot; {len(scores)} file(s): {status_counts(scores)} &middot; audio from "
        f"<code>{html.escape(shown_folder(audio_root, out_dir))}</code></p>",
        f'<p class="note"><b>How to read it.</b> {html.escape(probability_note(model_info.get("decision")))} Adherence is the share of '
        "judged files whose predicted label is the expected one.</p>",
        '<h2 id="adherence">Adherence per system and category</h2>',
        '<p class="note">Share of files whose predicted label matches the expected one; '
        "category <code>all</code>: every expected category matches. 95% Wilson score intervals "
        "(on the effective number of files when speakers are known). "
        + note_html(adherence_note(bool(adherence.attrs.get("count_failed", True))))
        + " The last column is the classifier's own F1 for the category's labels, measured as its title says: "
        + html.escape((reliability or {}).get("source", "not stored with this model")) + ".</p>",
        adherence_with_reliability(adherence, reliability, label_set, weak) if not adherence.empty
        else "<p>No file had an expected style, so adherence was not computed; the predicted labels per "
             'system are <a href="#predicted">below</a>.</p>',
        weak_note,
        '<h2 id="grid-section">Prompts &times; systems</h2>',
        grid_section(scores, label_set, needed, src_of, max_items=max_grid_items),
    ]
    sections += diagnostic_sections(summary)
    if speaker_adherence is not None:
        sections += ["<h2>Adherence over speakers</h2>",
                     '<p class="note">Each (system, speaker) judged once from the mean probabilities of its '
                     "files; <code>n</code> counts speakers.</p>",
                     adherence_with_reliability(speaker_adherence, reliability, label_set, weak)
                     if not speaker_adherence.empty
                     else "<p>No speaker with an expected style.</p>"]
    sections.append("<h2>Systems compared</h2>")
    if comparison.empty:
        sections.append(f"<p>No comparison: {html.escape(str(comparison.attrs.get('pairing', 'no paired files')))}.</p>")
    else:
        sections += [f'<p class="note">Files paired by {html.escape(str(comparison.attrs.get("pairing", "item")))}; '
                     "difference A &minus; B with Tango's paired score interval; McNemar's exact test on the "
                     "discordant pairs, significant when p &lt; 0.05.</p>",
                     html_table(comparison_display(comparison))]
    sections.append(controllability_html(summary))
    sections += beside_style_html(summary, html_table)
    sections += ["<h2>Precision, recall and F1 per label</h2>",
                 html_table(label_prf_display(label_prf).assign(**{reliability_label(reliability): [
                     label_reliability(reliability, lab) for lab in label_prf["label"]]})) if not label_prf.empty
                 else "<p>No file had an expected style, so no label was evaluated.</p>",
                 "<h2>Plots</h2>", figures(plots),
                 '<h2 id="mismatches-section">Files whose style did not match</h2>',
                 mismatch_section(outputs, label_set, needed, src_of, max_listed, decision),
                 '<h2 id="files-section">Every file</h2>',
                 '<p class="note">Outputs and source recordings with their status, predicted label per category '
                 "and every label's probability; click a column title to sort.</p>",
                 file_table_section(scores, label_set, max_rows=max_file_rows),
                 "<h2>Files that failed</h2>", failed_section(scores),
                 omissions_section(summary.not_computed, summary.no_style),
                 '<h2 id="model">Model</h2>', model_section(model_info, label_set, thresholds, weak, needed, out_dir)]
    players_note = ('<p class="note">Players link to the audio by relative paths; the audio the page plays '
                    "is copied under <code>audio/</code> beside this page, so this folder can be moved or zipped "
                    "on its own.</p>" if src_of.copy else
                    '<p class="note">Players link to the scored audio folder by relative path: move this folder '
                    "together with it, or score with <code>--copy-audio</code> to copy the audio the page plays "
                    "beside it.</p>")
    sections.insert(3, players_note)
    title = f"stylecheck report: {model_name}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(sections) + f"\n<script>{SCRIPT}</script>\n</body></html>\n")


def write_report_html(out_dir: str | Path, scores: pd.DataFrame, summary: Summary, plots: list[Path],
                      model_info: dict, audio_root: str | Path, *, copy_audio: bool = False,
                      max_listed: int = DEFAULT_MAX_LISTED, max_grid_items: int = MAX_GRID_ITEMS,
                      max_file_rows: int = MAX_FILE_ROWS) -> Path:
    """Write ``out_dir/report.html`` atomically and return its path.

    ``scores`` is the per-file table, ``summary`` its :class:`~stylecheck.analysis.summary.Summary`
    (every table, the weak categories, what was not computed), ``plots`` PNG files to embed, ``model_info``
    what to show about the model (``name``, ``version``, ``backbone``, ``thresholds``,
    ``reliability``...), ``audio_root`` the folder the ``file`` column is relative to. With
    ``copy_audio`` the files the page plays are copied to ``out_dir/audio``. Long tables are
    capped (``max_listed`` mismatches, ``max_grid_items`` prompts, ``max_file_rows`` files) with a
    link to ``scores.csv``, so a large run still gives a page a browser opens quickly.
    """
    out_dir = Path(out_dir)
    links = AudioLinks(Path(audio_root), out_dir, copy=copy_audio)
    page = report_html(scores, summary, plots, model_info, out_dir, Path(audio_root), max_listed=max_listed,
                       links=links, max_grid_items=max_grid_items, max_file_rows=max_file_rows)
    return write_text(out_dir / REPORT_NAME, page)
