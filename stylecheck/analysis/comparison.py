"""Paired comparison of adherence between systems: the files of two systems that answer the same
prompt (paired by path or prompt text, :func:`stylecheck.results.item_keys`), their difference
with a paired score interval and McNemar's exact test."""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import binomtest

from ..results import ALL_CATEGORY, BAD_ROW_STATUS, item_keys, text_column
from ..styles.categories import CategorySet
from ..styles.labels import LabelSet
from .adherence import checked_scores, match_vector, overall_match
from .intervals import paired_difference_interval

SIGNIFICANCE_LEVEL = 0.05
COMPARISON_COLUMNS = ["system_a", "system_b", "category", "n_pairs", "adherence_a", "adherence_b",
                      "difference", "difference_lo", "difference_hi", "n_a_only", "n_b_only",
                      "mcnemar_p", "significant"]


def compare_systems(scores: pd.DataFrame, label_set: LabelSet | CategorySet, count_failed: bool = True,
                    n_resamples: int | None = None, seed: int | None = None,
                    alpha: float = SIGNIFICANCE_LEVEL) -> pd.DataFrame:
    """Paired comparison of adherence between every two systems, per category and ``all``.

    Why paired: systems asked for the same item (same text, same requested style) differ far
    less than the items differ among themselves, so comparing on the same items removes the item
    variance. Only files listed in STYLES.csv take part: an unlisted file (a source recording
    kept beside the converted ones, say) was asked for nothing, and a bad STYLES.csv row has no
    known expectation. For each pair of systems (A, B) and category, the pairs are the items
    both systems were asked for with an expectation in that category (with ``count_failed``, a
    file that could not be judged counts as not adhering, as in :func:`adherence_table`).
    Reported:

    * ``adherence_a`` / ``adherence_b`` on those pairs, and ``difference = a - b`` with
      Tango's score interval for paired proportions (on the effective number of pairs given
      the speakers of both files when speakers are known; see
      :mod:`stylecheck.analysis.intervals`);
    * McNemar's exact test: under "no difference" each discordant pair (one system matched,
      the other not) is equally likely to go either way, so ``n_a_only`` is Binomial(
      ``n_a_only + n_b_only``, 1/2); ``mcnemar_p`` is the two-sided exact binomial p-value
      (1.0 without discordant pairs). ``significant`` is ``mcnemar_p < alpha``. The exact test is
      used rather than the chi-square version because discordant counts are often small.
      McNemar treats pairs as independent; when one voice has many items the speaker-adjusted
      interval of the difference is the more cautious reading, so both are reported.

    The pairing rule is stored in ``result.attrs["pairing"]``. The table is empty (with all its
    columns) with fewer than two systems, when files cannot be paired or when no item was asked
    of two systems; ``attrs["pairing"]`` then says exactly why. ``n_resamples``/``seed`` are
    ignored (kept for callers of the earlier bootstrap version).
    """
    del n_resamples, seed
    scores = checked_scores(scores)
    empty = pd.DataFrame(columns=COMPARISON_COLUMNS)
    status = text_column(scores, "status")
    unlisted_systems = set(text_column(scores, "system")[status == "unlisted"])
    scores = scores[~status.isin(("unlisted", BAD_ROW_STATUS)).to_numpy()].reset_index(drop=True)
    systems = list(dict.fromkeys(text_column(scores, "system")))
    if len(systems) < 2:
        only_unlisted = sorted(repr(s) for s in unlisted_systems - set(systems) if s)
        empty.attrs["pairing"] = "fewer than two systems" + (
            f" among the files listed in STYLES.csv (the unlisted files of {', '.join(only_unlisted)} "
            "were asked for no style, so they are not compared)" if only_unlisted else "")
        return empty
    keys, how = item_keys(scores)
    if keys is None:
        empty.attrs["pairing"] = how
        return empty

    categories = list(label_set.categories)
    matches = {c: match_vector(scores, c, count_failed) for c in categories}
    matches[ALL_CATEGORY] = overall_match(scores, label_set, count_failed)
    table = pd.DataFrame({"system": text_column(scores, "system"), "key": keys,
                          "speaker": text_column(scores, "speaker"),
                          **{f"m:{c}": m for c, m in matches.items()}})
    by_system = {s: frame.set_index("key") for s, frame in table.groupby("system", sort=False)}

    rows = []
    for a, b in combinations(systems, 2):
        joined = by_system[a].join(by_system[b], how="inner", suffixes=("_a", "_b"))
        for category in categories + [ALL_CATEGORY]:
            ma, mb = joined[f"m:{category}_a"].to_numpy(float), joined[f"m:{category}_b"].to_numpy(float)
            both = ~np.isnan(ma) & ~np.isnan(mb)
            if not both.any():
                continue
            ma, mb = ma[both], mb[both]
            # Cluster by the speakers of both files: a pair shares its evidence with every other
            # pair of the same (target) voice.
            speakers = (joined["speaker_a"] + "|" + joined["speaker_b"]).to_numpy()[both]
            clusters = None if (speakers == "|").all() else np.where(
                speakers == "|", "item:" + joined.index.to_numpy()[both], speakers)
            iv = paired_difference_interval(ma, mb, clusters)
            a_only, b_only = int(((ma == 1) & (mb == 0)).sum()), int(((ma == 0) & (mb == 1)).sum())
            p = binomtest(a_only, a_only + b_only, 0.5).pvalue if a_only + b_only else 1.0
            rows.append({"system_a": a, "system_b": b, "category": category, "n_pairs": int(both.sum()),
                         "adherence_a": float(ma.mean()), "adherence_b": float(mb.mean()),
                         "difference": iv.value, "difference_lo": iv.lo, "difference_hi": iv.hi,
                         "n_a_only": a_only, "n_b_only": b_only, "mcnemar_p": float(p),
                         "significant": bool(p < alpha)})
    result = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    result.attrs["pairing"] = how if rows else (
        f"files pair by {how}, but no item with an expected style was scored in two systems")
    return result


# --------------------------------------------------------------------------------------------
# Speaker level
# --------------------------------------------------------------------------------------------
