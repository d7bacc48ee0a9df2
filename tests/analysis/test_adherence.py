"""Adherence, per-label P/R/F1, paired system comparison and the speaker-level view, checked
against values computed by hand on a 2 systems x 5 items example."""
from __future__ import annotations

import io
from math import comb

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from scores_dummies import random_scores, score_row, scores_frame
from stylecheck.analysis.adherence import (
    ADHERENCE_COLUMNS, LABEL_PRF_COLUMNS, adherence_table, label_prf_table,
)
from stylecheck.analysis.comparison import COMPARISON_COLUMNS, compare_systems
from stylecheck.results import item_keys
from stylecheck.analysis.speakers import speaker_adherence_table, speaker_level_table
from stylecheck.styles.labels import PAPER_LABELS, LabelSet

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


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's 95% interval as scipy computes it (an implementation independent of ours)."""
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def row(table: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(table), dtype=bool)
    for k, v in where.items():
        mask &= (table[k] == v).to_numpy()
    assert mask.sum() == 1, f"expected one row for {where}, found {mask.sum()}"
    return table[mask].iloc[0]


@pytest.mark.parametrize("count_failed", [True, False])
def test_adherence_equals_hand_computation(count_failed):
    table = adherence_table(hand_example(), PAPER_LABELS, count_failed=count_failed)
    assert list(table.columns) == ["system"] + ADHERENCE_COLUMNS
    # sysA: gender right on u1 u2 u3 u5, age on u1 u3 u4 u5, both on u1 u3 u5.
    # sysB: gender right on u4 only, age on u1 u4 u5, both on u4.
    # u6 failed in both systems: by default it is a sixth file that did not adhere.
    expected = {("sysA", "gender"): (5, 4), ("sysA", "age"): (5, 4), ("sysA", "all"): (5, 3),
                ("sysB", "gender"): (5, 1), ("sysB", "age"): (5, 3), ("sysB", "all"): (5, 1)}
    assert {(r.system, r.category) for r in table.itertuples()} == set(expected)
    for (system, category), (judged, matched) in expected.items():
        r = row(table, system=system, category=category)
        n = judged + 1 if count_failed else judged
        assert (r.n, r.n_matched, r.n_failed, r.n_judged, r.n_uncertain) == (n, matched, 1, judged, 0)
        assert r.adherence == pytest.approx(matched / n)
        assert r.lo == pytest.approx(wilson(matched, n)[0]) and r.hi == pytest.approx(wilson(matched, n)[1])
        assert r.lo < r.adherence < r.hi
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
    # Judged files only: u6 failed in both systems, so it is no discordant pair either way.
    table = compare_systems(hand_example(), PAPER_LABELS, count_failed=False)
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


def test_compare_systems_keeps_an_interval_when_the_systems_agree_on_every_file():
    # Issue 21 item 2: two systems with the same outcome on 8 prompts (4 right, 4 wrong each)
    # got 0.000 [0.000, 0.000] in comparison.csv.
    rows = [score_row(f"{s}/p{i}.wav", system=s, prompt=f"prompt {i}", expected={"gender": F},
                      predicted={"gender": F if i < 4 else M}) for s in "AB" for i in range(8)]
    r = row(compare_systems(scores_frame(rows), PAPER_LABELS), category="gender")
    assert (r.n_pairs, r.n_a_only, r.n_b_only, r.difference) == (8, 0, 0, 0)
    assert (r.difference_lo, r.difference_hi) == pytest.approx((-0.3244, 0.3244), abs=1e-4)


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
    assert row(table, category="all").adherence == pytest.approx(0.5)  # 3 of 5 judged + 1 failed

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


def test_intervals_treat_one_speaker_as_one_observation():
    # One speaker: the files are one piece of evidence about one voice, so the interval is
    # Wilson's for a single observation, whatever the number of files.
    frame = hand_example().assign(speaker="spk1")
    table = adherence_table(frame, PAPER_LABELS, count_failed=False)
    r = row(table, system="sysA", category="all")
    assert r.adherence == pytest.approx(0.6)
    assert (r.lo, r.hi) == pytest.approx(wilson_effective(0.6, 1.0))
    # The same files from five speakers are independent evidence: a narrower interval.
    spread = adherence_table(hand_example().assign(speaker=lambda d: d.file.str[-6:-4]), PAPER_LABELS,
                             count_failed=False)
    r5 = row(spread, system="sysA", category="all")
    assert (r5.lo, r5.hi) == pytest.approx(wilson(3, 5))
    assert r5.hi - r5.lo < r.hi - r.lo


def wilson_effective(p: float, n: float) -> tuple[float, float]:
    """Wilson's interval written out, for non-integer (effective) n."""
    z = 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


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

    table = speaker_adherence_table(frame, two, 0.5, count_failed=False)
    r = row(table, category="gender")
    assert (r.n, r.n_matched, r.n_failed) == (2, 1, 1)
    # By default the speaker none of whose files could be judged counts against the system.
    r = row(speaker_adherence_table(frame, two, 0.5), category="gender")
    assert (r.n, r.n_matched, r.n_failed) == (3, 1, 1)
    # Per file, the same data gives 2 of 4 judged files right (2 of 5 with the failure).
    assert row(adherence_table(frame, two, count_failed=False), category="gender").adherence == pytest.approx(0.5)
    assert row(adherence_table(frame, two), category="gender").adherence == pytest.approx(0.4)
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
    assert (table.n == 6).all() and (table.n_judged == 5).all()
    comparison = compare_systems(frame, PAPER_LABELS, n_resamples=50)
    assert set(comparison.n_pairs) == {6}  # the failed item pairs too, as a non-match in both
    assert set(compare_systems(frame, PAPER_LABELS, count_failed=False).n_pairs) == {5}


def test_files_that_could_not_be_judged_count_against_the_system():
    # A hand-made table: 2 judged files right, then one of each failed status. Only the bad row
    # has no expectation (it could not be read), so it counts in "all" alone.
    rows = [score_row(f"s/ok{i}.wav", system="s", expected={"gender": F}, predicted={"gender": F}) for i in range(2)]
    for status in ("error", "missing", "no_speech"):
        rows.append(score_row(f"s/{status}.wav", system="s", status=status, expected={"gender": F},
                              error="less speech than 0.5 s (0.00 s)" if status == "no_speech" else ""))
    rows.append(score_row("s/bad.wav", system="s", status="bad_row", error="unknown style label 'Femal'"))
    rows.append(score_row("s/extra.wav", system="s", status="unlisted", predicted={"gender": M}))
    frame = scores_frame(rows)
    counted = adherence_table(frame, PAPER_LABELS)
    r = row(counted, category="gender")
    assert (r.n, r.n_matched, r.n_failed, r.n_judged) == (5, 2, 3, 2)
    assert r.adherence == pytest.approx(2 / 5) and (r.lo, r.hi) == pytest.approx(wilson(2, 5))
    r = row(counted, category="all")
    assert (r.n, r.n_matched, r.n_failed, r.n_judged) == (6, 2, 4, 2)
    judged = adherence_table(frame, PAPER_LABELS, count_failed=False)
    r = row(judged, category="gender")
    assert (r.n, r.n_matched, r.n_failed, r.adherence) == (2, 2, 3, 1.0)
    assert r.lo < 0.5  # 2/2 is no certainty either
    assert counted.attrs["count_failed"] and not judged.attrs["count_failed"]


def test_a_silent_system_gets_no_credit():
    # The case: 4 of 6 files failing used to show adherence 1.00.
    rows = [score_row(f"s/{i}.wav", system="s", expected={"gender": F}, predicted={"gender": F}) for i in range(2)]
    rows += [score_row(f"s/f{i}.wav", system="s", status="no_speech", expected={"gender": F}) for i in range(4)]
    r = row(adherence_table(scores_frame(rows), PAPER_LABELS), category="gender")
    assert (r.n, r.n_matched, r.n_failed, r.adherence) == (6, 2, 4, pytest.approx(1 / 3))


def test_uncertain_verdicts_are_judged_but_never_match():
    rows = [score_row("s/a.wav", system="s", expected={"gender": F}, predicted={"gender": F}),
            score_row("s/b.wav", system="s", expected={"gender": F}, predicted={"gender": F})]
    rows[1].update(predicted_gender="uncertain", match_gender=True)  # a stale match cell must not win
    r = row(adherence_table(scores_frame(rows), PAPER_LABELS), category="gender")
    assert (r.n, r.n_matched, r.n_uncertain) == (2, 1, 1)


def test_eleven_of_eleven_is_not_certain():
    rows = [score_row(f"s/{i}.wav", system="s", expected={"gender": F}, predicted={"gender": F}) for i in range(11)]
    r = row(adherence_table(scores_frame(rows), PAPER_LABELS), category="gender")
    assert r.adherence == 1.0 and r.lo < 0.80 and r.hi == 1.0
    rows = [score_row(f"s/{i}.wav", system="s", expected={"gender": F}, predicted={"gender": M}) for i in range(5)]
    r = row(adherence_table(scores_frame(rows), PAPER_LABELS), category="gender")
    assert r.adherence == 0.0 and r.lo == 0.0 and r.hi > 0.40


@pytest.mark.parametrize("source_system", ["source", ""])
def test_voice_conversion_layout_pairs_listed_files_only(source_system):
    # Systems in subfolders, the unlisted source recordings in source/: the sources are not
    # asked for anything and must not break the pairing (they used to empty the comparison).
    rows = []
    for i in range(15):
        for system, right in (("vc1", i < 12), ("vc2", i < 6)):
            rows.append(score_row(f"{system}/p{i}.wav", system=system, expected={"gender": F},
                                  predicted={"gender": F if right else M}, prompt=f"prompt {i}"))
        rows.append(score_row(f"source/p{i}.wav", system=source_system, status="unlisted",
                              predicted={"gender": M}))
    table = compare_systems(scores_frame(rows), PAPER_LABELS)
    assert table.attrs["pairing"] == "path without the system folder"
    r = row(table, category="gender")
    assert (r.system_a, r.system_b, r.n_pairs, r.n_a_only, r.n_b_only) == ("vc1", "vc2", 15, 6, 0)


def test_the_reason_for_no_comparison_names_what_broke():
    rows = [score_row(f"{s}{i}.wav", system=s, prompt="same", expected={"gender": F}, predicted={"gender": F})
            for s in "AB" for i in range(2)]
    _, why = item_keys(scores_frame(rows))
    assert "'A0.wav'" in why and "system 'A' has the prompt 'same' 2 times" in why
    rows = [score_row(f"{s}{i}.wav", system=s, expected={"gender": F}, predicted={"gender": F})
            for s in "AB" for i in range(2)]
    _, why = item_keys(scores_frame(rows))
    assert "4 file(s) have no prompt" in why
    # One listed system beside unlisted sources: the reason says the sources were left out.
    rows = [score_row(f"vc/{i}.wav", system="vc", expected={"gender": F}, predicted={"gender": F}) for i in range(3)]
    rows += [score_row(f"source/{i}.wav", system="source", status="unlisted") for i in range(3)]
    table = compare_systems(scores_frame(rows), PAPER_LABELS)
    assert table.empty and "'source'" in table.attrs["pairing"] and "unlisted" in table.attrs["pairing"]
