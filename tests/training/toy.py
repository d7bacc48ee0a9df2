"""A learnable toy corpus: pitch decides gender, formant brightness decides Dark/Bright."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


from helpers import voice_like, write_wav

TINY = {"d_model": 32, "n_layers": 1}


def make_toy_corpus(root: Path, n_speakers: int = 8, per_speaker: int = 3, seed: int = 0) -> tuple[Path, Path]:
    """Speakers alternate low/high pitch (Male/Female) and dark/bright formants; Rough/Smooth and
    age are left unknown (empty), as DreamVoice leaves labels annotators did not agree on."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n_speakers):
        female = s % 2 == 1
        bright = (s // 2) % 2 == 1
        f0 = (210 if female else 110) * rng.uniform(0.93, 1.07)
        formants = (900, 1700, 3200) if bright else (450, 900, 2200)
        for u in range(per_speaker):
            path = write_wav(root / f"spk{s}" / f"u{u}.wav",
                             voice_like(rng.uniform(1.0, 2.5), 16000, f0, formants, seed=s * 100 + u))
            rows.append({"path": str(path.relative_to(root)), "speaker": f"spk{s}",
                         "Female": int(female), "Male": int(not female), "Dark": int(not bright),
                         "Bright": int(bright), "Adult": "", "Teenager": "", "Rough": "", "Smooth": ""})
    df = pd.DataFrame(rows)
    train = root / "train.csv"
    valid = root / "valid.csv"
    df.to_csv(train, index=False)
    df[df.index % per_speaker == 0].to_csv(valid, index=False)
    return train, valid


