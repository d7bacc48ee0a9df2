"""The speech check in ``stylecheck score``: non-speech gets ``no_speech`` and no style labels,
speech is classified from its trimmed span, the check can be turned off, and every real speech
recording in the shared data passes it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from helpers import non_speech, real_data, speech_like, write_wav
from stylecheck.audio import AUDIO_EXTENSIONS, SpeechSettings, load_audio
from stylecheck.audio.vad import SpeechDetector
from stylecheck.models import NoSpeechError, StyleModel
from stylecheck.scoring import score_directory

SR = 16000


@pytest.fixture(scope="module")
def non_speech_folder(tmp_path_factory):
    """The issue's fixture: every kind of non-speech, listed in one system whose files are all
    expected Female, and one real utterance beside them in the same system."""
    root = tmp_path_factory.mktemp("nonspeech")
    audio = root / "audio"
    for name, wave in non_speech().items():
        write_wav(audio / f"broken/{name}.wav", wave.astype(np.float32))
    write_wav(audio / "broken/speech.wav", speech_like(3.0, seed=1))
    styles = root / "styles.csv"
    styles.write_text("file,styles,system\n" + "".join(
        f"broken/{p.name},Female,broken\n" for p in sorted((audio / "broken").iterdir())))
    return audio, styles


def test_every_non_speech_file_is_no_speech_without_labels(non_speech_folder, tiny_model_dir, tmp_path):
    audio, styles = non_speech_folder
    scores = score_directory(audio, styles, tiny_model_dir, tmp_path / "out").set_index("file")
    rows = scores.drop(index="broken/speech.wav")
    assert len(rows) == 6 and set(rows["status"]) == {"no_speech"}, rows["status"].to_dict()
    for name, r in rows.iterrows():
        assert r["error"].startswith("no speech: ") and "minimum 0.5 s" in r["error"], name
        assert float(r["error"].split()[2]) == pytest.approx(r["speech_s"], abs=0.01)  # the measured seconds
        assert r["speech_s"] < 0.5
    assert rows[[c for c in scores if c.startswith("p_")]].isna().all().all()
    assert (rows["predicted"] == "").all() and (rows["predicted_gender"] == "").all()
    # Not judged: no match either way (adherence counts them as failures, not as hits).
    assert (rows["match_gender"] == "").all() and (rows["expected_gender"] == "Female").all()
    speech = scores.loc["broken/speech.wav"]
    assert speech["status"] == "ok" and speech["speech_s"] > 2.0 and np.isfinite(speech["p_Female"])
    written = pd.read_csv(tmp_path / "out" / "scores.csv", keep_default_na=False).set_index("file")
    assert (written.loc[rows.index, "status"] == "no_speech").all()
    # The system's gender adherence counts the six as failures: at most 1 of 7 can adhere.
    summary = pd.read_csv(tmp_path / "out" / "summary.csv", keep_default_na=False)
    gender = summary[(summary["system"] == "broken") & (summary["category"] == "gender")].iloc[0]
    assert int(gender["n"]) == 7 and int(gender["n_failed"]) == 6 and int(gender["n_matched"]) <= 1
    assert float(gender["adherence"]) <= 1 / 7 + 1e-9 and float(gender["hi"]) < 0.6


def test_without_the_check_everything_is_classified(non_speech_folder, tiny_model_dir):
    audio, styles = non_speech_folder
    scores = score_directory(audio, styles, tiny_model_dir, speech=None)
    assert set(scores["status"]) == {"ok"}
    assert scores["speech_s"].isna().all()


def test_min_speech_zero_rejects_nothing(non_speech_folder, tiny_model_dir):
    audio, styles = non_speech_folder
    scores = score_directory(audio, styles, tiny_model_dir, speech=SpeechSettings(min_speech_s=0.0))
    assert set(scores["status"]) == {"ok"}
    assert (scores["speech_s"] >= 0).all()


def test_leading_and_trailing_silence_is_trimmed_before_classifying(tiny_model_dir):
    model = StyleModel.from_pretrained(tiny_model_dir)
    speech = torch.from_numpy(speech_like(2.5, seed=7))
    padded = torch.cat([torch.zeros(3 * SR), speech, torch.zeros(4 * SR)])
    cut = model.select_speech([padded])[0]
    assert cut.error is None
    assert cut.wave.shape[0] < speech.shape[0] + int(0.5 * SR)  # the 7 s of silence are gone
    # Trimming makes the padded file score like the bare utterance; without it, it does not.
    trimmed, bare = model.predict([padded.numpy()]), model.predict([speech.numpy()])
    untrimmed = model.predict([padded.numpy()], speech=None)
    assert np.abs(trimmed - bare).max() < np.abs(untrimmed - bare).max()
    np.testing.assert_allclose(trimmed, model.predict([cut.wave.numpy()], speech=None), atol=1e-6, rtol=0)


def test_predict_raises_no_speech_naming_the_file(tiny_model_dir, tmp_path):
    model = StyleModel.from_pretrained(tiny_model_dir)
    path = write_wav(tmp_path / "hum.wav", non_speech()["tone"].astype(np.float32))
    with pytest.raises(NoSpeechError, match=r"hum.wav: no speech: 0.00 s"):
        model.predict([path], on_no_speech="raise")


def test_predict_gives_a_silent_file_a_nan_row_and_keeps_the_others(tiny_model_dir, tmp_path):
    """Issue 21 item 3: one silent file in a list no longer loses the batch."""
    from stylecheck.models.style_model import NoSpeechWarning

    model = StyleModel.from_pretrained(tiny_model_dir)
    hum = write_wav(tmp_path / "hum.wav", non_speech()["tone"].astype(np.float32))
    voice = write_wav(tmp_path / "voice.wav", speech_like(2.5, seed=3))
    with pytest.warns(NoSpeechWarning, match=r"hum.wav: no speech"):
        probs = model.predict([hum, voice])
    assert probs.shape == (2, len(model.labels))
    assert np.isnan(probs[0]).all() and np.isfinite(probs[1]).all()
    np.testing.assert_allclose(probs[1], model.predict([voice])[0], atol=1e-6, rtol=0)
    assert not model.decide(probs)[0].any()  # no label for the file without speech
    # A single path is one input, not a sequence of characters.
    np.testing.assert_allclose(model.predict(str(voice)), model.predict([voice]), atol=1e-6, rtol=0)
    np.testing.assert_allclose(model.predict(voice), model.predict([voice]), atol=1e-6, rtol=0)


def _real_speech_files() -> list[Path]:
    root = real_data()
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS and p.is_file())


def test_every_real_speech_recording_passes_the_speech_check():
    """False rejections on all real speech in the shared data (LibriSpeech, LibriTTS, VCTK,
    RAVDESS, EmoDB): must be none. reports/vad.md gives the count and the least speech found."""
    files = _real_speech_files()
    assert len(files) > 500
    detector = SpeechDetector()
    settings = detector.settings
    rejected = []
    for s in range(0, len(files), 32):
        chunk = files[s : s + 32]
        for path, found in zip(chunk, detector.detect([load_audio(p, SR) for p in chunk], SR)):
            if found.speech_s < settings.min_speech_s:
                rejected.append((str(path), round(found.speech_s, 3)))
    assert rejected == [], f"{len(rejected)} of {len(files)} real speech files rejected: {rejected[:10]}"
