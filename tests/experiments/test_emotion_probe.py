"""The cross-corpus probe (paper section 5.3, Figure 4): statistics checked by hand on injected
probabilities, the whole probe on generated corpora in their real layouts, and the CLI."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

import stylecheck.cli  # noqa: F401  (registers the commands)
from helpers import real_data, voice_like, write_wav
from stylecheck.experiments.emotion_probe import (
    ProbeError, collect_probe_files, probe_emotion_corpora, probe_label_columns, summarize_probe,
)
from stylecheck.cli.app import app
from stylecheck.data.corpora.layout import CorpusLayoutError

DURATION_S = 0.6


def test_probe_markdown_and_plot_show_sex(tmp_path):
    from stylecheck.experiments.emotion_probe import ProbeResult, plot_probe, probe_markdown

    rows = [(spk, sex, emo, d, b) for spk, sex, gaps in (("F1", "female", ((.1, .9), (.2, .8))),
                                                         ("F2", "female", ((.0, 1.), (.1, .9))),
                                                         ("M1", "male", ((.4, .6), (.8, .2))),
                                                         ("M2", "male", ((.3, .7), (.9, .1))))
            for emo, (d, b) in zip(("happy", "sad"), gaps)]
    frame = pd.DataFrame(rows, columns=["speaker", "sex", "emotion", "p_dark", "p_bright"]).assign(corpus="X")
    summary, speakers, diff = summarize_probe(frame, n_resamples=1000)
    inventory = pd.DataFrame([{"corpus_folder": "x", "path": "x", "files": 8, "not_following_naming": 0,
                               "selected": 8, "note": ""}])
    result = ProbeResult(summary, speakers, frame.assign(status="ok", error="", path="x.wav"), diff, inventory,
                         {}, "tiny")
    md = probe_markdown(result, n_resamples=1000)
    assert "## Happy vs sad within sex" in md and "| X | male | 2 |" in md
    # Every bootstrap resample of these speakers is above 0: p < 2/1000, never "0.000".
    assert md.count("| < 0.002 |") == 3 and "0.000 |\n" not in md
    fig = plot_probe(summary, differences=diff)
    assert len(fig.axes) == 3
    assert [t.get_text() for t in fig.axes[2].get_xticklabels()] == ["all\n(4 spk)", "female\n(2 spk)",
                                                                     "male\n(2 spk)"]


def test_labels_are_found_by_name():
    assert probe_label_columns(["Female", "Male", "Dark", "Bright"]) == {"Dark": 2, "Bright": 3}
    with pytest.raises(ProbeError, match="no label 'Bright'.*Female, Dark"):
        probe_label_columns(["Female", "Dark"])


# -- generated corpora in their real layouts -------------------------------------------------
def voice(path: Path, sr: int, seed: int, f0: float, channels: int = 1) -> None:
    wave = voice_like(DURATION_S, sr, f0=f0, seed=seed)
    write_wav(path, np.stack([wave, wave * 0.5], 1) if channels == 2 else wave, sr)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("emotion_corpora")
    seed = iter(range(1000))
    # ESD: an extra top folder, split subfolders, two English speakers and one Mandarin one.
    esd = root / "esd"
    for spk, f0 in (("0011", 120), ("0012", 210), ("0001", 230)):
        for emotion, utt in (("Happy", 701), ("Sad", 1051), ("Neutral", 1)):
            for split, k in (("train", 0), ("test", 1)):
                voice(esd / "Emotion Speech Dataset" / spk / emotion / split / f"{spk}_{utt + k:06d}.wav",
                      16000, next(seed), f0)
    # RAVDESS at 48 kHz: strong and normal happy / sad, one stereo file, a song file, a stray file.
    rav = root / "ravdess"
    for actor, f0 in ((1, 110), (2, 220)):
        for emotion in ("03", "04", "05"):
            for intensity in ("01", "02"):
                name = f"03-01-{emotion}-{intensity}-01-01-{actor:02d}.wav"
                voice(rav / f"Actor_{actor:02d}" / name, 48000, next(seed), f0,
                      channels=2 if (actor, emotion, intensity) == (1, "03", "02") else 1)
    voice(rav / "Actor_02" / "03-02-03-02-01-01-02.wav", 48000, next(seed), 220)
    voice(rav / "Actor_02" / "take2.wav", 48000, next(seed), 220)
    # EmoDB at 22.05 kHz, with one corrupt file among the sad ones.
    emodb = root / "emodb" / "wav"
    for spk, f0 in (("03", 115), ("08", 205)):
        for name in (f"{spk}a01Fa.wav", f"{spk}a02Fb.wav", f"{spk}a01Ta.wav", f"{spk}a01Wa.wav"):
            voice(emodb / name, 22050, next(seed), f0)
    (emodb / "08b02Tc.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk that is not audio")
    return {"esd": esd, "ravdess": rav, "emodb": root / "emodb"}


def test_probe_on_generated_corpora(corpora, tiny_model_dir, tmp_path):
    out = tmp_path / "probe"
    result = probe_emotion_corpora(corpora, str(tiny_model_dir), out, n_resamples=200, batch_size=4)
    assert {p.name for p in out.iterdir()} == {"probe.csv", "probe_speakers.csv", "probe_contrast.csv",
                                               "probe_files.csv", "probe.md", "probe.png"}
    every_sex = pd.read_csv(out / "probe.csv")
    # Sexes from the corpora's speaker lists: ESD 0011/0012 male, 0001 female; RAVDESS actor 1
    # male, 2 female; EmoDB 03 male, 08 female.
    got = {(r.corpus, r.emotion, r.sex): r.n_speakers for r in every_sex[every_sex["sex"] != "all"].itertuples()}
    assert got == {("ESD-English", "happy", "male"): 2, ("ESD-English", "sad", "male"): 2,
                   ("ESD-Chinese", "happy", "female"): 1, ("ESD-Chinese", "sad", "female"): 1,
                   **{(c, e, sx): 1 for c in ("RAVDESS", "EmoDB") for e in ("happy", "sad") for sx in ("female", "male")}}
    summary = every_sex[every_sex["sex"] == "all"]
    expected = {("ESD-English", "happy"): (4, 2), ("ESD-English", "sad"): (4, 2),
                ("ESD-Chinese", "happy"): (2, 1), ("ESD-Chinese", "sad"): (2, 1),
                ("RAVDESS", "happy"): (2, 2), ("RAVDESS", "sad"): (2, 2),  # strong intensity only
                ("EmoDB", "happy"): (4, 2), ("EmoDB", "sad"): (2, 2)}  # the corrupt sad file is left out
    got = {(r.corpus, r.emotion): (r.n_files, r.n_speakers) for r in summary.itertuples()}
    assert got == expected
    assert list(summary["corpus"].drop_duplicates()) == ["ESD-English", "ESD-Chinese", "RAVDESS", "EmoDB"]
    for col in ("p_dark", "p_bright"):
        assert summary[col].between(0, 1).all()
        ok = summary["n_speakers"] > 1
        assert (summary.loc[ok, f"{col}_lo"] <= summary.loc[ok, col] + 1e-12).all()
        assert (summary.loc[ok, col] <= summary.loc[ok, f"{col}_hi"] + 1e-12).all()

    files = pd.read_csv(out / "probe_files.csv", dtype={"speaker": str})
    assert len(files) == 23 and (files["status"] == "error").sum() == 1
    bad = files[files["status"] == "error"].iloc[0]
    assert bad["path"].endswith("08b02Tc.wav") and "not readable as audio" in bad["error"]
    assert files.loc[files["status"] == "ok", "p_dark"].notna().all()
    assert {"0011", "0012", "0001", "Actor_01", "03", "08"} <= set(files["speaker"])
    # The stereo 48 kHz file was read and scored like the others.
    stereo = files[files["path"].str.endswith("03-01-03-02-01-01-01.wav")].iloc[0]
    assert stereo["status"] == "ok" and 0 < stereo["p_bright"] < 1

    speakers = pd.read_csv(out / "probe_speakers.csv", dtype={"speaker": str})
    assert len(speakers) == 2 * 2 + 2 * 1 + 2 * 2 + 2 * 2
    report = (out / "probe.md").read_text()
    assert "Unreadable files: 1 of 23" in report and "08b02Tc.wav" in report
    assert "take2.wav" in report and "strong intensity only" in report and "1 song files left out" in report
    assert result.model_name in report and "## Happy vs sad" in report
    assert (out / "probe.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pooled = result.differences[result.differences["sex"] == "all"]
    assert pooled["n_speakers"].tolist() == [2, 1, 2, 2]
    contrast = pd.read_csv(out / "probe_contrast.csv")
    assert len(contrast) == 10 and list(contrast["sex"][:2]) == ["all", "male"]
    assert "## Happy vs sad within sex" in report


def test_ravdess_all_intensities(corpora):
    files, inventory, _ = collect_probe_files({"ravdess": corpora["ravdess"]}, ravdess_intensity="all")
    assert len(files) == 8 and set(files["intensity"]) == {"normal", "strong"}
    with pytest.raises(ProbeError, match="ravdess_intensity"):
        collect_probe_files({"ravdess": corpora["ravdess"]}, ravdess_intensity="weak")


def test_model_without_dark_and_bright_is_refused(corpora, tmp_path):
    from stylecheck.features import build_backbone
    from stylecheck.styles.labels import LabelSet
    from stylecheck.models import new_model

    torch.manual_seed(0)
    model = new_model("speechmlc", build_backbone("mel80"), LabelSet({"gender": ("Female", "Male")}),
                      d_model=16, n_layers=1, n_heads=2, ff_dim=32)
    with pytest.raises(ProbeError, match="no label 'Dark', 'Bright'"):
        probe_emotion_corpora(corpora, model, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_wrong_folder_and_unknown_corpus(corpora, tmp_path):
    with pytest.raises(CorpusLayoutError, match="Actor_NN/03-01-EE-II-SS-RR-AA.wav"):
        collect_probe_files({"ravdess": corpora["emodb"]})
    with pytest.raises(ProbeError, match="unknown corpus iemocap"):
        collect_probe_files({"iemocap": tmp_path})


# -- the command line ------------------------------------------------------------------------
def test_cli_probe(corpora, tiny_model_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "cli"
    args = ["probe", "emotion-corpora", "--ravdess", str(corpora["ravdess"]), "--emodb", str(corpora["emodb"]),
            "--model", str(tiny_model_dir), "--out", str(out), "--batch-size", "8"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "RAVDESS" in res.output and "1 unreadable files" in res.output
    assert len(pd.read_csv(out / "probe.csv")) == 2 * 2 * 3  # corpora x emotions x (all, female, male)
    assert "RAVDESS      happy - sad male" in res.output
    res = runner.invoke(app, args)  # refuses to overwrite without --force
    assert res.exit_code == 2 and "--force" in res.output
    res = runner.invoke(app, args + ["--force", "--ravdess-intensity", "all"])
    assert res.exit_code == 0, res.output
    assert pd.read_csv(out / "probe.csv").set_index(["corpus", "emotion", "sex"]).loc[
        ("RAVDESS", "happy", "all"), "n_files"] == 4


def test_cli_errors(corpora, tiny_model_dir, tmp_path, monkeypatch):
    runner = CliRunner()
    res = runner.invoke(app, ["probe", "emotion-corpora", "--out", str(tmp_path / "a")])
    assert res.exit_code == 2 and "--esd, --ravdess or --emodb" in res.output
    res = runner.invoke(app, ["probe", "emotion-corpora", "--esd", str(corpora["ravdess"]),
                              "--model", str(tiny_model_dir), "--out", str(tmp_path / "b")])
    assert res.exit_code == 2 and "no files named" in res.output and str(corpora["ravdess"]) in res.output
    res = runner.invoke(app, ["probe", "emotion-corpora", "--emodb", str(corpora["emodb"]),
                              "--ravdess-intensity", "weak", "--out", str(tmp_path / "c")])
    assert res.exit_code == 2
    import stylecheck.pretrained

    monkeypatch.setattr(stylecheck.pretrained, "DEFAULT_MODEL_NAME", "no-such-bundled-model")
    res = runner.invoke(app, ["probe", "emotion-corpora", "--emodb", str(corpora["emodb"]), "--out", str(tmp_path / "d")])
    assert res.exit_code == 2 and "cannot load the model" in res.output and "bundled" in res.output


@pytest.mark.realdata
def test_probe_on_real_ravdess_and_emodb(tiny_model_dir, tmp_path):
    corpora = {"ravdess": real_data("ravdess"), "emodb": real_data("emodb")}
    result = probe_emotion_corpora(corpora, str(tiny_model_dir), tmp_path, n_resamples=200)
    summary = pd.read_csv(tmp_path / "probe.csv")
    assert len(summary) == 12
    assert {(r.corpus, r.emotion, r.sex) for r in summary.itertuples()} == {
        (c, e, sx) for c in ("RAVDESS", "EmoDB") for e in ("happy", "sad") for sx in ("all", "female", "male")}
    assert summary.set_index(["corpus", "emotion", "sex"]).loc[("RAVDESS", "happy", "all"), "n_files"] == 8
    assert (tmp_path / "probe.png").stat().st_size > 0
    assert result.unreadable.empty


def test_bundled_model_is_named_not_located(tiny_model_dir):
    # The report and the plot title name a bundled model as such, not by this machine's folder.
    from stylecheck.models.style_model import load_model
    from stylecheck.experiments.emotion_probe import model_description

    assert model_description(load_model("stylecheck-ge2e-v1")) == "stylecheck-ge2e-v1 v1.0 (bundled)"
    assert str(tiny_model_dir) in model_description(load_model(str(tiny_model_dir)))
