"""Source leakage: did a voice-conversion / zero-shot output take on the requested style, or keep
its source's?

Definition (per system and category ``c``): among *judged* outputs (status ok or unlisted) whose
prompt expects label X in ``c`` while their source's predicted label in ``c`` is the other label
Y (the prompt asks for a change), the share whose own predicted label is Y. 1 means the system
copies the source's voice in that respect; 0 that it never keeps it. An output predicted X
followed the prompt; one answered ``uncertain`` (``n_uncertain``: the pairwise rule's margin) or
left without a label (``n_no_label``: no label passed its threshold under the v1 rule) is in
neither count but is in ``n``. Outputs whose source has no verdict in ``c``, or already carries X,
say nothing about leakage and are left out; outputs that asked for a change but could not be
judged are counted in ``n_failed``.

The interval is the Wilson score interval (scipy's ``binomtest(...).proportion_ci``): outputs of
one system are treated as independent trials, which is what a per-file rate assumes; it behaves
well at rates near 0 and 1, where leakage figures tend to sit.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..styles.decision import UNCERTAIN
from ..styles.labels import LabelSet
from .intervals import wilson_interval
from ..results import FAILED_STATUSES, SCORED_STATUSES, text_column

LEAKAGE_COLUMNS = ["system", "category", "n", "n_kept_source", "leakage", "lo", "hi", "n_followed_prompt",
                   "n_uncertain", "n_no_label", "n_failed"]
#: Labels that are no verdict.
NO_VERDICT = ("", UNCERTAIN)


def source_leakage_table(scores: pd.DataFrame, label_set: LabelSet, confidence: float = 0.95) -> pd.DataFrame:
    """One row per system and category with at least one output asking for a change away from
    its source's label (see the module docstring); empty, with all columns, without sources."""
    rows = []
    if "source" not in scores.columns:
        return pd.DataFrame(columns=LEAKAGE_COLUMNS)
    status = text_column(scores, "status")
    system = text_column(scores, "system")
    judged = status.isin(SCORED_STATUSES)
    failed = status.isin(FAILED_STATUSES)
    for category in label_set.categories:
        expected = text_column(scores, f"expected_{category}")
        source = text_column(scores, f"source_predicted_{category}")
        predicted = text_column(scores, f"predicted_{category}")
        asks_change = (expected != "") & ~source.isin(NO_VERDICT) & (source != expected)
        for name in dict.fromkeys(system[asks_change]):
            mine = asks_change & (system == name)
            counted = mine & judged
            n = int(counted.sum())
            kept = int((counted & (predicted == source)).sum())
            followed = int((counted & (predicted == expected)).sum())
            uncertain = int((counted & (predicted == UNCERTAIN)).sum())
            lo, hi = wilson_interval(kept / n, n, confidence) if n else (float("nan"), float("nan"))
            rows.append({"system": name, "category": category, "n": n, "n_kept_source": kept,
                         "leakage": kept / n if n else np.nan, "lo": lo, "hi": hi,
                         "n_followed_prompt": followed, "n_uncertain": uncertain,
                         "n_no_label": n - kept - followed - uncertain,
                         "n_failed": int((mine & failed).sum())})
    systems = {name: i for i, name in enumerate(dict.fromkeys(system))}
    categories = {c: i for i, c in enumerate(label_set.categories)}
    rows.sort(key=lambda r: (systems[r["system"]], categories[r["category"]]))
    return pd.DataFrame(rows, columns=LEAKAGE_COLUMNS)

__all__ = ["LEAKAGE_COLUMNS", "source_leakage_table", "wilson_interval"]
