"""The row contract's helpers: counts a run prints, unlisted files by folder, natural order."""
from __future__ import annotations

from scores_dummies import score_row, scores_frame
from stylecheck.results import folder_of, natural_key, status_counts, unlisted_folders


def test_sources_are_counted_as_sources_and_unlisted_files_by_folder():
    scores = scores_frame([score_row("a/1.wav", system="a"), score_row("gt/s1.wav"), score_row("gt/s2.wav"),
                           score_row("gt/s3.wav", status="missing"), score_row("gt/x.wav", status="unlisted"),
                           score_row("y.wav", status="unlisted")])
    scores["role"] = ["output", "source", "source", "source", "output", "output"]
    assert status_counts(scores) == {"ok": 1, "source": 2, "unlisted": 2, "source missing": 1}
    assert list(status_counts(scores)) == ["ok", "source", "unlisted", "source missing"]
    assert unlisted_folders(scores) == {"./": 1, "gt/": 1}


def test_natural_order_and_folders():
    assert sorted(["10.wav", "2.wav", "1.wav", "b.wav"], key=natural_key) == ["1.wav", "2.wav", "10.wav", "b.wav"]
    assert folder_of("gt/a/x.wav") == "gt/a/" and folder_of("x.wav") == "./"
