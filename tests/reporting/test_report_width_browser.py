"""Issue 21 item 11: a report of three systems (plus their sources) fits a 1,400 px window and a
printed page: no table is wider than the page. Measured in headless Chromium (skips without it)."""
from __future__ import annotations

import pytest

from headless_chromium import HeadlessChromium, find_chromium
from vc_fixture import build_vc_report

WIDTH_PX = 1400
# Widest element and the page's scroll width, at the window width set below.
MEASURE = """(() => {
  const tables = Array.from(document.querySelectorAll('table')).map(
      t => ({id: t.id || t.className || t.rows[0].textContent.slice(0, 40), width: t.scrollWidth,
             box: t.parentElement.clientWidth}));
  return {page: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
          tables: tables};
})()"""


def measure(report, tmp_path, width: int, media: str = "screen") -> dict:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    with HeadlessChromium(chromium, tmp_path / f"profile-{media}") as browser:
        browser.open("about:blank")
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        browser.send("Emulation.setEmulatedMedia", {"media": media})
        browser.open(report.as_uri())
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        browser.send("Emulation.setEmulatedMedia", {"media": media})
        return browser.evaluate(MEASURE)


@pytest.mark.parametrize("media,width", [("screen", WIDTH_PX), ("print", 1000)])
def test_three_systems_fit_the_page(tmp_path, media, width):
    report = build_vc_report(tmp_path / "run", copy_audio=True).report
    sizes = measure(report, tmp_path, width, media)
    too_wide = [t for t in sizes["tables"] if t["width"] > t["box"] + 1]
    assert sizes["page"] <= sizes["client"], sizes
    assert not too_wide, too_wide
