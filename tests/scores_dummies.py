"""Dummy factory for per-file scores tables (the shape of ``scores.csv``), for analysis and
reporting tests that must not depend on the scoring code.

A row is described by what matters to a test (expected and predicted label per category) and
the factory fills in consistent probabilities, ``predicted``/``expected`` strings and
``match_<c>`` with the same rules scoring uses.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from stylecheck.styles.labels import PAPER_LABELS, LabelSet

THRESHOLD = 0.5


def score_row(file: str, *, system: str = "", speaker: str = "", status: str = "ok",
              expected: Mapping[str, str] | None = None, predicted: Mapping[str, str] | None = None,
              probs: Mapping[str, float] | None = None, prompt: str = "", error: str = "",
              label_set: LabelSet = PAPER_LABELS, threshold: float = THRESHOLD) -> dict:
    """One scores row. ``predicted`` maps category -> label: that label gets probability 0.9 and
    the others 0.1; a category not in ``predicted`` gets 0.3 for every label (nothing passes).
    ``probs`` (label -> probability) overrides that. Failed rows (error/missing) get NaN."""
    expected = dict(expected or {})
    scored = status in ("ok", "unlisted")
    if probs is None:
        probs = {}
        for cat, labels in label_set.categories.items():
            for lab in labels:
                if predicted and cat in predicted:
                    probs[lab] = 0.9 if predicted[cat] == lab else 0.1
                else:
                    probs[lab] = 0.3
    if not scored:
        probs = {lab: np.nan for lab in label_set.labels}
    row = {"file": file, "system": system, "speaker": speaker, "status": status,
           "error": error or ("" if scored else "could not read audio"),
           "duration_s": 1.5 if scored else np.nan, "prompt": prompt}
    row.update({f"p_{lab}": float(probs[lab]) for lab in label_set.labels})
    row["expected"] = ";".join(expected[c] for c in label_set.categories if c in expected)
    verdicts = []
    for cat, labels in label_set.categories.items():
        passing = [lab for lab in labels if scored and probs[lab] >= threshold]
        pred = max(passing, key=lambda lab: probs[lab]) if passing else ""
        exp = expected.get(cat, "")
        row[f"expected_{cat}"] = exp
        row[f"predicted_{cat}"] = pred
        row[f"match_{cat}"] = (pred == exp) if scored and exp else np.nan
        verdicts.append(pred)
    # As scoring writes it: one label per category at most.
    row["predicted"] = ";".join(v for v in verdicts if v)
    return row


def scores_frame(rows: Iterable[dict], label_set: LabelSet = PAPER_LABELS) -> pd.DataFrame:
    """A scores DataFrame with every column in scoring's order, even when ``rows`` is empty."""
    columns = (["file", "system", "speaker", "status", "error", "duration_s", "prompt"]
               + [f"p_{lab}" for lab in label_set.labels] + ["predicted", "expected"]
               + [f"{kind}_{c}" for c in label_set.categories for kind in ("expected", "predicted", "match")])
    return pd.DataFrame(list(rows), columns=columns)


def random_scores(systems=("sysA", "sysB"), n_items: int = 6, n_speakers: int = 3, seed: int = 0,
                  label_set: LabelSet = PAPER_LABELS, failed: int = 1, unlisted: int = 1) -> pd.DataFrame:
    """A plausible scored folder: ``systems`` as first-level folders holding the same items,
    random expectations and probabilities, ``failed`` error rows and ``unlisted`` rows per system."""
    rng = np.random.default_rng(seed)
    cats = list(label_set.categories)
    items = [{c: label_set.categories[c][rng.integers(len(label_set.categories[c]))] for c in cats}
             for _ in range(n_items)]
    rows = []
    for system in systems:
        for i, exp in enumerate(items):
            status = "error" if i < failed else "ok"
            probs = {lab: float(rng.uniform(0.05, 0.95)) for lab in label_set.labels}
            rows.append(score_row(f"{system}/utt{i}.wav", system=system, speaker=f"spk{i % n_speakers}",
                                  status=status, expected=exp, probs=probs, label_set=label_set,
                                  prompt=f"A {' & '.join(exp.values()).lower()} voice <{i}>"))
        for j in range(unlisted):
            probs = {lab: float(rng.uniform(0.05, 0.95)) for lab in label_set.labels}
            rows.append(score_row(f"{system}/extra{j}.wav", system=system, status="unlisted",
                                  probs=probs, label_set=label_set))
    return scores_frame(rows, label_set)
