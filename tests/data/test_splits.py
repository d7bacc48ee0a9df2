"""Speaker splits: exact sizes, disjoint, reproducible per seed, rare labels reach every split;
vote -> label decisions and category agreement."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from stylecheck.data.splits import SplitError, assign_splits, read_split_lists, split_list_texts, split_sizes
from stylecheck.data.votes import category_agreement, labels_from_votes
from stylecheck.styles.labels import PAPER_LABELS


def speaker_frame(n: int, seed: int, rare: int = 3) -> pd.DataFrame:
    """Random per-speaker labels; 'Teenager' positive for exactly ``rare`` speakers."""
    rng = np.random.default_rng(seed)
    values = rng.choice([0.0, 1.0, np.nan], size=(n, 8), p=[0.45, 0.35, 0.2])
    frame = pd.DataFrame(values, index=[f"s{i}" for i in range(n)], columns=list(PAPER_LABELS.labels))
    frame["Teenager"] = 0.0
    frame.iloc[rng.choice(n, rare, replace=False), frame.columns.get_loc("Teenager")] = 1.0
    return frame


def test_sizes():
    assert split_sizes(246, 0.1, test_fraction=0.1) == {"train": 199, "valid": 22, "test": 25}
    assert split_sizes(54, 0.1, test_speakers=20) == {"train": 31, "valid": 3, "test": 20}
    with pytest.raises(SplitError, match="only 20 speakers"):
        split_sizes(20, 0.1, test_speakers=20)


def test_assignment_exact_reproducible_and_stratified():
    frame = speaker_frame(60, seed=1)
    sizes = split_sizes(60, 0.1, test_fraction=0.1)
    a = assign_splits(frame, sizes, seed=3)
    assert a.value_counts().to_dict() == sizes
    assert a.equals(assign_splits(frame, sizes, seed=3))
    assert not a.equals(assign_splits(frame, sizes, seed=4))
    # 3 Teenager speakers, 3 splits: one each, although valid and test only "want" 0.3 of one.
    teen = frame.index[frame["Teenager"] == 1]
    assert sorted(a[teen]) == ["test", "train", "valid"]
    for lab in PAPER_LABELS.labels:
        for split in ("train", "valid", "test"):
            assert (frame.loc[a.index[a == split], lab] == 1).any(), (lab, split)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(4, 40), seed=st.integers(0, 10), valid=st.floats(0, 0.4), test=st.floats(0, 0.4))
def test_assignment_always_a_partition(n, seed, valid, test):
    frame = speaker_frame(n, seed, rare=min(3, n))
    sizes = split_sizes(n, valid, test_fraction=test)
    a = assign_splits(frame, sizes, seed)
    assert sorted(a.index) == sorted(frame.index)  # every speaker exactly once
    assert a.value_counts().reindex(list(sizes), fill_value=0).to_dict() == sizes


def test_split_lists_round_trip(tmp_path):
    a = pd.Series({"10": "train", "2": "train", "3": "valid", "p225": "test"})
    texts = split_list_texts(a)
    assert texts["train.txt"] == "2\n10\n"
    for name, text in texts.items():
        (tmp_path / name).write_text(text)
    assert read_split_lists(tmp_path) == a.to_dict()
    (tmp_path / "test.txt").write_text("p225\n2\n")
    with pytest.raises(SplitError, match="already in train.txt"):
        read_split_lists(tmp_path)


def test_labels_from_votes_rules():
    votes = pd.DataFrame({"Female": [3, 1, 2, 0], "Male": [0, 1, 2, 2], "Adult": [2, 0, 3, 1], "Teenager": [2, 1, 0, 0]},
                         index=["a", "b", "c", "d"])
    labels, contested = labels_from_votes(votes, PAPER_LABELS, min_votes=2)
    assert labels.loc["a", ["Female", "Male"]].tolist() == [1, 0]
    assert labels.loc["b", ["Female", "Male"]].isna().all()  # no majority: unknown, not negative
    assert labels.loc["c", ["Female", "Male"]].isna().all()  # 2 vs 2: contested
    assert labels.loc["d", ["Female", "Male"]].tolist() == [0, 1]
    assert labels.loc["a", ["Adult", "Teenager"]].isna().all() and labels.loc["c", "Adult"] == 1
    assert labels["Dark"].isna().all()  # no vote columns at all: unknown
    assert contested == {"gender": 1, "age": 1, "brightness": 0, "roughness": 0}


def test_category_agreement_uses_chosen_label():
    frame = pd.DataFrame({"agree_Female": [7, 2], "agree_Male": [1, 6], "agree_Dark": [np.nan, 3]})
    agree = category_agreement(frame, PAPER_LABELS)
    assert agree["Female"].tolist() == [7, 6] and agree["Male"].tolist() == [7, 6]
    assert np.isnan(agree.loc[0, "Dark"]) and agree.loc[1, "Bright"] == 3
    assert agree["Rough"].isna().all()
