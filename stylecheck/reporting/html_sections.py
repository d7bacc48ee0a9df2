"""The sections of ``report.html`` other than the grid (:mod:`.html_grid`): tables, players,
mismatches, failures, omissions, diagnostics and the model. Each renders what the
:class:`~stylecheck.analysis.summary.Summary` or the scores table holds; nothing here decides."""
from __future__ import annotations

import base64
import html
import math
import os
import re
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..analysis.summary import Summary
from ..errors import InvalidValueError, MissingFileError
from ..results import FAILED_STATUSES, as_text, match_flag, text_column
from ..styles.labels import LabelSet
from ..styles.decision import UNCERTAIN, margin_for
from ..styles.reliability import reliability_label
from .diagnostics import (
    adherence_reliability_column, confusion_blocks, confusion_note, distribution_display, label_reliability,
    leakage_display, leakage_note,
)
from .portable import copy_audio, key_path
from .tables import adherence_display, display_system, format_cell, not_computed_lines

#: Mismatched files listed in full before the list links to scores.csv.
DEFAULT_MAX_LISTED = 500
CAPTIONS = {
    "speaker_similarity": ("Speaker similarity of each output (dots; bar: median) per system: to its source "
                           "recording and/or to the target reference. The dashed line is where natural "
                           "recordings of the same speaker and of different speakers are told apart best "
                           "(equal-error threshold): above it reads as the same voice."),
    "adherence": ("Adherence per category (x) and system (colour): the share of judged files whose "
                  "predicted label matched the expected one, with 95% intervals as error bars and the "
                  "number of files judged above each bar. Categories marked 'weak classifier' are those "
                  "where the classifier itself is unreliable on held-out speech."),
    "expected_probability": ("For every judged file and each category it expects, the probability the "
                             "classifier gave the expected label (x: that label; colour: system; box: "
                             "quartiles). Dashed lines mark the probability the label needs to be predicted "
                             "under the model's rule (see Model): a point below its line did not get the "
                             "expected label."),
    "predicted_labels": ("Predicted labels per system, one panel per category: the share of each system's "
                         "judged files predicted as each label, or answered uncertain (no verdict) or "
                         "left with no label, where the model's rule can give these. Needs no expectations."),
}


def _esc(value) -> str:
    return html.escape(format_cell(value), quote=True)


def note_html(text: str) -> str:
    """Escaped prose in which Markdown's `code` marks become ``<code>`` (the notes are shared
    with ``summary.md``; a page must not show the backticks)."""
    return re.sub(r"`([^`<>]+)`", r"<code>\1</code>", html.escape(text, quote=False))


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


#: A folder more levels above the report than this is named, not walked to (no machine paths).
MAX_LEVELS_UP = 2


def shown_folder(folder: Path | str, out_dir: Path) -> str:
    """A folder (or file) as the page names it: relative to the report's folder when it is near
    it (the page and the audio travel together), else just its name; never the machine's
    absolute path."""
    try:
        rel = os.path.relpath(Path(folder).resolve(), Path(out_dir).resolve()).replace(os.sep, "/")
    except ValueError:  # another drive
        return Path(folder).name
    return rel if rel.split("/").count("..") <= MAX_LEVELS_UP else Path(folder).name


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


def _p_text(row: Mapping, label: str, thresholds: Mapping[str, float], pairwise: bool = False) -> str:
    """``p(Male) = 0.03, threshold 0.50`` (v1 rule) or ``p(Male) = 0.03, needs 0.59`` (pairwise
    rule): a label's probability named, with what the model's rule needs for it."""
    p = _probability(row, label)
    text = f"p({label}) = " + (f"{p:.2f}" if math.isfinite(p) else "n/a")
    if label in thresholds:
        text += (", needs " if pairwise else ", threshold ") + f"{thresholds[label]:.2f}"
    return text


def pairwise_rule_text(decision: Mapping[str, Any], category: str, needed: float | None) -> str:
    """The pairwise rule for one category, in words, with the probability a label needs
    (``needed``, from :func:`stylecheck.styles.decision.effective_thresholds`)."""
    text = f"a label's probability must exceed the other's by the margin {margin_for(decision, category):.2f}"
    return text + (f", i.e. p \u2265 {needed:.2f}" if needed is not None else "")


def mismatch_entry(row: Mapping, category: str, labels: Sequence[str], thresholds: Mapping[str, float],
                   decision: Mapping[str, Any] | None = None) -> str:
    """One category of a mismatched file: the expected label and the predicted one, each with
    its own probability and what the model's rule needed for it (escaped HTML). ``thresholds``
    are the effective thresholds (label -> needed probability); ``decision`` the model's rule
    (None: the v1 per-label thresholds)."""
    expected = as_text(row.get(f"expected_{category}"))
    predicted = as_text(row.get(f"predicted_{category}"))
    pairwise = decision is not None
    others = [lab for lab in labels if lab != expected]
    if predicted and predicted != UNCERTAIN:
        got = (f'<span class="bad">{html.escape(predicted)}</span> '
               f"({html.escape(_p_text(row, predicted, thresholds, pairwise))})")
    elif predicted == UNCERTAIN:
        why = "the rule: " + pairwise_rule_text(decision or {}, category, thresholds.get(expected))
        got = (f'<span class="bad">uncertain</span> ({html.escape(why)}'
               + "".join(f"; {html.escape(_p_text(row, lab, {}, pairwise))}" for lab in others) + ")")
    else:
        got = ('<span class="bad">no label</span> (no label passed its threshold'
               + "".join(f"; {html.escape(_p_text(row, lab, thresholds, pairwise))}" for lab in others) + ")")
    return (f"{html.escape(category)}: expected {html.escape(expected)} "
            f"({html.escape(_p_text(row, expected, thresholds, pairwise))}) &rarr; predicted {got}")


def mismatch_section(scores: pd.DataFrame, label_set: LabelSet, thresholds: Mapping[str, float],
                     src_of: Callable[[str], str | None], max_listed: int,
                     decision: Mapping[str, Any] | None = None) -> str:
    categories = list(label_set.categories)
    rows = mismatched_rows(scores, categories)
    if rows.empty:
        return "<p>Every scored file with an expected style matched it.</p>"
    parts = [f"<p>{len(rows)} file(s) did not carry at least one expected label."]
    if len(rows) > max_listed:
        parts.append(f' The first {max_listed} are listed; <a href="scores.csv">scores.csv</a> has all of them.')
    parts.append("</p>")
    parts.append('<table id="mismatches"><thead><tr><th>file</th><th>listen</th><th>prompt</th>'
                 "<th>expected &rarr; predicted (probabilities and what the model's rule needs)</th>"
                 "</tr></thead><tbody>")
    for row in rows.head(max_listed).to_dict("records"):
        file = as_text(row.get("file"))
        entries = [mismatch_entry(row, c, label_set.categories[c], thresholds, decision) for c in categories
                   if match_flag(row.get(f"match_{c}")) == 0]
        system = as_text(row.get("system"))
        system_note = f'<br><span class="meta">system: {html.escape(system)}</span>' if system else ""
        src = src_of(file)
        player = f'<audio controls preload="none" src="{html.escape(src, quote=True)}"></audio>' if src else ""
        parts.append(f"<tr><td><code>{html.escape(file)}</code>{system_note}</td><td>{player}</td>"
                     f"<td>{html.escape(as_text(row.get('prompt')))}</td><td>{'<br>'.join(entries)}</td></tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def failed_section(scores: pd.DataFrame) -> str:
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


def rule_summary(decision: Mapping[str, Any] | None, label_set: LabelSet, effective: Mapping[str, float]) -> str:
    """How the model turns probabilities into a label, in words, per category."""
    if decision is None:
        return ("per-label thresholds: the most probable label at or above its own threshold; "
                "no label when none reaches it")
    parts = []
    for category, labels in label_set.categories.items():
        needed = effective.get(labels[0])
        parts.append(f"{category}: " + pairwise_rule_text(decision, category, needed))
    return ("pairwise: the more probable label of each category, uncertain when it does not lead the other "
            "by the category's margin (" + "; ".join(parts) + ")")


def model_section(model_info: Mapping, label_set: LabelSet, thresholds: Mapping[str, float],
                  weak: Mapping[str, str], effective: Mapping[str, float] | None = None,
                  out_dir: Path | None = None) -> str:
    """Facts about the model, the rule it decides with, and per label what it needs to be predicted
    (``effective``, the effective thresholds; ``thresholds`` are the stored per-label thresholds,
    which a pairwise model uses only for the paper's Table 2)."""
    if not model_info:
        return "<p>No model information was given.</p>"
    decision = model_info.get("decision")
    effective = dict(thresholds if effective is None else effective)
    reliability = model_info.get("reliability")
    facts = [("name", model_info.get("name")), ("version", model_info.get("version")),
             ("stored at", shown_folder(model_info["path"], out_dir or Path.cwd()) if model_info.get("path") else None),
             ("speech encoder", _plain(model_info.get("backbone") or "")),
             ("decision rule", _plain(model_info.get("decision") or "")),
             ("how a label is predicted", rule_summary(decision, label_set, effective)),
             ("reliability measured on", (reliability or {}).get("source", "not stored with this model"))]
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_esc(v)}</td></tr>" for k, v in facts if v not in (None, ""))
    table = []
    for c, labels in label_set.categories.items():
        for lab in labels:
            row = {"category": c + (" (weak)" if c in weak else ""), "label": lab}
            if decision is None:
                row["threshold"] = f"{thresholds[lab]:.3f}" if lab in thresholds else ""
            else:
                row["needs p \u2265"] = f"{effective[lab]:.3f}" if lab in effective else ""
                row["stored threshold (Table 2 only)"] = f"{thresholds[lab]:.3f}" if lab in thresholds else ""
            row["held-out F1 [95% CI], positive speakers"] = label_reliability(reliability, lab)
            table.append(row)
    return f"<table>{rows}</table>" + html_table(pd.DataFrame(table))


def adherence_with_reliability(adherence: pd.DataFrame, reliability, label_set: LabelSet,
                               weak: Mapping[str, str]) -> str:
    display = adherence_display(adherence)
    display[reliability_label(reliability)] = adherence_reliability_column(adherence, reliability, label_set, weak)
    return html_table(display)


def figures(plots: Sequence[Path]) -> str:
    out = []
    for path in plots:
        path = Path(path)
        caption = CAPTIONS.get(path.stem, path.stem.replace("_", " "))
        out.append(f'<figure><img src="{image_data_uri(path)}" alt="{html.escape(path.stem.replace("_", " "), quote=True)}">'
                   f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return "".join(out) or "<p>No plots.</p>"


def status_counts(scores: pd.DataFrame) -> str:
    counts = text_column(scores, "status").value_counts()
    return ", ".join(f"{int(n)} {html.escape(str(s))}" for s, n in counts.items()) or "no files"


def diagnostic_sections(summary: Summary) -> list[str]:
    sections = []
    weak = summary.weak
    leakage = summary.leakage
    if leakage is not None:
        sections += ['<h2 id="leakage">Source leakage</h2>',
                     f'<p class="note">{note_html(leakage_note(summary.decision, leakage))}</p>',
                     html_table(leakage_display(leakage, weak, summary.decision)) if not leakage.empty
                     else "<p>No output asked for a label other than its source's, so leakage was not computed.</p>"]
    distribution = summary.distribution
    if distribution is not None:
        sections += ['<h2 id="predicted">Predicted labels per system</h2>',
                     html_table(distribution_display(distribution)) if not distribution.empty
                     else "<p>No file was judged.</p>"]
    confusion = summary.confusion
    if confusion is not None and not confusion.empty:
        sections += ['<h2 id="confusion">Confusion per system and category</h2>',
                     f'<p class="note">{note_html(confusion_note(confusion))}</p>']
        for system, category, matrix in confusion_blocks(confusion):
            mark = " (weak category: read as an indication)" if category in weak else ""
            sections += [f"<h3>{html.escape(display_system(system))}: {html.escape(category)}{html.escape(mark)}</h3>",
                         html_table(matrix)]
    return sections
