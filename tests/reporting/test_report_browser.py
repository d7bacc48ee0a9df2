"""The HTML report in a real browser: headless Chromium opens it from disk, the plots must
render, every player must load its audio file, and nothing may reach the console.

Driven over the DevTools protocol (see ``headless_chromium.py``, standard library only), so the
report is loaded unchanged and every wait has a real-time deadline. Skips only when Chromium
is not installed (Debian package ``chromium``; ``.ci/run`` installs it).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from headless_chromium import HeadlessChromium, find_chromium

# Plots, then players: each player is asked to load its metadata, and reports whether it could
# (a missing or undecodable file fires "error"); a player silent for 20 s reports "timeout".
CHECK_PAGE = """(async () => {
  const images = Array.from(document.images).map(
      img => ({alt: img.alt, complete: img.complete, naturalWidth: img.naturalWidth}));
  const audio = await Promise.all(Array.from(document.querySelectorAll('audio')).map(
      a => new Promise(resolve => {
        const done = outcome => resolve({src: a.getAttribute('src'), outcome: outcome,
                                         duration: a.duration, error: a.error ? a.error.code : null});
        a.addEventListener('loadedmetadata', () => done('loaded'), {once: true});
        a.addEventListener('error', () => done('error'), {once: true});
        setTimeout(() => done('timeout'), 20000);
        a.preload = 'metadata';
        a.load();
      })));
  return {images: images, audio: audio, scripts: Array.from(document.scripts).map(s => s.src)};
})()"""


class MediaCollector(HTMLParser):
    """The src of every <audio> element, as written in the page."""

    def __init__(self):
        super().__init__()
        self.audio: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "audio":
            self.audio.append(dict(attrs).get("src") or "")


def test_report_renders_in_chromium(built_report, tmp_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    parser = MediaCollector()
    parser.feed(built_report.report.read_text(encoding="utf-8"))
    assert parser.audio, "the fixture has mismatched files, so the report must list players"

    # On disk: every player's src, resolved against the report's folder, is an existing file
    # under the scored folder.
    for src in parser.audio:
        assert not re.match(r"^[a-z]+:", src), f"player src should be a relative path: {src}"
        target = (built_report.report.parent / unquote(src)).resolve()
        assert target.is_file(), f"player points at a missing file: {src} -> {target}"
        assert target.is_relative_to(built_report.audio_root.resolve())

    with HeadlessChromium(chromium, tmp_path / "chromium-profile", timeout_s=60) as browser:
        browser.open(built_report.report.resolve().as_uri())
        result = browser.evaluate(CHECK_PAGE)
        errors = browser.console_errors()

    assert result["scripts"] == [""], "one inline script (sorting, filtering, paging), nothing fetched"
    assert len(result["images"]) == len(built_report.plots)
    for img in result["images"]:
        assert img["complete"] and img["naturalWidth"] > 0, f"plot did not render: {img}"
    assert [a["src"] for a in result["audio"]] == parser.audio
    for player in result["audio"]:
        assert player["outcome"] == "loaded", f"player could not load its audio: {player}"
        assert player["duration"] == pytest.approx(0.3, abs=0.02)
    assert errors == [], "errors on the console:\n" + "\n".join(errors)


def test_browser_check_catches_a_broken_player(tmp_path):
    """The check above can fail: a player whose file is gone and a broken image are reported."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head><body>'
                    '<img src="data:image/png;base64,AAAA" alt="bad">'
                    '<audio controls preload="none" src="no-such-file.wav"></audio></body></html>',
                    encoding="utf-8")
    with HeadlessChromium(chromium, tmp_path / "chromium-profile", timeout_s=60) as browser:
        browser.open(page.resolve().as_uri())
        result = browser.evaluate(CHECK_PAGE)
        errors = browser.console_errors()
    assert result["images"][0]["naturalWidth"] == 0
    assert result["audio"][0]["outcome"] == "error"
    assert errors, "a missing audio file should show on the console"
