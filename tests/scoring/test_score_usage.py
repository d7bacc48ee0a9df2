"""Issue 14 for ``stylecheck score``: usage errors before any work, STYLES.csv at scale,
nothing left out silently, one label per category, readable outputs."""
from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import speech_like, write_wav

import stylecheck
import stylecheck.cli  # noqa: F401  (registers the commands)
from stylecheck.cli import app
from stylecheck.scoring import ScoreError, score_directory


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("usage")
    audio = root / "audio"
    for i in range(3):
        write_wav(audio / f"a{i}.wav", speech_like(1.0, seed=i))
    return audio


@pytest.fixture
def no_model_load(monkeypatch):
    """Fail the test if the model is loaded: usage errors must be found before."""
    def refuse(*args, **kwargs):
        raise AssertionError("the model was loaded before the usage error was found")

    monkeypatch.setattr(stylecheck, "load_model", refuse)


def invoke(*args: str):
    return CliRunner().invoke(app, ["score", *map(str, args)])


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_out_is_a_file(small_folder, tiny_model_dir, tmp_path, no_model_load):
    out = tmp_path / "out.txt"
    out.write_text("keep me")
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", out)
    assert res.exit_code != 0
    assert error_lines(res.output) == [f"error: --out {out}: is a file, not a folder; give a folder for the outputs"]
    assert out.read_text() == "keep me" and sorted(tmp_path.iterdir()) == [out]
    # Inside a file: the folder can never be made.
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", out / "sub")
    assert res.exit_code != 0 and "is a file, so the output folder cannot be made" in res.output


@pytest.mark.skipif(__import__("torch").cuda.is_available(), reason="this machine has a CUDA GPU")
def test_cuda_without_a_gpu(small_folder, tiny_model_dir, tmp_path, no_model_load):
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", tmp_path / "o", "--device", "cuda")
    assert res.exit_code != 0
    assert len(error_lines(res.output)) == 1 and "--device cuda: no CUDA GPU is available" in res.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("args, message", [
    (("--device", "gpu"), "--device gpu: not a device; use auto, cpu or cuda"),
    (("--expected", "no_such_styles.csv"), "--expected no_such_styles.csv: no such file"),
])
def test_other_usage_errors_before_the_model(small_folder, tiny_model_dir, tmp_path, no_model_load, args, message):
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", tmp_path / "o", *args)
    assert res.exit_code != 0
    assert error_lines(res.output) == [f"error: {message}"]
    assert not (tmp_path / "o").exists()


def test_empty_audio_folder(tiny_model_dir, tmp_path, no_model_load):
    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "notes.txt").write_text("not audio")
    res = invoke(empty, "--model", tiny_model_dir, "--out", tmp_path / "o")
    assert res.exit_code != 0
    assert len(error_lines(res.output)) == 1 and "no audio files found" in res.output
    assert not (tmp_path / "o").exists()


def test_missing_model_writes_nothing(small_folder, tmp_path):
    res = invoke(small_folder, "--model", tmp_path / "no_model", "--out", tmp_path / "o")
    assert res.exit_code != 0 and "no such model folder" in res.output
    assert not (tmp_path / "o").exists()


def test_bad_styles_writes_nothing(small_folder, tiny_model_dir, tmp_path):
    styles = tmp_path / "s.csv"
    styles.write_text("file,styles\na0.wav,Femal\n")
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", tmp_path / "o", "--expected", styles)
    assert res.exit_code != 0 and "did you mean Female?" in res.output
    assert not (tmp_path / "o").exists()


def test_library_raises_the_same_errors(small_folder, tmp_path, no_model_load):
    with pytest.raises(ScoreError, match="no audio files found"):
        score_directory(tmp_path, None, "any-model", tmp_path / "o")
    (tmp_path / "f").write_text("")
    with pytest.raises(ScoreError, match="is a file"):
        score_directory(small_folder, None, "any-model", tmp_path / "f")


# ---- STYLES.csv at scale -------------------------------------------------------------------

def ten_thousand_rows(path: Path, bad: dict[int, str]) -> None:
    """10,000 rows; rows 0-2 name the three files that exist, the rest are absent."""
    lines = ["file,styles"]
    for i in range(10_000):
        lines.append(f"a{i}.wav,{bad.get(i, 'Female;Adult')}" if i < 3 else f"gen/x{i:05d}.wav,{bad.get(i, 'Male')}")
    path.write_text("\n".join(lines) + "\n")


def test_ten_thousand_rows_with_three_bad_ones(small_folder, tiny_model_dir, tmp_path):
    styles = tmp_path / "STYLES.csv"
    ten_thousand_rows(styles, {1: "Femal;Adult", 5_000: "Dark;Bright", 9_999: "Loud"})
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", tmp_path / "refused", "--expected", styles)
    assert res.exit_code != 0
    for needle in ("3 bad rows", "line 3: 'styles' cell 'Femal;Adult': unknown style label 'Femal' "
                   "(did you mean Female?)", "line 5002: 'styles' cell 'Dark;Bright': Dark and Bright are both",
                   "line 10001: 'styles' cell 'Loud': unknown style label 'Loud'", "--skip-bad-rows"):
        assert needle in res.output
    assert not (tmp_path / "refused").exists()

    out = tmp_path / "skipped"
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", out, "--expected", styles, "--skip-bad-rows",
                 "--device", "cpu")
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(out / "scores.csv", keep_default_na=False)
    assert len(scores) == 10_000
    bad = scores[scores.status == "bad_row"].set_index("file")
    assert list(bad.index) == ["a1.wav", "gen/x05000.wav", "gen/x09999.wav"]
    assert bad.loc["a1.wav", "error"].startswith("STYLES.csv line 3: 'styles' cell 'Femal;Adult'")
    # The file of a bad row exists, but it is that bad row, not an unlisted file as well.
    assert scores.status.value_counts().to_dict() == {"missing": 9_995, "bad_row": 3, "ok": 2}
    summary = pd.read_csv(out / "summary.csv", keep_default_na=False)
    overall = summary.query("category == 'all'").iloc[0]
    assert (overall.n, overall.n_failed) == (10_000, 9_998)  # 2 judged + 9,995 missing + 3 bad rows in "all"
    assert json.loads((out / "run.json").read_text())["skip_bad_rows"] is True


def test_planning_ten_thousand_rows_is_quick(small_folder, tmp_path):
    # The reader and the planning step on 10,000 rows, without scoring anything.
    from stylecheck.styles.labels import PAPER_LABELS
    from stylecheck.scoring.expected import read_expected_styles
    from stylecheck.scoring.score import plan_items

    styles = tmp_path / "STYLES.csv"
    ten_thousand_rows(styles, {2: "Femal", 40: "Male;Female", 7_000: "Dakr"})
    start = time.perf_counter()
    read = read_expected_styles(styles, PAPER_LABELS, skip_bad_rows=True)
    items = plan_items(small_folder, read.table, bad_rows=read.bad_rows)
    elapsed = time.perf_counter() - start
    assert len(items) == 10_000 and (items.status == "bad_row").sum() == 3
    assert elapsed < 30, f"planning 10,000 rows took {elapsed:.1f} s"


def test_absolute_paths_inside_the_audio_folder(small_folder, tiny_model_dir, tmp_path):
    styles = tmp_path / "s.csv"
    styles.write_text(f"file,styles\n{small_folder.resolve()}/a0.wav,Male\na1.wav,Female\n")
    scores = score_directory(small_folder, styles, tiny_model_dir)
    assert dict(zip(scores.file, scores.status)) == {"a0.wav": "ok", "a1.wav": "ok", "a2.wav": "unlisted"}


# ---- nothing left out silently -------------------------------------------------------------

@pytest.fixture(scope="module")
def vc_folder(tmp_path_factory):
    """A voice-conversion demo: converted speech per system, the source recordings beside them."""
    root = tmp_path_factory.mktemp("vc")
    audio = root / "demo"
    for i in range(3):
        write_wav(audio / f"source/p{i}.wav", speech_like(1.0, seed=10 + i))
        for j, system in enumerate(("vc_a", "vc_b")):
            write_wav(audio / f"{system}/p{i}.wav", speech_like(1.0, seed=20 + 3 * j + i))
    plain = root / "styles.csv"
    plain.write_text("file,styles\n" + "".join(f"{s}/p{i}.wav,Female;Adult\n" for s in ("vc_a", "vc_b")
                                                   for i in range(3)))
    with_system = root / "styles_system.csv"
    with_system.write_text("file,styles,prompt,system\n" + "".join(
        f"{s}/p{i}.wav,Female;Adult,prompt {i},{s}\n" for s in ("vc_a", "vc_b") for i in range(3)))
    return audio, plain, with_system


@pytest.mark.parametrize("which", [1, 2])
def test_voice_conversion_layout_gets_its_comparison(vc_folder, tiny_model_dir, tmp_path, which):
    audio, *styles = vc_folder
    out = tmp_path / "out"
    res = invoke(audio, "--model", tiny_model_dir, "--out", out, "--expected", styles[which - 1], "--device", "cpu")
    assert res.exit_code == 0, res.output
    comparison = pd.read_csv(out / "comparison.csv")
    assert set(comparison.category) == {"gender", "age", "all"}
    assert (comparison.n_pairs == 3).all() and set(comparison.system_a) == {"vc_a"}
    assert "not computed Systems compared" not in res.output
    md = (out / "summary.md").read_text()
    assert "| vc_a | vc_b | gender | 3 |" in md


def test_every_missing_section_says_why(small_folder, tiny_model_dir, tmp_path):
    styles = tmp_path / "s.csv"
    # "slowly" now asks for a measured rate, so the prompt that asks for nothing judged names an accent.
    styles.write_text("file,prompt\na0.wav,read this sentence with a British accent\na1.wav,a woman's voice\n")
    out = tmp_path / "out"
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", out, "--expected", styles, "--device", "cpu")
    assert res.exit_code == 0, res.output
    reasons = json.loads((out / "run.json").read_text())["not_computed"]
    assert set(reasons) == {"comparison", "speakers"}
    assert "fewer than two systems" in reasons["comparison"]
    md = (out / "summary.md").read_text()
    report = (out / "report.html").read_text()
    for text in (md, report, res.output):
        assert "fewer than two systems" in text and "no speaker column" in " ".join(text.split())
    # The prompt that asks for no judged style is counted and listed everywhere.
    assert "1 listed file(s) ask for no style the model judges" in res.output and "a0.wav" in res.output
    assert "## Listed files that ask for no judged style" in md and "read this sentence with a British accent" in md
    assert "read this sentence with a British accent" in report


def test_without_styles_the_adherence_says_why(small_folder, tiny_model_dir, tmp_path):
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", tmp_path / "o", "--device", "cpu")
    assert res.exit_code == 0, res.output
    assert "not computed Adherence: no STYLES.csv (--expected) was given" in " ".join(res.output.split())
    assert "no STYLES.csv (--expected) was given" in (tmp_path / "o" / "summary.md").read_text()
    # One reason, said once; no file was listed, so none "asks for no style".
    assert res.output.count("not computed") == 1, res.output
    assert "ask for no style" not in res.output


# ---- one label per category, outputs others can read ----------------------------------------

def test_predicted_holds_at_most_one_label_per_category(small_folder, tiny_model_dir):
    from stylecheck.models import StyleModel

    model = StyleModel.from_pretrained(tiny_model_dir)
    model.config.thresholds = [0.0] * len(model.labels)  # every label passes its threshold
    scores = score_directory(small_folder, None, model)
    cats = model.label_set.categories
    for _, r in scores.iterrows():
        predicted = r.predicted.split(";")
        assert len(predicted) == len(cats)
        assert [model.label_set.category_of(lab) for lab in predicted] == list(cats)
        assert predicted == [r[f"predicted_{c}"] for c in cats]


def test_outputs_follow_the_umask(small_folder, tiny_model_dir, tmp_path):
    before = os.umask(0o022)
    try:
        score_directory(small_folder, None, tiny_model_dir, tmp_path / "o")
    finally:
        os.umask(before)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "o").iterdir() if p.is_file()}
    assert "report.html" in modes and set(modes.values()) == {0o644}, modes


def test_identical_duplicate_rows_are_scored_once_with_a_warning(small_folder, tiny_model_dir, tmp_path):
    styles = tmp_path / "s.csv"
    styles.write_text("file,styles\na0.wav,Female\na1.wav,Male\na0.wav,Female\n")
    out = tmp_path / "out"
    res = invoke(small_folder, "--model", tiny_model_dir, "--out", out, "--expected", styles, "--device", "cpu")
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "warning" in text and "1 file(s) listed more than once with identical rows, each read once: a0.wav " \
                                 "(lines 2, 4)" in text
    scores = pd.read_csv(out / "scores.csv", keep_default_na=False)
    assert scores["file"].tolist().count("a0.wav") == 1
