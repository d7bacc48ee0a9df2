"""Readers of the emotional-speech corpora (ESD, RAVDESS, EmoDB): real names and layouts in,
one row per file with a normalised emotion out; other files counted, wrong folders refused."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from helpers import real_data, write_wav
from stylecheck.data.corpora.emodb import parse_emodb_name, read_emodb
from stylecheck.data.corpora.esd import parse_esd_path, read_esd
from stylecheck.data.corpora.layout import CorpusLayoutError
from stylecheck.data.corpora.ravdess import parse_ravdess_name, read_ravdess

SILENCE = np.zeros(1600, dtype=np.float32)  # the readers look at names, not samples


def touch_wavs(root: Path, names: list[str], sr: int = 16000) -> None:
    for name in names:
        write_wav(root / name, SILENCE, sr)


# -- names -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name, expected", [
    ("03-01-03-02-01-01-01.wav", {"speaker": "Actor_01", "emotion": "happy", "intensity": "strong",
                                  "vocal_channel": "speech", "statement": 1, "repetition": 1, "sex": "male"}),
    ("03-01-04-01-02-02-12.wav", {"speaker": "Actor_12", "emotion": "sad", "intensity": "normal",
                                  "statement": 2, "repetition": 2, "sex": "female"}),
    ("03-01-01-01-01-01-24.wav", {"emotion": "neutral", "actor": 24}),
    ("03-01-02-02-01-01-03.wav", {"emotion": "calm"}),
    ("03-01-05-01-01-01-03.wav", {"emotion": "angry"}),
    ("03-01-06-01-01-01-03.wav", {"emotion": "fear"}),
    ("03-01-07-01-01-01-03.wav", {"emotion": "disgust"}),
    ("03-01-08-01-01-01-03.wav", {"emotion": "surprise"}),
    ("03-02-03-02-01-01-05.wav", {"vocal_channel": "song", "emotion": "happy"}),
    ("01-01-03-02-01-01-05.wav", {"emotion": "happy"}),  # full-AV modality code on an audio file
])
def test_ravdess_names_parse(name, expected):
    row = parse_ravdess_name(Path("Actor_xx") / name)
    assert row is not None and row["corpus"] == "RAVDESS"
    assert {k: row[k] for k in expected} == expected


@pytest.mark.parametrize("name", [
    "03-01-09-01-01-01-01.wav",  # emotion 09 does not exist
    "03-01-03-03-01-01-01.wav",  # intensity 03
    "03-03-03-02-01-01-01.wav",  # vocal channel 03
    "04-01-03-02-01-01-01.wav",  # modality 04
    "03-01-03-02-01-01-25.wav",  # actor 25
    "03-01-03-02-01-01.wav",     # six fields
    "03_01_03_02_01_01_01.wav",
    "speech.wav",
])
def test_ravdess_foreign_names_do_not_parse(name):
    assert parse_ravdess_name(name) is None


@pytest.mark.parametrize("name, expected", [
    ("03a01Fa.wav", {"speaker": "03", "emotion": "happy", "text": "a01", "version": "a", "sex": "male"}),
    ("16b10Tb.wav", {"speaker": "16", "emotion": "sad", "text": "b10", "sex": "female"}),
    ("08a02Wc.wav", {"emotion": "angry", "sex": "female"}),
    ("09a05Lb.wav", {"emotion": "boredom"}),
    ("10b03Ea.wav", {"emotion": "disgust"}),
    ("11a04Ad.wav", {"emotion": "fear"}),
    ("13a07Na.wav", {"emotion": "neutral", "sex": "female"}),
])
def test_emodb_names_parse(name, expected):
    row = parse_emodb_name(Path("wav") / name)
    assert row is not None and row["corpus"] == "EmoDB"
    assert {k: row[k] for k in expected} == expected


@pytest.mark.parametrize("name", [
    "03a01Xa.wav",   # no emotion X
    "04a01Fa.wav",   # speaker 04 is not an EmoDB speaker
    "3a01Fa.wav",
    "03a01fa.wav",   # emotion letters are capitals
    "03a01Fa1.wav",
    "03-01-03-02-01-01-01.wav",
])
def test_emodb_foreign_names_do_not_parse(name):
    assert parse_emodb_name(name) is None


@pytest.mark.parametrize("path, expected", [
    ("0011/Happy/train/0011_000981.wav", {"corpus": "ESD-English", "speaker": "0011", "emotion": "happy",
                                          "split": "train", "utterance": 981, "language": "English",
                                          "sex": "male"}),
    ("Emotion Speech Dataset/0001/Sad/0001_001100.wav", {"corpus": "ESD-Chinese", "speaker": "0001",
                                                         "emotion": "sad", "split": "", "language": "Mandarin",
                                                         "sex": "female"}),
    ("0020/angry/evaluation/0020_000400.wav", {"corpus": "ESD-English", "emotion": "angry", "split": "evaluation",
                                               "sex": "male"}),
    ("0010/NEUTRAL/test/0010_000001.wav", {"corpus": "ESD-Chinese", "emotion": "neutral", "split": "test",
                                           "sex": "male"}),
    ("0019/Sad/0019_001100.wav", {"corpus": "ESD-English", "sex": "female"}),
    ("x/0005/Surprise/0005_001500.wav", {"emotion": "surprise"}),
])
def test_esd_paths_parse(path, expected):
    row = parse_esd_path(path)
    assert row is not None
    assert {k: row[k] for k in expected} == expected


def test_esd_has_five_female_and_five_male_speakers_per_language():
    from stylecheck.data.corpora.esd import SPEAKER_SEX

    for first in (1, 11):
        sexes = [SPEAKER_SEX[f"{i:04d}"] for i in range(first, first + 10)]
        assert sexes.count("female") == sexes.count("male") == 5


@pytest.mark.parametrize("path", [
    "0011/Happy/0012_000981.wav",        # file of another speaker than its folder
    "0021/Happy/0021_000001.wav",        # ESD has speakers 0001-0020 only
    "0011/Bored/0011_000001.wav",        # no such emotion
    "0011/Happy/train/0011_981.wav",     # utterance numbers have six digits
    "0011/Happy/dev/0011_000981.wav",    # unknown split folder
    "0011_000981.wav",
])
def test_esd_foreign_paths_do_not_parse(path):
    assert parse_esd_path(path) is None


# -- folders ---------------------------------------------------------------------------------
def test_read_esd_with_split_folders_and_extra_top_folder(tmp_path):
    top = tmp_path / "Emotion Speech Dataset"
    touch_wavs(top, [
        "0011/Happy/train/0011_000701.wav", "0011/Happy/evaluation/0011_000702.wav",
        "0011/Sad/test/0011_001051.wav", "0011/Neutral/train/0011_000001.wav",
        "0001/Happy/train/0001_000701.wav", "0001/Sad/train/0001_001051.wav",
        "0011/Happy/train/0012_000703.wav",  # in the wrong speaker's folder
        "0011/Happy/train/readme.wav",
    ])
    (top / "0011" / "0011.txt").write_text("0011_000001\tAuthor of the danger trail.\tNeutral\n")
    frame = read_esd(tmp_path)
    assert len(frame) == 6
    assert list(frame.columns[:4]) == ["path", "corpus", "speaker", "emotion"]
    by_corpus = frame.groupby("corpus")["emotion"].apply(sorted).to_dict()
    assert by_corpus == {"ESD-Chinese": ["happy", "sad"], "ESD-English": ["happy", "happy", "neutral", "sad"]}
    assert set(frame["split"]) == {"train", "evaluation", "test"}
    assert sorted(Path(p).name for p in frame.attrs["unmatched"]) == ["0012_000703.wav", "readme.wav"]


def test_read_ravdess_keeps_speech_and_counts_the_rest(tmp_path):
    touch_wavs(tmp_path / "Audio_Speech_Actors_01-24", [
        "Actor_01/03-01-03-02-01-01-01.wav", "Actor_01/03-01-04-01-01-01-01.wav",
        "Actor_02/03-01-03-02-02-02-02.wav", "Actor_02/03-02-03-02-01-01-02.wav",  # the last is song
        "Actor_02/mic_test.wav",
    ], sr=48000)
    (tmp_path / "Audio_Speech_Actors_01-24" / "Actor_01" / "01-01-03-02-01-01-01.mp4").write_bytes(b"video")
    frame = read_ravdess(tmp_path)
    assert frame["speaker"].tolist() == ["Actor_01", "Actor_01", "Actor_02"]
    assert frame["emotion"].tolist() == ["happy", "sad", "happy"]
    assert frame["intensity"].tolist() == ["strong", "normal", "strong"]
    assert frame.attrs["song_files"] == 1
    assert [Path(p).name for p in frame.attrs["unmatched"]] == ["mic_test.wav"]
    with_song = read_ravdess(tmp_path, include_song=True)
    assert len(with_song) == 4 and (with_song["vocal_channel"] == "song").sum() == 1


def test_read_emodb(tmp_path):
    touch_wavs(tmp_path / "wav", ["03a01Fa.wav", "03a02Ta.wav", "08b01Wb.wav", "99a01Fa.wav"], sr=22050)
    (tmp_path / "erkennung.txt").write_bytes("Nr.\tSatz\terkannt\n".encode("latin-1"))
    frame = read_emodb(tmp_path)
    assert frame["emotion"].tolist() == ["happy", "sad", "angry"]
    assert frame["sex"].tolist() == ["male", "male", "female"]
    assert [Path(p).name for p in frame.attrs["unmatched"]] == ["99a01Fa.wav"]
    # The wav/ folder itself is accepted too.
    assert len(read_emodb(tmp_path / "wav")) == 3


@pytest.mark.parametrize("reader, expected", [
    (read_ravdess, "Actor_NN/03-01-EE-II-SS-RR-AA.wav"),
    (read_emodb, "SSTTTEV.wav"),
    (read_esd, "<speaker>_<nnnnnn>.wav"),
])
def test_wrong_folder_is_refused_with_the_expected_naming(tmp_path, reader, expected):
    touch_wavs(tmp_path / "p225", ["p225_001.wav", "p225_002.wav"])
    with pytest.raises(CorpusLayoutError) as err:
        reader(tmp_path)
    message = str(err.value)
    assert str(tmp_path) in message and expected in message and "2 other audio files" in message


def test_missing_and_empty_folders_are_refused(tmp_path):
    with pytest.raises(CorpusLayoutError, match="not a directory"):
        read_ravdess(tmp_path / "nowhere")
    with pytest.raises(CorpusLayoutError, match="no audio files found"):
        read_emodb(tmp_path)


def test_other_corpora_are_not_mistaken_for_each_other(tmp_path):
    touch_wavs(tmp_path / "emodb" / "wav", ["03a01Fa.wav"])
    touch_wavs(tmp_path / "ravdess" / "Actor_01", ["03-01-03-02-01-01-01.wav"])
    with pytest.raises(CorpusLayoutError):
        read_ravdess(tmp_path / "emodb")
    with pytest.raises(CorpusLayoutError):
        read_emodb(tmp_path / "ravdess")
    with pytest.raises(CorpusLayoutError):
        read_esd(tmp_path)


@pytest.mark.realdata
def test_real_ravdess_and_emodb_folders():
    ravdess = read_ravdess(real_data("ravdess"))
    assert len(ravdess) == 120 and not ravdess.attrs["unmatched"]
    assert set(ravdess["speaker"]) == {"Actor_01", "Actor_02"}
    strong = ravdess[ravdess["intensity"] == "strong"]
    assert strong.groupby("emotion").size()[["happy", "sad"]].tolist() == [8, 8]
    emodb = read_emodb(real_data("emodb"))
    assert len(emodb) == 188 and not emodb.attrs["unmatched"]
    assert set(emodb["speaker"]) == {"03", "08", "09", "10"}
