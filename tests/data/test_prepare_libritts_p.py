"""LibriTTS-P: keyword votes -> labels on a hand-checked example, audio in three Libri layouts,
report contents, and the CLI end to end."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corpus_trees import write_libritts_p
from stylecheck.cli import app
from stylecheck.data.corpora.librispeech import find_libri_audio, libri_speaker, read_speakers_sex
from stylecheck.data.corpora.libritts_p import (KEYWORD_LABELS, AnnotationError, base_keyword, prepare_libritts_p,
                                                read_annotator_file)
from stylecheck.data.manifest import read_manifest
from stylecheck.data.prepare_report import SplitPlan, write_prepared
from stylecheck.styles.labels import PAPER_LABELS

N = np.nan
# speaker -> (labels Female..Smooth, votes Female..Smooth), worked out by hand in corpus_trees.py
EXPECTED = {
    "1": ([1, 0, 0, 1, 0, 1, 0, 1], [3, 0, 0, 2, 1, 2, 1, 2]),
    "2": ([0, 1, 1, 0, 1, 0, 1, 0], [0, 3, 3, 0, 2, 1, 2, 1]),
    "3": ([1, 0, 0, 1, 0, 1, N, N], [3, 0, 1, 2, 1, 2, 2, 2]),
    "4": ([0, 1, 1, 0, N, N, N, N], [0, 2, 2, 0, 1, 1, 1, 0]),
}


@pytest.fixture
def tree(tmp_path):
    return write_libritts_p(tmp_path)


def test_libri_names_in_all_layouts(tree):
    assert libri_speaker("x/103-1240-0000.flac") == "103"
    assert libri_speaker("x/0103_1240_000001_000002.wav") == "103"
    assert libri_speaker("p225_001.wav") is None and libri_speaker("103_1240.wav") is None
    found = find_libri_audio(tree["audio"])
    assert {k: len(v) for k, v in found.items()} == {"1": 2, "2": 1, "3": 1, "4": 1, "5": 1, "7": 1}


def test_speakers_txt(tree, tmp_path):
    assert read_speakers_sex(tree["audio"] / "SPEAKERS.TXT") == {"1": "F", "2": "M", "3": "M", "4": "M"}
    bad = tmp_path / "SPEAKERS.TXT"
    bad.write_text("1 | X | train | 1 | A\n")
    with pytest.raises(ValueError, match="line 1"):
        read_speakers_sex(bad)


def test_keyword_degrees_and_table():
    assert base_keyword(" Very Masculine") == "masculine" and base_keyword("slightly young") == "young"
    assert KEYWORD_LABELS["adult-like"][0] is None and KEYWORD_LABELS["gender-neutral"][0] is None
    assert {lab for lab, _ in KEYWORD_LABELS.values() if lab} == set(PAPER_LABELS.labels)


def test_libritts_p_votes_by_hand(tree):
    prepared = prepare_libritts_p(tree["annotations"], tree["audio"], tree["excluded"])
    rows = prepared.rows
    labels = list(PAPER_LABELS.labels)
    assert sorted(rows["speaker"].unique(), key=int) == ["1", "2", "3", "4"]
    assert len(rows) == 5 and (rows["n_annotators"] == 3).all()
    for spk, (want_labels, want_votes) in EXPECTED.items():
        got = rows[rows["speaker"] == spk].iloc[0]
        np.testing.assert_array_equal(got[labels].to_numpy(dtype=float), np.array(want_labels, dtype=float), err_msg=spk)
        assert [int(got[f"agree_{lab}"]) for lab in labels] == want_votes, spk
    assert prepared.dropped == {"on the excluded list (mixed-gender audio)": ["5"],
                                "annotated, no audio found": ["6"], "audio found, not annotated": ["7"]}
    report = "\n".join(body for _, body in prepared.sections)
    assert "| sparkly | 1 |" in report  # keyword outside the mapping, counted
    assert "3 of 4 speakers" in report and "differs from the recorded sex: 3" in report  # SPEAKERS.TXT check
    assert "roughness 1" in report  # speaker 3's Rough/Smooth tie


def test_bad_annotation_file_names_file_and_line(tmp_path):
    bad = tmp_path / "df1_en.csv"
    bad.write_text("1|feminine\nnot a line\n")
    with pytest.raises(AnnotationError, match=r"df1_en.csv: line 2"):
        read_annotator_file(bad)
    bad.write_text("1|feminine\n1|masculine\n")
    with pytest.raises(AnnotationError, match="appears twice"):
        read_annotator_file(bad)


def test_write_prepared_outputs(tree, tmp_path):
    prepared = prepare_libritts_p(tree["annotations"], tree["audio"], tree["excluded"])
    out = tmp_path / "out"
    summary = write_prepared(prepared, out, SplitPlan(seed=0, valid_fraction=0.34, test_fraction=0.25))
    for name in ("train.csv", "valid.csv", "test.csv", "all.csv", "prepare_report.md", "label_distribution.png",
                 "splits/train.txt", "splits/valid.txt", "splits/test.txt"):
        assert (out / name).is_file(), name
    parts = {s: read_manifest(out / f"{s}.csv") for s in ("train", "valid", "test")}
    speakers = [set(m.speakers) for m in parts.values()]
    assert not (speakers[0] & speakers[1] or speakers[0] & speakers[2] or speakers[1] & speakers[2])
    assert sum(len(m) for m in parts.values()) == 5 == len(read_manifest(out / "all.csv"))
    assert summary.speakers == {"train": 2, "valid": 1, "test": 1}
    raw = pd.read_csv(out / "all.csv", dtype=str, keep_default_na=False)
    assert raw["path"].str.startswith(str(tree["audio"])).all()  # audio outside the folder: absolute
    assert set(raw["agree_Female"]) <= {"0", "1", "2", "3"}  # counts as integers
    report = (out / "prepare_report.md").read_text()
    assert "| Teenager |" in report and "label_distribution.png" in report and "audio found, not annotated" in report


def test_manifest_paths_relative_below_output(tree):
    prepared = prepare_libritts_p(tree["annotations"], tree["audio"], tree["excluded"])
    out = tree["audio"].parent  # the audio lies below the manifests' folder
    write_prepared(prepared, out, SplitPlan(valid_fraction=0.34, test_fraction=0.25))
    raw = pd.read_csv(out / "all.csv", dtype=str)
    assert raw["path"].str.startswith("audio/").all()
    assert len(read_manifest(out / "all.csv")) == 5  # and they resolve


def test_fixed_split_lists(tree, tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "train.txt").write_text("1\n2\n# comment\n")
    (lists / "valid.txt").write_text("3\n")
    (lists / "test.txt").write_text("99\n")
    prepared = prepare_libritts_p(tree["annotations"], tree["audio"], tree["excluded"])
    summary = write_prepared(prepared, tmp_path / "out", SplitPlan(lists=lists))
    assert summary.speakers == {"train": 2, "valid": 1, "test": 0}
    assert summary.dropped["not in the fixed split lists"] == 1  # speaker 4
    assert "99" in (tmp_path / "out" / "prepare_report.md").read_text()


def test_cli_prepare_libritts_p(tree, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli_out"
    a = [str(p) for p in tree["annotations"]]
    args = ["prepare", "libritts-p", "--annotations", *a, "--audio-root", str(tree["audio"]),
            "--excluded", str(tree["excluded"]), "--out", str(out), "--valid-fraction", "0.34",
            "--test-fraction", "0.25"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Teenager" in result.output and (out / "train.csv").is_file()
    again = runner.invoke(app, args)
    assert again.exit_code != 0 and "already exists" in again.output
    first = (out / "splits" / "test.txt").read_text()
    assert runner.invoke(app, args + ["--force"]).exit_code == 0
    assert (out / "splits" / "test.txt").read_text() == first  # same seed, same split
