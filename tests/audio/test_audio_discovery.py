"""find_audio_files: every audio file under a folder, sorted, hidden ones skipped."""
from __future__ import annotations

import pytest

from stylecheck.audio import find_audio_files


def test_finds_audio_recursively_sorted_case_insensitive_skipping_hidden(tmp_path):
    for name in ["b.wav", "a.FLAC", "sub/c.mp3", "sub/deeper/d.ogg", "notes.txt", "sub/e.wav.bak",
                 ".hidden.wav", ".cache/f.wav", "sub/.git/g.wav", "h.Opus"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    found = [p.relative_to(tmp_path).as_posix() for p in find_audio_files(tmp_path)]
    assert found == ["a.FLAC", "b.wav", "h.Opus", "sub/c.mp3", "sub/deeper/d.ogg"]


def test_extensions_can_be_restricted(tmp_path):
    (tmp_path / "a.wav").write_bytes(b"")
    (tmp_path / "b.flac").write_bytes(b"")
    assert [p.name for p in find_audio_files(tmp_path, extensions=(".FLAC",))] == ["b.flac"]


def test_a_missing_folder_or_a_file_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a directory"):
        find_audio_files(tmp_path / "missing")
    (tmp_path / "x.wav").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="x.wav: not a directory"):
        find_audio_files(tmp_path / "x.wav")
