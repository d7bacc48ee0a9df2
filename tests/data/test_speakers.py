"""Training speakers recognised across manifests: one id space for the LibriSpeech family, one for VCTK."""
from __future__ import annotations

import json

import pandas as pd

from stylecheck.data.speakers import row_speakers, seen_in_training, speaker_space, training_speakers
from stylecheck.models.config import ModelConfig


def frames():
    ls = pd.DataFrame({"path": ["/d/ls/19-198-0000.flac", "/d/ls/26-495-0000.flac"], "speaker": ["19", "26"],
                       "corpus": "libritts_p"})
    dv = pd.DataFrame({"path": ["/d/vctk/p240/p240_001.flac", "/d/r/2238/2238_1_2_3.wav"], "speaker": ["p240", "2238"],
                       "corpus": "dreamvoice", "meta_audio_corpus": ["vctk", "libritts_r"]})
    return ls, dv


def test_speaker_spaces_follow_the_corpus_then_the_file_name():
    assert speaker_space("libritts_p", "/x/a.flac") == "librispeech"
    assert speaker_space("dreamvoice", "/x/a.flac", "vctk") == "vctk"
    assert speaker_space("RAVDESS", "/x/03-01-01-01-01-01-01.wav") == "ravdess"
    assert speaker_space("", "/x/103-1240-0000.flac") == "librispeech"
    assert speaker_space(None, "/x/p225/p225_001.wav") == "vctk"
    assert speaker_space(None, "/x/other/p225_001.wav") is None  # a VCTK-like name outside its speaker folder
    assert speaker_space(None, "/x/clip.wav") is None


def test_training_speakers_per_space_and_a_config_round_trip():
    ls, dv = frames()
    trained = training_speakers([ls, dv])
    assert trained == {"librispeech": ["19", "26", "2238"], "vctk": ["p240"]}
    cfg = ModelConfig(training_speakers=trained)
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))).training_speakers == trained
    assert ModelConfig().training_speakers is None  # older configs: not known


def test_seen_speakers_are_found_in_another_manifest_of_the_same_speakers():
    ls, dv = frames()
    trained = training_speakers([ls, dv])
    other = pd.DataFrame({"path": ["/e/19/19_198_0001_000.wav", "/e/225/225_003.wav", "/e/p240/p240_010.wav",
                                   "/e/0026-1-1.flac", "/e/x.wav"],
                          "speaker": ["19", "225", "240", "0026", "26"], "corpus": ["libritts", "vctk", "vctk", "", "esd"]})
    assert row_speakers(other)[2] == ("vctk", "p240")
    assert seen_in_training(other, trained).tolist() == [True, False, True, True, False]
    assert not seen_in_training(other.drop(columns="speaker"), trained).any()
