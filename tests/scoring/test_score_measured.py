"""Measured categories in ``stylecheck score``: the measures of every file with speech, levels
against the bundled norms, nothing judged without speech, and the measures in the resume key."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "measures"))
from helpers import non_speech, write_wav  # noqa: E402
from measures_fixtures import TEXT, example, praat_pitch_shift  # noqa: E402
from stylecheck.scoring import score_directory  # noqa: E402
from stylecheck.scoring.judges import MEASURE_COLUMNS  # noqa: E402


@pytest.fixture(scope="module")
def pitch_folder(tmp_path_factory):
    """The example voice (172 Hz, a low Female voice by the norms) raised 4 semitones (about
    217 Hz, high) and lowered 2 (about 153 Hz, low), and a file without speech."""
    root = tmp_path_factory.mktemp("measured")
    audio = root / "audio"
    write_wav(audio / "up.wav", praat_pitch_shift(example(), 4.0).astype(np.float32))
    write_wav(audio / "down.wav", praat_pitch_shift(example(), -2.0).astype(np.float32))
    write_wav(audio / "hum.wav", non_speech()["white_noise"].astype(np.float32))
    styles = root / "styles.csv"
    styles.write_text("file,styles,text\n"
                      f"up.wav,Female;pitch=high,\"{TEXT}\"\n"
                      "down.wav,Female;pitch=low,\n"
                      "hum.wav,Female;pitch=low,\n")
    return audio, styles


def test_measured_columns_levels_and_not_judged(pitch_folder, tiny_model_dir, tmp_path):
    audio, styles = pitch_folder
    out = tmp_path / "out"
    scores = score_directory(audio, styles, tiny_model_dir, out).set_index("file")
    for column in (*MEASURE_COLUMNS, "measure_notes", "expected_pitch", "predicted_pitch", "match_pitch"):
        assert column in scores, column
    up, down, hum = scores.loc["up.wav"], scores.loc["down.wav"], scores.loc["hum.wav"]
    assert 12 * np.log2(up["f0_median_hz"] / down["f0_median_hz"]) == pytest.approx(6.0, abs=0.5)
    assert (up["predicted_pitch"], up["match_pitch"]) == ("high", "true")
    assert "high" not in up["predicted"].split(";")  # the joined labels are the learned ones
    assert (down["predicted_pitch"], down["match_pitch"]) == ("low", "true")
    assert up["speech_rate_syl_s"] > 0 and np.isfinite(up["snr_db"]) and np.isfinite(down["loudness_lufs"])
    # No speech: nothing measured, the reason said, the category not judged (no match either way).
    assert hum["status"] == "no_speech"
    assert np.isnan(hum[list(MEASURE_COLUMNS)].astype(float)).all()
    assert hum["measure_notes"].startswith("not measured: no speech")
    assert (hum["predicted_pitch"], hum["match_pitch"]) == ("", "")
    run = json.loads((out / "run.json").read_text())
    assert run["measures"]["on"] and run["measures"]["norms"] == "natural-v2"
    # The measures are part of the resume key: a rerun without them rescores, without columns.
    again = score_directory(audio, styles, tiny_model_dir, out, measures=False, write_summary=False)
    assert again.attrs["reuse"]["reused"] == 0 and "f0_median_hz" not in again
    p = [c for c in scores if c.startswith("p_")]
    assert np.allclose(again.set_index("file").loc[scores.index, p].to_numpy(float), scores[p].to_numpy(float),
                       equal_nan=True)  # the learned categories' probabilities do not change


def test_too_short_speech_is_not_measured():
    from stylecheck.scoring.judges import MeasureJudge
    from stylecheck.measures.norms import load_norms
    from stylecheck.measures.measure import measure_speech
    from helpers import speech_like

    wave = speech_like(0.3, seed=2)
    rec = {"status": "ok", "measures": {**measure_speech(wave, 16000, [(0, wave.size)], gender="Male").to_dict(),
                                        "gender": "Male"}}
    judge = MeasureJudge(load_norms())
    cols = judge.score_columns([rec])
    assert np.isnan(cols["f0_median_hz"][0]) and "f0_median_hz:" in cols["measure_notes"][0]
    assert judge.verdicts([rec])["pitch"] == [None]


def test_rate_is_judged_on_speech_without_its_pauses():
    """A long read utterance with pauses and a short pause-free one at the same tempo get the same
    rate level: the judge reads the articulation rate, not the speech rate."""
    from stylecheck.measures.norms import load_norms
    from stylecheck.scoring.judges import MeasureJudge

    norms = load_norms()
    lo, hi = norms.table["Female"]["articulation_rate_syl_s"]["edges"]
    tempo = (lo + hi) / 2  # a normal tempo
    long_read = {"status": "ok", "measures": {"articulation_rate_syl_s": tempo, "speech_rate_syl_s": tempo * 0.8,
                                              "gender": "Female"}}
    short = {"status": "ok", "measures": {"articulation_rate_syl_s": tempo, "speech_rate_syl_s": tempo,
                                          "gender": "Female"}}
    assert MeasureJudge(norms).verdicts([long_read, short])["rate"] == ["normal", "normal"]


def test_summary_outputs_carry_the_measured_categories(pitch_folder, tiny_model_dir, tmp_path):
    import pandas as pd

    audio, styles = pitch_folder
    out = tmp_path / "out"
    score_directory(audio, styles, tiny_model_dir, out)
    summary = pd.read_csv(out / "summary.csv")
    pitch = summary[summary["category"] == "pitch"].iloc[0]
    # hum.wav has no speech: with count_failed it counts as not adhering; up and down match.
    assert (pitch["n_matched"], pitch["n_failed"], pitch["n"]) == (2, 1, 3)
    confusion = pd.read_csv(out / "confusion.csv", keep_default_na=False)
    assert set(confusion[confusion["category"] == "pitch"]["expected"]) == {"high", "low"}
    control = pd.read_csv(out / "controllability.csv")
    assert control[["category", "pairs", "concordance"]].values.tolist() == [["pitch", 1, 1.0]]
    assert (out / "measured_pitch.png").is_file()
    md, page = (out / "summary.md").read_text(), (out / "report.html").read_text()
    assert "Controllability of the measured categories" in md and 'id="controllability"' in page
    assert 'alt="measured pitch"' in page
    grid = page[page.index('<table id="grid"'):page.index('<table id="files"')]
    assert re.search(r'<span class="cat">pitch</span> [0-9.]+ Hz · high <span class="good">', grid)
    files = page[page.index('<table id="files"'):]
    assert "Hz · high" in files and "Hz · low" in files  # the per-file table: measured value and level


def test_norms_from_a_folder_of_reference_recordings(pitch_folder, tiny_model_dir, tmp_path):
    audio, styles = pitch_folder
    ref = tmp_path / "ref"
    for i, shift in enumerate((-1.0, 0.0, 1.0)):
        write_wav(ref / f"r{i}.wav", praat_pitch_shift(example(), shift).astype(np.float32))
    out = tmp_path / "out"
    score_directory(audio, styles, tiny_model_dir, out, norms=str(ref), write_summary=False)
    run = json.loads((out / "run.json").read_text())
    assert run["measures"]["norms"] == "folder-ref-v1" and run["measures"]["norms_provenance"]["files"] == 3
    saved = json.loads((out / "norms.json").read_text())
    edges = saved["table"]["all"]["f0_median_hz"]["edges"]
    assert 150 < edges[0] < edges[1] < 190  # the reference voices' own thirds, not the bundled ones


def test_a_measure_that_fails_leaves_the_file_scored():
    import torch

    from stylecheck.scoring.measuring import MeasureHints, measure_files

    class Cut:
        regions = [(0, 8000)]

    # 8 kHz: measure_speech refuses it; the record says why instead of failing the batch.
    rec = measure_files(["a.wav"], [torch.zeros(8000)], [Cut()], 8000, ["Male"], MeasureHints())[0]
    assert rec["f0_median_hz"] is None and rec["reasons"]["f0_median_hz"].startswith("measure failed: MeasureError")
