"""report.html: self-contained, escaped, listing mismatched files with players and failed files."""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from html.parser import HTMLParser
from urllib.parse import quote, unquote

import pytest
from helpers import report_summary

from scores_dummies import score_row, scores_frame
from stylecheck.analysis.adherence import adherence_table, label_prf_table
from stylecheck.analysis.comparison import compare_systems
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.reporting.html_sections import audio_src, mismatched_rows
from stylecheck.reporting.html import report_html, write_report_html


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for t, attrs in self.tags if t == tag]


def parse(text: str) -> Elements:
    parser = Elements()
    parser.feed(text)
    return parser


def section(text: str, table_id: str) -> str:
    """The HTML of the table with ``id=table_id``."""
    start = text.index(f'<table id="{table_id}"')
    return text[start:text.index("</table>", start) + len("</table>")]


def test_report_is_self_contained(built_report):
    text = built_report.report.read_text(encoding="utf-8")
    page = parse(text)
    # One inline script (sorting, filtering, paging); nothing loaded from elsewhere.
    assert page.all("script") == [{}] and page.all("link") == [] and page.all("iframe") == []
    assert not re.search(r"https?://", text), "no external resources"
    images = page.all("img")
    assert len(images) == len(built_report.plots)
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert sorted(p.name for p in built_report.out_dir.iterdir() if p.name.startswith(".")) == []


def test_report_lists_mismatched_files_with_players(built_report):
    text = built_report.report.read_text(encoding="utf-8")
    page = parse(text)
    mismatched = mismatched_rows(built_report.scores, list(PAPER_LABELS.categories))
    assert len(mismatched) > 0 and built_report.odd_name in set(mismatched.file)
    players = [a["src"] for a in parse(section(text, "mismatches")).all("audio")]
    assert len(players) == len(mismatched)
    for src, file in zip(players, mismatched.file):
        # Relative to the report's folder, percent-encoded, pointing at the scored file.
        assert os.path.normpath(built_report.out_dir / unquote(src)) == os.path.normpath(built_report.audio_root / file)
    odd_src = quote(os.path.relpath(built_report.audio_root / built_report.odd_name, built_report.out_dir), safe="/")
    assert odd_src in players and "#" not in odd_src and '"' not in odd_src
    # Every user string is escaped: the prompt's markup shows as text, never as a tag.
    assert "<script>alert" not in text and text.count("<script>") == 1 and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "it&#x27;s &lt;odd&gt; &amp; &quot;#1&quot;.wav" in text
    assert built_report.odd_prompt not in text
    assert "tiny &lt;test&gt; model 0.0.1" in text
    assert datetime.now(timezone.utc).strftime("%Y-%m-%d") in text


def test_report_lists_failed_files(built_report):
    text = built_report.report.read_text(encoding="utf-8")
    failed = built_report.scores[built_report.scores.status.isin(["error", "missing"])]
    assert len(failed) == 2
    for file in failed.file:
        assert f"<td>{file}</td><td>error</td><td>could not read audio</td>" in text


def test_report_without_expectations_and_truncated_list(tmp_path):
    scores = scores_frame([score_row("a.wav", status="unlisted", predicted={"gender": "Male"})])
    path = write_report_html(tmp_path, scores, report_summary(scores), [], {}, tmp_path)
    text = path.read_text()
    assert "adherence was not computed" in text and "No file failed." in text and "unnamed model" in text

    many = scores_frame([score_row(f"f{i}.wav", expected={"gender": "Male"}, predicted={"gender": "Female"})
                         for i in range(5)])
    text = report_html(many, report_summary(many), [], {"name": "m"}, tmp_path, tmp_path, max_listed=2)
    assert len(parse(section(text, "mismatches")).all("audio")) == 2
    assert "5 file(s) did not carry" in text and "The first 2 are listed" in text


def test_missing_plot_is_a_clear_error(tmp_path):
    scores = scores_frame([])
    with pytest.raises(FileNotFoundError, match="nope.png"):
        write_report_html(tmp_path, scores, report_summary(scores), [tmp_path / "nope.png"], {}, tmp_path)
    assert list(tmp_path.iterdir()) == [], "no report, not even a temporary file"


def test_audio_src_is_relative_and_quoted(tmp_path):
    assert audio_src(tmp_path / "audio" / "a b#?.wav", tmp_path / "out") == "../audio/a%20b%23%3F.wav"
