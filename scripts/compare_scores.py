"""Compare two scores.csv files row by row: the same files, the same statuses and verdicts, and
the largest difference of any probability. Exit 1 when they differ beyond ``--atol``.

    python scripts/compare_scores.py BEFORE/scores.csv AFTER/scores.csv [--atol 0]

Used to show that a change which should not move a probability (a refactor, a speed-up) does not.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd


def compare(before: pd.DataFrame, after: pd.DataFrame, atol: float) -> list[str]:
    problems = []
    if list(before.columns) != list(after.columns):
        problems.append(f"columns differ: {sorted(set(before.columns) ^ set(after.columns))}")
    if before["file"].tolist() != after["file"].tolist():
        return problems + ["the files (or their order) differ"]
    probs = [c for c in before.columns if c.startswith(("p_", "source_p_")) and c in after.columns]
    num = lambda frame, c: pd.to_numeric(frame[c], errors="coerce").to_numpy(float)  # noqa: E731
    worst = max((np.nanmax(np.abs(num(before, c) - num(after, c)), initial=0.0)
                 for c in probs), default=0.0)
    print(f"{len(before)} rows; {len(probs)} probability columns; largest difference {worst:.3g}")
    if worst > atol:
        problems.append(f"a probability moved by {worst:.3g} (> {atol:g})")
    text = [c for c in before.columns if c in after.columns and c not in probs]
    for c in text:
        b, a = before[c], after[c]
        if c not in ("duration_s", "speech_s") and not b.equals(a):
            problems.append(f"column {c} differs in {int((b != a).sum())} row(s)")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--atol", type=float, default=0.0)
    args = parser.parse_args()
    read = lambda path: pd.read_csv(path, dtype=str, keep_default_na=False)  # noqa: E731
    problems = compare(read(args.before), read(args.after), args.atol)
    for p in problems:
        print("DIFFERENT:", p)
    if not problems:
        print("identical: every status, verdict and probability")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
