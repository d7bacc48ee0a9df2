"""Speaker-disjoint train / valid / test splits: drawn (seeded, stratified) or read from fixed lists.

Labels here are properties of the voice, so every file of a speaker goes to the same split;
otherwise a model could pass the test by recognising speakers it trained on.

Drawing is a greedy iterative stratification over speakers (after Sechidis et al., 2011): the
label with the fewest unassigned positive speakers is handled first, and each of its speakers
goes to the split that still "wants" the most positives of that label (its share of the label's
positives minus what it already has). Before that, a split that has no positive of the label yet
is preferred while the label has at least one positive per split, so rare labels (Teenager,
Rough) reach every split where that is possible at all. Speakers without any positive label are
placed last, into the splits with room left. A final repair pass swaps speakers between splits
while that fills a split that still lacks a label's positives (small splits fill up with rare
labels' speakers first). Ties break by a seeded random order, so a seed always gives the same
split.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from ..errors import SplitError

SPLITS = ("train", "valid", "test")


def split_sizes(n_speakers: int, valid_fraction: float, test_fraction: float | None = None,
                test_speakers: int | None = None) -> dict[str, int]:
    """Speakers per split. The test split is either a fraction of all speakers or a fixed number
    (DreamVoice: 20 unseen speakers); valid is a fraction of what is left after the test split."""
    if (test_fraction is None) == (test_speakers is None):
        raise SplitError("give exactly one of test_fraction and test_speakers")
    for name, frac in (("valid fraction", valid_fraction), ("test fraction", test_fraction)):
        if frac is not None and not 0 <= frac < 1:
            raise SplitError(f"{name} must be in [0, 1), got {frac}")
    if test_speakers is not None:
        if test_speakers < 0 or test_speakers >= n_speakers:
            raise SplitError(f"{test_speakers} test speakers requested but only {n_speakers} speakers have "
                             f"audio and labels; at least one must stay for training")
        n_test = test_speakers
    else:
        n_test = int(round(n_speakers * test_fraction))
    rest = n_speakers - n_test
    n_valid = int(round(rest * valid_fraction))
    if valid_fraction > 0 and rest >= 2:
        n_valid = max(1, n_valid)
    n_valid = min(n_valid, rest - 1) if rest > 0 else 0
    sizes = {"train": rest - n_valid, "valid": n_valid, "test": n_test}
    if sizes["train"] < 1:
        raise SplitError(f"{n_speakers} speakers are too few for the requested split sizes {sizes}")
    return sizes


def assign_splits(speaker_labels: pd.DataFrame, sizes: dict[str, int], seed: int = 0) -> pd.Series:
    """Speaker (the frame's index) -> split name, with exactly ``sizes[split]`` speakers each.

    ``speaker_labels`` holds one row per speaker and 1 / 0 / NaN per label column.
    """
    speakers = [str(s) for s in speaker_labels.index]
    if len(set(speakers)) != len(speakers):
        raise SplitError("speaker_labels has duplicate speakers")
    if sum(sizes.values()) != len(speakers):
        raise SplitError(f"split sizes {sizes} do not add up to {len(speakers)} speakers")
    rng = np.random.default_rng(seed)
    pos = (speaker_labels.to_numpy(dtype=float) == 1)
    names = [s for s in SPLITS if s in sizes] + [s for s in sizes if s not in SPLITS]
    capacity = np.array([sizes[s] for s in names], dtype=float)
    share = capacity / max(len(speakers), 1)
    wanted = np.outer(share, pos.sum(axis=0))  # [split, label] positives each split should get
    have = np.zeros_like(wanted)
    split_rank = rng.permutation(len(names))  # seeded tie-break between splits
    order = rng.permutation(len(speakers))  # seeded order of speakers
    assigned = np.full(len(speakers), -1)

    def place(i: int, label: int | None) -> None:
        open_ = np.flatnonzero(capacity > 0)
        if label is None:
            key = [(capacity[s], -split_rank[s]) for s in open_]
        else:
            spread = pos[:, label].sum() >= len(names)
            key = [(spread and have[s, label] == 0, wanted[s, label] - have[s, label], capacity[s], -split_rank[s])
                   for s in open_]
        s = open_[max(range(len(open_)), key=lambda k: key[k])]
        assigned[i] = s
        capacity[s] -= 1
        have[s] += pos[i]

    while True:
        todo = order[assigned[order] < 0]
        if todo.size == 0:
            break
        remaining = pos[todo].sum(axis=0)
        if not remaining.any():
            for i in todo:
                place(i, None)
            break
        label = int(np.argmin(np.where(remaining > 0, remaining, np.inf)))
        for i in todo[pos[todo, label]]:
            place(i, label)
    _repair_coverage(assigned, pos, len(names), rng)
    return pd.Series([names[s] for s in assigned], index=speakers, name="split")


def _repair_coverage(assigned: np.ndarray, pos: np.ndarray, n_splits: int, rng: np.random.Generator) -> None:
    """Swap speakers between splits so that fewer splits lack a positive of a label.

    The greedy pass can fill a small split (3 valid speakers) with the first positives of rare
    labels before a common label's turn comes. A swap of speaker i (split t, positive for the
    missing label) with speaker j (split s) is made only when neither split loses its last
    positive of any label, so every swap strictly reduces the number of gaps; sizes never change.
    """
    need = pos.sum(axis=0) >= n_splits  # labels that can reach every split

    def have() -> np.ndarray:
        return np.stack([pos[assigned == s].sum(axis=0) for s in range(n_splits)])

    impossible: set[tuple[int, int]] = set()
    while True:
        h = have()
        gaps = [(s, lab) for s in range(n_splits) for lab in np.flatnonzero(need)
                if h[s, lab] == 0 and (s, lab) not in impossible and (assigned == s).any()]
        if not gaps:
            return
        s, lab = gaps[0]
        donors = [i for i in rng.permutation(len(assigned))
                  if pos[i, lab] and assigned[i] != s and h[assigned[i], lab] >= 2]
        takers = [j for j in rng.permutation(len(assigned)) if assigned[j] == s]
        for i in donors:
            t = assigned[i]
            ok = [j for j in takers
                  if not np.any((h[s] > 0) & (h[s] - pos[j] + pos[i] == 0))
                  and not np.any((h[t] > 0) & (h[t] - pos[i] + pos[j] == 0))]
            if ok:
                j = ok[0]
                assigned[i], assigned[j] = s, t
                break
        else:
            impossible.add((s, lab))


def read_split_lists(folder: str | os.PathLike) -> dict[str, str]:
    """Speaker -> split from ``train.txt``, ``valid.txt``, ``test.txt`` (one speaker per line,
    '#' comments). Raises SplitError for a missing folder or file, or a speaker in two lists."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SplitError(f"{folder}: split-list folder not found")
    out: dict[str, str] = {}
    for split in SPLITS:
        path = folder / f"{split}.txt"
        if not path.is_file():
            raise SplitError(f"{path}: missing (a split-list folder needs {', '.join(s + '.txt' for s in SPLITS)})")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            spk = line.split("#", 1)[0].strip()
            if not spk:
                continue
            if spk in out:
                raise SplitError(f"{path}: line {n}: speaker {spk} is already in {out[spk]}.txt")
            out[spk] = split
    return out


def split_list_texts(assignment: pd.Series) -> dict[str, str]:
    """File name -> content of the split lists for an assignment (speakers sorted)."""
    texts = {}
    for split in SPLITS:
        spk = sorted(assignment.index[assignment == split], key=_natural_key)
        texts[f"{split}.txt"] = "".join(f"{s}\n" for s in spk)
    return texts


def _natural_key(s: str):
    return (0, int(s), "") if s.isdigit() else (1, 0, s)
