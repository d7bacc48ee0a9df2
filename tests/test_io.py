"""Atomic writes leave no temporary file and give outputs the mode the user's umask asks for."""
from __future__ import annotations

import os
import stat

import pytest

from stylecheck.io import atomic_path, current_umask, write_csv, write_json, write_text


@pytest.fixture
def umask():
    before = os.umask(0o022)
    os.umask(before)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    yield set_mask
    os.umask(before)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_follow_the_umask(tmp_path, umask, mask, mode):
    import pandas as pd

    umask(mask)
    assert current_umask() == mask
    paths = [write_text(tmp_path / "a.md", "x"), write_json(tmp_path / "b.json", {"a": 1}),
             write_csv(tmp_path / "c.csv", pd.DataFrame({"a": [1]}))]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == mode, path
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.json", "c.csv"]


def test_a_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "out.csv") as tmp:
            tmp.write_text("partial")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
