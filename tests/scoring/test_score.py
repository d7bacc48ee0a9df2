"""``stylecheck score`` end to end on a fixture folder with every kind of bad input."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import speech_like, voice_like, write_wav

import stylecheck.cli  # noqa: F401  (registers the commands)
from stylecheck.cli import app
from stylecheck.scoring import ScoreError, Shard, merge_score_parts, score_directory

STYLECHECK = str(Path(sys.executable).parent / "stylecheck")


@pytest.fixture(scope="module")
def fixture_folder(tmp_path_factory):
    """Two systems; a good file of each kind plus each bad case the issue lists."""
    root = tmp_path_factory.mktemp("score")
    a = root / "audio"
    write_wav(a / "sysA/u1.wav", speech_like(2.0))
    write_wav(a / "sysB/u1.wav", speech_like(1.5, seed=5))
    write_wav(a / "sysA/u2.flac", speech_like(2.5, 22050, seed=2), 22050)
    write_wav(a / "sysB/u2.wav", speech_like(2.5, seed=10))
    write_wav(a / "sysA/tiny.wav", voice_like(0.1))
    (a / "sysB/fake.wav").write_bytes(b"this is not audio at all" * 10)
    (a / "sysA/empty.wav").write_bytes(b"")
    stereo = np.stack([speech_like(3, 48000, seed=4), speech_like(3, 48000, seed=9)], 1)
    write_wav(a / "sysB/stereo.wav", stereo, 48000)
    write_wav(a / "sysA/long.wav", speech_like(180.0, seed=6))
    write_wav(a / "sysB/unlisted.wav", speech_like(1.0, seed=7))
    styles = root / "styles.csv"
    styles.write_text(
        "file,styles,prompt\n"
        "sysA/u1.wav,Male;Adult,\n"
        "sysB/u1.wav,,a bright teenage girl's voice\n"
        "sysA/u2.flac,,an elderly man with a deep voice\n"
        "sysB/u2.wav,Female,\n"
        "sysA/tiny.wav,Male,\n"
        "sysB/fake.wav,Female,\n"
        "sysA/empty.wav,Male,\n"
        "sysB/stereo.wav,Female;Smooth,\n"
        "sysA/long.wav,Male;Rough,\n"
        "sysA/missing.wav,Male,\n"
    )
    return a, styles


EXPECTED_STATUS = {
    "sysA/u1.wav": "ok", "sysB/u1.wav": "ok", "sysA/u2.flac": "ok", "sysB/u2.wav": "ok",
    "sysA/tiny.wav": "error", "sysB/fake.wav": "error", "sysA/empty.wav": "error",
    "sysB/stereo.wav": "ok", "sysA/long.wav": "ok", "sysA/missing.wav": "missing", "sysB/unlisted.wav": "unlisted",
}


def test_every_input_once_with_the_right_status(fixture_folder, tiny_model_dir, tmp_path):
    audio, styles = fixture_folder
    scores = score_directory(audio, styles, tiny_model_dir, tmp_path / "out")
    assert sorted(scores["file"]) == sorted(EXPECTED_STATUS)
    assert dict(zip(scores["file"], scores["status"])) == EXPECTED_STATUS
    errors = dict(zip(scores["file"], scores["error"]))
    assert "too short" in errors["sysA/tiny.wav"]
    assert "empty" in errors["sysA/empty.wav"]
    assert "not readable" in errors["sysB/fake.wav"]
    assert "not found" in errors["sysA/missing.wav"]
    d = dict(zip(scores["file"], scores["duration_s"]))
    assert d["sysA/long.wav"] == pytest.approx(180.0) and d["sysB/stereo.wav"] == pytest.approx(3.0)
    assert set(scores["system"]) == {"sysA", "sysB"}
    ok = scores[scores.status.isin(["ok", "unlisted"])]
    assert ok[[c for c in scores if c.startswith("p_")]].notna().all().all()
    # The prompt was parsed: a bright teenage girl -> Female, Teenager, Bright.
    row = scores.set_index("file").loc["sysB/u1.wav"]
    assert (row.expected_gender, row.expected_age, row.expected_brightness) == ("Female", "Teenager", "Bright")
    # Outputs exist, and the written CSV has the same rows.
    out = tmp_path / "out"
    for name in ("scores.csv", "summary.csv", "summary.md", "report.html", "run.json"):
        assert (out / name).is_file(), name
    written = pd.read_csv(out / "scores.csv", keep_default_na=False)
    assert list(written["file"]) == list(scores["file"])
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_summary_equals_a_hand_computation(fixture_folder, tiny_model_dir, tmp_path):
    audio, styles = fixture_folder
    scores = score_directory(audio, styles, tiny_model_dir, tmp_path / "out")
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    for system in ("sysA", "sysB"):
        for cat in ("gender", "age"):
            rows = scores[(scores.system == system) & (scores[f"match_{cat}"] != "")]
            judged, hits = len(rows), int((rows[f"match_{cat}"] == "true").sum())
            failed = int(((scores.system == system) & scores.status.isin(["error", "missing"])
                          & (scores[f"expected_{cat}"] != "")).sum())
            got = summary[(summary.system == system) & (summary.category == cat)]
            # Failed files count as not adhering by default.
            assert (int(got.n.item()), int(got.n_judged.item()), int(got.n_failed.item())) == (judged + failed,
                                                                                                judged, failed)
            assert got.adherence.item() == pytest.approx(hits / (judged + failed))
    # By hand for one cell: sysA gender is expected on u1, u2 and long (judged) and on tiny,
    # empty (unreadable) and missing (absent): 6 files, 3 of them failed.
    got = summary[(summary.system == "sysA") & (summary.category == "gender")]
    assert (int(got.n.item()), int(got.n_failed.item())) == (6, 3)
    judged = score_directory(audio, styles, tiny_model_dir, tmp_path / "judged", count_failed=False)
    pd.testing.assert_frame_equal(judged, scores)
    got = pd.read_csv(tmp_path / "judged" / "summary.csv").query("system == 'sysA' and category == 'gender'")
    assert (int(got.n.item()), int(got.n_failed.item())) == (3, 3)


def test_rerun_skips_scored_files_and_force_rescoring(fixture_folder, tiny_model_dir, tmp_path, monkeypatch):
    audio, styles = fixture_folder
    first = score_directory(audio, styles, tiny_model_dir, tmp_path / "out", write_summary=False)
    import stylecheck.scoring.score as score_mod

    calls = []
    real = score_mod.score_files

    def counting(model, files, **kw):
        calls.append(len(files))
        return real(model, files, **kw)

    monkeypatch.setattr(score_mod, "score_files", counting)
    again = score_directory(audio, styles, tiny_model_dir, tmp_path / "out", write_summary=False)
    assert calls[-1] == 0
    pd.testing.assert_frame_equal(first, again)
    score_directory(audio, styles, tiny_model_dir, tmp_path / "out", write_summary=False, force=True)
    assert calls[-1] == 10  # every file present on disk is rescored


def test_batch_size_does_not_change_scores(fixture_folder, tiny_model_dir):
    audio, styles = fixture_folder
    a = score_directory(audio, styles, tiny_model_dir, batch_size=1)
    b = score_directory(audio, styles, tiny_model_dir, batch_size=8)
    p = [c for c in a if c.startswith("p_")]
    np.testing.assert_allclose(a[p].to_numpy(float), b[p].to_numpy(float), atol=1e-5)


def test_workers_do_not_change_scores_or_order(fixture_folder, tiny_model_dir):
    # batch_size=2 gives several batches, so workers finish out of order and the pipeline must
    # put them back; bad files still get their error rows.
    audio, styles = fixture_folder
    one = score_directory(audio, styles, tiny_model_dir, batch_size=2, workers=1)
    three = score_directory(audio, styles, tiny_model_dir, batch_size=2, workers=3)
    pd.testing.assert_frame_equal(one, three)
    assert one["status"].eq("error").sum() == 3


def test_workers_restore_torch_threads(fixture_folder, tiny_model_dir):
    import torch

    before = torch.get_num_threads()
    score_directory(fixture_folder[0], fixture_folder[1], tiny_model_dir, batch_size=2, workers=2)
    assert torch.get_num_threads() == before


def test_bf16_agrees_with_fp32(fixture_folder, tiny_model_dir):
    audio, styles = fixture_folder
    a = score_directory(audio, styles, tiny_model_dir, bf16=False)
    b = score_directory(audio, styles, tiny_model_dir, bf16=True)
    p = [c for c in a if c.startswith("p_")]
    assert np.nanmax(np.abs(a[p].to_numpy(float) - b[p].to_numpy(float))) < 0.02


def test_three_shards_merged_equal_one_run(fixture_folder, tiny_model_dir, tmp_path):
    # batch_size=1: each file is computed alone, so the parts are bit-identical to one run (batching
    # itself moves probabilities only in the 7th digit, see test_batch_size_does_not_change_scores).
    audio, styles = fixture_folder
    whole = score_directory(audio, styles, tiny_model_dir, tmp_path / "whole", batch_size=1)
    for i in range(3):
        score_directory(audio, styles, tiny_model_dir, tmp_path / f"part{i}", shard=Shard(i, 3), batch_size=1)
    merged = merge_score_parts([tmp_path / f"part{i}" for i in range(3)], tmp_path / "merged")
    a = pd.read_csv(tmp_path / "whole" / "scores.csv", keep_default_na=False)
    b = pd.read_csv(tmp_path / "merged" / "scores.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(a, b)
    assert len(merged) == len(whole)
    assert (tmp_path / "merged" / "summary.csv").is_file()
    with pytest.raises(ScoreError, match="missing"):
        merge_score_parts([tmp_path / "part0", tmp_path / "part1"], tmp_path / "bad")


def test_torchrun_two_processes_equal_a_plain_run(fixture_folder, tiny_model_dir, tmp_path):
    audio, styles = fixture_folder
    torchrun = Path(sys.executable).parent / "torchrun"
    plain = tmp_path / "plain"
    score_directory(audio, styles, tiny_model_dir, plain, batch_size=1)
    dist = tmp_path / "dist"
    res = subprocess.run([str(torchrun), "--standalone", "--nproc-per-node", "2", "-m", "stylecheck.cli", "score",
                          str(audio), "--expected", str(styles), "--model", str(tiny_model_dir), "--out", str(dist),
                          "--device", "cpu", "--batch-size", "1"], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert res.returncode == 0, res.stderr[-3000:]
    a = pd.read_csv(plain / "scores.csv", keep_default_na=False)
    b = pd.read_csv(dist / "scores.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(a, b)


def test_sigkill_midway_then_resume_gives_the_same_scores(tmp_path, tiny_model_dir):
    audio = tmp_path / "audio"
    for i in range(60):
        write_wav(audio / f"f{i:03d}.wav", speech_like(4.0, seed=i))
    ref = tmp_path / "ref"
    score_directory(audio, None, tiny_model_dir, ref, batch_size=1)
    out = tmp_path / "killed"
    cmd = [STYLECHECK, "score", str(audio), "--model", str(tiny_model_dir), "--out", str(out), "--batch-size", "1",
           "--device", "cpu"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = out / "results.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline:
        if log.is_file() and log.read_bytes().count(b"\n") >= 3:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    n_before = log.read_bytes().count(b"\n")
    assert 3 <= n_before < 60, "the kill should land midway"
    assert not (out / "scores.csv").exists()
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    a = pd.read_csv(ref / "scores.csv", keep_default_na=False)
    b = pd.read_csv(out / "scores.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("case, message", [
    ("missing_dir", "not found"),
    ("missing_model", "no such model folder"),
    ("duplicate", "more than once"),
    ("unknown_label", "Female"),
    ("no_file_column", "file"),
])
def test_usage_errors_exit_nonzero_with_a_clear_message(case, message, fixture_folder, tiny_model_dir, tmp_path):
    audio, styles = fixture_folder
    model = str(tiny_model_dir)
    bad = tmp_path / "styles.csv"
    if case == "duplicate":
        bad.write_text("file,styles\nsysA/u1.wav,Male\nsysA/u1.wav,Female\n")
    elif case == "unknown_label":
        bad.write_text("file,styles\nsysA/u1.wav,Masculine;Loud\n")
    elif case == "no_file_column":
        bad.write_text("name,styles\nsysA/u1.wav,Male\n")
    else:
        bad = styles
    target = tmp_path / "nope" if case == "missing_dir" else audio
    if case == "missing_model":
        model = str(tmp_path / "no_model")
    res = CliRunner().invoke(app, ["score", str(target), "--expected", str(bad), "--model", model,
                                   "--out", str(tmp_path / "o")])
    assert res.exit_code != 0
    assert message in res.output


def test_cli_score_prints_a_summary(fixture_folder, tiny_model_dir, tmp_path):
    audio, styles = fixture_folder
    res = CliRunner().invoke(app, ["score", str(audio), "--expected", str(styles), "--model", str(tiny_model_dir),
                                   "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "adherence" in res.output.lower() and "missing 1" in res.output


def test_shard_parsing():
    assert Shard.parse("1/3") == Shard(1, 3)
    assert Shard(1, 3).take(list(range(7))) == [1, 4]
    for bad in ("3/3", "x", "1/0"):
        with pytest.raises(ScoreError):
            Shard.parse(bad)


def test_auto_batch_size_gives_every_worker_several_batches(fixture_folder, tiny_model_dir):
    from stylecheck import load_model
    from stylecheck.scoring.pipeline import auto_batch_size

    model = load_model(tiny_model_dir)
    assert auto_batch_size(model, 80, 2) == 10  # 8 batches for 2 workers, not 32 + 32 + 16
    assert auto_batch_size(model, 10_000, 2) == 32
    assert auto_batch_size(model, 3, 4) == 1
    audio, styles = fixture_folder
    a = score_directory(audio, styles, tiny_model_dir)  # automatic
    b = score_directory(audio, styles, tiny_model_dir, batch_size=32)
    p = [c for c in a if c.startswith("p_")]
    np.testing.assert_allclose(a[p].to_numpy(float), b[p].to_numpy(float), atol=1e-5)


def test_blas_is_held_to_one_thread_while_scoring_and_restored_after(fixture_folder, tiny_model_dir):
    from threadpoolctl import threadpool_info

    from stylecheck import load_model
    from stylecheck.scoring.pipeline import score_files

    def blas_threads():
        return sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"})

    before = blas_threads()
    model = load_model(tiny_model_dir)
    files = [(p.name, p) for p in sorted(fixture_folder[0].rglob("*.wav"))][:4]
    seen = []
    for _ in score_files(model, files, batch_size=2, workers=2, on_batch=lambda r: seen.append(blas_threads())):
        pass
    assert seen and all(s == [1] for s in seen)
    assert blas_threads() == before
