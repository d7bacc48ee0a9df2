"""Source leakage, confusion and predicted-label distribution on hand-built scores tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scores_dummies import score_row, scores_frame
from stylecheck.analysis.confusion import confusion_matrix, confusion_table, predicted_distribution
from stylecheck.analysis.intervals import wilson_interval
from stylecheck.analysis.leakage import source_leakage_table
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.scoring.sources import attach_source_labels


def vc_scores() -> pd.DataFrame:
    """Sources: s_f (Female), s_m (Male), s_none (no gender verdict). System copy keeps the
    source's gender, system follow takes the requested one."""
    rows = [score_row("s_f.wav", predicted={"gender": "Female"}),
            score_row("s_m.wav", predicted={"gender": "Male"}),
            score_row("s_none.wav", predicted={})]
    roles = ["source"] * 3
    sources = [""] * 3
    for i in range(4):
        src, src_label, asked = ("s_f.wav", "Female", "Male") if i % 2 == 0 else ("s_m.wav", "Male", "Female")
        rows.append(score_row(f"copy/u{i}.wav", system="copy", expected={"gender": asked, "age": "Adult"},
                              predicted={"gender": src_label, "age": "Adult"}))
        rows.append(score_row(f"follow/u{i}.wav", system="follow", expected={"gender": asked},
                              predicted={"gender": asked}))
        roles += ["output", "output"]
        sources += [src, src]
    # Not evidence: the source has no verdict / already has the asked label / output failed.
    rows.append(score_row("copy/u8.wav", system="copy", expected={"gender": "Male"}, predicted={"gender": "Male"}))
    rows.append(score_row("copy/u9.wav", system="copy", expected={"gender": "Female"}, predicted={"gender": "Female"}))
    rows.append(score_row("copy/u10.wav", system="copy", status="error", expected={"gender": "Male"}))
    rows.append(score_row("follow/u11.wav", system="follow", expected={"gender": "Male"}, predicted={}))
    roles += ["output"] * 4
    sources += ["s_none.wav", "s_f.wav", "s_f.wav", "s_f.wav"]
    frame = scores_frame(rows).assign(role=roles, source=sources)
    return attach_source_labels(frame, PAPER_LABELS)


def test_leakage_counts_and_intervals():
    table = source_leakage_table(vc_scores(), PAPER_LABELS).set_index(["system", "category"])
    copy, follow = table.loc[("copy", "gender")], table.loc[("follow", "gender")]
    assert (copy.n, copy.n_kept_source, copy.n_followed_prompt, copy.n_failed) == (4, 4, 0, 1)
    assert copy.leakage == 1.0 and copy.hi == 1.0 and 0.4 < copy.lo < 0.55  # Wilson 4/4
    assert (follow.n, follow.n_kept_source, follow.n_followed_prompt, follow.n_no_label) == (5, 0, 4, 1)
    assert follow.leakage == 0.0 and follow.lo == 0.0 and 0.4 < follow.hi < 0.6  # Wilson 0/5
    # The age was never predicted for the sources, so there is no age row.
    assert set(table.index.get_level_values("category")) == {"gender"}


def test_wilson_interval_matches_the_formula():
    k, n, z = 7, 20, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # The one Wilson interval of the package (leakage uses it too), on the proportion and n.
    assert wilson_interval(k / n, n) == pytest.approx((centre - half, centre + half))
    assert all(np.isnan(wilson_interval(0.0, 0)))


def test_no_source_column_gives_an_empty_table():
    table = source_leakage_table(scores_frame([score_row("a.wav", expected={"gender": "Male"})]), PAPER_LABELS)
    assert table.empty and "leakage" in table.columns


def test_confusion_counts_every_expected_file_once():
    scores = vc_scores()
    confusion = confusion_table(scores, PAPER_LABELS)
    copy = confusion_matrix(confusion, "copy", "gender")
    assert copy.loc["Male", "Female"] == 2 and copy.loc["Male", "Male"] == 1
    assert copy.loc["Male", "not judged"] == 1 and copy.loc["Female", "Male"] == 2
    expected = (scores["expected_gender"] != "") & (scores["system"] == "copy")
    assert copy.to_numpy().sum() == expected.sum()
    follow = confusion_matrix(confusion, "follow", "gender")
    assert follow.loc["Male", "no label"] == 1
    assert "not judged" not in follow.columns  # a zero "not judged" column is left out


def test_predicted_distribution_needs_no_expectations():
    scores = scores_frame([score_row("a/1.wav", system="a", predicted={"gender": "Male"}),
                           score_row("a/2.wav", system="a", predicted={"gender": "Male"}),
                           score_row("a/3.wav", system="a", predicted={"gender": "Female"}),
                           score_row("a/4.wav", system="a", predicted={}),
                           score_row("a/5.wav", system="a", status="error")])
    dist = predicted_distribution(scores, PAPER_LABELS)
    gender = dist[dist.category == "gender"].set_index("predicted")
    assert gender.loc["Male", "n"] == 2 and gender.loc["Male", "share"] == pytest.approx(0.5)
    assert gender.loc["no label", "n"] == 1 and gender["n"].sum() == 4  # the failed file is not judged


PAIRWISE = {"rule": "pairwise", "uncertain_margin": 0.2}


def pairwise_vc_scores() -> pd.DataFrame:
    """Sources Female; outputs asked for Male: one kept Female, one followed, two uncertain (the
    pairwise rule's answer inside the margin), none without a label."""
    rows = [score_row("src.wav", predicted={"gender": "Female"})]
    answers = ["Female", "Male", "uncertain", "uncertain"]
    for i, answer in enumerate(answers):
        row = score_row(f"sys/u{i}.wav", system="sys", expected={"gender": "Male"},
                        predicted={"gender": "Female" if answer == "uncertain" else answer})
        row.update(predicted_gender=answer, match_gender=answer == "Male")
        rows.append(row)
    frame = scores_frame(rows).assign(role=["source"] + ["output"] * 4, source=[""] + ["src.wav"] * 4)
    return attach_source_labels(frame, PAPER_LABELS)


def test_leakage_counts_uncertain_apart_from_no_label():
    """Issue 21 item 5: uncertain outputs were counted under "no label"."""
    table = source_leakage_table(pairwise_vc_scores(), PAPER_LABELS).set_index(["system", "category"])
    row = table.loc[("sys", "gender")]
    assert (row.n, row.n_kept_source, row.n_followed_prompt, row.n_uncertain, row.n_no_label) == (4, 1, 1, 2, 0)


def test_confusion_has_no_always_zero_no_label_column_under_the_pairwise_rule():
    scores = pairwise_vc_scores()
    pairwise = confusion_matrix(confusion_table(scores, PAPER_LABELS, PAIRWISE), "sys", "gender")
    assert list(pairwise.columns) == ["Female", "Male", "uncertain"] and pairwise.loc["Male", "uncertain"] == 2
    # Under the v1 rule "no label" is a possible outcome, listed even at zero.
    v1 = confusion_matrix(confusion_table(scores, PAPER_LABELS, None), "sys", "gender")
    assert "no label" in v1.columns
    dist = predicted_distribution(scores[scores["role"] == "output"], PAPER_LABELS, PAIRWISE)
    gender = dist[dist.category == "gender"]
    assert "no label" not in set(gender["predicted"]) and gender.set_index("predicted").loc["uncertain", "n"] == 2
    # A rule without any margin never answers uncertain: no zero uncertain row either.
    no_margin = predicted_distribution(scores.iloc[1:3], PAPER_LABELS, {"rule": "pairwise", "uncertain_margin": 0.0})
    assert set(no_margin.loc[no_margin.category == "gender", "predicted"]) == {"Female", "Male"}
    # An outcome the rule cannot give still shows when files have it (age: nothing predicted here).
    assert no_margin.set_index(["category", "predicted"]).loc[("age", "no label"), "n"] == 2
