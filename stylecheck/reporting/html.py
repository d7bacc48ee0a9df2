"""The HTML report: one self-contained page a person can open from disk and listen through.

Self-contained means: CSS inline, plots embedded as base64 PNG ``data:`` URIs, no scripts, no
fonts or styles fetched from anywhere, so the page works offline and can be mailed around
together with the audio folder. Audio players are the one reference outside the page: their
``src`` is the audio file's path relative to the report's folder, so the report and the scored
folder can be moved together. Every string that comes from users (file names, prompts,
errors, model info) is HTML-escaped.
"""
from __future__ import annotations

import base64
import html
import math
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..analysis.adherence import FAILED_STATUSES, as_text, match_flag, text_column
from ..io import write_text
from ..labels import LabelSet
from .tables import (adherence_display, adherence_note, comparison_display, format_cell, label_prf_display,
                     not_computed_lines)

REPORT_NAME = "report.html"
DEFAULT_MAX_LISTED = 500

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
       max-width: 1200px; padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; font-size: 0.9em; }
.note { color: #555; font-size: 0.9em; max-width: 60em; }
.bad { color: #b00020; font-weight: 600; }
.good { color: #1b5e20; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.85em; }
audio { width: 240px; }
code { font-size: 0.95em; }
"""


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
        raise FileNotFoundError(f"plot for the report not found: {path}")
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG"):
        raise ValueError(f"plot for the report is not a PNG file: {path}")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _categories(scores: pd.DataFrame, label_set: LabelSet | None) -> list[str]:
    if label_set is not None:
        return list(label_set.categories)
    return [c[len("match_"):] for c in scores.columns if str(c).startswith("match_")]


def _labels(scores: pd.DataFrame, label_set: LabelSet | None) -> list[str]:
    if label_set is not None:
        return list(label_set.labels)
    return [c[len("p_"):] for c in scores.columns if str(c).startswith("p_")]


def mismatched_rows(scores: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """Files whose style did not match in at least one category (``match_<c>`` is False)."""
    mask = np.zeros(len(scores), dtype=bool)
    for c in categories:
        if f"match_{c}" in scores.columns:
            mask |= scores[f"match_{c}"].map(match_flag).to_numpy(dtype=float) == 0
    return scores[mask]


def _cell(row: pd.Series, column: str) -> str:
    """A text cell of one row; ``""`` for an absent column or a missing value."""
    return as_text(row.get(column, ""))


def _probability(row: pd.Series, label: str) -> float:
    try:
        return float(row.get(f"p_{label}", np.nan))
    except (TypeError, ValueError):
        return float("nan")


def _mismatch_section(scores: pd.DataFrame, categories: list[str], labels: list[str], out_dir: Path,
                      audio_root: Path, max_listed: int) -> str:
    rows = mismatched_rows(scores, categories)
    if rows.empty:
        return "<p>Every scored file with an expected style matched it.</p>"
    parts = [f"<p>{len(rows)} file(s) did not carry at least one expected label."]
    if len(rows) > max_listed:
        parts.append(f" The first {max_listed} are listed; <code>scores.csv</code> has all of them.")
    parts.append("</p>")
    parts.append("<table><thead><tr><th>file</th><th>listen</th><th>prompt</th>"
                 "<th>expected &rarr; predicted</th><th>probabilities</th></tr></thead><tbody>")
    for _, row in rows.head(max_listed).iterrows():
        file = _cell(row, "file")
        src = audio_src(audio_root / file, out_dir)
        checks = []
        for c in categories:
            expected = _cell(row, f"expected_{c}")
            if not expected:
                continue
            predicted = _cell(row, f"predicted_{c}") or "none"
            cls = "good" if predicted == expected else "bad"
            p = _probability(row, expected)
            checks.append(f'{html.escape(c)}: {html.escape(expected)} &rarr; '
                          f'<span class="{cls}">{html.escape(predicted)}</span>'
                          + (f" (p={p:.2f})" if math.isfinite(p) else ""))
        probs = ", ".join(f"{html.escape(lab)} {_probability(row, lab):.2f}" for lab in labels
                          if math.isfinite(_probability(row, lab)))
        system = _cell(row, "system")
        system_note = f'<br><span class="meta">system: {html.escape(system)}</span>' if system else ""
        parts.append(
            f"<tr><td><code>{html.escape(file)}</code>{system_note}</td>"
            f'<td><audio controls preload="none" src="{html.escape(src, quote=True)}"></audio></td>'
            f"<td>{html.escape(_cell(row, 'prompt'))}</td><td>{'<br>'.join(checks)}</td><td>{probs}</td></tr>")
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


def _model_section(model_info: dict) -> str:
    if not model_info:
        return ""
    rows = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{_esc(v)}</td></tr>" for k, v in model_info.items())
    return f"<table>{rows}</table>"


def _status_counts(scores: pd.DataFrame) -> str:
    counts = text_column(scores, "status").value_counts()
    return ", ".join(f"{int(n)} {html.escape(str(s))}" for s, n in counts.items()) or "no files"


def _figures(plots: Iterable[Path]) -> str:
    out = []
    for path in plots:
        path = Path(path)
        caption = path.stem.replace("_", " ")
        out.append(f'<figure><img src="{image_data_uri(path)}" alt="{html.escape(caption, quote=True)}">'
                   f"<figcaption>{html.escape(caption)}</figcaption></figure>")
    return "".join(out) or "<p>No plots.</p>"


def report_html(scores: pd.DataFrame, adherence: pd.DataFrame, label_prf: pd.DataFrame,
                comparison: pd.DataFrame, plots: Sequence[Path], model_info: dict, out_dir: Path,
                audio_root: Path, *, label_set: LabelSet | None = None,
                speaker_adherence: pd.DataFrame | None = None, max_listed: int = DEFAULT_MAX_LISTED,
                generated: datetime | None = None, not_computed: dict[str, str] | None = None,
                no_style: pd.DataFrame | None = None) -> str:
    """The report page as a string (see :func:`write_report_html`)."""
    from .. import __version__

    out_dir, audio_root = Path(out_dir), Path(audio_root)
    generated = generated or datetime.now(timezone.utc)
    categories, labels = _categories(scores, label_set), _labels(scores, label_set)
    model_name = " ".join(str(model_info[k]) for k in ("name", "version") if model_info.get(k)) or "unnamed model"

    sections = [
        "<h1>Style adherence report</h1>",
        f'<p class="meta">Model: {html.escape(model_name)} &middot; generated '
        f'{html.escape(generated.strftime("%Y-%m-%d %H:%M UTC"))} by stylecheck {html.escape(__version__)} '
        f"&middot; {len(scores)} file(s): {_status_counts(scores)} &middot; audio from "
        f"<code>{html.escape(str(audio_root))}</code></p>",
        _model_section(model_info),
        "<h2>Adherence per system and category</h2>",
        '<p class="note">Share of files whose predicted label matches the expected one; '
        "category <code>all</code>: every expected category matches. 95% Wilson score intervals "
        "(on the effective number of files when speakers are known). "
        + html.escape(adherence_note(bool(adherence.attrs.get("count_failed", True))).replace("`", ""))
        + "</p>",
        html_table(adherence_display(adherence)) if not adherence.empty
        else "<p>No file had an expected style, so adherence was not computed.</p>",
    ]
    if speaker_adherence is not None:
        sections += ["<h2>Adherence over speakers</h2>",
                     '<p class="note">Each (system, speaker) judged once from the mean probabilities of its '
                     "files; <code>n</code> counts speakers.</p>",
                     html_table(adherence_display(speaker_adherence)) if not speaker_adherence.empty
                     else "<p>No speaker with an expected style.</p>"]
    sections.append("<h2>Systems compared</h2>")
    if comparison.empty:
        sections.append(f"<p>No comparison: {html.escape(str(comparison.attrs.get('pairing', 'no paired files')))}.</p>")
    else:
        sections += [f'<p class="note">Files paired by {html.escape(str(comparison.attrs.get("pairing", "item")))}; '
                     "difference A &minus; B with a paired bootstrap interval; McNemar's exact test on the "
                     "discordant pairs, significant when p &lt; 0.05.</p>",
                     html_table(comparison_display(comparison))]
    sections += ["<h2>Precision, recall and F1 per label</h2>",
                 html_table(label_prf_display(label_prf)) if not label_prf.empty
                 else "<p>No file had an expected style, so no label was evaluated.</p>",
                 "<h2>Plots</h2>", _figures(plots),
                 "<h2>Files whose style did not match</h2>",
                 _mismatch_section(scores, categories, labels, out_dir, audio_root, max_listed),
                 "<h2>Files that failed</h2>", _failed_section(scores),
                 omissions_section(not_computed, no_style)]
    title = f"stylecheck report: {model_name}"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(sections) + "\n</body></html>\n")


def write_report_html(out_dir: str | Path, scores: pd.DataFrame, adherence: pd.DataFrame, label_prf: pd.DataFrame,
                      comparison: pd.DataFrame, plots: list[Path], model_info: dict, audio_root: str | Path,
                      *, label_set: LabelSet | None = None, speaker_adherence: pd.DataFrame | None = None,
                      max_listed: int = DEFAULT_MAX_LISTED, not_computed: dict[str, str] | None = None,
                      no_style: pd.DataFrame | None = None) -> Path:
    """Write ``out_dir/report.html`` atomically and return its path.

    ``scores`` is the per-file table, ``adherence``/``label_prf``/``comparison`` the tables of
    :mod:`stylecheck.analysis.adherence`, ``plots`` PNG files to embed, ``model_info`` what to
    show about the model (``name`` and ``version`` go in the header), ``audio_root`` the folder
    the ``file`` column is relative to. Mismatched files beyond ``max_listed`` are counted but
    not listed, so a large run still gives a page a browser opens quickly.
    """
    out_dir = Path(out_dir)
    page = report_html(scores, adherence, label_prf, comparison, plots, model_info, out_dir, Path(audio_root),
                       label_set=label_set, speaker_adherence=speaker_adherence, max_listed=max_listed,
                       not_computed=not_computed, no_style=no_style)
    return write_text(out_dir / REPORT_NAME, page)
