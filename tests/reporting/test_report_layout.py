"""Issue 21 item 11: the report of several systems reads well: natural row order, the prompt
once, no Markdown backticks, the uncertain count beside adherence, no absolute machine paths,
and CSS that fits the grid and the per-file table to the page (and to print). The pixel check is
``test_report_width_browser.py``."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

from helpers import report_summary
from scores_dummies import score_row, scores_frame
from stylecheck.analysis.adherence import adherence_table
from stylecheck.experiments.emotion_probe import plot_title
from stylecheck.reporting.html import CSS, report_html
from stylecheck.styles.labels import PAPER_LABELS
from vc_fixture import build_vc_report

MODEL = {"name": "m", "version": "2", "decision": {"rule": "pairwise", "uncertain_margin": 0.1}}


def page_of(scores, out_dir, audio_root=None, model=MODEL):
    summary = report_summary(scores, model, adherence=adherence_table(scores, PAPER_LABELS))
    return report_html(scores, summary, [], model, out_dir, audio_root or out_dir)


class Text(HTMLParser):
    """The text a reader sees (no scripts, no styles)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def test_rows_follow_the_natural_order_of_the_files(tmp_path):
    files = [f"sysA/p{i}.wav" for i in (1, 10, 11, 2, 3)]  # string order, as scores.csv has them
    scores = scores_frame([score_row(f, system="sysA", expected={"gender": "Male"}, predicted={"gender": "Male"},
                                     prompt=f"prompt {f}") for f in files])
    page = page_of(scores, tmp_path)
    grid = page[page.index('<table id="grid"'):]
    assert re.findall(r'<tr data-key="([^"]+)"', grid[:grid.index("</table>")]) == [
        "p1.wav", "p2.wav", "p3.wav", "p10.wav", "p11.wav"]
    table = page[page.index('<table id="files"'):]
    assert re.findall(r"<code>sysA/(p\d+)\.wav</code>", table) == ["p1", "p2", "p3", "p10", "p11"]
    assert "Intl.Collator(undefined, {numeric: true" in page  # clicking a text column sorts naturally


def test_a_prompt_that_pairs_the_files_is_shown_once(tmp_path):
    # Files outside their system's folder: paired by prompt text, which is then the row's key.
    scores = scores_frame([score_row(f"out_{s}/{i}.wav", system=s, expected={"gender": "Male"},
                                     predicted={"gender": "Male"}, prompt=f"a calm male voice number {i}")
                           for s in ("a", "b", "c") for i in range(2)])
    page = page_of(scores, tmp_path)
    grid = page[page.index('<table id="grid"'):]
    first = re.search(r'<td class="item".*?</td>', grid).group(0)
    # The text once (the sort value is the row's natural-order position, not the key).
    assert first.count("a calm male voice number 0") == 1 and "<code>" not in first


def test_no_markdown_backticks_and_the_uncertain_count_beside_adherence(tmp_path):
    vc = build_vc_report(tmp_path, copy_audio=False)
    html_text = vc.report.read_text(encoding="utf-8")
    reader = Text()
    reader.feed(html_text)
    assert "`" not in "".join(reader.parts)
    assert "<code>followed</code>" in html_text
    adherence = html_text[html_text.index('id="adherence"'):html_text.index('id="grid-section"')]
    assert "<th>uncertain</th>" in adherence


def test_uncertain_files_are_counted_in_the_html_adherence_table(tmp_path):
    row = score_row("s/a.wav", system="s", expected={"gender": "Male"}, predicted={"gender": "Male"})
    row.update(predicted_gender="uncertain", match_gender=False)
    page = page_of(scores_frame([row]), tmp_path)
    adherence = page[page.index('id="adherence"'):page.index('id="grid-section"')]
    header = re.findall(r"<th>([^<]+)</th>", adherence)
    cells = re.search(r"<tr><td>s</td><td>gender</td>(.*?)</tr>", adherence).group(1)
    values = re.findall(r"<td[^>]*>([^<]*)</td>", cells)
    assert values[header.index("uncertain") - 2] == "1"


def test_no_absolute_machine_path_in_the_meta_line_or_the_model(tmp_path):
    audio = tmp_path / "deep" / "down" / "the audio"
    out = tmp_path / "run" / "out"
    scores = scores_frame([score_row("s/a.wav", system="s", status="unlisted")])
    page = page_of(scores, out, audio, model=MODEL | {"path": str(tmp_path / "models" / "style-v2")})
    meta = re.search(r'<p class="meta">Model:.*?</p>', page).group(0)
    assert "audio from <code>../../deep/down/the audio</code>" in meta
    assert str(tmp_path) not in meta
    model = page[page.index('id="model"'):]
    assert str(tmp_path) not in model and "<td>../../models/style-v2</td>" in model
    far = page_of(scores, out, Path("/") / "srv" / "corpora" / "voices")
    assert "audio from <code>voices</code>" in far  # far away: its name only


def test_probe_plot_title_names_the_model_folder_not_its_path():
    model = SimpleNamespace(config=SimpleNamespace(name="style", version="2"),
                            path=Path("/home/someone/models/style-v2"))
    assert plot_title(model) == "style v2 (style-v2)"


def test_css_fits_wide_tables_to_the_page_and_to_print():
    assert re.search(r"table\.grid, table#files \{[^}]*width: 100%;[^}]*table-layout: fixed;", CSS)
    assert "overflow-wrap: anywhere" in CSS and "table.grid td.cell { min-width" not in CSS
    print_css = CSS[CSS.index("@media print"):]
    assert ".scroll { overflow: visible; }" in print_css and "tr[hidden] { display: table-row; }" in print_css
