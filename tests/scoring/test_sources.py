"""STYLES.csv ``source`` column: sources are scored once, and each output carries its source's labels."""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import speech_like, write_wav
from stylecheck.scoring import Shard, merge_score_parts, score_directory
from stylecheck.scoring.sources import source_key

LABEL_COLUMNS = ["p_Female", "p_Male", "predicted_gender", "predicted_age"]


@pytest.fixture(scope="module")
def vc_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("vc")
    audio = root / "audio"
    outside = write_wav(root / "elsewhere" / "ref.wav", speech_like(1.5, seed=9))
    write_wav(audio / "src" / "s1.wav", speech_like(1.5, seed=1))
    for system in ("sysA", "sysB"):
        write_wav(audio / system / "u1.wav", speech_like(1.2, seed=2))
        write_wav(audio / system / "u2.wav", speech_like(1.2, seed=3))
        write_wav(audio / system / "u3.wav", speech_like(1.2, seed=4))
    styles = root / "styles.csv"
    styles.write_text("file,styles,source\n"
                      "sysA/u1.wav,Female,src/s1.wav\n"
                      "sysB/u1.wav,Female,./src/../src/s1.wav\n"
                      f"sysA/u2.wav,Male,{outside}\n"
                      "sysB/u2.wav,Male,../elsewhere/ref.wav\n"
                      "sysA/u3.wav,Male,src/gone.wav\n"
                      "sysB/u3.wav,Male,\n")
    return audio, styles, outside


def test_source_key_resolves_relative_absolute_and_outside(tmp_path):
    audio = tmp_path / "audio"
    assert source_key("src\\a.wav", audio) == "src/a.wav"
    assert source_key(str(audio / "src" / "a.wav"), audio) == "src/a.wav"
    assert source_key("../ref/a.wav", audio) == (tmp_path / "ref" / "a.wav").as_posix()
    assert source_key("/data/x.wav", audio) == "/data/x.wav"
    assert source_key("  ", audio) == ""


def test_sources_scored_once_and_attached(vc_folder, tiny_model_dir, tmp_path):
    audio, styles, outside = vc_folder
    scores = score_directory(audio, styles, tiny_model_dir, tmp_path / "out")
    by_file = scores.set_index("file")
    outside_key = outside.as_posix()
    # Each source once: the one under the folder keeps its row, the outside one gets a row by its
    # absolute path, the absent one is missing with the reason.
    assert scores["file"].tolist().count("src/s1.wav") == 1 and scores["file"].tolist().count(outside_key) == 1
    # Named in the source column, so listed: scored as a source, not counted as unlisted.
    assert by_file.loc["src/s1.wav", "role"] == "source" and by_file.loc["src/s1.wav", "status"] == "ok"
    assert by_file.loc[outside_key, "role"] == "source" and by_file.loc[outside_key, "status"] == "ok"
    assert by_file.loc["src/gone.wav", "status"] == "missing"
    assert "source listed in STYLES.csv but not found" in by_file.loc["src/gone.wav", "error"]
    # Sources are no system: the systems are still the output folders.
    assert set(scores.loc[scores.role == "output", "system"]) == {"sysA", "sysB"}
    assert set(scores.loc[scores.role == "source", "system"]) == {""}
    # Every output names its source and carries the source row's labels.
    assert by_file.loc["sysB/u1.wav", "source"] == "src/s1.wav"
    assert by_file.loc["sysB/u2.wav", "source"] == outside_key
    for file in ("sysA/u1.wav", "sysB/u1.wav", "sysA/u2.wav", "sysB/u2.wav"):
        src = by_file.loc[file, "source"]
        for column in LABEL_COLUMNS:
            assert by_file.loc[file, f"source_{column}"] == by_file.loc[src, column]
    assert by_file.loc["sysA/u3.wav", "source_status"] == "missing"
    assert by_file.loc["sysB/u3.wav", "source"] == "" and by_file.loc["sysB/u3.wav", "source_status"] == ""
    # Summary tables are about outputs only (the sources' empty system is no extra system).
    summary = pd.read_csv(tmp_path / "out" / "summary.csv", keep_default_na=False)
    assert set(summary["system"]) == {"sysA", "sysB"}


def test_sharded_sources_equal_one_run(vc_folder, tiny_model_dir, tmp_path):
    audio, styles, _ = vc_folder
    whole = score_directory(audio, styles, tiny_model_dir, tmp_path / "whole")
    for i in range(3):
        score_directory(audio, styles, tiny_model_dir, tmp_path / "parts", shard=Shard(i, 3))
    merged = merge_score_parts([tmp_path / "parts"], tmp_path / "merged")
    columns = ["file", "source", "source_status", "source_predicted_gender"]
    pd.testing.assert_frame_equal(merged[columns].fillna(""), whole[columns].fillna("").astype(str),
                                  check_dtype=False)
    assert merged["source_p_Female"].to_numpy() == pytest.approx(whole["source_p_Female"].to_numpy(), nan_ok=True)


def test_cli_without_expectations_prints_predicted_labels_and_copies_audio(vc_folder, tiny_model_dir, tmp_path):
    from typer.testing import CliRunner

    import stylecheck.cli  # noqa: F401  (registers the commands)
    from stylecheck.cli import app

    audio, _, _ = vc_folder
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["score", str(audio), "--model", str(tiny_model_dir), "--out", str(out),
                                      "--copy-audio"])
    assert result.exit_code == 0, result.output
    assert "Predicted labels per system" in result.output and "gender" in result.output
    copied = sorted(p.relative_to(out / "audio").as_posix() for p in (out / "audio").rglob("*.wav"))
    assert copied == sorted(p.relative_to(audio).as_posix() for p in audio.rglob("*.wav"))
