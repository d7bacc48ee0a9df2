"""Issue 23: speaker similarity beside the style (from the classifier's own frames) and the DNSMOS
quality guard, end to end with the bundled model on the bundled example voices."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import non_speech, write_wav
from stylecheck.models import load_model
from stylecheck.scoring import score_directory

EXAMPLES = Path(__file__).resolve().parents[2] / "stylecheck" / "examples" / "audio"


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture()
def vc_folder(tmp_path):
    """Two systems converting espeak's voice: 'copy' returns the source unchanged, 'other' outputs
    festival's voice; a reference of flite's voice; one output that is silence."""
    root = tmp_path / "audio"
    for i in (1, 2):
        shutil.copy(EXAMPLES / "espeak" / f"utt0{i}.flac", root / "src" / f"s{i}.flac") if (root / "src").is_dir() \
            else ((root / "src").mkdir(parents=True), shutil.copy(EXAMPLES / "espeak" / f"utt0{i}.flac", root / "src" / f"s{i}.flac"))
        (root / "copy").mkdir(exist_ok=True)
        (root / "other").mkdir(exist_ok=True)
        shutil.copy(EXAMPLES / "espeak" / f"utt0{i}.flac", root / "copy" / f"u{i}.flac")
        shutil.copy(EXAMPLES / "festival" / f"utt0{i}.flac", root / "other" / f"u{i}.flac")
    (root / "ref").mkdir()
    shutil.copy(EXAMPLES / "flite" / "utt03.flac", root / "ref" / "r1.flac")
    shutil.copy(EXAMPLES / "flite" / "utt04.flac", root / "ref" / "r2.flac")
    write_wav(root / "copy" / "u3.wav", non_speech()["silence"].astype(np.float32))
    rows = [(f"{system}/u{i}.{'wav' if i == 3 else 'flac'}", system, f"src/s{min(i, 2)}.flac", "ref/r1.flac;ref/r2.flac")
            for system in ("copy", "other") for i in (1, 2, 3) if not (system == "other" and i == 3)]
    styles = tmp_path / "styles.csv"
    pd.DataFrame(rows, columns=["file", "system", "source", "reference"]).assign(styles="Female").to_csv(styles, index=False)
    return root, styles


def test_similarity_columns_follow_the_voices(model, vc_folder, tmp_path):
    root, styles = vc_folder
    scores = score_directory(root, styles, model, tmp_path / "out").set_index("file")
    # A copied source has similarity 1; another voice has less; the reference is a third voice.
    assert scores.loc["copy/u1.flac", "spk_sim_source"] == pytest.approx(1.0, abs=1e-6)
    assert scores.loc["copy/u2.flac", "spk_sim_source"] == pytest.approx(1.0, abs=1e-6)
    assert scores.loc["other/u1.flac", "spk_sim_source"] < 0.95
    assert scores.loc["copy/u1.flac", "spk_sim_reference"] < scores.loc["copy/u1.flac", "spk_sim_source"]
    # No speech: no similarity, and sources and references are inputs, not outputs.
    assert scores.loc["copy/u3.wav", "status"] == "no_speech"
    assert np.isnan(scores.loc["copy/u3.wav", "spk_sim_source"])
    assert scores.loc["ref/r1.flac", "role"] == "reference" and scores.loc["src/s1.flac", "role"] == "source"
    table = pd.read_csv(tmp_path / "out" / "similarity.csv")
    assert set(table["system"]) == {"copy", "other"} and set(table["measure"]) == {"spk_sim_source", "spk_sim_reference"}
    copy = table[(table.system == "copy") & (table.measure == "spk_sim_source")].iloc[0]
    assert copy["n_files"] == 2 and copy["n_missing"] == 1 and copy["mean"] == pytest.approx(1.0, abs=1e-6)
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "## Speaker similarity" in summary and "0.686" in summary
    assert "Speaker similarity" in (tmp_path / "out" / "report.html").read_text()
    assert (tmp_path / "out" / "speaker_similarity.png").is_file()
    assert not (tmp_path / "out" / "quality.csv").exists()  # DNSMOS only with quality=True


def test_similarity_costs_no_probability(model, vc_folder, tmp_path):
    """The embedding is read from the classifier's frames: probabilities are those of predict()."""
    root, styles = vc_folder
    scores = score_directory(root, styles, model, tmp_path / "out").set_index("file")
    direct = model.predict([root / "other" / "u1.flac"])[0]
    got = scores.loc["other/u1.flac", [f"p_{lab}" for lab in model.labels]].to_numpy(float)
    np.testing.assert_allclose(got, direct, atol=1e-6, rtol=0)


def test_quality_guard_scores_speech_and_flags_noise(model, vc_folder, tmp_path):
    root, styles = vc_folder
    rng = np.random.default_rng(0)
    noisy = root / "other" / "u2.flac"
    import soundfile as sf

    wave, sr = sf.read(str(noisy), dtype="float32")
    sf.write(str(noisy), np.clip(wave + 0.05 * rng.standard_normal(len(wave)).astype(np.float32), -1, 1), sr)
    scores = score_directory(root, styles, model, tmp_path / "out", quality=True).set_index("file")
    clean_ovrl = scores.loc["copy/u1.flac", "dnsmos_ovrl"]
    assert 1.0 <= clean_ovrl <= 5.0 and scores.loc["other/u2.flac", "dnsmos_ovrl"] < clean_ovrl
    assert scores.loc["other/u2.flac", "low_quality"] == "true"
    assert np.isnan(scores.loc["copy/u3.wav", "dnsmos_ovrl"]) and scores.loc["copy/u3.wav", "low_quality"] == ""
    quality = pd.read_csv(tmp_path / "out" / "quality.csv")
    assert set(quality["measure"]) == {"dnsmos_ovrl", "dnsmos_sig", "dnsmos_bak", "dnsmos_p808"}
    flagged = pd.read_csv(tmp_path / "out" / "low_quality.csv")
    assert "other/u2.flac" in set(flagged["file"])
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "Adherence without the low-quality files" in summary and "2.29" in summary


def test_sharded_similarity_equals_one_run(model, vc_folder, tmp_path):
    """A source or reference scored in another shard than the output still gives its similarity:
    the merge reads every shard's embeddings (results.shard-*.jsonl), as one run would."""
    from stylecheck.scoring import ScoreError, Shard, merge_score_parts

    root, styles = vc_folder
    one = score_directory(root, styles, model, tmp_path / "one").set_index("file")
    for i in range(3):
        score_directory(root, styles, model, tmp_path / "parts", shard=Shard(i, 3))
    merged = merge_score_parts([tmp_path / "parts"], tmp_path / "merged").set_index("file")
    for col in ("spk_sim_source", "spk_sim_reference"):
        a = pd.to_numeric(one[col]).loc[merged.index]
        b = pd.to_numeric(merged[col].replace("", np.nan))
        np.testing.assert_allclose(b.to_numpy(dtype=float), a.to_numpy(dtype=float), atol=1e-6, equal_nan=True)
    assert set(pd.read_csv(tmp_path / "merged" / "similarity.csv")["system"]) == {"copy", "other"}
    for log in (tmp_path / "parts").glob("results.shard-*.jsonl"):
        log.unlink()  # only the CSVs copied: the merge says what it needs, not empty similarities
    with pytest.raises(ScoreError, match="results.shard"):
        merge_score_parts([tmp_path / "parts"], tmp_path / "merged2")


def test_the_grid_shows_each_output_s_speaker_similarity(model, vc_folder, tmp_path):
    root, styles = vc_folder
    score_directory(root, styles, model, tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    grid = page[page.index('id="grid"'):]
    grid = grid[:grid.index("</table>")]
    assert "voice vs source</span> 1.00 (same voice likely)" in grid  # the copied source
    assert grid.count("voice vs reference</span>") == 4  # every output with speech
    assert "another voice likely" in grid and "speaker similarity to the source or reference" in page
