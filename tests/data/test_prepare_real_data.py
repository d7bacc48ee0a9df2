"""Both preparers on the real shared data (skipped without it), and the committed split lists."""
from __future__ import annotations

from pathlib import Path

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
    ratings = real_data("dreamvoicedb", "merged_speaker_ratings.csv")
    prepared = prepare_dreamvoice(ratings, real_data("vctk"))
    assert prepared.n_annotated == 900
    assert prepared.rows["speaker"].nunique() == 54
    assert len(prepared.dropped["annotated, no audio found"]) == 846
    # every audio file of those speakers: 182 FLAC and one MP3 (vctk/SOURCES.csv lists all 183)
    assert len(prepared.rows) == len(find_audio_files(real_data("vctk"))) == 183
    lists = read_split_lists(CONFIGS / "dreamvoice")
    assert set(lists) == set(prepared.rows["speaker"])
    summary = write_prepared(prepared, tmp_path / "dv", SplitPlan(lists=CONFIGS / "dreamvoice", test_min_agreement=5))
    assert summary.speakers == {"train": 31, "valid": 3, "test": 20}
