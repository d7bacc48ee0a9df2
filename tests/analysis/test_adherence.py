"""Adherence, per-label P/R/F1, paired system comparison and the speaker-level view, checked
against values computed by hand on a 2 systems x 5 items example."""
from __future__ import annotations

import io
from math import comb

import numpy as np
import pandas as pd
import pytest

from scores_dummies import random_scores, score_row, scores_frame
from stylecheck.analysis.adherence import (ADHERENCE_COLUMNS, COMPARISON_COLUMNS, LABEL_PRF_COLUMNS,
                                           adherence_table, compare_systems, item_keys, label_prf_table,
                                           speaker_adherence_table, speaker_level_table)
from stylecheck.labels import PAPER_LABELS, LabelSet

F, M, A, T = "Female", "Male", "Adult", "Teenager"
# Expected (gender, age) of five items, and what each system's audio was classified as.
# "-" means no age label passed its threshold.
EXPECTED = {"u1": (F, A), "u2": (M, A), "u3": (F, T), "u4": (M, T), "u5": (F, A)}
PREDICTED = {
    "sysA": {"u1": (F, A), "u2": (M, T), "u3": (F, T), "u4": (F, T), "u5": (F, A)},
    "sysB": {"u1": (M, A), "u2": (F, T), "u3": (M, "-"), "u4": (M, T), "u5": (M, A)},
}


def hand_example() -> pd.DataFrame:
    rows = []
    for system, predicted in PREDICTED.items():
        for item, (gender, age) in EXPECTED.items():
            pg, pa = predicted[item]
            pred = {"gender": pg, **({"age": pa} if pa != "-" else {})}
            rows.append(score_row(f"{system}/{item}.wav", system=system, expected={"gender": gender, "age": age},
                                  predicted=pred, prompt=f"{gender} {age} <{item}>"))
        # Failures with an expectation are counted, not rated; unlisted files are neither.
        rows.append(score_row(f"{system}/u6.wav", system=system, status="error" if system == "sysA" else "missing",
                              expected={"gender": F, "age": A}, error="decode failed"))
        rows.append(score_row(f"{system}/extra.wav", system=system, status="unlisted", predicted={"gender": M}))
    return scores_frame(rows)


def row(table: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for k, v in where.items():
        mask &= (table[k] == v).to_numpy()
    assert mask.sum() == 1, f"expected one row for {where}, found {mask.sum()}"
    return table[mask].iloc[0]


def test_adherence_equals_hand_computation():
    table = adherence_table(hand_example(), PAPER_LABELS, n_resamples=200)
    assert list(table.columns) == ["system"] + ADHERENCE_COLUMNS
    # sysA: gender right on u1 u2 u3 u5, age on u1 u3 u4 u5, both on u1 u3 u5.
    # sysB: gender right on u4 only, age on u1 u4 u5, both on u4.
    expected = {("sysA", "gender"): (5, 4), ("sysA", "age"): (5, 4), ("sysA", "all"): (5, 3),
                ("sysB", "gender"): (5, 1), ("sysB", "age"): (5, 3), ("sysB", "all"): (5, 1)}
    assert {(r.system, r.category) for r in table.itertuples()} == set(expected)
    for (system, category), (n, matched) in expected.items():
        r = row(table, system=system, category=category)
        assert (r.n, r.n_matched, r.n_failed) == (n, matched, 1)
        assert r.adherence == pytest.approx(matched / n)
        assert r.lo <= r.adherence <= r.hi
    # Categories come in label-set order, "all" last, systems in order of appearance.
    assert list(table.category[:3]) == ["gender", "age", "all"]
    assert list(table.system.unique()) == ["sysA", "sysB"]


def test_label_prf_equals_hand_computation():
    table = label_prf_table(hand_example(), PAPER_LABELS)
    assert list(table.columns) == LABEL_PRF_COLUMNS
    # sysA gender: expected F M F M F, predicted F M F F F.
    #   Female TP=3 FP=1 FN=0 -> P=3/4 R=1 F1=6/7; Male TP=1 FP=0 FN=1 -> P=1 R=1/2 F1=2/3.
    # sysB gender: expected F M F M F, predicted M F M M M.
    #   Female TP=0 -> 0 0 0; Male TP=1 FP=3 FN=1 -> P=1/4 R=1/2 F1=1/3.
    # sysB age: expected A A T T A, predicted A T - T A.
    #   Adult TP=2 FP=0 FN=1 -> P=1 R=2/3 F1=4/5; Teenager TP=1 FP=1 FN=1 -> 1/2 1/2 1/2.
    hand = {("sysA", "Female"): (3 / 4, 1, 6 / 7, 3), ("sysA", "Male"): (1, 1 / 2, 2 / 3, 2),
            ("sysB", "Female"): (0, 0, 0, 3), ("sysB", "Male"): (1 / 4, 1 / 2, 1 / 3, 2),
            ("sysB", "Adult"): (1, 2 / 3, 4 / 5, 3), ("sysB", "Teenager"): (1 / 2, 1 / 2, 1 / 2, 2)}
    for (system, label), (p, r, f1, support) in hand.items():
        got = row(table, system=system, label=label)
        assert (got.precision, got.recall, got.f1) == pytest.approx((p, r, f1)), (system, label)
        assert (got.support, got.n) == (support, 5)
    # Only the expected categories are evaluated.
    assert set(table.category) == {"gender", "age"}


def mcnemar_exact(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p by hand: twice the smaller binomial tail at p = 1/2."""
    n = a_only + b_only
    tail = sum(comb(n, k) for k in range(min(a_only, b_only) + 1)) / 2**n
    return min(1.0, 2 * tail)


def test_compare_systems_equals_hand_computation():
    table = compare_systems(hand_example(), PAPER_LABELS, n_resamples=200)
    assert list(table.columns) == COMPARISON_COLUMNS
    assert table.attrs["pairing"] == "path without the system folder"
    # Discordant pairs (A right, B wrong / A wrong, B right):
    #   gender: u1 u2 u3 u5 / u4 -> 4 / 1, p = 2 * (1 + 5) / 32 = 0.375
    #   age:    u3 / none        -> 1 / 0, p = 1
    #   all:    u1 u3 u5 / u4    -> 3 / 1, p = 2 * (1 + 4) / 16 = 0.625
    hand = {"gender": (0.8, 0.2, 4, 1, 0.375), "age": (0.8, 0.6, 1, 0, 1.0), "all": (0.6, 0.2, 3, 1, 0.625)}
    assert list(table.category) == ["gender", "age", "all"]
    for category, (a, b, a_only, b_only, p) in hand.items():
        r = row(table, category=category)
        assert (r.system_a, r.system_b, r.n_pairs) == ("sysA", "sysB", 5)
        assert (r.adherence_a, r.adherence_b, r.difference) == pytest.approx((a, b, a - b))
        assert (r.n_a_only, r.n_b_only) == (a_only, b_only)
        assert r.mcnemar_p == pytest.approx(p) == pytest.approx(mcnemar_exact(a_only, b_only))
        assert r.difference_lo <= r.difference <= r.difference_hi
        assert not r.significant


def test_compare_systems_flags_a_clear_difference_and_pairs_by_prompt():
    # Twelve prompts, files not in system folders: pairing falls back to the prompt text.
    rows = []
    for i in range(12):
        rows.append(score_row(f"a_{i}.wav", system="A", prompt=f"prompt {i}", expected={"gender": F},
                              predicted={"gender": F}))
        rows.append(score_row(f"b_{11 - i}.wav", system="B", prompt=f"prompt {i}", expected={"gender": F},
                              predicted={"gender": M if i < 10 else F}))
    table = compare_systems(scores_frame(rows), PAPER_LABELS, n_resamples=200)
    assert table.attrs["pairing"] == "prompt text"
    r = row(table, category="gender")
    assert (r.n_pairs, r.n_a_only, r.n_b_only) == (12, 10, 0)
    assert r.mcnemar_p == pytest.approx(2 / 2**10)
    assert r.significant and r.difference == pytest.approx(10 / 12) and r.difference_lo > 0


def test_compare_systems_needs_two_pairable_systems():
    one = compare_systems(hand_example().query("system == 'sysA'"), PAPER_LABELS)
    assert one.empty and list(one.columns) == COMPARISON_COLUMNS
    assert one.attrs["pairing"] == "fewer than two systems"
    # Repeated prompt and flat file names: no sound pairing exists, so no comparison is made.
    rows = [score_row(f"{s}{i}.wav", system=s, prompt="same", expected={"gender": F}, predicted={"gender": F})
            for s in "AB" for i in range(2)]
    keys, why = item_keys(scores_frame(rows))
    assert keys is None and "cannot be paired" in why
    assert compare_systems(scores_frame(rows), PAPER_LABELS).empty


def test_single_unnamed_system_and_no_expectations():
    frame = hand_example().query("system == 'sysA'").assign(system="", file=lambda d: d.file.str[5:])
    table = adherence_table(frame, PAPER_LABELS, n_resamples=50)
    assert set(table.system) == {""}
    assert row(table, category="all").adherence == pytest.approx(0.6)

    unlisted = scores_frame([score_row(f"x{i}.wav", status="unlisted", predicted={"gender": F}) for i in range(3)]
                            + [score_row("bad.wav", status="error")])
    for result, columns in ((adherence_table(unlisted, PAPER_LABELS), ["system"] + ADHERENCE_COLUMNS),
                            (label_prf_table(unlisted, PAPER_LABELS), LABEL_PRF_COLUMNS),
                            (compare_systems(unlisted, PAPER_LABELS), COMPARISON_COLUMNS)):
        assert result.empty and list(result.columns) == columns
    empty = scores_frame([])
    assert adherence_table(empty, PAPER_LABELS).empty
    assert speaker_level_table(empty, PAPER_LABELS, 0.5).empty


def test_tables_survive_a_csv_round_trip():
    # scores.csv comes back with NaN for empty cells and text for booleans.
    frame = hand_example()
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    read = pd.read_csv(io.StringIO(buffer.getvalue()))
    pd.testing.assert_frame_equal(adherence_table(read, PAPER_LABELS, n_resamples=50),
                                  adherence_table(frame, PAPER_LABELS, n_resamples=50))
    pd.testing.assert_frame_equal(label_prf_table(read, PAPER_LABELS), label_prf_table(frame, PAPER_LABELS))
    # Numeric speaker ids with blanks come back as floats (19.0); they must still name speakers.
    frame = random_scores(n_items=8, seed=5).assign(speaker=lambda d: d.speaker.str.replace("spk", ""))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    read = pd.read_csv(io.StringIO(buffer.getvalue()))
    assert read.speaker.dtype == float
    pd.testing.assert_frame_equal(compare_systems(read, PAPER_LABELS, n_resamples=50),
                                  compare_systems(frame, PAPER_LABELS, n_resamples=50))
    pd.testing.assert_frame_equal(speaker_adherence_table(read, PAPER_LABELS, 0.5, n_resamples=50),
                                  speaker_adherence_table(frame, PAPER_LABELS, 0.5, n_resamples=50))


def test_intervals_resample_speakers_not_files():
    # One speaker: the files are one piece of evidence about one voice, so no interval exists.
    frame = hand_example().assign(speaker="spk1")
    table = adherence_table(frame, PAPER_LABELS, n_resamples=50)
    assert table.lo.isna().all() and table.hi.isna().all()
    assert row(table, system="sysA", category="all").adherence == pytest.approx(0.6)


def test_group_by_other_columns():
    frame = hand_example().assign(speaker=lambda d: np.where(d.file.str.contains("u[12]"), "s1", "s2"))
    table = adherence_table(frame, PAPER_LABELS, group_by=("system", "speaker"), n_resamples=20)
    r = row(table, system="sysA", speaker="s1", category="gender")
    assert (r.n, r.n_matched) == (2, 2)


def test_speaker_level_judges_each_voice_once_from_mean_probabilities():
    two = LabelSet({"gender": (F, M)})
    rows = [
        # spk1: files disagree (F .9 / M .8); means F .6, M .45 -> Female, as expected.
        score_row("s/1.wav", system="s", speaker="spk1", expected={"gender": F}, probs={F: 0.9, M: 0.1}, label_set=two),
        score_row("s/2.wav", system="s", speaker="spk1", expected={"gender": F}, probs={F: 0.3, M: 0.8}, label_set=two),
        # spk2: means F .4, M .35 -> no label passes 0.5 -> no match.
        score_row("s/3.wav", system="s", speaker="spk2", expected={"gender": M}, probs={F: 0.4, M: 0.35}, label_set=two),
        # spk3: only a failed file -> a failed speaker.
        score_row("s/4.wav", system="s", speaker="spk3", status="error", expected={"gender": M}, label_set=two),
        # no speaker: left out of the speaker view.
        score_row("s/5.wav", system="s", expected={"gender": M}, probs={F: 0.1, M: 0.9}, label_set=two),
    ]
    frame = scores_frame(rows, two)
    voices = speaker_level_table(frame, two, {F: 0.5, M: 0.5})
    assert list(voices.speaker) == ["spk1", "spk2", "spk3"]
    spk1 = row(voices, speaker="spk1")
    assert (spk1.p_Female, spk1.p_Male, spk1.n_files) == pytest.approx((0.6, 0.45, 2))
    assert (spk1.predicted_gender, spk1.match_gender) == (F, True)
    assert row(voices, speaker="spk2").predicted_gender == ""
    assert row(voices, speaker="spk3").status == "error"
    # Per-label thresholds move the decision: when both pass, the more probable label wins.
    assert row(speaker_level_table(frame, two, [0.35, 0.3]), speaker="spk2").predicted_gender == F
    assert row(speaker_level_table(frame, two, [0.5, 0.3]), speaker="spk2").predicted_gender == M

    table = speaker_adherence_table(frame, two, 0.5, n_resamples=50)
    r = row(table, category="gender")
    assert (r.n, r.n_matched, r.n_failed) == (2, 1, 1)
    # Per file, the same data gives 2 of 4 scored files right.
    assert row(adherence_table(frame, two, n_resamples=20), category="gender").adherence == pytest.approx(0.5)
    with pytest.raises(ValueError, match="2 labels"):
        speaker_level_table(frame, two, [0.5, 0.5, 0.5])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="status"):
        adherence_table(pd.DataFrame({"file": ["a.wav"]}), PAPER_LABELS)


def test_random_scores_are_consistent():
    frame = random_scores(seed=3)
    table = adherence_table(frame, PAPER_LABELS, n_resamples=50)
    assert set(table.system) == {"sysA", "sysB"}
    assert (table.n_failed == 1).all()
    assert (table.n == 5).all()
    comparison = compare_systems(frame, PAPER_LABELS, n_resamples=50)
    assert set(comparison.n_pairs) == {5}
