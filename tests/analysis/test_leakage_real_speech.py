"""Source leakage end to end on real speech of both genders (LibriSpeech speakers held out from
the bundled model's training): a system that returns its source unchanged leaks (near 1), a
system whose output has the requested gender does not (near 0)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import soundfile as sf

from helpers import real_data
from stylecheck.data.corpora.librispeech import read_speakers_sex
from stylecheck.scoring import score_directory

REPO = Path(__file__).resolve().parents[2]
PER_GENDER = 4
SECONDS = 6.0


def _crop(src: Path, dst: Path) -> Path:
    wave, sr = sf.read(str(src), dtype="float32")
    dst.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(dst), wave[: int(SECONDS * sr)], sr)
    return dst


def test_leakage_near_one_for_a_copying_system_and_near_zero_for_a_following_one(tmp_path):
    audio_dir = real_data("librispeech", "train-clean-100")
    sex = read_speakers_sex(real_data("librispeech", "SPEAKERS.TXT"))
    held_out = (REPO / "configs/splits/libritts_p/test.txt").read_text().split()
    files = {p.name.split("-")[0]: p for p in sorted(audio_dir.glob("*.flac"))}
    voices = {g: [files[s] for s in held_out if s in files and sex.get(s) == g][:PER_GENDER] for g in "FM"}
    assert all(len(v) == PER_GENDER for v in voices.values()), "not enough held-out speakers of each gender"

    audio, sources = tmp_path / "generated", tmp_path / "source voices"
    rows = ["file,system,styles,source"]
    for i in range(PER_GENDER):
        for gender, other in (("F", "M"), ("M", "F")):
            source = _crop(voices[gender][i], sources / f"{gender}{i}.wav")
            asked = {"F": "Male", "M": "Female"}[gender]  # every prompt asks for the other gender
            item = f"{gender}{i}.wav"
            _crop(voices[gender][i], audio / "copy" / item)      # returns the source's voice
            _crop(voices[other][i], audio / "follow" / item)     # a real voice of the asked gender
            rows += [f"copy/{item},copy,{asked},{source}", f"follow/{item},follow,{asked},{source}"]
    styles = tmp_path / "styles.csv"
    styles.write_text("\n".join(rows) + "\n")

    scores = score_directory(audio, styles, out_dir=tmp_path / "out")
    assert (scores["status"] == "ok").all()
    assert (scores["role"] == "source").sum() == 2 * PER_GENDER  # each source scored once
    leakage = pd.read_csv(tmp_path / "out" / "leakage.csv").set_index(["system", "category"])
    copy, follow = leakage.loc[("copy", "gender")], leakage.loc[("follow", "gender")]
    print(leakage.to_string())
    assert copy["n"] == follow["n"] == 2 * PER_GENDER
    assert copy["leakage"] >= 0.85 and follow["leakage"] <= 0.15
    assert copy["lo"] > follow["hi"]
    assert "## Source leakage" in (tmp_path / "out" / "summary.md").read_text()
    assert 'id="leakage"' in (tmp_path / "out" / "report.html").read_text()
