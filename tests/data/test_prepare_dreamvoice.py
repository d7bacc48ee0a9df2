"""DreamVoiceDB: consensus rules, VCTK / LibriTTS-R audio finding and id matching, votes and the
test-split agreement filter."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corpus_trees import write_dreamvoice
from stylecheck.cli import app
from stylecheck.data.corpora.dreamvoice import RatingsError, prepare_dreamvoice, read_ratings, read_votes
from stylecheck.data.corpora.vctk import find_vctk_audio, vctk_speaker_id
from stylecheck.data.manifest import read_manifest
from stylecheck.data.prepare_report import SplitPlan, write_prepared
from stylecheck.styles.labels import PAPER_LABELS

N = np.nan
LABELS = list(PAPER_LABELS.labels)


@pytest.fixture
def tree(tmp_path):
    return write_dreamvoice(tmp_path / "dv")


def test_vctk_ids_and_layouts(tree):
    assert [vctk_speaker_id(s) for s in ("p225", "P225", "225", "s5", "x1")] == ["p225", "p225", "p225", "s5", None]
    found = find_vctk_audio(tree["audio"])
    assert {k: len(v) for k, v in found.items()} == {"p225": 2, "p226": 2, "p227": 1, "p240": 1, "s5": 1}
    assert all("mic2" not in p.name for p in found["p226"])


def test_consensus_rules(tree):
    labels = read_ratings(tree["ratings"])
    np.testing.assert_array_equal(labels.loc["p225", LABELS].to_numpy(dtype=float), [1, 0, 0, 1, 0, 1, N, N])
    np.testing.assert_array_equal(labels.loc["p226", LABELS].to_numpy(dtype=float), [0, 1, 1, 0, 1, 0, 1, 0])  # Senior
    np.testing.assert_array_equal(labels.loc["p227", LABELS].to_numpy(dtype=float), [N, N, 1, 0, N, N, 0, 1])  # Ambiguous


def test_bad_ratings(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("speaker_id,gender,age,dark_bright,rough_smooth\np225,Female,Toddler,,\n")
    with pytest.raises(RatingsError, match="line 2.*Toddler"):
        read_ratings(bad)
    bad.write_text("speaker_id,gender,age\np225,Female,Adult\n")
    with pytest.raises(RatingsError, match="missing column"):
        read_ratings(bad)


def test_audio_matching_and_missing_speakers(tree):
    prepared = prepare_dreamvoice(tree["ratings"], tree["audio"])
    files = prepared.rows.groupby("speaker").size().to_dict()
    assert files == {"p225": 2, "p226": 2, "p227": 1, "s5": 1, "p240": 1, "1034": 1}
    # LibriTTS-R speaker 240 is not VCTK p240: reported without audio, never silently matched.
    assert sorted(prepared.dropped["annotated, no audio found"]) == ["240", "9999"]
    assert prepared.n_annotated == 8
    assert set(prepared.rows["meta_audio_corpus"]) == {"vctk", "libritts_r"}


def _votes_file(path):
    """8 annotators for p225 and p226; p225's age is a 4/4 split, the rest clear majorities."""
    rows = []
    for a in range(8):
        rows += [("p225", f"a{a}", "gender", "Female" if a < 7 else "Male"),
                 ("p225", f"a{a}", "age", "Teenager" if a < 4 else "Adult"),
                 ("p225", f"a{a}", "dark_bright", "Bright" if a < 5 else "Dark"),
                 ("p225", f"a{a}", "rough_smooth", "Rough" if a < 2 else ""),
                 ("p226", f"a{a}", "gender", "Male"),
                 ("p226", f"a{a}", "age", "Senior" if a < 3 else "Adult" if a < 5 else "Teenager"),
                 ("p226", f"a{a}", "brightness", "Dark" if a < 6 else "Bright"),
                 ("p226", f"a{a}", "roughness", "Rough" if a < 4 else "Smooth")]
    pd.DataFrame(rows, columns=["speaker", "annotator", "category", "keyword"]).to_csv(path, index=False)
    return path


def test_votes_counts(tree, tmp_path):
    votes = read_votes(_votes_file(tmp_path / "votes.csv"))
    assert votes.loc["p225", "n_annotators"] == 8
    assert [votes.loc["p225", f"agree_{lab}"] for lab in LABELS] == [7, 1, 4, 4, 3, 5, 2, 0]
    assert [votes.loc["p226", f"agree_{lab}"] for lab in LABELS] == [0, 8, 5, 3, 6, 2, 4, 4]
    bad = tmp_path / "bad.csv"
    bad.write_text("speaker,annotator,category,keyword\np225,a1,gender,Dark\n")
    with pytest.raises(RatingsError, match="not a gender keyword"):
        read_votes(bad)


def test_test_split_keeps_only_agreed_labels(tree, tmp_path):
    prepared = prepare_dreamvoice(tree["ratings"], tree["audio"], _votes_file(tmp_path / "votes.csv"))
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "train.txt").write_text("p227\ns5\np240\n1034\n")
    (lists / "valid.txt").write_text("")
    (lists / "test.txt").write_text("p225\np226\n")
    out = tmp_path / "out"
    write_prepared(prepared, out, SplitPlan(lists=lists, test_min_agreement=5))
    test = read_manifest(out / "test.csv").frame.groupby("speaker").first()
    # p225: gender 7 >= 5 kept; age 4/4 < 5 cleared; brightness 5 kept; roughness 2 cleared.
    np.testing.assert_array_equal(test.loc["p225", LABELS].to_numpy(dtype=float), [1, 0, N, N, 0, 1, N, N])
    # p226: gender 8, age 5 (3 Senior + 2 Adult), brightness 6 kept; roughness 4/4 cleared.
    np.testing.assert_array_equal(test.loc["p226", LABELS].to_numpy(dtype=float), [0, 1, 1, 0, 1, 0, N, N])
    train = read_manifest(out / "train.csv").frame
    assert train["agree_Female"].isna().all()  # no votes for these speakers: counts unknown
    report = (out / "prepare_report.md").read_text()
    assert "below 5 annotators" in report and "have no votes" in report


def test_cli_prepare_dreamvoice_and_combine(tree, tmp_path):
    from corpus_trees import write_libritts_p

    runner = CliRunner()
    dv = tmp_path / "prep_dv"
    r = runner.invoke(app, ["prepare", "dreamvoice", "--annotations", str(tree["ratings"]), "--audio-root",
                            str(tree["audio"]), "--out", str(dv), "--test-speakers", "2"])
    assert r.exit_code == 0, r.output
    assert "annotated, no audio found: 2" in r.output
    assert len(read_manifest(dv / "test.csv").frame["speaker"].unique()) == 2
    r = runner.invoke(app, ["prepare", "dreamvoice", "--annotations", str(tree["ratings"]), "--audio-root",
                            str(tree["audio"]), "--out", str(tmp_path / "x"), "--test-speakers", "6"])
    assert r.exit_code != 0 and "6 test speakers requested" in r.output

    lp_tree = write_libritts_p(tmp_path / "lp_src")
    lp = tmp_path / "prep_lp"
    r = runner.invoke(app, ["prepare", "libritts-p", "--annotations", *map(str, lp_tree["annotations"]),
                            "--audio-root", str(lp_tree["audio"]), "--out", str(lp), "--valid-fraction", "0.34",
                            "--test-fraction", "0.25"])
    assert r.exit_code == 0, r.output
    comb = tmp_path / "comb"
    r = runner.invoke(app, ["prepare", "combine", "--inputs", str(lp), str(dv), "--out", str(comb)])
    assert r.exit_code == 0, r.output
    for split in ("train", "valid", "test"):
        combined = read_manifest(comb / f"{split}.csv").frame
        parts = [read_manifest(d / f"{split}.csv").frame for d in (lp, dv)]
        assert len(combined) == sum(len(p) for p in parts)
        assert set(combined["corpus"]) <= {"libritts_p", "dreamvoice"}
    raw = pd.read_csv(comb / "all.csv", dtype=str, keep_default_na=False)
    assert (raw.loc[raw["corpus"] == "dreamvoice", "agree_Female"] == "").all()  # absent there: empty
    assert (raw.loc[raw["corpus"] == "libritts_p", "n_annotators"] == "3").all()


def test_combine_refuses_speaker_leak(tmp_path):
    from stylecheck.data.prepare_report import combine_prepared

    for name, split in (("a", "train"), ("b", "test")):
        folder = tmp_path / name
        folder.mkdir()
        for s in ("train", "valid", "test"):
            rows = "/x/1.wav,7,c,1,0\n" if s == split else ""
            (folder / f"{s}.csv").write_text("path,speaker,corpus,Female,Male\n" + rows)
    with pytest.raises(ValueError, match="different splits"):
        combine_prepared([tmp_path / "a", tmp_path / "b"], tmp_path / "out", PAPER_LABELS)
    assert not (tmp_path / "out").exists()
