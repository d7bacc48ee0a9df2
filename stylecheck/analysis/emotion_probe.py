"""Statistics of the emotion-corpora probe (paper section 5.3, Figure 4) on a per-file table.

Per corpus, emotion and sex of speaker (``all`` pools the sexes): mean detection probabilities
with intervals that resample speakers, and the happy - sad contrast of [P(Bright) - P(Dark)] over
speaker means. A corpus has only a handful of voices and files of one voice are not independent
evidence, hence the speaker bootstrap. Bright partly tracks a female voice, so the contrast is
also given within sex. Running the probe (reading corpora, scoring, writing the report) is
:mod:`stylecheck.experiments.emotion_probe`.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .bootstrap import DEFAULT_RESAMPLES, Interval, bootstrap_mean, paired_bootstrap_diff

#: The paper's Figure 4 order; corpora not listed here follow in the order they appear.
CORPUS_ORDER = ("ESD-English", "ESD-Chinese", "RAVDESS", "EmoDB")
PROBED_LABELS = ("Dark", "Bright")
#: The ``sex`` of rows that pool both sexes.
ALL_SEXES = "all"


def prob_column(label: str) -> str:
    return f"p_{label.lower()}"


def _corpus_order(corpora: Sequence[str]) -> list[str]:
    seen = list(dict.fromkeys(corpora))
    return [c for c in CORPUS_ORDER if c in seen] + [c for c in seen if c not in CORPUS_ORDER]


def _sex_groups(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """``("all", frame)`` then one part per sex the rows carry (none without a ``sex`` column)."""
    groups = [(ALL_SEXES, frame)]
    if "sex" in frame.columns:
        sexes = sorted({str(v) for v in frame["sex"].dropna()} - {"", ALL_SEXES})
        groups += [(sex, frame[frame["sex"].astype(str) == sex]) for sex in sexes]
    return groups


def summarize_probe(scored: pd.DataFrame, emotions: Sequence[str] = ("happy", "sad"),
                    labels: Sequence[str] = PROBED_LABELS, n_resamples: int = DEFAULT_RESAMPLES,
                    seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Summary, per-speaker and happy-vs-sad tables from per-file probabilities.

    ``scored`` needs columns corpus, speaker, emotion and ``p_<label>`` for each of ``labels``,
    and may carry ``sex``; rows without probabilities (unreadable files) are left out. The summary
    and the contrast have a row per corpus, emotion (summary) and sex: ``all`` pools the speakers,
    then one row per sex present. Means are over files; their 95% intervals resample speakers. The
    contrast is, over speakers who have both emotions, the mean of [P(Bright) - P(Dark)] in the
    first emotion minus the same in the second, each a speaker mean, with a bootstrap interval
    over speakers and a two-sided bootstrap p-value (none with a single speaker).
    """
    cols = [prob_column(lab) for lab in labels]
    ok = scored.dropna(subset=cols)
    corpora = _corpus_order(scored["corpus"].tolist())
    summary_rows, speaker_frames, diff_rows = [], [], []
    for corpus in corpora:
        groups = _sex_groups(ok[ok["corpus"] == corpus])
        for emotion in emotions:
            for sex, in_group in groups:
                part = in_group[in_group["emotion"] == emotion]
                row = {"corpus": corpus, "emotion": emotion, "sex": sex, "n_files": len(part),
                       "n_speakers": part["speaker"].nunique()}
                for lab, col in zip(labels, cols):
                    iv = (bootstrap_mean(part[col].to_numpy(), clusters=part["speaker"].tolist(),
                                         n_resamples=n_resamples, seed=seed)
                          if len(part) else Interval(np.nan, np.nan, np.nan))
                    row.update({col: iv.value, f"{col}_lo": iv.lo, f"{col}_hi": iv.hi})
                summary_rows.append(row)
                if sex != ALL_SEXES or not len(part):
                    continue
                agg = {"n_files": (cols[0], "size"), **{c: (c, "mean") for c in cols}}
                if "sex" in part.columns:
                    agg["sex"] = ("sex", "first")
                per_speaker = part.groupby("speaker", sort=True).agg(**agg).reset_index()
                per_speaker.insert(0, "emotion", emotion)
                per_speaker.insert(0, "corpus", corpus)
                speaker_frames.append(per_speaker)
        if len(emotions) >= 2:
            for sex, in_group in groups:
                diff_rows.append({"sex": sex, **_contrast(in_group, corpus, emotions[0], emotions[1], cols,
                                                          n_resamples, seed)})
    summary = pd.DataFrame(summary_rows)
    speakers = pd.concat(speaker_frames, ignore_index=True) if speaker_frames else pd.DataFrame()
    differences = pd.DataFrame(diff_rows)
    if not differences.empty:  # corpus first, as in the other tables
        differences.insert(0, "corpus", differences.pop("corpus"))
    return summary, speakers, differences


def _contrast(part: pd.DataFrame, corpus: str, first: str, second: str, cols: list[str],
              n_resamples: int, seed: int) -> dict:
    """[last label - first label] in ``first`` minus the same in ``second``, over speaker means."""
    dark, bright = cols[0], cols[-1]
    margin = (part[bright] - part[dark]).rename("margin")
    by = pd.concat([part[["speaker", "emotion"]], margin], axis=1).groupby(["speaker", "emotion"])["margin"].mean()
    table = by.unstack("emotion")
    a_name, b_name = f"bright_minus_dark_{first}", f"bright_minus_dark_{second}"
    row = {"corpus": corpus, "contrast": f"{first} - {second}"}
    if first in table.columns and second in table.columns:
        both = table[[first, second]].dropna()
    else:
        both = pd.DataFrame(columns=[first, second])
    row["n_speakers"] = len(both)
    if len(both):
        iv, p = paired_bootstrap_diff(both[first].to_numpy(), both[second].to_numpy(),
                                      n_resamples=n_resamples, seed=seed)
        row.update({a_name: float(both[first].mean()), b_name: float(both[second].mean()),
                    "difference": iv.value, "difference_lo": iv.lo, "difference_hi": iv.hi, "p_value": p})
    else:
        row.update({a_name: np.nan, b_name: np.nan, "difference": np.nan, "difference_lo": np.nan,
                    "difference_hi": np.nan, "p_value": np.nan})
    return row


# -- figure and Markdown ---------------------------------------------------------------------


__all__ = ["ALL_SEXES", "CORPUS_ORDER", "PROBED_LABELS", "prob_column", "summarize_probe"]
