"""A few thousand files: the page stays small (capped grid and tables with a link to
scores.csv) and opens in Chromium showing one page of rows at a time."""
from __future__ import annotations

import re

import pytest
from helpers import report_summary

from headless_chromium import HeadlessChromium, find_chromium
from scores_dummies import random_scores
from stylecheck.analysis.adherence import adherence_table, label_prf_table
from stylecheck.analysis.comparison import compare_systems
from stylecheck.analysis.confusion import confusion_table, predicted_distribution
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.reporting.html_sections import DEFAULT_MAX_LISTED
from stylecheck.reporting.html import write_report_html
from stylecheck.reporting.html_grid import FILE_PAGE_SIZE, GRID_PAGE_SIZE, MAX_FILE_ROWS, MAX_GRID_ITEMS

N_ITEMS = 1200  # x 3 systems + failed and unlisted rows: about 3,600 files


@pytest.fixture(scope="module")
def big_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("big")
    scores = random_scores(systems=("sysA", "sysB", "sysC"), n_items=N_ITEMS, seed=3)
    summary = report_summary(scores, adherence=adherence_table(scores, PAPER_LABELS, n_resamples=5),
                             comparison=compare_systems(scores, PAPER_LABELS, n_resamples=5))
    report = write_report_html(out, scores, summary, [], {"name": "m"}, out / "audio")
    return scores, report


def test_page_is_capped_with_links_to_the_full_table(big_report):
    scores, report = big_report
    text = report.read_text(encoding="utf-8")
    assert len(scores) > 3000
    grid = text[text.index('<table id="grid"'):text.index("</table>", text.index('<table id="grid"'))]
    files = text[text.index('<table id="files"'):text.index("</table>", text.index('<table id="files"'))]
    assert grid.count("<tr data-key=") == MAX_GRID_ITEMS
    assert files.count("<tr ") == MAX_FILE_ROWS
    # Items: the N_ITEMS prompts; the unlisted extra file every system has is in no grid row.
    assert f"first {MAX_GRID_ITEMS} of {N_ITEMS} prompts" in text
    assert "Not in the grid: 1 unlisted in sysA/, 1 unlisted in sysB/, 1 unlisted in sysC/" in text
    assert f"first {MAX_FILE_ROWS} of {len(scores)} files" in text
    assert text.count('<a href="scores.csv">scores.csv</a>') >= 2
    assert len(re.findall(r"<audio ", text)) <= MAX_GRID_ITEMS * 3 + DEFAULT_MAX_LISTED
    assert len(text.encode()) < 6_000_000


def test_big_page_shows_one_page_of_rows_in_chromium(big_report, tmp_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    _, report = big_report
    visible = ("[...document.querySelectorAll('#grid tbody tr')].filter(r => !r.hidden).length + ',' + "
               "[...document.querySelectorAll('#files tbody tr')].filter(r => !r.hidden).length + ',' + "
               "document.querySelector('#grid-controls .page-info').textContent")
    with HeadlessChromium(chromium, tmp_path / "profile", timeout_s=120) as browser:
        browser.open(report.resolve().as_uri())
        grid_rows, file_rows, info = browser.evaluate(visible).split(",", 2)
        browser.evaluate("document.querySelector('#grid-controls button.next').click()")
        second = browser.evaluate("document.querySelector('#grid-controls .page-info').textContent")
        errors = browser.console_errors()
    assert (int(grid_rows), int(file_rows)) == (GRID_PAGE_SIZE, FILE_PAGE_SIZE)
    assert info.startswith(f"rows 1-{GRID_PAGE_SIZE} of {MAX_GRID_ITEMS}")
    assert second.startswith(f"rows {GRID_PAGE_SIZE + 1}-{2 * GRID_PAGE_SIZE} of {MAX_GRID_ITEMS}")
    assert errors == [], errors
