"""A voice-conversion-like scored folder: three systems rendered the same prompts from source
recordings, one of them copying its source's voice; the report built from it by the same code
``stylecheck score`` runs (``write_summary_outputs``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import write_wav
from scores_dummies import score_row, scores_frame
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.scoring.sources import attach_source_labels
from stylecheck.scoring.summary import write_summary_outputs

SYSTEMS = ("vcA", "vcB", "vcC")
# (prompt, expected, the source's voice)
PROMPTS = [
    ("a woman's voice", {"gender": "Female", "age": "Adult"}, {"gender": "Male", "age": "Adult"}),
    ("a man's voice", {"gender": "Male", "age": "Adult"}, {"gender": "Female", "age": "Adult"}),
    ("a young girl", {"gender": "Female", "age": "Teenager"}, {"gender": "Male", "age": "Adult"}),
    ("an adult man, dark voice", {"gender": "Male", "age": "Adult", "brightness": "Dark"},
     {"gender": "Female", "age": "Teenager", "brightness": "Bright"}),
    ("a bright female voice", {"gender": "Female", "brightness": "Bright"}, {"gender": "Male", "brightness": "Dark"}),
]
RELIABILITY = {"source": "test figures", "per_label": {
    lab: {"f1": 0.95, "lo": 0.9, "hi": 1.0, "n_pos_speakers": 20} for lab in ("Female", "Male")},
    "per_category": {}}


@dataclass
class VCReport:
    scores: pd.DataFrame
    audio_root: Path
    out_dir: Path
    report: Path
    n_prompts: int = len(PROMPTS)
    systems: tuple = SYSTEMS


def write_tone(path: Path, freq: float, seconds: float = 0.3, sr: int = 16000) -> Path:
    t = np.arange(int(seconds * sr)) / sr
    return write_wav(path, (0.2 * np.sin(2 * np.pi * freq * t)).astype(np.float32), sr)


def _predicted(system: str, i: int, expected: dict, source: dict) -> dict:
    """vcA follows the prompt but for the last two items, vcB follows it on even items, vcC
    always keeps the source's voice."""
    follow = {"vcA": i < 3, "vcB": i % 2 == 0, "vcC": False}[system]
    return dict(expected) if follow else dict(source)


def build_vc_report(tmp_path: Path, copy_audio: bool = True) -> VCReport:
    audio_root = tmp_path / "vc audio"
    outside = tmp_path / "reference voices"
    rows, roles, sources = [], [], []
    for i, (prompt, expected, source_voice) in enumerate(PROMPTS):
        # Sources 0-2 lie in the audio folder, 3-4 outside it (named by absolute path).
        if i < 3:
            key = f"sources/spk{i}.wav"
            write_tone(audio_root / key, freq=150.0 + 20 * i)
        else:
            key = write_tone(outside / f"ref {i}.wav", freq=150.0 + 20 * i).as_posix()
        rows.append(score_row(key, predicted=source_voice))
        roles.append("source"), sources.append("")
        for s, system in enumerate(SYSTEMS):
            file = f"{system}/p{i:02d}.wav"
            write_tone(audio_root / file, freq=300.0 + 10 * i + 50 * s)
            rows.append(score_row(file, system=system, speaker=f"spk{i}", expected=expected, prompt=prompt,
                                  predicted=_predicted(system, i, expected, source_voice)))
            roles.append("output"), sources.append(key)
    scores = attach_source_labels(scores_frame(rows).assign(role=roles, source=sources), PAPER_LABELS)
    scores = scores.sort_values("file", kind="stable").reset_index(drop=True)
    out_dir = tmp_path / "out"
    meta = {"model": {"name": "vc test model", "version": "1", "labels": list(PAPER_LABELS.labels),
                      "label_set": PAPER_LABELS.to_dict(), "thresholds": [0.5] * len(PAPER_LABELS.labels),
                      "backbone": {"kind": "mel80"}, "reliability": RELIABILITY}}
    write_summary_outputs(scores, PAPER_LABELS, [0.5] * len(PAPER_LABELS.labels), out_dir, audio_root, meta,
                          copy_audio=copy_audio)
    return VCReport(scores, audio_root, out_dir, out_dir / "report.html")
