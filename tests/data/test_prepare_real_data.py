"""Both preparers on the real shared data (skipped without it), and the committed split lists."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import real_data
from stylecheck.audio import find_audio_files
from stylecheck.data.corpora.dreamvoice import prepare_dreamvoice
from stylecheck.data.corpora.libritts_p import prepare_libritts_p
from stylecheck.data.prepare_report import SplitPlan, write_prepared
from stylecheck.data.splits import read_split_lists

CONFIGS = Path(__file__).resolve().parents[2] / "configs" / "splits"
pytestmark = pytest.mark.realdata


def test_libritts_p_real(tmp_path):
    lp = real_data("libritts_p")
    audio = real_data("librispeech", "train-clean-100")
    prepared = prepare_libritts_p([lp / f"df{i}_en.csv" for i in (1, 2, 3)], audio, lp / "excluded_spk_list.txt")
    excluded = set((lp / "excluded_spk_list.txt").read_text().split())
    assert prepared.n_annotated == 2443
    kept = set(prepared.rows["speaker"])
    assert len(kept) == 246 - len(excluded & kept) == 246  # none of the excluded speakers has audio here
    assert len(prepared.rows) == 246
    assert prepared.dropped["audio found, not annotated"] == ["328", "441", "445", "1723", "2764"]
    check = dict(prepared.sections)["Annotated gender vs LibriSpeech SPEAKERS.TXT"]
    assert "245 of 246 speakers" in check
    lists = read_split_lists(CONFIGS / "libritts_p")
    assert set(lists) == kept  # the committed lists cover exactly the prepared speakers
    summary = write_prepared(prepared, tmp_path / "lp", SplitPlan(lists=CONFIGS / "libritts_p"))
    assert summary.speakers == {"train": 199, "valid": 22, "test": 25}


def test_dreamvoice_real(tmp_path):
    # Derived from the data rather than pinned: the shared data grows as more audio is found.
    ratings = real_data("dreamvoicedb", "merged_speaker_ratings.csv")
    vctk = real_data("vctk")
    rated = set(pd.read_csv(ratings, dtype=str)["speaker_id"])
    with_audio = {p.name for p in vctk.iterdir() if p.is_dir() and any(p.iterdir())} & rated
    prepared = prepare_dreamvoice(ratings, vctk)
    assert prepared.n_annotated == len(rated) == 900
    assert set(prepared.rows["speaker"]) == with_audio and len(with_audio) >= 54
    assert len(prepared.dropped["annotated, no audio found"]) == 900 - len(with_audio)
    # every audio file of those speakers (FLAC and one MP3) becomes one row
    assert len(prepared.rows) == len(find_audio_files(vctk))
    lists = read_split_lists(CONFIGS / "dreamvoice")
    assert set(lists) == set(prepared.rows["speaker"])  # a new speaker must be added to a list
    summary = write_prepared(prepared, tmp_path / "dv", SplitPlan(lists=CONFIGS / "dreamvoice", test_min_agreement=5))
    # the bundled v1 model was trained on the first 31 + 3; speakers found later are test-only
    assert summary.speakers == {"train": 31, "valid": 3, "test": len(with_audio) - 34}
