"""One result per file: in fp32 (the default) a file's probabilities do not depend on the batch
size, the number of workers, or whether it went through ``predict()`` or ``score_directory()``;
a rerun with other settings rescores instead of mixing, and ``run.json`` says what was used."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from helpers import non_speech, speech_like, write_wav

import stylecheck.cli  # noqa: F401  (registers the commands)
from stylecheck import load_model
from stylecheck.cli import app
from stylecheck.scoring import score_directory

SR = 16000


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Real speech of many lengths and rates, some with silence around it (so trimming acts),
    and one file without speech."""
    audio = tmp_path_factory.mktemp("consistency") / "audio"
    rng = np.random.default_rng(0)
    for i, d in enumerate((1.1, 2.4, 3.0, 4.7, 5.0, 6.3, 8.8, 12.5, 1.6, 3.9, 7.1)):
        sr = (16000, 22050, 48000)[i % 3]
        wave = speech_like(d, sr, seed=i)
        if i % 2:
            wave = np.concatenate([np.zeros(int(rng.uniform(0.3, 2.0) * sr)), wave, np.zeros(int(sr * 1.5))])
        write_wav(audio / f"f{i:02d}.wav", wave.astype(np.float32), sr)
    write_wav(audio / "hum.wav", non_speech()["tone"].astype(np.float32))
    return audio


def probs(scores: pd.DataFrame) -> np.ndarray:
    return scores[[c for c in scores if c.startswith("p_")]].to_numpy(float)


@pytest.fixture(scope="module")
def bundled():
    return load_model()  # the default model: a real backbone, the path users run


def test_fp32_probabilities_agree_across_batch_sizes_workers_and_predict(folder, bundled):
    ref = score_directory(folder, model=bundled, batch_size=32, workers=1)
    assert (ref.set_index("file")["status"].drop("hum.wav") == "ok").all()
    assert ref.set_index("file").loc["hum.wav", "status"] == "no_speech"
    for batch_size, workers in ((1, 1), (7, 1), (32, 2), (7, 3), (1, 2)):
        got = score_directory(folder, model=bundled, batch_size=batch_size, workers=workers)
        assert list(got["status"]) == list(ref["status"])
        np.testing.assert_allclose(got["speech_s"].to_numpy(float), ref["speech_s"].to_numpy(float), atol=1e-9)
        np.testing.assert_allclose(probs(got), probs(ref), atol=1e-6, rtol=0, err_msg=f"batch {batch_size} workers {workers}")
    ok = ref[ref["status"] == "ok"]
    direct = bundled.predict([folder / f for f in ok["file"]], batch_size=5)
    np.testing.assert_allclose(direct, probs(ok), atol=1e-6, rtol=0)
    # Not vacuous: the files do get different probabilities.
    assert np.abs(probs(ok) - probs(ok)[0]).max() > 1e-3


def test_scoring_keeps_the_callers_thread_count(folder, bundled):
    torch.set_num_threads(2)
    score_directory(folder, model=bundled, batch_size=4)
    assert torch.get_num_threads() == 2


def _records(out) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.strip()]


def test_rerun_with_bf16_into_the_same_out_rescores_and_records_bf16(folder, tiny_model_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "out"
    base = ["score", str(folder), "--model", str(tiny_model_dir), "--out", str(out), "--device", "cpu"]
    first = runner.invoke(app, base)
    assert first.exit_code == 0, first.output
    assert json.loads((out / "run.json").read_text())["precision"] == "fp32"  # the default, on any CPU
    fp32 = pd.read_csv(out / "scores.csv", keep_default_na=False)
    n_files = len(fp32)

    again = runner.invoke(app, base)  # same settings: nothing rescored
    assert again.exit_code == 0 and len(_records(out)) == n_files

    bf16 = runner.invoke(app, base + ["--precision", "bf16"])
    assert bf16.exit_code == 0, bf16.output
    recs = _records(out)
    assert len(recs) == 2 * n_files  # every file rescored, none kept from the fp32 run
    meta = json.loads((out / "run.json").read_text())
    assert meta["precision"] == "bf16" and meta["resume_key"] == recs[-1]["key"] != recs[0]["key"]
    mixed = pd.read_csv(out / "scores.csv", keep_default_na=False)
    fresh_out = tmp_path / "fresh"
    assert runner.invoke(app, ["score", str(folder), "--model", str(tiny_model_dir), "--out", str(fresh_out),
                               "--device", "cpu", "--precision", "bf16"]).exit_code == 0
    fresh = pd.read_csv(fresh_out / "scores.csv", keep_default_na=False)
    pd.testing.assert_frame_equal(mixed, fresh)  # the rerun holds bf16 results only
    ok = mixed["status"] == "ok"
    assert np.abs(probs(mixed[ok]) - probs(fp32[ok])).max() > 0  # bf16 really ran

    # Another speech setting is another key too; run.json records it.
    assert runner.invoke(app, base + ["--no-vad"]).exit_code == 0
    assert len(_records(out)) == 3 * n_files
    meta = json.loads((out / "run.json").read_text())
    assert meta["speech"] is None and meta["precision"] == "fp32"
    assert runner.invoke(app, base + ["--min-speech", "1.0"]).exit_code == 0
    assert json.loads((out / "run.json").read_text())["speech"]["min_speech_s"] == 1.0
    assert len(_records(out)) == 4 * n_files


def test_precision_auto_is_gone(folder, tiny_model_dir, tmp_path):
    res = CliRunner().invoke(app, ["score", str(folder), "--model", str(tiny_model_dir), "--out", str(tmp_path / "o"),
                                   "--precision", "auto"])
    assert res.exit_code != 0 and "fp32 or bf16" in res.output


def test_merge_refuses_shards_scored_with_different_settings(folder, tiny_model_dir, tmp_path):
    from stylecheck.scoring import ScoreError, Shard, merge_score_parts

    score_directory(folder, model=tiny_model_dir, out_dir=tmp_path / "a", shard=Shard(0, 2))
    score_directory(folder, model=tiny_model_dir, out_dir=tmp_path / "b", shard=Shard(1, 2), speech=None)
    with pytest.raises(ScoreError, match="different settings"):
        merge_score_parts([tmp_path / "a", tmp_path / "b"], tmp_path / "merged")
    score_directory(folder, model=tiny_model_dir, out_dir=tmp_path / "b", shard=Shard(1, 2))  # rescored alike
    merged = merge_score_parts([tmp_path / "a", tmp_path / "b"], tmp_path / "merged")
    assert len(merged) == len(list(folder.iterdir()))
