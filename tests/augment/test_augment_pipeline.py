"""The augmentation pipeline on a tiny generated training manifest: pairing, label transfer,
determinism, resuming, the report, the CLI."""
import filecmp

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from helpers import voice_like, write_wav

from stylecheck.augment import AugmentError, augment_manifest, plan_pairs
from stylecheck.augment import pipeline
from stylecheck.augment.world import WorldBackend
from stylecheck.data.manifest import read_manifest

# speaker: (f0, labels); empty = unknown
SPEAKERS = {
    "rough_m": (110, dict(Male=1, Female=0, Adult=1, Teenager=0, Dark=1, Bright=0, Rough=1, Smooth=0)),
    "smooth_f": (230, dict(Male=0, Female=1, Adult=0, Teenager=1, Dark=0, Bright=1, Rough=0, Smooth=1)),
    "plain_m": (130, dict(Male=1, Female=0, Adult=1, Teenager=0, Dark="", Bright="", Rough=0, Smooth=0)),
    "plain_f": (200, dict(Male=0, Female=1, Adult=1, Teenager=0, Dark="", Bright="", Rough="", Smooth="")),
}


@pytest.fixture(scope="module")
def train_manifest(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    rows = []
    for s, (spk, (f0, labels)) in enumerate(SPEAKERS.items()):
        for u in range(2):
            path = write_wav(root / "audio" / f"{spk}_{u}.wav", voice_like(0.5 + 0.1 * u, f0=f0, seed=10 * s + u))
            rows.append({"path": f"audio/{path.name}", "speaker": spk, **labels, "split": "train"})
    path = root / "train.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def fast_world():
    return WorldBackend(f0_method="dio")  # harvest is the default; dio keeps these tests quick


def run(train_manifest, out, backend, **kw):
    kw.setdefault("max_pairs", 6)
    return augment_manifest(train_manifest, ["Rough", "smooth"], out, backend=backend, seed=3, **kw)


@pytest.fixture(scope="module")
def baseline(train_manifest, fast_world, tmp_path_factory):
    out = tmp_path_factory.mktemp("aug") / "run"
    return run(train_manifest, out, fast_world)


def test_rows_take_the_target_speakers_labels(baseline):
    rows = baseline.rows
    assert len(rows) == 6 and baseline.converted == 6 and not baseline.failures
    for rec in rows.to_dict("records"):
        spk = rec["speaker"]
        assert spk == rec["target"] and spk in ("rough_m", "smooth_f")
        for lab, value in SPEAKERS[spk][1].items():
            expected = np.nan if value == "" else float(value)
            assert rec[lab] == pytest.approx(expected, nan_ok=True), (spk, lab)
        assert not rec["source"].endswith(tuple(f"/{spk}_{u}.wav" for u in range(2)))  # never the target's own
        assert rec["backend"] == "world" and rec["meta_k"] == 4 and rec["split"] == "train"
    # balanced across the two requested labels (one target each here)
    assert rows["meta_augmented_for"].value_counts().to_dict() == {"Rough": 3, "Smooth": 3}
    assert len(set(zip(rows["source"], rows["target"]))) == 6  # no pair twice


def test_manifest_is_valid_and_audio_is_16k(baseline):
    manifest = read_manifest(baseline.manifest_path)  # checks every file exists
    assert len(manifest) == 6 and manifest.speakers == baseline.rows["speaker"].tolist()
    for path, source in zip(manifest.paths, manifest.frame["source"]):
        info, src = sf.info(path), sf.info(source)
        assert info.samplerate == 16000 and info.channels == 1
        assert info.frames == src.frames  # conversion keeps the source's length
    assert not any(p.name.startswith(".") for p in baseline.out_dir.rglob("*"))  # no temp files left


def test_report_has_counts_chart_and_short_reference_warnings(baseline):
    text = baseline.report_path.read_text()
    assert "| Rough | 2 | 3 | 5 |" in text and "| Smooth | 2 | 3 | 5 |" in text
    assert "| Female | 4 | 3 | 7 |" in text  # targets' other labels are counted too
    assert baseline.chart_path.is_file() and baseline.chart_path.stat().st_size > 1000
    assert "label_counts.png" in text
    assert "short (< 30 s)" in text and "2 of 2 targets" in text
    assert any("rough_m: only 1.1 s" in w for w in baseline.warnings)


def test_same_seed_gives_the_same_manifest_and_audio(train_manifest, fast_world, baseline, tmp_path):
    again = run(train_manifest, tmp_path / "again", fast_world)
    assert (tmp_path / "again" / "manifest.csv").read_bytes() == baseline.manifest_path.read_bytes()
    for rel in again.rows["path"]:
        assert filecmp.cmp(tmp_path / "again" / rel, baseline.out_dir / rel, shallow=False)


def test_interrupted_run_resumes_without_recomputing(train_manifest, fast_world, baseline, tmp_path, monkeypatch):
    out = tmp_path / "resumed"
    real_convert = pipeline.convert
    calls = []

    def interrupted(*args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt  # as if the user pressed Ctrl-C during the third file
        calls.append(1)
        return real_convert(*args, **kwargs)

    monkeypatch.setattr(pipeline, "convert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(train_manifest, out, fast_world)
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(written) == 2 and all(p.suffix == ".wav" and not p.name.startswith(".") for p in written)
    assert not (out / "manifest.csv").exists()

    counted = []

    def counting(*args, **kwargs):
        counted.append(1)
        return real_convert(*args, **kwargs)

    monkeypatch.setattr(pipeline, "convert", counting)
    result = run(train_manifest, out, fast_world)
    assert len(counted) == 4 and result.converted == 4 and result.reused == 2
    assert (out / "manifest.csv").read_bytes() == baseline.manifest_path.read_bytes()
    # A finished run converts nothing on a rerun; --force reconverts everything.
    assert run(train_manifest, out, fast_world).converted == 0
    assert run(train_manifest, out, fast_world, force=True).converted == 6


def test_plan_balances_labels_and_targets_and_respects_the_budget():
    sources = pd.DataFrame({"path": [f"s{i}.wav" for i in range(20)],
                            "speaker": [f"spk{i % 5}" for i in range(20)], "duration_s": 10.0})
    targets = {"Rough": ["spk0", "spk1"], "Smooth": ["spk2"]}
    planned, reached = plan_pairs(sources, targets, seed=0, budget_s=95.0, max_pairs=None)
    assert reached and len(planned) == 10  # stops at the first pair that reaches 95 s
    labels = [lab for _, _, lab in planned]
    assert labels.count("Rough") == 5 and labels.count("Smooth") == 5
    rough_targets = [t for _, t, lab in planned if lab == "Rough"]
    assert abs(rough_targets.count("spk0") - rough_targets.count("spk1")) <= 1
    assert all(sources["speaker"][row] != t for row, t, _ in planned)
    assert plan_pairs(sources, targets, 0, 95.0, None) == (planned, True)
    assert plan_pairs(sources, targets, 1, 95.0, None)[0] != planned
    # every pair used up before the budget: 16 other-speaker sources per target
    planned, reached = plan_pairs(sources, targets, 0, float("inf"), None)
    assert not reached and len(planned) == 48 and len(set((r, t) for r, t, _ in planned)) == 48
    assert len(plan_pairs(sources, targets, 0, float("inf"), 7)[0]) == 7


def test_hours_budget(train_manifest, fast_world, tmp_path):
    result = run(train_manifest, tmp_path / "h", fast_world, max_pairs=None, hours=2.0 / 3600)
    assert result.rows["duration_s"].sum() >= 2.0 and result.rows["duration_s"].sum() - 0.6 < 2.0


def test_bad_requests_are_refused(train_manifest, fast_world, tmp_path):
    with pytest.raises(AugmentError, match="--hours or --max-pairs"):
        augment_manifest(train_manifest, ["Rough"], tmp_path / "x", backend=fast_world)
    with pytest.raises(AugmentError, match="unknown label 'Raspy'"):
        augment_manifest(train_manifest, ["Raspy"], tmp_path / "x", max_pairs=1, backend=fast_world)
    no_speaker = tmp_path / "nospk.csv"
    pd.read_csv(train_manifest).drop(columns="speaker").assign(
        path=lambda f: [str(train_manifest.parent / p) for p in f["path"]]).to_csv(no_speaker, index=False)
    with pytest.raises(AugmentError, match="speaker"):
        augment_manifest(no_speaker, ["Rough"], tmp_path / "x", max_pairs=1, backend=fast_world)
    nobody = tmp_path / "nobody.csv"
    frame = pd.read_csv(train_manifest, dtype=str, keep_default_na=False)
    frame["Teenager"] = "0"
    frame.assign(path=[str(train_manifest.parent / p) for p in frame["path"]]).to_csv(nobody, index=False)
    with pytest.raises(AugmentError, match="no speaker carries Teenager"):
        augment_manifest(nobody, ["Teenager"], tmp_path / "x", max_pairs=1, backend=fast_world)


def test_cli(train_manifest, tmp_path):
    from typer.testing import CliRunner

    from stylecheck.cli import app

    out = tmp_path / "cli"
    args = ["augment", "--manifest", str(train_manifest), "--labels", "Rough", "--out", str(out), "--max-pairs", "1",
            "--f0-method", "dio", "--seed", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 converted files (1 new" in result.output and len(read_manifest(out / "manifest.csv")) == 1
    bad = CliRunner().invoke(app, args + ["--labels", "Rough,Nope"])
    assert bad.exit_code == 2 and "unknown label" in bad.output
