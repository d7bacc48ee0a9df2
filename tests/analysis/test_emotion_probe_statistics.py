"""Statistics of the emotion-corpora probe (paper section 5.3, Figure 4) checked by hand on
injected probabilities: speaker-bootstrap means, the happy - sad contrast, rows within sex."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stylecheck.analysis.emotion_probe import summarize_probe


# -- statistics on hand-made probabilities ---------------------------------------------------
def hand_example() -> pd.DataFrame:
    """Two speakers of one corpus. Speaker A: happy (D, B) = (.1, .9), (.3, .7); sad (.6, .2).
    Speaker B: happy (.2, .6); sad (.8, .1), (.4, .3). One unreadable file (no probabilities)."""
    rows = [("A", "happy", .1, .9), ("A", "happy", .3, .7), ("A", "sad", .6, .2),
            ("B", "happy", .2, .6), ("B", "sad", .8, .1), ("B", "sad", .4, .3),
            ("B", "sad", np.nan, np.nan)]
    frame = pd.DataFrame(rows, columns=["speaker", "emotion", "p_dark", "p_bright"])
    frame.insert(0, "corpus", "X")
    return frame


def test_summary_means_and_speaker_intervals_by_hand():
    summary, speakers, _ = summarize_probe(hand_example(), n_resamples=2000)
    happy = summary.set_index("emotion").loc["happy"]
    assert (happy["n_files"], happy["n_speakers"]) == (3, 2)
    assert happy["p_dark"] == pytest.approx(0.2)  # (.1 + .3 + .2) / 3
    assert happy["p_bright"] == pytest.approx(2.2 / 3)
    # Resampling speakers gives only {A, A} -> .8, {B, B} -> .6, {A, B} -> 2.2/3 for P(Bright),
    # and P(Dark) = .2 in every resample, so the 95% interval is [.6, .8] and [.2, .2].
    assert (happy["p_bright_lo"], happy["p_bright_hi"]) == (pytest.approx(0.6), pytest.approx(0.8))
    assert (happy["p_dark_lo"], happy["p_dark_hi"]) == (pytest.approx(0.2), pytest.approx(0.2))
    sad = summary.set_index("emotion").loc["sad"]
    assert sad["n_files"] == 3 and sad["p_dark"] == pytest.approx(0.6)
    a_sad = speakers.set_index(["emotion", "speaker"]).loc[("sad", "A")]
    assert (a_sad["n_files"], a_sad["p_dark"], a_sad["p_bright"]) == (1, pytest.approx(0.6), pytest.approx(0.2))
    assert len(speakers) == 4


def test_happy_minus_sad_contrast_uses_speaker_means():
    _, _, diff = summarize_probe(hand_example(), n_resamples=2000)
    row = diff.iloc[0]
    # A: happy B-D = mean(.8, .4) = .6, sad = -.4 -> 1.0.  B: happy .4, sad mean(-.7, -.1) = -.4 -> .8.
    assert row["n_speakers"] == 2
    assert row["bright_minus_dark_happy"] == pytest.approx(0.5)
    assert row["bright_minus_dark_sad"] == pytest.approx(-0.4)
    assert row["difference"] == pytest.approx(0.9)
    assert (row["difference_lo"], row["difference_hi"]) == (pytest.approx(0.8), pytest.approx(1.0))
    assert row["p_value"] == pytest.approx(0.0)


def test_one_speaker_has_no_interval_and_a_missing_emotion_no_contrast():
    frame = hand_example()
    frame = frame[(frame["speaker"] == "A") | (frame["emotion"] == "sad")]  # B has only sad files
    summary, _, diff = summarize_probe(frame, n_resamples=200)
    happy = summary.set_index("emotion").loc["happy"]
    assert happy["n_speakers"] == 1 and np.isnan(happy["p_dark_lo"])
    assert diff.iloc[0]["n_speakers"] == 1 and diff.iloc[0]["difference"] == pytest.approx(1.0)


def sexed_example() -> pd.DataFrame:
    """Two female and two male speakers, one happy and one sad file each, as (P(Dark), P(Bright)).
    Bright - Dark, happy minus sad: F1 .8 - .6 = .2, F2 1 - .8 = .2, M1 .2 - -.6 = .8,
    M2 .4 - -.8 = 1.2: the pooled gap (.6) hides a small female gap (.2) and a large male one (1.0)."""
    rows = [("F1", "female", "happy", .1, .9), ("F1", "female", "sad", .2, .8),
            ("F2", "female", "happy", .0, 1.), ("F2", "female", "sad", .1, .9),
            ("M1", "male", "happy", .4, .6), ("M1", "male", "sad", .8, .2),
            ("M2", "male", "happy", .3, .7), ("M2", "male", "sad", .9, .1)]
    frame = pd.DataFrame(rows, columns=["speaker", "sex", "emotion", "p_dark", "p_bright"])
    frame.insert(0, "corpus", "X")
    return frame


def test_rows_and_gap_within_each_sex_by_hand():
    # Issue 21 item 13: the probe reported pooled rows only.
    summary, speakers, diff = summarize_probe(sexed_example(), n_resamples=1000)
    assert list(summary["sex"]) == ["all", "female", "male"] * 2
    s = summary.set_index(["emotion", "sex"])
    assert (s.loc[("happy", "female"), "n_files"], s.loc[("happy", "female"), "n_speakers"]) == (2, 2)
    assert s.loc[("happy", "female"), "p_bright"] == pytest.approx(0.95)
    assert s.loc[("happy", "male"), "p_bright"] == pytest.approx(0.65)
    assert s.loc[("sad", "all"), "p_bright"] == pytest.approx(0.5)
    # Resampling two male speakers: means of {.2, .4}, {.2, .4}... P(Bright) happy in {.6, .65, .7}.
    assert (s.loc[("happy", "male"), "p_bright_lo"], s.loc[("happy", "male"), "p_bright_hi"]) == (
        pytest.approx(0.6), pytest.approx(0.7))
    assert len(speakers) == 8 and set(speakers["sex"]) == {"female", "male"}
    d = diff.set_index("sex")
    assert list(diff.columns[:3]) == ["corpus", "sex", "contrast"]
    assert d.loc["all", "difference"] == pytest.approx(0.6)
    assert d.loc["female", "difference"] == pytest.approx(0.2)
    assert d.loc["male", "difference"] == pytest.approx(1.0)
    # Two male speakers with gaps .8 and 1.2: resampled means .8, 1.0, 1.2 -> [.8, 1.2].
    assert (d.loc["male", "difference_lo"], d.loc["male", "difference_hi"]) == (pytest.approx(0.8), pytest.approx(1.2))
    assert d.loc["female", "difference_lo"] == pytest.approx(0.2, abs=1e-9)
    assert (d["n_speakers"] == [4, 2, 2]).all()


def test_single_speaker_of_a_sex_has_no_interval():
    frame = sexed_example()
    frame = frame[frame["speaker"] != "F2"]
    summary, _, diff = summarize_probe(frame, n_resamples=200)
    female = diff.set_index("sex").loc["female"]
    assert female["n_speakers"] == 1 and female["difference"] == pytest.approx(0.2)
    assert np.isnan(female["difference_lo"]) and np.isnan(female["p_value"])
    assert np.isnan(summary.set_index(["emotion", "sex"]).loc[("happy", "female"), "p_bright_lo"])


def test_corpora_follow_the_papers_order():
    rows = [(c, s, e, .5, .5) for c in ("EmoDB", "RAVDESS", "ESD-Chinese", "ESD-English")
            for s in ("1", "2") for e in ("happy", "sad")]
    frame = pd.DataFrame(rows, columns=["corpus", "speaker", "emotion", "p_dark", "p_bright"])
    summary, _, _ = summarize_probe(frame, n_resamples=10)
    assert list(dict.fromkeys(summary["corpus"])) == ["ESD-English", "ESD-Chinese", "RAVDESS", "EmoDB"]
