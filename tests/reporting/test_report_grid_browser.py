"""The prompt x system grid of a voice-conversion-like run in headless Chromium: one row per
prompt, one player per system plus the source, every player's file there, sorting driven by
clicks, no console errors, and the players still play after the output folder is moved (the
audio was copied beside the report)."""
from __future__ import annotations

import shutil
from html.parser import HTMLParser
from urllib.parse import unquote

import numpy as np
import pytest

from headless_chromium import HeadlessChromium, find_chromium
from test_report_browser import CHECK_PAGE
from vc_fixture import build_vc_report
from stylecheck.results import text_column

GRID_ROWS = """Array.from(document.querySelectorAll('#grid tbody tr')).filter(r => !r.hidden).map(
  r => ({key: r.dataset.key, players: r.querySelectorAll('audio').length,
         cells: Array.from(r.cells).map(c => c.querySelectorAll('audio').length)}))"""


def click_sort(browser, selector: str) -> list[str]:
    browser.evaluate(f"document.querySelector({selector!r}).click()")
    return [row["key"] for row in browser.evaluate(GRID_ROWS)]


class Players(HTMLParser):
    def __init__(self):
        super().__init__()
        self.src: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "audio":
            self.src.append(dict(attrs)["src"])


def chromium_or_skip() -> str:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    return chromium


@pytest.fixture()
def vc_report(tmp_path):
    return build_vc_report(tmp_path / "run", copy_audio=True)


def expected_order(scores, system: str, descending: bool) -> list[str]:
    """Item keys sorted by the share of expected categories the system matched (stable)."""
    outputs = scores[(text_column(scores, "role") == "output") & (scores["system"] == system)]
    keys = outputs["file"].str.split("/", n=1).str[1].tolist()
    shares = []
    for _, row in outputs.iterrows():
        matches = [row[f"match_{c}"] for c in ("gender", "age", "brightness", "roughness")
                   if isinstance(row[f"match_{c}"], (bool, np.bool_))]
        shares.append(float(np.mean(matches)))
    order = sorted(range(len(keys)), key=lambda i: -shares[i] if descending else shares[i])
    return [keys[i] for i in order]


def test_vc_grid_in_chromium_sorts_and_survives_a_move(vc_report, tmp_path):
    chromium = chromium_or_skip()
    text = vc_report.report.read_text(encoding="utf-8")
    players = Players()
    players.feed(text)
    # Every player's file exists, copied under out/audio (relative links only).
    assert players.src
    for src in players.src:
        target = (vc_report.out_dir / unquote(src)).resolve()
        assert not src.startswith(("/", "file:")) and target.is_file(), src
        assert target.is_relative_to((vc_report.out_dir / "audio").resolve())

    with HeadlessChromium(chromium, tmp_path / "profile", timeout_s=60) as browser:
        browser.open(vc_report.report.resolve().as_uri())
        rows = browser.evaluate(GRID_ROWS)
        # One row per prompt; per row one player for the source and one per system.
        assert len(rows) == vc_report.n_prompts
        assert all(row["cells"] == [0] + [1] * (1 + len(vc_report.systems)) for row in rows), rows
        header = '#grid thead th[data-system="vcB"] button'
        ascending = click_sort(browser, header)
        descending = click_sort(browser, header)
        assert ascending == expected_order(vc_report.scores, "vcB", descending=False)
        assert descending == expected_order(vc_report.scores, "vcB", descending=True)
        assert ascending != descending
        by_item = click_sort(browser, "#grid thead th:first-child button")
        assert by_item == sorted(by_item)
        # The leakage filter keeps the rows where an output kept its source's label.
        browser.evaluate("(() => { const s = document.querySelector('#grid-controls select');"
                         " s.value = 'leak'; s.dispatchEvent(new Event('change')); })()")
        assert len(browser.evaluate(GRID_ROWS)) == vc_report.n_prompts  # vcC copies every source
        result = browser.evaluate(CHECK_PAGE)
        errors = browser.console_errors()
    assert all(p["outcome"] == "loaded" for p in result["audio"]), result["audio"]
    assert len(result["audio"]) == len(players.src)
    assert errors == [], errors

    # Move the output folder and take the scored audio away: the copies still play.
    moved = tmp_path / "elsewhere" / "report folder"
    shutil.move(str(vc_report.out_dir), str(moved))
    shutil.rmtree(vc_report.audio_root)
    with HeadlessChromium(chromium, tmp_path / "profile2", timeout_s=60) as browser:
        browser.open((moved / "report.html").resolve().as_uri())
        result = browser.evaluate(CHECK_PAGE)
        errors = browser.console_errors()
    assert len(result["audio"]) == len(players.src)
    assert all(p["outcome"] == "loaded" for p in result["audio"]), result["audio"]
    assert errors == [], errors


def test_without_copy_a_moved_report_loses_its_players(tmp_path):
    """The move check above can fail: without copied audio, moving the folder breaks players."""
    chromium = chromium_or_skip()
    report = build_vc_report(tmp_path / "run", copy_audio=False)
    assert not (report.out_dir / "audio").exists()
    moved = tmp_path / "elsewhere" / "out"
    shutil.move(str(report.out_dir), str(moved))
    with HeadlessChromium(chromium, tmp_path / "profile", timeout_s=60) as browser:
        browser.open((moved / "report.html").resolve().as_uri())
        result = browser.evaluate(CHECK_PAGE)
    assert result["audio"] and all(p["outcome"] == "error" for p in result["audio"])
