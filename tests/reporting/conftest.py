"""A complete report built from a dummy scores table and real (generated) audio files."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import report_summary
import soundfile as sf

from scores_dummies import random_scores, score_row, scores_frame
from stylecheck.analysis.adherence import adherence_table, label_prf_table
from stylecheck.analysis.comparison import compare_systems
from stylecheck.analysis.speakers import speaker_adherence_table
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.reporting.html import write_report_html
from stylecheck.reporting.plots import plot_adherence, plot_expected_probability
from stylecheck.reporting.tables import write_summary_tables

# A name that needs HTML escaping and URL quoting (space, #, &, quotes, angle brackets).
ODD_NAME = "sysA/it's <odd> & \"#1\".wav"
ODD_PROMPT = "<script>alert('x')</script> & a \"deep\" voice"


def write_tone(path: Path, seconds: float = 0.3, freq: float = 220.0, sr: int = 16000) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * sr)) / sr
    sf.write(str(path), (0.2 * np.sin(2 * np.pi * freq * t)).astype(np.float32), sr)
    return path


@dataclass
class BuiltReport:
    scores: pd.DataFrame
    audio_root: Path
    out_dir: Path
    report: Path
    plots: list[Path]
    tables: dict[str, Path]
    odd_name: str = ODD_NAME
    odd_prompt: str = ODD_PROMPT


def build_report(tmp_path: Path) -> BuiltReport:
    scores = random_scores(systems=("sysA", "sysB"), n_items=6, seed=1)
    odd = score_row(ODD_NAME, system="sysA", speaker="spk9", expected={"gender": "Female", "age": "Adult"},
                    predicted={"gender": "Male", "age": "Adult"}, prompt=ODD_PROMPT)
    scores = pd.concat([scores, scores_frame([odd])], ignore_index=True)
    audio_root = tmp_path / "scored folder"
    for i, row in scores.iterrows():
        if row["status"] in ("ok", "unlisted"):
            write_tone(audio_root / row["file"], freq=200.0 + 10 * i)
    out_dir = tmp_path / "out"
    adherence = adherence_table(scores, PAPER_LABELS, n_resamples=100)
    label_prf = label_prf_table(scores, PAPER_LABELS)
    comparison = compare_systems(scores, PAPER_LABELS, n_resamples=100)
    speakers = speaker_adherence_table(scores, PAPER_LABELS, 0.5, n_resamples=100)
    tables = write_summary_tables(out_dir, adherence, label_prf, comparison, speakers)
    plots = [plot_adherence(adherence, out_dir / "adherence.png"),
             plot_expected_probability(scores, PAPER_LABELS, out_dir / "expected_probability.png",
                                       thresholds={lab: 0.5 for lab in PAPER_LABELS.labels})]
    model_info = {"name": "tiny <test> model", "version": "0.0.1"}
    summary = report_summary(scores, model_info, adherence=adherence, label_prf=label_prf, comparison=comparison,
                             speaker_adherence=speakers)
    report = write_report_html(out_dir, scores, summary, plots, model_info, audio_root)
    return BuiltReport(scores, audio_root, out_dir, report, plots, tables)


@pytest.fixture(scope="session")
def built_report(tmp_path_factory) -> BuiltReport:
    """Built once per session: tests read it and must not change it."""
    return build_report(tmp_path_factory.mktemp("report"))
