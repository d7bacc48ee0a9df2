"""The README's example of a measured-category plot: the bundled example utterances of the three
synthesizers, each re-pitched with Praat (Change gender) to a low, a normal and a high median F0
for its voice, scored with prompts that ask for those levels; copies the report's
``measured_pitch.png`` to ``docs/measured_pitch.png``.

    .venv/bin/python scripts/measured_pitch_example.py [--out /tmp/pitch-example]
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import parselmouth
import soundfile as sf
from parselmouth.praat import call

from stylecheck.scoring import score_directory
from stylecheck.styles.prompts import parse_style_prompt

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "stylecheck" / "examples" / "audio"
STYLES = pd.read_csv(ROOT / "stylecheck" / "examples" / "styles.csv")
SHIFTS_ST = {"low": -5.0, "normal": 0.0, "high": 5.0}
WORDS = {"low": "a low-pitched voice", "normal": "a voice of moderate pitch", "high": "a high-pitched voice"}


def repitch(path: Path, semitones: float) -> tuple[np.ndarray, int]:
    snd = parselmouth.Sound(str(path))
    pitch = snd.to_pitch()
    median = call(pitch, "Get quantile", 0, 0, 0.5, "Hertz")
    target = median * 2 ** (semitones / 12)
    out = call(snd, "Change gender", 60, 600, 1.0, target, 1.0, 1.0)
    return out.values[0], int(out.sampling_frequency)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/pitch-example"))
    args = ap.parse_args()
    audio = args.out / "audio"
    rows = []
    for system in ("espeak", "festival", "flite"):
        for path in sorted((EXAMPLES / system).glob("*.flac")):
            row = STYLES.set_index("file").loc[f"{system}/{path.name}"]
            asked = str(row["styles"]) if isinstance(row["styles"], str) else \
                parse_style_prompt(str(row["prompt"])).expected.get("gender", "")
            gender = "Female" if "Female" in asked else "Male"
            for level, st in SHIFTS_ST.items():
                wave, sr = repitch(path, st)
                name = f"{system}/{path.stem}_{level}.wav"
                (audio / system).mkdir(parents=True, exist_ok=True)
                sf.write(str(audio / name), wave, sr)
                rows.append({"file": name, "system": system, "speaker": f"{system}-{path.stem}",
                             "prompt": f"{'a woman' if gender == 'Female' else 'a man'} speaking in {WORDS[level]}"})
    pd.DataFrame(rows).to_csv(args.out / "styles.csv", index=False)
    score_directory(audio, args.out / "styles.csv", out_dir=args.out / "scored", force=True)
    shutil.copy(args.out / "scored" / "measured_pitch.png", ROOT / "docs" / "measured_pitch.png")
    print((args.out / "scored" / "controllability.csv").read_text())


if __name__ == "__main__":
    main()
