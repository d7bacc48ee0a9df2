"""The interactive parts of the report: the prompt x system grid with players and the per-file
table, with sort, filter and page controls run by a little inline JavaScript (no server, no CDN).

Both tables carry every row they show in the page; the script only reorders and hides rows, so
the page stays readable with scripts off (all rows then show, unsorted). Each sortable column
header is a ``<button>``; a cell's ``data-sort`` holds the value it sorts by (numbers for
numeric columns). Tables are capped (``max_items`` / ``max_rows``) with a link to
``scores.csv``, so a run of thousands of files still gives a page a browser opens quickly.
"""
from __future__ import annotations

import html
import math
import re
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.beside_style import SAME_SPEAKER_THRESHOLD
from ..analysis.grid import ItemGrid, item_grid
from ..results import FAILED_STATUSES, ROLE_SOURCE, as_text, text_column
from ..styles.labels import LabelSet
from .tables import display_system
from .measured import measured_categories_in, measured_cell

MAX_GRID_ITEMS = 300
GRID_PAGE_SIZE = 25
MAX_FILE_ROWS = 2000
FILE_PAGE_SIZE = 50
#: Statuses whose file was decoded, so a player can play it.
PLAYABLE_STATUSES = ("ok", "unlisted", "no_speech")

SCRIPT = """
(function () {
  "use strict";
  // Natural order for text: "p3" before "p10".
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  function sortValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell ? (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent) : "";
    if (!numeric) { return raw.trim().toLowerCase(); }
    var value = parseFloat(raw);
    return isNaN(value) ? null : value;
  }
  function setup(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var order = rows.slice();
    var pageSize = parseInt(table.getAttribute("data-page-size"), 10) || 50;
    var page = 0;
    var controls = document.getElementById(table.id + "-controls");
    var search = controls ? controls.querySelector("input[type=search]") : null;
    var only = controls ? controls.querySelector("select") : null;
    var info = controls ? controls.querySelector(".page-info") : null;
    var prev = controls ? controls.querySelector("button.prev") : null;
    var next = controls ? controls.querySelector("button.next") : null;
    function apply() {
      var query = search ? search.value.trim().toLowerCase() : "";
      var flag = only ? only.value : "";
      var shown = order.filter(function (row) {
        var flags = " " + (row.getAttribute("data-flags") || "") + " ";
        return (!query || row.textContent.toLowerCase().indexOf(query) >= 0) &&
               (!flag || flags.indexOf(" " + flag + " ") >= 0);
      });
      var pages = Math.max(1, Math.ceil(shown.length / pageSize));
      page = Math.min(Math.max(page, 0), pages - 1);
      var fragment = document.createDocumentFragment();
      order.forEach(function (row) { row.hidden = true; fragment.appendChild(row); });
      body.appendChild(fragment);
      shown.slice(page * pageSize, (page + 1) * pageSize).forEach(function (row) { row.hidden = false; });
      if (info) {
        info.textContent = shown.length ? ("rows " + (page * pageSize + 1) + "-" +
          Math.min(shown.length, (page + 1) * pageSize) + " of " + shown.length + " (page " + (page + 1) +
          " of " + pages + ")") : "no row matches";
      }
      if (prev) { prev.disabled = page === 0; }
      if (next) { next.disabled = page >= pages - 1; }
    }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button.sort");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-type") === "num";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keyed = order.map(function (row, position) { return [sortValue(row, index, numeric), position, row]; });
        keyed.sort(function (a, b) {
          if (a[0] === null || b[0] === null) {   // rows without a value go last either way
            return a[0] === b[0] ? a[1] - b[1] : (a[0] === null ? 1 : -1);
          }
          var cmp = numeric ? (a[0] < b[0] ? -1 : (a[0] > b[0] ? 1 : 0)) : collator.compare(a[0], b[0]);
          return (ascending ? cmp : -cmp) || a[1] - b[1];
        });
        order = keyed.map(function (entry) { return entry[2]; });
        page = 0;
        apply();
      });
    });
    if (search) { search.addEventListener("input", function () { page = 0; apply(); }); }
    if (only) { only.addEventListener("change", function () { page = 0; apply(); }); }
    if (prev) { prev.addEventListener("click", function () { page -= 1; apply(); }); }
    if (next) { next.addEventListener("click", function () { page += 1; apply(); }); }
    apply();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.interactive"), setup);
})();
"""


def natural_key(text: str) -> tuple:
    """Sort key that orders the numbers inside names by value: ``p3`` before ``p10``."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", text) if part)


def esc(value) -> str:
    return html.escape(as_text(value), quote=True)


def _p(row: Mapping, label: str) -> float:
    """``row["p_" + label]`` as a float; NaN when absent or not a number."""
    try:
        return float(row.get(f"p_{label}", np.nan))
    except (TypeError, ValueError):
        return float("nan")


def _fmt_p(value: float) -> str:
    return f"{value:.2f}" if math.isfinite(value) else "n/a"


def sort_header(text: str, numeric: bool = False, extra: str = "") -> str:
    kind = ' data-type="num"' if numeric else ""
    return f'<th{kind}{extra}><button type="button" class="sort">{html.escape(text)}</button></th>'


def controls(table_id: str, flags: Sequence[tuple[str, str]] = ()) -> str:
    """Search box, optional row filter, and page buttons for the table ``table_id``."""
    select = ""
    if flags:
        options = '<option value="">all rows</option>' + "".join(
            f'<option value="{html.escape(v)}">{html.escape(text)}</option>' for v, text in flags)
        select = f'<label>show <select aria-label="row filter">{options}</select></label> '
    return (f'<div class="controls" id="{table_id}-controls"><label>filter <input type="search" '
            f'placeholder="text in the row"></label> {select}<button type="button" class="prev">&larr; previous</button> '
            f'<span class="page-info"></span> <button type="button" class="next">next &rarr;</button></div>')


def capped_note(shown: int, total: int, what: str) -> str:
    if total <= shown:
        return ""
    return (f'<p class="note">This page holds the first {shown} of {total} {what}; '
            f'<a href="scores.csv">scores.csv</a> has every file.</p>')


# --------------------------------------------------------------------------------------------
# Prompt x system grid
# --------------------------------------------------------------------------------------------

def _label_lines(row: Mapping, label_set: LabelSet, thresholds: Mapping[str, float], *,
                 expectations: bool = True) -> tuple[str, float, list[str]]:
    """Per category: the predicted label with its probability and a mark against the expected
    label. Returns (html, share matched or NaN, flags)."""
    lines, matched, expected_n, flags = [], 0, 0, []
    for category, labels in label_set.categories.items():
        predicted = as_text(row.get(f"predicted_{category}", ""))
        expected = as_text(row.get(f"expected_{category}", "")) if expectations else ""
        if predicted and predicted != "uncertain":
            shown = f"<b>{html.escape(predicted)}</b> {_fmt_p(_p(row, predicted))}"
        elif predicted == "uncertain":
            shown = "<i>uncertain</i>"
        else:
            best = max(labels, key=lambda lab: np.nan_to_num(_p(row, lab), nan=-1.0))
            shown = (f'<i>no label</i> <span class="meta">(highest: {html.escape(best)} '
                     f"{_fmt_p(_p(row, best))})</span>")
        mark = ""
        if expected:
            expected_n += 1
            p_exp = _p(row, expected)
            thr = thresholds.get(expected)
            detail = (f"expected {expected}: p({expected}) = {_fmt_p(p_exp)}"
                      + (f", threshold {thr:.2f}" if thr is not None else ""))
            if predicted == expected:
                matched += 1
                mark = f' <span class="good" title="{html.escape(detail)}">&#10003;</span>'
            else:
                flags.append("mismatch")
                mark = (f' <span class="bad" title="{html.escape(detail)}">&#10007; wanted '
                        f"{html.escape(expected)} {_fmt_p(p_exp)}</span>")
        lines.append(f'<div class="lab"><span class="cat">{html.escape(category)}</span> {shown}{mark}</div>')
    share = matched / expected_n if expected_n else float("nan")
    return "".join(lines), share, flags


def _similarity_lines(row: Mapping) -> str:
    """Speaker similarity of an output to its source and to its reference, when measured."""
    out = []
    for column, to in (("spk_sim_source", "source"), ("spk_sim_reference", "reference")):
        try:
            value = float(row.get(column))
        except (TypeError, ValueError):
            continue
        if math.isfinite(value):
            same = "same voice likely" if value >= SAME_SPEAKER_THRESHOLD else "another voice likely"
            out.append(f'<div class="lab" title="speaker similarity; same voice above {SAME_SPEAKER_THRESHOLD}">'
                       f'<span class="cat">voice vs {to}</span> {value:.2f} ({same})</div>')
    return "".join(out)


def _player(src: str | None) -> str:
    if not src:
        return ""
    return f'<audio controls preload="none" src="{html.escape(src, quote=True)}"></audio>'


def _output_cell(rows: list[dict], label_set: LabelSet, thresholds, src_of: Callable[[str], str | None],
                 has_expectations: bool) -> tuple[str, list[str]]:
    if not rows:
        return '<td class="cell empty" data-sort="">&mdash;</td>', []
    parts, shares, flags, sort_text = [], [], [], []
    for row in rows:
        file, status = as_text(row.get("file")), as_text(row.get("status"))
        head = f'<div class="file"><code>{html.escape(file)}</code></div>'
        if status in PLAYABLE_STATUSES and status != "no_speech":
            lines, share, row_flags = _label_lines(row, label_set, thresholds)
            source_label_kept = [c for c in label_set.categories
                                 if as_text(row.get(f"source_predicted_{c}")) not in ("", "uncertain")
                                 and as_text(row.get(f"expected_{c}"))
                                 and as_text(row.get(f"source_predicted_{c}")) != as_text(row.get(f"expected_{c}"))
                                 and as_text(row.get(f"predicted_{c}")) == as_text(row.get(f"source_predicted_{c}"))]
            for category in (c for c in measured_categories_in(row) if as_text(row.get(f"expected_{c}"))):
                text, _, mismatch = measured_cell(row, category)  # asked-for measured levels: value, level, mark
                row_flags += ["mismatch"] if mismatch else []
                lines += (f'<div class="lab"><span class="cat">{html.escape(category)}</span> {html.escape(text)} '
                          + ('<span class="bad">&#10007;</span>' if mismatch else '<span class="good">&#10003;</span>'
                             if text else "") + "</div>")
            lines += _similarity_lines(row)
            if source_label_kept:
                row_flags.append("leak")
                lines += f'<div class="bad">kept the source\'s {html.escape(", ".join(source_label_kept))}</div>'
            parts.append(head + _player(src_of(file)) + lines)
            shares.append(share)
            flags += row_flags
            sort_text.append(";".join(as_text(row.get(f"predicted_{c}")) for c in label_set.categories))
        else:
            reason = as_text(row.get("error"))
            flags.append("notjudged")
            player = _player(src_of(file)) if status == "no_speech" else ""
            parts.append(head + player + f'<div class="bad">not judged: {html.escape(status)}'
                         + (f" &mdash; {html.escape(reason)}" if reason else "") + "</div>")
            sort_text.append("")
    if has_expectations:
        finite = [s for s in shares if math.isfinite(s)]
        sort = f"{np.mean(finite):.4f}" if finite else ""
    else:
        sort = " | ".join(sort_text)
    return f'<td class="cell" data-sort="{html.escape(sort, quote=True)}">{"<hr>".join(parts)}</td>', flags


def _source_cell(rows: list[dict], by_file: Mapping[str, Mapping], label_set: LabelSet,
                 src_of: Callable[[str], str | None]) -> str:
    sources = [s for s in dict.fromkeys(as_text(r.get("source")) for r in rows) if s]
    if not sources:
        return '<td class="cell source" data-sort="">no source</td>'
    parts, sort = [], []
    for key in sources:
        row = by_file.get(key, {})
        status = as_text(row.get("status"))
        head = f'<div class="file"><code>{html.escape(key)}</code></div>'
        if status in PLAYABLE_STATUSES and status != "no_speech":
            lines, _, _ = _label_lines(row, label_set, {}, expectations=False)
            parts.append(head + _player(src_of(key)) + lines)
            sort.append(";".join(as_text(row.get(f"predicted_{c}")) for c in label_set.categories))
        else:
            parts.append(head + f'<div class="bad">not judged: {html.escape(status or "not scored")}</div>')
    return f'<td class="cell source" data-sort="{html.escape(" | ".join(sort), quote=True)}">{"<hr>".join(parts)}</td>'


def grid_section(scores: pd.DataFrame, label_set: LabelSet, thresholds: Mapping[str, float],
                 src_of: Callable[[str], str | None], max_items: int = MAX_GRID_ITEMS,
                 page_size: int = GRID_PAGE_SIZE) -> str:
    """The prompt x system grid: one row per prompt (item), one column per system (plus the
    source recording when given), each cell a player and the predicted labels. Rows are the
    listed outputs of :func:`stylecheck.analysis.grid.item_grid`, in natural order."""
    grid = item_grid(scores)
    outputs = grid.rows
    if outputs.empty:
        return "<p>No generated file to show.</p>" + _left_out_note(grid)
    keys, how, systems = outputs["item"], grid.how, grid.systems
    system_of = text_column(outputs, "system").tolist()
    items = grid.items
    shown_items = items[:max_items]
    shown = set(shown_items)
    has_source = grid.has_sources
    has_expectations = any((text_column(outputs, f"expected_{c}") != "").any() for c in label_set.categories)
    # Plain dicts, built once: per-row pandas access is far too slow for thousands of cells.
    groups: dict[str, dict[str, list[dict]]] = {}
    keep = keys.isin(shown).to_numpy()
    for key, system, row in zip(keys[keep], np.asarray(system_of, dtype=object)[keep],
                                outputs[keep].to_dict("records")):
        groups.setdefault(key, {}).setdefault(system, []).append(row)
    wanted_sources = {as_text(r.get("source")) for g in groups.values() for rows in g.values() for r in rows}
    sources = scores[text_column(scores, "file").isin(wanted_sources)]
    by_file = {as_text(r["file"]): r for r in sources.to_dict("records")}

    head = [sort_header("prompt / item")]
    if has_source:
        head.append(sort_header("source"))
    head += [sort_header(display_system(s), numeric=has_expectations, extra=f' data-system="{esc(s)}"')
             for s in systems]
    body = []
    for position, key in enumerate(shown_items):
        part = groups[key]
        first = next(iter(part.values()))[0]
        expected = [as_text(first.get(f"expected_{c}")) for c in label_set.categories]
        prompt = as_text(first.get("prompt"))
        # Sorting by this column restores the natural order (2 before 10); when files are
        # paired by prompt, the key is the prompt: shown once.
        item_cell = (f'<td class="item" data-sort="{position:06d}">'
                     + (f"<code>{esc(key)}</code>" if key != prompt else "")
                     + (f'<div class="prompt">{esc(prompt)}</div>' if prompt else "")
                     + (f'<div class="meta">expects: {esc("; ".join(e for e in expected if e))}</div>'
                        if any(expected) else "") + "</td>")
        cells, flags = [item_cell], []
        if has_source:
            cells.append(_source_cell([r for rows in part.values() for r in rows], by_file, label_set, src_of))
        for system in systems:
            cell, cell_flags = _output_cell(part.get(system, []), label_set, thresholds, src_of, has_expectations)
            cells.append(cell)
            flags += cell_flags
        body.append(f'<tr data-key="{esc(key)}" data-flags="{" ".join(sorted(set(flags)))}">{"".join(cells)}</tr>')
    flag_options = [("mismatch", "rows with a mismatch"), ("notjudged", "rows with a file not judged")]
    if has_source:
        flag_options.append(("leak", "rows where an output kept its source's label"))
    pairing = (f"paired by {html.escape(how)}" if grid.paired
               else f'<span class="bad">not paired</span>: {html.escape(how)}')
    note = (f'<p class="note">One row per prompt or item ({pairing}), one column per system'
            + (", with the source recording the outputs were made from" if has_source else "")
            + ". Each cell: a player, then per category the predicted label with its probability; "
            "&#10003; / &#10007; against the expected label (hover for both probabilities and the threshold)"
            + ("; the speaker similarity to the source or reference where measured (same voice likely above "
               f"{SAME_SPEAKER_THRESHOLD})" if any(c in outputs for c in ("spk_sim_source", "spk_sim_reference")) else "")
            + ". "
            "Click a column title to sort"
            + (" (systems: by the share of expected categories matched)" if has_expectations else "")
            + "; filter by any text in the row.</p>")
    return (note + _left_out_note(grid) + capped_note(len(shown_items), len(items), "prompts") + controls("grid", flag_options if has_expectations or has_source else ())
            + f'<div class="scroll"><table id="grid" class="interactive grid" data-page-size="{page_size}">'
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def _left_out_note(grid: ItemGrid) -> str:
    """What the grid leaves out (files STYLES.csv does not list, bad rows), named by folder."""
    if not grid.left_out:
        return ""
    parts = ", ".join(f"{n} {what}" for what, n in grid.left_out.items())
    return (f'<p class="note">Not in the grid: {html.escape(parts)} (asked for nothing; the per-file table '
            "below has them).</p>")


# --------------------------------------------------------------------------------------------
# Per-file table
# --------------------------------------------------------------------------------------------

def file_table_section(scores: pd.DataFrame, label_set: LabelSet, max_rows: int = MAX_FILE_ROWS,
                       page_size: int = FILE_PAGE_SIZE) -> str:
    """Every file (outputs and sources) with its status, predicted labels and each label's
    probability; sortable by any column."""
    if scores.empty:
        return "<p>No file.</p>"
    files = text_column(scores, "file").tolist()
    shown = scores.iloc[sorted(range(len(files)), key=lambda i: natural_key(files[i]))].head(max_rows)
    labels = list(label_set.labels)
    head = [sort_header("file"), sort_header("system"), sort_header("status")]
    head += [sort_header(c) for c in label_set.categories]
    head += [sort_header(f"p({lab})", numeric=True) for lab in labels]
    measured = measured_categories_in(scores)  # measured value and level, not a probability
    head += [sort_header(c, numeric=True) for c in measured]
    body = []
    for row in shown.to_dict("records"):
        status = as_text(row.get("status"))
        system = as_text(row.get("system"))
        if as_text(row.get("role")) == ROLE_SOURCE:
            system = "(source)"
        elif status == "unlisted" and not system:
            system = "(unlisted)"
        cells = [f"<td><code>{esc(row.get('file'))}</code></td>", f"<td>{html.escape(system)}</td>",
                 f"<td>{html.escape(status)}</td>"]
        flags = ["notjudged"] if status in FAILED_STATUSES or status in ("no_speech", "bad_row") else []
        for category in label_set.categories:
            predicted = as_text(row.get(f"predicted_{category}"))
            expected = as_text(row.get(f"expected_{category}"))
            text = predicted or ("no label" if status in PLAYABLE_STATUSES else "")
            if expected and predicted != expected and status in PLAYABLE_STATUSES:
                flags.append("mismatch")
                text += f" (wanted {expected})"
            cells.append(f"<td>{html.escape(text)}</td>")
        for lab in labels:
            p = _p(row, lab)
            cells.append(f'<td class="num" data-sort="{p:.6f}">{_fmt_p(p)}</td>' if math.isfinite(p)
                         else '<td class="num" data-sort=""></td>')
        for category in measured:
            text, value, mismatch = measured_cell(row, category)
            flags += ["mismatch"] if mismatch and status in PLAYABLE_STATUSES else []
            cells.append(f'<td data-sort="{value if math.isfinite(value) else ""}">{html.escape(text)}</td>')
        body.append(f'<tr data-flags="{" ".join(sorted(set(flags)))}">{"".join(cells)}</tr>')
    return (capped_note(len(shown), len(scores), "files")
            + controls("files", [("mismatch", "files with a mismatch"), ("notjudged", "files not judged")])
            + f'<div class="scroll"><table id="files" class="interactive" data-page-size="{page_size}">'
            f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


__all__ = ["GRID_PAGE_SIZE", "MAX_FILE_ROWS", "MAX_GRID_ITEMS", "SCRIPT", "file_table_section",
           "grid_section"]
