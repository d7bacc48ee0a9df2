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

import base64
import html
import math
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..results import FAILED_STATUSES, as_text, match_flag, text_column
from ..io import write_text
from ..styles.labels import PAPER_LABELS, LabelSet
from ..styles.reliability import WEAK_RULE, weak_categories
from .diagnostics import (CONFUSION_NOTE, LEAKAGE_NOTE, probability_note, category_reliability, confusion_blocks,
                          distribution_display, label_reliability, leakage_display)
from .html_grid import MAX_FILE_ROWS, MAX_GRID_ITEMS, SCRIPT, file_table_section, grid_section
from .portable import copy_audio, key_path
from .tables import (adherence_display, adherence_note, comparison_display, display_system, format_cell,
                     label_prf_display, not_computed_lines)
from ..errors import InvalidValueError, MissingFileError

REPORT_NAME = "report.html"
DEFAULT_MAX_LISTED = 500

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
table.grid td.cell { min-width: 200px; }
table.grid td.item { min-width: 11em; }
table.grid td.source { background: #f7f9fc; }
table.grid .lab { font-size: 0.85em; white-space: nowrap; }
table.grid .cat { color: #666; display: inline-block; min-width: 5.5em; }
table.grid .file code { font-size: 0.8em; color: #555; }
table.grid .prompt { font-size: 0.9em; max-width: 22em; }
table.grid hr { border: 0; border-top: 1px dashed #ccc; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: 0.9em; max-width: 70em; }
audio { width: 220px; height: 32px; display: block; margin: 0.2em 0; }
code { font-size: 0.95em; }
"""

#: What each plot shows, by file stem; a plot without an entry is captioned by its name.
CAPTIONS = {
    "adherence": ("Adherence per category (x) and system (colour): the share of judged files whose "
                  "predicted label matched the expected one, with 95% intervals as error bars and the "
                  "number of files judged above each bar. Categories marked 'weak classifier' are those "
                  "where the classifier itself is unreliable on held-out speech."),
    "expected_probability": ("For every judged file and each category it expects, the probability the "
                             "classifier gave the expected label (x: that label; colour: system; box: "
                             "quartiles). Dashed lines are the labels' thresholds: a point below its line "
                             "did not get the expected label."),
    "predicted_labels": ("Predicted labels per system, one panel per category: the share of each system's "
                         "judged files predicted as each label, uncertain, or with no label (no label "
                         "passed its threshold). Needs no expectations."),
}


def _esc(value) -> str:
    return html.escape(format_cell(value), quote=True)


def html_table(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """An escaped HTML table of ``df`` (index not shown); numeric columns right-aligned."""
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False, name=None):
        cells = "".join(f'<td class="num">{html.escape(format_cell(v, floatfmt))}</td>' if num
                        else f"<td>{html.escape(format_cell(v, floatfmt))}</td>" for v, num in zip(row, numeric))
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def audio_src(audio_path: Path, out_dir: Path) -> str:
    """URL of ``audio_path`` as seen from a page in ``out_dir``: relative and percent-encoded
    (``#``, ``?``, spaces and quotes in names stay part of the path); an absolute ``file:`` URL
    only when no relative path exists (another drive on Windows)."""
    try:
        rel = os.path.relpath(Path(audio_path).resolve(), Path(out_dir).resolve())
    except ValueError:
        return Path(audio_path).resolve().as_uri()
    return quote(rel.replace(os.sep, "/"), safe="/")


def image_data_uri(path: Path) -> str:
    """A PNG file as a ``data:`` URI, so the page needs no image files beside it."""
    path = Path(path)
    if not path.is_file():
        raise MissingFileError(f"plot for the report not found: {path}")
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG"):
        raise InvalidValueError(f"plot for the report is not a PNG file: {path}")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


class AudioLinks:
    """``file key -> player src`` (None when the file is not there), relative to ``out_dir``.

    With ``copy`` a file is copied into ``out_dir/audio`` the first time the page asks for it,
    so exactly the files the page plays are copied (:mod:`.portable`)."""

    def __init__(self, audio_root: Path, out_dir: Path, copy: bool = False):
        self.audio_root, self.out_dir, self.copy = Path(audio_root), Path(out_dir), copy
        self._cache: dict[str, str | None] = {}

    def __call__(self, key: str) -> str | None:
        if key not in self._cache:
            if self.copy:
                target = copy_audio([key], self.audio_root, self.out_dir).get(key)
            else:
                target = key_path(key, self.audio_root)
            self._cache[key] = audio_src(target, self.out_dir) if target is not None else None
        return self._cache[key]


def _label_set(scores: pd.DataFrame, label_set: LabelSet | None, model_info: Mapping) -> LabelSet:
    if label_set is not None:
        return label_set
    if model_info.get("label_set"):
        return LabelSet.from_dict(model_info["label_set"])
    return PAPER_LABELS


def _thresholds(label_set: LabelSet, thresholds: Mapping[str, float] | None, model_info: Mapping) -> dict[str, float]:
    if thresholds is not None:
        return {k: float(v) for k, v in thresholds.items()}
    if model_info.get("thresholds") is not None and len(model_info["thresholds"]) == len(label_set.labels):
        return dict(zip(model_info.get("labels") or label_set.labels, map(float, model_info["thresholds"])))
    return {}


def mismatched_rows(scores: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """Files whose style did not match in at least one category (``match_<c>`` is False)."""
    mask = np.zeros(len(scores), dtype=bool)
    for c in categories:
        if f"match_{c}" in scores.columns:
            mask |= scores[f"match_{c}"].map(match_flag).to_numpy(dtype=float) == 0
    return scores[mask]


def _probability(row: Mapping, label: str) -> float:
    try:
        return float(row.get(f"p_{label}", np.nan))
    except (TypeError, ValueError):
        return float("nan")


def _p_text(row: Mapping, label: str, thresholds: Mapping[str, float]) -> str:
    """``p(Male) = 0.03, threshold 0.50``: a label's probability named, with its threshold."""
    p = _probability(row, label)
    text = f"p({label}) = " + (f"{p:.2f}" if math.isfinite(p) else "n/a")
    if label in thresholds:
        text += f", threshold {thresholds[label]:.2f}"
    return text


def mismatch_entry(row: Mapping, category: str, labels: Sequence[str], thresholds: Mapping[str, float]) -> str:
    """One category of a mismatched file: the expected label and the predicted one, each with
    its own probability and threshold (escaped HTML)."""
    expected = as_text(row.get(f"expected_{category}"))
    predicted = as_text(row.get(f"predicted_{category}"))
    if predicted and predicted != "uncertain":
        got = f'<span class="bad">{html.escape(predicted)}</span> ({html.escape(_p_text(row, predicted, thresholds))})'
    else:
        others = [lab for lab in labels if lab != expected]
        why = "uncertain" if predicted == "uncertain" else "no label passed its threshold"
        got = (f'<span class="bad">no label</span> ({why}' +
               "".join(f"; {html.escape(_p_text(row, lab, thresholds))}" for lab in others) + ")")
    return (f"{html.escape(category)}: expected {html.escape(expected)} "
            f"({html.escape(_p_text(row, expected, thresholds))}) &rarr; predicted {got}")


def _mismatch_section(scores: pd.DataFrame, label_set: LabelSet, thresholds: Mapping[str, float],
                      src_of: Callable[[str], str | None], max_listed: int) -> str:
    categories = list(label_set.categories)
    rows = mismatched_rows(scores, categories)
    if rows.empty:
        return "<p>Every scored file with an expected style matched it.</p>"
    parts = [f"<p>{len(rows)} file(s) did not carry at least one expected label."]
    if len(rows) > max_listed:
        parts.append(f' The first {max_listed} are listed; <a href="scores.csv">scores.csv</a> has all of them.')
    parts.append("</p>")
    parts.append('<table id="mismatches"><thead><tr><th>file</th><th>listen</th><th>prompt</th>'
                 "<th>expected &rarr; predicted (probabilities and thresholds)</th></tr></thead><tbody>")
    for row in rows.head(max_listed).to_dict("records"):
        file = as_text(row.get("file"))
        entries = [mismatch_entry(row, c, label_set.categories[c], thresholds) for c in categories
                   if match_flag(row.get(f"match_{c}")) == 0]
        system = as_text(row.get("system"))
        system_note = f'<br><span class="meta">system: {html.escape(system)}</span>' if system else ""
        src = src_of(file)
        player = f'<audio controls preload="none" src="{html.escape(src, quote=True)}"></audio>' if src else ""
        parts.append(f"<tr><td><code>{html.escape(file)}</code>{system_note}</td><td>{player}</td>"
                     f"<td>{html.escape(as_text(row.get('prompt')))}</td><td>{'<br>'.join(entries)}</td></tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _failed_section(scores: pd.DataFrame) -> str:
    status = text_column(scores, "status")
    failed = scores[status.isin(FAILED_STATUSES)]
    if failed.empty:
        return "<p>No file failed.</p>"
    table = pd.DataFrame({"file": text_column(failed, "file"), "status": text_column(failed, "status"),
                          "reason": text_column(failed, "error")})
    return f"<p>{len(failed)} file(s) could not be scored.</p>" + html_table(table)


def omissions_section(not_computed: dict[str, str] | None, no_style: pd.DataFrame | None) -> str:
    """What the report could not compute and why, and the listed files whose prompt asks for no
    style the model judges (nothing is left out silently)."""
    parts = []
    if not_computed:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in not_computed_lines(not_computed))
        parts.append(f"<h2>Not computed</h2><ul>{items}</ul>")
    if no_style is not None and not no_style.empty:
        parts.append("<h2>Listed files that ask for no judged style</h2>"
                     f"<p>{len(no_style)} listed file(s) mention no style the model judges, so they are in no "
                     "adherence figure.</p>" + html_table(no_style.head(DEFAULT_MAX_LISTED).reset_index(drop=True)))
    return "".join(parts)


def _plain(value: Any) -> str:
    """A config value for people: dicts as ``key value`` pairs, lists joined, no Python reprs."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items() if v not in (None, "", {}, []))
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    return format_cell(value)


def _model_section(model_info: Mapping, label_set: LabelSet, thresholds: Mapping[str, float]) -> str:
    if not model_info:
        return "<p>No model information was given.</p>"
    reliability = model_info.get("reliability")
    weak = weak_categories(reliability, label_set)
    facts = [("name", model_info.get("name")), ("version", model_info.get("version")),
             ("stored at", model_info.get("path")), ("speech encoder", _plain(model_info.get("backbone") or "")),
             ("decision rule", _plain(model_info.get("decision") or "")),
             ("reliability measured on", (reliability or {}).get("source", "not stored with this model"))]
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_esc(v)}</td></tr>" for k, v in facts if v not in (None, ""))
    per_label = pd.DataFrame(
        [{"category": c + (" (weak)" if c in weak else ""), "label": lab,
          "threshold": f"{thresholds[lab]:.3f}" if lab in thresholds else "",
          "held-out F1 [95% CI], positive speakers": label_reliability(reliability, lab)}
         for c, labels in label_set.categories.items() for lab in labels])
    return f"<table>{rows}</table>" + html_table(per_label)


def _adherence_with_reliability(adherence: pd.DataFrame, reliability, label_set: LabelSet) -> str:
    display = adherence_display(adherence)
    display["classifier (held-out)"] = [category_reliability(reliability, label_set, c) for c in adherence["category"]]
    return html_table(display)


def _figures(plots: Sequence[Path]) -> str:
    out = []
    for path in plots:
        path = Path(path)
        caption = CAPTIONS.get(path.stem, path.stem.replace("_", " "))
        out.append(f'<figure><img src="{image_data_uri(path)}" alt="{html.escape(path.stem.replace("_", " "), quote=True)}">'
                   f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return "".join(out) or "<p>No plots.</p>"


def _status_counts(scores: pd.DataFrame) -> str:
    counts = text_column(scores, "status").value_counts()
    return ", ".join(f"{int(n)} {html.escape(str(s))}" for s, n in counts.items()) or "no files"


def _diagnostic_sections(diagnostics: Mapping[str, pd.DataFrame | None], weak: Mapping[str, str]) -> list[str]:
    sections = []
    leakage = diagnostics.get("leakage")
    if leakage is not None:
        sections += ['<h2 id="leakage">Source leakage</h2>', f'<p class="note">{html.escape(LEAKAGE_NOTE)}</p>',
                     html_table(leakage_display(leakage, weak)) if not leakage.empty
                     else "<p>No output asked for a label other than its source's, so leakage was not computed.</p>"]
    distribution = diagnostics.get("distribution")
    if distribution is not None:
        sections += ['<h2 id="predicted">Predicted labels per system</h2>',
                     html_table(distribution_display(distribution)) if not distribution.empty
                     else "<p>No file was judged.</p>"]
    confusion = diagnostics.get("confusion")
    if confusion is not None and not confusion.empty:
        sections += ['<h2 id="confusion">Confusion per system and category</h2>',
                     f'<p class="note">{html.escape(CONFUSION_NOTE)}</p>']
        for system, category, matrix in confusion_blocks(confusion):
            mark = " (weak category: read as an indication)" if category in weak else ""
            sections += [f"<h3>{html.escape(display_system(system))}: {html.escape(category)}{html.escape(mark)}</h3>",
                         html_table(matrix)]
    return sections


def report_html(scores: pd.DataFrame, adherence: pd.DataFrame, label_prf: pd.DataFrame,
                comparison: pd.DataFrame, plots: Sequence[Path], model_info: dict, out_dir: Path,
                audio_root: Path, *, label_set: LabelSet | None = None,
                speaker_adherence: pd.DataFrame | None = None, max_listed: int = DEFAULT_MAX_LISTED,
                generated: datetime | None = None, diagnostics: Mapping[str, pd.DataFrame | None] | None = None,
                thresholds: Mapping[str, float] | None = None, links: AudioLinks | None = None,
                max_grid_items: int = MAX_GRID_ITEMS, max_file_rows: int = MAX_FILE_ROWS,
                not_computed: dict[str, str] | None = None, no_style: pd.DataFrame | None = None) -> str:
    """The report page as a string (see :func:`write_report_html`). ``links`` maps a file key
    to its player's ``src`` (default: relative links into ``audio_root``, nothing copied)."""
    from .._version import __version__

    out_dir, audio_root = Path(out_dir), Path(audio_root)
    model_info = model_info or {}
    generated = generated or datetime.now(timezone.utc)
    label_set = _label_set(scores, label_set, model_info)
    thresholds = _thresholds(label_set, thresholds, model_info)
    src_of = links or AudioLinks(audio_root, out_dir)
    diagnostics = diagnostics or {}
    reliability = model_info.get("reliability")
    weak = weak_categories(reliability, label_set)
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
        f"&middot; {len(scores)} file(s): {_status_counts(scores)} &middot; audio from "
        f"<code>{html.escape(str(audio_root))}</code></p>",
        f'<p class="note"><b>How to read it.</b> {html.escape(probability_note(model_info.get("decision")))} Adherence is the share of '
        "judged files whose predicted label is the expected one.</p>",
        '<h2 id="adherence">Adherence per system and category</h2>',
        '<p class="note">Share of files whose predicted label matches the expected one; '
        "category <code>all</code>: every expected category matches. 95% Wilson score intervals "
        "(on the effective number of files when speakers are known). "
        + html.escape(adherence_note(bool(adherence.attrs.get("count_failed", True))).replace("`", ""))
        + " The last column is the classifier's own held-out F1 for the category's labels.</p>",
        _adherence_with_reliability(adherence, reliability, label_set) if not adherence.empty
        else "<p>No file had an expected style, so adherence was not computed; the predicted labels per "
             'system are <a href="#predicted">below</a>.</p>',
        weak_note,
        '<h2 id="grid-section">Prompts &times; systems</h2>',
        grid_section(scores, label_set, thresholds, src_of, max_items=max_grid_items),
    ]
    sections += _diagnostic_sections(diagnostics, weak)
    if speaker_adherence is not None:
        sections += ["<h2>Adherence over speakers</h2>",
                     '<p class="note">Each (system, speaker) judged once from the mean probabilities of its '
                     "files; <code>n</code> counts speakers.</p>",
                     _adherence_with_reliability(speaker_adherence, reliability, label_set)
                     if not speaker_adherence.empty
                     else "<p>No speaker with an expected style.</p>"]
    sections.append("<h2>Systems compared</h2>")
    if comparison.empty:
        sections.append(f"<p>No comparison: {html.escape(str(comparison.attrs.get('pairing', 'no paired files')))}.</p>")
    else:
        sections += [f'<p class="note">Files paired by {html.escape(str(comparison.attrs.get("pairing", "item")))}; '
                     "difference A &minus; B with Newcombe's paired score interval; McNemar's exact test on the "
                     "discordant pairs, significant when p &lt; 0.05.</p>",
                     html_table(comparison_display(comparison))]
    sections += ["<h2>Precision, recall and F1 per label</h2>",
                 html_table(label_prf_display(label_prf).assign(**{"classifier held-out": [
                     label_reliability(reliability, lab) for lab in label_prf["label"]]})) if not label_prf.empty
                 else "<p>No file had an expected style, so no label was evaluated.</p>",
                 "<h2>Plots</h2>", _figures(plots),
                 '<h2 id="mismatches-section">Files whose style did not match</h2>',
                 _mismatch_section(outputs, label_set, thresholds, src_of, max_listed),
                 '<h2 id="files-section">Every file</h2>',
                 '<p class="note">Outputs and source recordings with their status, predicted label per category '
                 "and every label's probability; click a column title to sort.</p>",
                 file_table_section(scores, label_set, max_rows=max_file_rows),
                 "<h2>Files that failed</h2>", _failed_section(scores),
                 omissions_section(not_computed, no_style),
                 '<h2 id="model">Model</h2>', _model_section(model_info, label_set, thresholds)]
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


def write_report_html(out_dir: str | Path, scores: pd.DataFrame, adherence: pd.DataFrame, label_prf: pd.DataFrame,
                      comparison: pd.DataFrame, plots: list[Path], model_info: dict, audio_root: str | Path,
                      *, label_set: LabelSet | None = None, speaker_adherence: pd.DataFrame | None = None,
                      max_listed: int = DEFAULT_MAX_LISTED, diagnostics: Mapping[str, pd.DataFrame | None] | None = None,
                      thresholds: Mapping[str, float] | None = None, copy_audio: bool = False,
                      max_grid_items: int = MAX_GRID_ITEMS, max_file_rows: int = MAX_FILE_ROWS,
                      not_computed: dict[str, str] | None = None, no_style: pd.DataFrame | None = None) -> Path:
    """Write ``out_dir/report.html`` atomically and return its path.

    ``scores`` is the per-file table, ``adherence``/``label_prf``/``comparison`` the tables of
    :mod:`stylecheck.analysis.adherence`, ``diagnostics`` those of :func:`stylecheck.scoring.summary.summarize`
    (``leakage``, ``confusion``, ``distribution``), ``plots`` PNG files to embed, ``model_info``
    what to show about the model (``name``, ``version``, ``backbone``, ``thresholds``,
    ``reliability``...), ``audio_root`` the folder the ``file`` column is relative to. With
    ``copy_audio`` the files the page plays are copied to ``out_dir/audio``. Long tables are
    capped (``max_listed`` mismatches, ``max_grid_items`` prompts, ``max_file_rows`` files) with a
    link to ``scores.csv``, so a large run still gives a page a browser opens quickly.
    """
    out_dir = Path(out_dir)
    links = AudioLinks(Path(audio_root), out_dir, copy=copy_audio)
    page = report_html(scores, adherence, label_prf, comparison, plots, model_info, out_dir, Path(audio_root),
                       label_set=label_set, speaker_adherence=speaker_adherence, max_listed=max_listed,
                       diagnostics=diagnostics, thresholds=thresholds, links=links,
                       max_grid_items=max_grid_items, max_file_rows=max_file_rows,
                       not_computed=not_computed, no_style=no_style)
    return write_text(out_dir / REPORT_NAME, page)
