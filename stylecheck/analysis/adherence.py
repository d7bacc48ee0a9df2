"""Style adherence from a per-file scores table: does the audio carry the style it was asked for?

Input is the per-file table that scoring writes as ``scores.csv`` (one row per file, always):
``file``, ``system``, ``speaker``, ``status`` (ok | error | missing | unlisted), ``error``,
``prompt``, ``p_<Label>`` per label, and per category ``c`` of the label set ``expected_<c>``,
``predicted_<c>`` and ``match_<c>``. Every function here is pure: DataFrame in, DataFrame out, so
the same code serves a freshly scored folder and a ``scores.csv`` read back from disk (where
empty strings come back as NaN and booleans may come back as text).

Counting rules shared by all tables:

* A file *counts* for category ``c`` when it was scored (status ok or unlisted) and has an
  expected label for ``c``. Files that failed (status error or missing) with an expectation are
  left out of the rates and reported in ``n_failed``, so a rate is never silently computed on
  fewer files than were asked for.
* The ``all`` category: a file adheres overall when every category it has an expectation for
  matches.
* Intervals are 95% percentile bootstrap intervals. Files of one speaker are not independent
  evidence about a voice, so whole speakers are resampled; a file without a speaker is its own
  cluster (see :mod:`stylecheck.analysis.bootstrap`).
"""
from __future__ import annotations

from itertools import combinations
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import precision_recall_fscore_support

from ..labels import LabelSet
from .bootstrap import bootstrap_mean, paired_bootstrap_diff

SCORED_STATUSES = ("ok", "unlisted")
FAILED_STATUSES = ("error", "missing")
ALL_CATEGORY = "all"
SIGNIFICANCE_LEVEL = 0.05

ADHERENCE_COLUMNS = ["category", "n", "n_matched", "adherence", "lo", "hi", "n_failed"]
LABEL_PRF_COLUMNS = ["system", "category", "label", "precision", "recall", "f1", "support", "n"]
COMPARISON_COLUMNS = ["system_a", "system_b", "category", "n_pairs", "adherence_a", "adherence_b",
                      "difference", "difference_lo", "difference_hi", "n_a_only", "n_b_only",
                      "mcnemar_p", "significant"]


# --------------------------------------------------------------------------------------------
# Reading the scores table
# --------------------------------------------------------------------------------------------

def as_text(value) -> str:
    """One cell of a text column as a string; missing values (NaN, None) are ``""``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    # A CSV column of numbers with blanks (speaker ids 19, 27, ...) comes back as floats.
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column of a scores table with missing values (NaN, None, absent column) as ``""``."""
    if column not in frame.columns:
        return pd.Series([""] * len(frame), index=frame.index, dtype=object)
    return frame[column].astype(object).map(as_text).astype(object)


def match_flag(value) -> float:
    """1.0 / 0.0 / NaN from a match cell that may be a bool, a number or text (CSV round trip)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value != 0)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return 1.0
    if text in ("false", "0", "no"):
        return 0.0
    return np.nan


def _checked(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores table with a fresh 0..n-1 index, or a clear error when it is not one."""
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"expected a scores DataFrame, got {type(scores).__name__}")
    missing = [c for c in ("file", "status") if c not in scores.columns]
    if missing:
        raise ValueError(f"scores table lacks column(s) {', '.join(missing)}; "
                         f"it has: {', '.join(map(str, scores.columns)) or 'no columns'}")
    return scores.reset_index(drop=True)


def _match(scores: pd.DataFrame, category: str) -> np.ndarray:
    """Per-file match for ``category`` as 1/0/NaN; NaN unless the file counts for it.

    ``match_<c>`` is used when given; where it is blank on a file that counts, the match is
    derived from ``predicted_<c> == expected_<c>`` so a hand-edited table stays usable.
    """
    expected = text_column(scores, f"expected_{category}")
    predicted = text_column(scores, f"predicted_{category}")
    counts = (text_column(scores, "status").isin(SCORED_STATUSES) & (expected != "")).to_numpy()
    column = f"match_{category}"
    given = (scores[column].map(match_flag).to_numpy(dtype=float) if column in scores.columns
             else np.full(len(scores), np.nan))
    derived = (predicted == expected).to_numpy(dtype=float)
    out = np.where(np.isnan(given), derived, given)
    out[~counts] = np.nan
    return out


def _overall_match(scores: pd.DataFrame, label_set: LabelSet) -> np.ndarray:
    """1 when every expected category of a file matches, 0 when one does not, NaN when none counts."""
    if not label_set.categories:
        return np.full(len(scores), np.nan)
    per_cat = np.column_stack([_match(scores, c) for c in label_set.categories])
    counted = ~np.isnan(per_cat)
    all_ok = np.where(counted, per_cat == 1, True).all(axis=1)
    return np.where(counted.any(axis=1), all_ok.astype(float), np.nan)


def _failed_with_expectation(scores: pd.DataFrame, categories: Sequence[str]) -> np.ndarray:
    """Files that were asked for a style in any of ``categories`` but could not be scored."""
    failed = text_column(scores, "status").isin(FAILED_STATUSES).to_numpy()
    expected = np.zeros(len(scores), dtype=bool)
    for c in categories:
        expected |= (text_column(scores, f"expected_{c}") != "").to_numpy()
    return failed & expected


def _clusters(scores: pd.DataFrame) -> np.ndarray:
    """Bootstrap cluster per row: the speaker when filled, else the file itself."""
    speaker = text_column(scores, "speaker")
    file = text_column(scores, "file")
    return np.where(speaker != "", "speaker:" + speaker, "file:" + file)


def _groups(scores: pd.DataFrame, group_by: Sequence[str]):
    """(key tuple, sub-frame) per group in order of first appearance; missing columns are ``""``."""
    keys = pd.DataFrame({g: text_column(scores, g) for g in group_by}, index=scores.index)
    if not group_by:
        yield (), scores
        return
    for key, part in keys.groupby(list(group_by), sort=False):
        yield (key if isinstance(key, tuple) else (key,)), scores.loc[part.index]


# --------------------------------------------------------------------------------------------
# Adherence
# --------------------------------------------------------------------------------------------

def adherence_table(scores: pd.DataFrame, label_set: LabelSet, group_by: Sequence[str] = ("system",),
                    n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Share of files whose predicted style matches the expected one, per group and category.

    Columns: the ``group_by`` columns, ``category`` (each category of the label set, then
    ``all``), ``n`` (files that count), ``n_matched``, ``adherence`` with its 95% bootstrap
    interval ``lo``/``hi`` (NaN with fewer than two clusters), and ``n_failed`` (files with an
    expectation in that category that could not be scored). Rows where nothing was expected are
    omitted, so a table without any expectations is empty but has all its columns.
    """
    scores = _checked(scores)
    group_by = list(group_by)
    categories = list(label_set.categories)
    rows = []
    for key, frame in _groups(scores, group_by):
        clusters = _clusters(frame)
        per_category = [(c, _match(frame, c), [c]) for c in categories]
        per_category.append((ALL_CATEGORY, _overall_match(frame, label_set), categories))
        for category, match, cats in per_category:
            counts = ~np.isnan(match)
            n_failed = int(_failed_with_expectation(frame, cats).sum())
            n = int(counts.sum())
            if n == 0 and n_failed == 0:
                continue
            if n:
                iv = bootstrap_mean(match[counts], clusters[counts], n_resamples=n_resamples, seed=seed)
                value, lo, hi = iv.value, iv.lo, iv.hi
            else:
                value = lo = hi = np.nan
            rows.append({**dict(zip(group_by, key)), "category": category, "n": n,
                         "n_matched": int(np.nansum(match)), "adherence": value, "lo": lo, "hi": hi,
                         "n_failed": n_failed})
    return pd.DataFrame(rows, columns=group_by + ADHERENCE_COLUMNS)


# --------------------------------------------------------------------------------------------
# Per-label precision / recall / F1
# --------------------------------------------------------------------------------------------

def label_prf_table(scores: pd.DataFrame, label_set: LabelSet) -> pd.DataFrame:
    """Precision, recall and F1 of each label per system, over files that expect its category.

    For label ``L`` of category ``c`` the files are those scored with an expected ``c``;
    ``y_true = expected_<c> == L`` and ``y_pred = predicted_<c> == L`` (a file where no label of
    ``c`` passed its threshold predicts neither). ``support`` is the number of files expected to
    be ``L``; ``n`` the files judged. Undefined ratios are 0 (``zero_division=0``), as in sklearn.
    """
    scores = _checked(scores)
    rows = []
    for (system,), frame in _groups(scores, ["system"]):
        for category, labels in label_set.categories.items():
            counts = ~np.isnan(_match(frame, category))
            if not counts.any():
                continue
            expected = text_column(frame, f"expected_{category}").to_numpy()[counts]
            predicted = text_column(frame, f"predicted_{category}").to_numpy()[counts]
            for label in labels:
                p, r, f, s = precision_recall_fscore_support(
                    expected == label, predicted == label, labels=[True], zero_division=0)
                rows.append({"system": system, "category": category, "label": label,
                             "precision": float(p[0]), "recall": float(r[0]), "f1": float(f[0]),
                             "support": int(s[0]), "n": int(counts.sum())})
    return pd.DataFrame(rows, columns=LABEL_PRF_COLUMNS)


# --------------------------------------------------------------------------------------------
# Comparing systems on paired items
# --------------------------------------------------------------------------------------------

def item_keys(scores: pd.DataFrame) -> tuple[pd.Series | None, str]:
    """The key that pairs one system's file with another's, and how it was chosen.

    Systems are usually first-level folders holding the same utterances (``sysA/utt1.wav`` and
    ``sysB/utt1.wav``): then the path without its first component pairs them. Otherwise the
    prompt text pairs them, provided no system has the same prompt twice (a repeated prompt
    would make the pairing arbitrary). Returns ``(None, reason)`` when neither works.
    """
    system = text_column(scores, "system")
    file = text_column(scores, "file")
    parts = file.map(lambda f: f.split("/", 1))
    first = parts.map(lambda p: p[0] if len(p) == 2 else None)
    if (system != "").all() and (first == system).all():
        keys = parts.map(lambda p: p[1])
        if not pd.DataFrame({"s": system, "k": keys}).duplicated().any():
            return keys, "path without the system folder"
    prompt = text_column(scores, "prompt")
    if (prompt != "").all() and not pd.DataFrame({"s": system, "k": prompt}).duplicated().any():
        return prompt, "prompt text"
    return None, ("files cannot be paired across systems: systems are not first-level folders "
                  "and prompts are missing or repeated within a system")


def compare_systems(scores: pd.DataFrame, label_set: LabelSet, n_resamples: int = 1000,
                    seed: int = 0, alpha: float = SIGNIFICANCE_LEVEL) -> pd.DataFrame:
    """Paired comparison of adherence between every two systems, per category and ``all``.

    Why paired: systems asked for the same item (same text, same requested style) differ far
    less than the items differ among themselves, so comparing on the same items removes the item
    variance. For each pair of systems (A, B) and category, the pairs are the items that both
    systems were scored on with an expectation in that category. Reported:

    * ``adherence_a`` / ``adherence_b`` on those pairs, and ``difference = a - b`` with a paired
      bootstrap interval (items resampled by speaker when speakers are known);
    * McNemar's exact test: under "no difference" each discordant pair (one system matched,
      the other not) is equally likely to go either way, so ``n_a_only`` is Binomial(
      ``n_a_only + n_b_only``, 1/2); ``mcnemar_p`` is the two-sided exact binomial p-value
      (1.0 without discordant pairs). ``significant`` is ``mcnemar_p < alpha``. The exact test is
      used rather than the chi-square version because discordant counts are often small.
      McNemar treats pairs as independent; when one voice has many items the speaker-resampled
      interval of the difference is the more cautious reading, so both are reported.

    The pairing rule is stored in ``result.attrs["pairing"]``; the table is empty (with all its
    columns) with fewer than two systems or when files cannot be paired.
    """
    scores = _checked(scores)
    empty = pd.DataFrame(columns=COMPARISON_COLUMNS)
    systems = list(dict.fromkeys(text_column(scores, "system")))
    if len(systems) < 2:
        empty.attrs["pairing"] = "fewer than two systems"
        return empty
    keys, how = item_keys(scores)
    if keys is None:
        empty.attrs["pairing"] = how
        return empty

    categories = list(label_set.categories)
    matches = {c: _match(scores, c) for c in categories}
    matches[ALL_CATEGORY] = _overall_match(scores, label_set)
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
            iv, _ = paired_bootstrap_diff(ma, mb, clusters, n_resamples=n_resamples, seed=seed)
            a_only, b_only = int(((ma == 1) & (mb == 0)).sum()), int(((ma == 0) & (mb == 1)).sum())
            p = binomtest(a_only, a_only + b_only, 0.5).pvalue if a_only + b_only else 1.0
            rows.append({"system_a": a, "system_b": b, "category": category, "n_pairs": int(both.sum()),
                         "adherence_a": float(ma.mean()), "adherence_b": float(mb.mean()),
                         "difference": iv.value, "difference_lo": iv.lo, "difference_hi": iv.hi,
                         "n_a_only": a_only, "n_b_only": b_only, "mcnemar_p": float(p),
                         "significant": bool(p < alpha)})
    result = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    result.attrs["pairing"] = how
    return result


# --------------------------------------------------------------------------------------------
# Speaker level
# --------------------------------------------------------------------------------------------

def _threshold_vector(thresholds, labels: Sequence[str]) -> np.ndarray:
    """Per-label thresholds in ``labels`` order from a mapping, a sequence in that order or a scalar."""
    if thresholds is None:
        return np.full(len(labels), 0.5)
    if isinstance(thresholds, Mapping):
        missing = [lab for lab in labels if lab not in thresholds]
        if missing:
            raise ValueError(f"no threshold for label(s) {', '.join(missing)}")
        return np.array([float(thresholds[lab]) for lab in labels])
    vec = np.atleast_1d(np.asarray(thresholds, dtype=float))
    if vec.size == 1:
        return np.full(len(labels), float(vec[0]))
    if vec.size != len(labels):
        raise ValueError(f"{vec.size} thresholds given for {len(labels)} labels ({', '.join(labels)})")
    return vec


def decide_category(probs: Mapping[str, float], labels: Sequence[str], thresholds: Mapping[str, float]) -> str:
    """The label of one category with the highest probability among those at or above their
    threshold; ``""`` when none is (the rule scoring uses for ``predicted_<c>``)."""
    passing = [(probs[lab], lab) for lab in labels
               if np.isfinite(probs[lab]) and probs[lab] >= thresholds[lab]]
    return max(passing, key=lambda t: t[0])[1] if passing else ""


def _consensus(values: pd.Series) -> str:
    """The most frequent non-empty value (first seen on ties); ``""`` when there is none."""
    values = values[values != ""]
    if values.empty:
        return ""
    counts = values.value_counts(sort=False)
    return str(counts.idxmax())


def speaker_level_table(scores: pd.DataFrame, label_set: LabelSet, thresholds) -> pd.DataFrame:
    """One row per (system, speaker), judged once from the mean of its files' probabilities.

    Timbre labels (gender, age, brightness, roughness) are properties of a voice, not of one
    utterance, so a voice is judged once: each ``p_<Label>`` is the mean over the speaker's
    scored files, ``predicted_<c>`` is recomputed from those means with ``thresholds`` (a mapping
    label -> threshold, a sequence in ``label_set.labels`` order, or one number), and
    ``expected_<c>`` is the expectation most of its files carry (``n_conflicting_<c>`` counts the
    files that expect something else, which points at an inconsistent styles file).

    The result has the columns of a scores table (``file`` is ``system/speaker``, ``status`` is
    ok, or error when none of the speaker's files could be scored), so
    ``adherence_table(speaker_level_table(...))`` gives adherence over speakers; see
    :func:`speaker_adherence_table`. Files without a speaker are left out.
    """
    scores = _checked(scores)
    labels = list(label_set.labels)
    thr = dict(zip(labels, _threshold_vector(thresholds, labels)))
    speakers = text_column(scores, "speaker")
    rows = []
    for (system, speaker), frame in _groups(scores[speakers != ""], ["system", "speaker"]):
        scored = text_column(frame, "status").isin(SCORED_STATUSES)
        probs = {lab: float(pd.to_numeric(frame.loc[scored, f"p_{lab}"], errors="coerce").mean())
                 if f"p_{lab}" in frame.columns and scored.any() else np.nan for lab in labels}
        ok = scored.any() and all(np.isfinite(v) for v in probs.values())
        row = {"file": f"{system}/{speaker}" if system else speaker, "system": system, "speaker": speaker,
               "status": "ok" if ok else "error",
               "error": "" if ok else f"none of the speaker's {len(frame)} files could be scored",
               "n_files": int(scored.sum()), **{f"p_{lab}": v for lab, v in probs.items()}}
        for category, cat_labels in label_set.categories.items():
            expected = text_column(frame.loc[scored] if ok else frame, f"expected_{category}")
            consensus = _consensus(expected)
            predicted = decide_category(probs, cat_labels, thr) if ok else ""
            row[f"expected_{category}"] = consensus
            row[f"n_conflicting_{category}"] = int(((expected != "") & (expected != consensus)).sum())
            row[f"predicted_{category}"] = predicted
            row[f"match_{category}"] = (predicted == consensus) if ok and consensus else np.nan
        rows.append(row)
    columns = (["file", "system", "speaker", "status", "error", "n_files"] + [f"p_{lab}" for lab in labels]
               + [f"{kind}_{c}" for c in label_set.categories
                  for kind in ("expected", "predicted", "match", "n_conflicting")])
    return pd.DataFrame(rows, columns=columns)


def speaker_adherence_table(scores: pd.DataFrame, label_set: LabelSet, thresholds,
                            n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Adherence over voices: :func:`adherence_table` on :func:`speaker_level_table`, per system.
    ``n`` counts speakers; each speaker is its own bootstrap cluster."""
    return adherence_table(speaker_level_table(scores, label_set, thresholds), label_set,
                           n_resamples=n_resamples, seed=seed)
