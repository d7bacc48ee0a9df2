"""Style adherence from a per-file scores table: does the audio carry the style it was asked for?

Input is the per-file table that scoring writes as ``scores.csv`` (one row per file, always):
``file``, ``system``, ``speaker``, ``status`` (ok | unlisted | error | missing | no_speech |
bad_row), ``error``,
``prompt``, ``p_<Label>`` per label, and per category ``c`` of the label set ``expected_<c>``,
``predicted_<c>`` and ``match_<c>``. Every function here is pure: DataFrame in, DataFrame out, so
the same code serves a freshly scored folder and a ``scores.csv`` read back from disk (where
empty strings come back as NaN and booleans may come back as text).

Counting rules shared by all tables:

* A file is *judged* for category ``c`` when it was scored (status ok or unlisted) and has an
  expected label for ``c``. A judged file whose ``predicted_<c>`` is ``uncertain`` (the model
  could not decide between two labels) does not match and is also counted in ``n_uncertain``.
* A listed file that could not be judged (status error, missing, no_speech) *failed* for every
  category it expected; a ``bad_row`` (a STYLES.csv row skipped as unreadable, so what it
  expected is unknown) failed for the ``all`` category. By default (``count_failed=True``) a
  failed file counts as not adhering: a system is not rewarded for output that could not be
  judged. ``count_failed=False`` rates judged files only. Either way ``n_failed`` is reported
  beside the rate.
* The ``all`` category: a file adheres overall when every category it has an expectation for
  matches.
* Intervals are 95% score intervals that never collapse to a point on a finite sample:
  Wilson's for independent files and, when speakers are known, Wilson's on the effective
  number of files given the speaker clustering; Newcombe's paired score interval for
  differences between systems (see :mod:`stylecheck.analysis.intervals`).
"""
from __future__ import annotations

from itertools import combinations
from types import SimpleNamespace
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import precision_recall_fscore_support

from ..styles.labels import LabelSet
from ..styles.decision import UNCERTAIN, decide_categories
from .intervals import clustered_proportion_interval, paired_difference_interval
from ..errors import InvalidValueError, WrongTypeError

SCORED_STATUSES = ("ok", "unlisted")
#: Listed files that could not be judged: they count against adherence by default.
FAILED_STATUSES = ("error", "missing", "no_speech", "bad_row")
#: A STYLES.csv row that could not be read (``--skip-bad-rows``): its expectations are unknown.
BAD_ROW_STATUS = "bad_row"
#: ``predicted_<c>`` of a judged file whose two most probable labels were too close to call.
ALL_CATEGORY = "all"
SIGNIFICANCE_LEVEL = 0.05

ADHERENCE_COLUMNS = ["category", "n", "n_matched", "adherence", "lo", "hi", "n_failed", "n_judged",
                     "n_uncertain"]
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
    values = frame[column]
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # The common case (text cells, blanks as NaN) without a Python call per cell.
        return values.astype(object).where(values.notna(), "").str.strip().astype(object)
    return values.astype(object).map(as_text).astype(object)


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
        raise WrongTypeError(f"expected a scores DataFrame, got {type(scores).__name__}")
    missing = [c for c in ("file", "status") if c not in scores.columns]
    if missing:
        raise InvalidValueError(f"scores table lacks column(s) {', '.join(missing)}; "
                         f"it has: {', '.join(map(str, scores.columns)) or 'no columns'}")
    return scores.reset_index(drop=True)


def _judged(scores: pd.DataFrame, category: str) -> np.ndarray:
    """Per-file match for ``category`` as 1/0/NaN over judged files only (NaN elsewhere).

    ``match_<c>`` is used when given; where it is blank on a judged file, the match is derived
    from ``predicted_<c> == expected_<c>`` so a hand-edited table stays usable.
    """
    expected = text_column(scores, f"expected_{category}")
    predicted = text_column(scores, f"predicted_{category}")
    counts = (text_column(scores, "status").isin(SCORED_STATUSES) & (expected != "")).to_numpy()
    column = f"match_{category}"
    given = (scores[column].map(match_flag).to_numpy(dtype=float) if column in scores.columns
             else np.full(len(scores), np.nan))
    derived = (predicted == expected).to_numpy(dtype=float)
    out = np.where(np.isnan(given), derived, given)
    # An uncertain verdict never matches, whatever a hand-edited match column says.
    out[(predicted == UNCERTAIN).to_numpy()] = 0.0
    out[~counts] = np.nan
    return out


def _expects(scores: pd.DataFrame, categories: Sequence[str]) -> np.ndarray:
    expected = np.zeros(len(scores), dtype=bool)
    for c in categories:
        expected |= (text_column(scores, f"expected_{c}") != "").to_numpy()
    return expected


def _failed(scores: pd.DataFrame, categories: Sequence[str], overall: bool = False) -> np.ndarray:
    """Listed files that were asked for a style in any of ``categories`` but could not be
    judged; for the ``all`` category (``overall``) also every bad STYLES.csv row."""
    status = text_column(scores, "status")
    failed = status.isin(FAILED_STATUSES).to_numpy()
    wanted = _expects(scores, categories)
    if overall:
        wanted |= (status == BAD_ROW_STATUS).to_numpy()
    return failed & wanted


def _match(scores: pd.DataFrame, category: str, count_failed: bool = False) -> np.ndarray:
    """Per-file match for ``category`` as 1/0/NaN; with ``count_failed`` a failed file is 0."""
    out = _judged(scores, category)
    if count_failed:
        out[_failed(scores, [category])] = 0.0
    return out


def _overall_match(scores: pd.DataFrame, label_set: LabelSet, count_failed: bool = False) -> np.ndarray:
    """1 when every expected category of a file matches, 0 when one does not, NaN when none
    counts; with ``count_failed`` a failed file (or bad row) is 0."""
    if not label_set.categories:
        return np.full(len(scores), np.nan)
    per_cat = np.column_stack([_judged(scores, c) for c in label_set.categories])
    counted = ~np.isnan(per_cat)
    all_ok = np.where(counted, per_cat == 1, True).all(axis=1)
    out = np.where(counted.any(axis=1), all_ok.astype(float), np.nan)
    if count_failed:
        out[_failed(scores, list(label_set.categories), overall=True)] = 0.0
    return out


def _clusters(scores: pd.DataFrame) -> np.ndarray | None:
    """Interval cluster per row: the speaker when filled, else the file itself; None when every
    row is its own cluster (independent files)."""
    speaker = text_column(scores, "speaker")
    if (speaker == "").all():
        return None
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
                    count_failed: bool = True, n_resamples: int | None = None,
                    seed: int | None = None) -> pd.DataFrame:
    """Share of files whose predicted style matches the expected one, per group and category.

    Columns: the ``group_by`` columns, ``category`` (each category of the label set, then
    ``all``), ``n`` (files in the rate: judged files plus, with ``count_failed``, failed ones),
    ``n_matched``, ``adherence = n_matched / n`` with its 95% interval ``lo``/``hi`` (Wilson, on
    the effective number of files when speakers are known), ``n_failed`` (listed files with an
    expectation in that category that could not be judged, counted in ``n`` or not),
    ``n_judged`` and ``n_uncertain`` (judged files without a verdict). Rows where nothing was
    expected are omitted, so a table without any expectations is empty but has all its columns.
    ``n_resamples``/``seed`` are accepted for callers of the earlier bootstrap version and
    ignored: the intervals are computed, not resampled.
    """
    del n_resamples, seed
    scores = _checked(scores)
    group_by = list(group_by)
    categories = list(label_set.categories)
    rows = []
    for key, frame in _groups(scores, group_by):
        clusters = _clusters(frame)
        # Each per-category column is read once; "all" is built from the same arrays.
        judged = {c: _judged(frame, c) for c in categories}
        failed = {c: _failed(frame, [c]) for c in categories}
        uncertain = {c: ~np.isnan(judged[c]) & (text_column(frame, f"predicted_{c}") == UNCERTAIN).to_numpy()
                     for c in categories}
        per_category = [(c, judged[c], failed[c], uncertain[c]) for c in categories]
        if categories:
            stacked = np.column_stack([judged[c] for c in categories])
            counted = ~np.isnan(stacked)
            overall = np.where(counted.any(axis=1),
                               np.where(counted, stacked == 1, True).all(axis=1).astype(float), np.nan)
            per_category.append((ALL_CATEGORY, overall, _failed(frame, categories, overall=True),
                                 np.column_stack([uncertain[c] for c in categories]).any(axis=1)))
        for category, judged_match, failed_mask, uncertain_mask in per_category:
            match = judged_match.copy()
            if count_failed:
                match[failed_mask] = 0.0
            counts = ~np.isnan(match)
            n_failed, n = int(failed_mask.sum()), int(counts.sum())
            if n == 0 and n_failed == 0:
                continue
            iv = clustered_proportion_interval(match[counts], None if clusters is None else clusters[counts])
            rows.append({**dict(zip(group_by, key)), "category": category, "n": n,
                         "n_matched": int(np.nansum(match)), "adherence": iv.value, "lo": iv.lo, "hi": iv.hi,
                         "n_failed": n_failed, "n_judged": int((~np.isnan(judged_match)).sum()),
                         "n_uncertain": int(uncertain_mask.sum())})
    table = pd.DataFrame(rows, columns=group_by + ADHERENCE_COLUMNS)
    table.attrs["count_failed"] = bool(count_failed)
    return table


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

def _example(values: pd.Series) -> str:
    return repr(str(values.iloc[0])) if len(values) else ""


def item_keys(scores: pd.DataFrame) -> tuple[pd.Series | None, str]:
    """The key that pairs one system's file with another's, and how it was chosen.

    Systems are usually first-level folders holding the same utterances (``sysA/utt1.wav`` and
    ``sysB/utt1.wav``): then the path without its first component pairs them. Otherwise the
    prompt text pairs them, provided no system has the same prompt twice (a repeated prompt
    would make the pairing arbitrary). Returns ``(None, reason)`` when neither works, the reason
    naming what broke each rule (with an example).
    """
    system = text_column(scores, "system")
    file = text_column(scores, "file")
    parts = file.map(lambda f: f.split("/", 1))
    first = parts.map(lambda p: p[0] if len(p) == 2 else None)
    why_path = ""
    outside = (system == "") | (first != system)
    if outside.any():
        bad = file[outside]
        why_path = (f"{len(bad)} file(s) do not lie in a folder named after their system "
                    f"(e.g. {_example(bad)} of system {_example(system[outside]) or repr('')})")
    else:
        keys = parts.map(lambda p: p[1])
        if not pd.DataFrame({"s": system, "k": keys}).duplicated().any():
            return keys, "path without the system folder"
    prompt = text_column(scores, "prompt")
    repeated = pd.DataFrame({"s": system, "k": prompt}).duplicated(keep=False) & (prompt != "")
    if (prompt == "").any():
        why_prompt = (f"{int((prompt == '').sum())} file(s) have no prompt "
                      f"(e.g. {_example(file[prompt == ''])})")
    elif repeated.any():
        first_repeat = repeated.idxmax()
        why_prompt = (f"system {system[first_repeat]!r} has the prompt {prompt[first_repeat]!r} "
                      f"{int(((system == system[first_repeat]) & (prompt == prompt[first_repeat])).sum())} times")
    else:
        return prompt, "prompt text"
    return None, ("files cannot be paired across systems: by path, " + why_path
                  + "; by prompt, " + why_prompt)


def compare_systems(scores: pd.DataFrame, label_set: LabelSet, count_failed: bool = True,
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
      Newcombe's paired score interval (effective sizes from the speakers of both files when
      speakers are known; see :mod:`stylecheck.analysis.intervals`);
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
    scores = _checked(scores)
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
    matches = {c: _match(scores, c, count_failed) for c in categories}
    matches[ALL_CATEGORY] = _overall_match(scores, label_set, count_failed)
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

def _threshold_vector(thresholds, labels: Sequence[str]) -> np.ndarray:
    """Per-label thresholds in ``labels`` order from a mapping, a sequence in that order or a scalar."""
    if thresholds is None:
        return np.full(len(labels), 0.5)
    if isinstance(thresholds, Mapping):
        missing = [lab for lab in labels if lab not in thresholds]
        if missing:
            raise InvalidValueError(f"no threshold for label(s) {', '.join(missing)}")
        return np.array([float(thresholds[lab]) for lab in labels])
    vec = np.atleast_1d(np.asarray(thresholds, dtype=float))
    if vec.size == 1:
        return np.full(len(labels), float(vec[0]))
    if vec.size != len(labels):
        raise InvalidValueError(f"{vec.size} thresholds given for {len(labels)} labels ({', '.join(labels)})")
    return vec


def _consensus(values: pd.Series) -> str:
    """The most frequent non-empty value (first seen on ties); ``""`` when there is none."""
    values = values[values != ""]
    if values.empty:
        return ""
    counts = values.value_counts(sort=False)
    return str(counts.idxmax())


def speaker_level_table(scores: pd.DataFrame, label_set: LabelSet, thresholds,
                        decision: Mapping | None = None) -> pd.DataFrame:
    """One row per (system, speaker), judged once from the mean of its files' probabilities.

    Timbre labels (gender, age, brightness, roughness) are properties of a voice, not of one
    utterance, so a voice is judged once: each ``p_<Label>`` is the mean over the speaker's
    scored files, ``predicted_<c>`` is recomputed from those means by the model's decision rule
    (:func:`stylecheck.styles.decision.decide_categories` with ``thresholds``: a mapping label ->
    threshold, a sequence in ``label_set.labels`` order, or one number; and ``decision``), and
    ``expected_<c>`` is the expectation most of its files carry (``n_conflicting_<c>`` counts the
    files that expect something else, which points at an inconsistent styles file).

    The result has the columns of a scores table (``file`` is ``system/speaker``, ``status`` is
    ok, or error when none of the speaker's files could be scored), so
    ``adherence_table(speaker_level_table(...))`` gives adherence over speakers; see
    :func:`speaker_adherence_table`. Files without a speaker are left out.
    """
    scores = _checked(scores)
    labels = list(label_set.labels)
    rule = SimpleNamespace(label_set=label_set, thresholds=list(_threshold_vector(thresholds, labels)),
                           decision=decision)
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
        answers = decide_categories(np.array([[probs[lab] for lab in labels]]), rule) if ok else {}
        for category in label_set.categories:
            expected = text_column(frame.loc[scored] if ok else frame, f"expected_{category}")
            consensus = _consensus(expected)
            predicted = answers[category][0] if ok else ""
            row[f"expected_{category}"] = consensus
            row[f"n_conflicting_{category}"] = int(((expected != "") & (expected != consensus)).sum())
            row[f"predicted_{category}"] = predicted
            row[f"match_{category}"] = (predicted == consensus) if ok and consensus else np.nan
        rows.append(row)
    columns = (["file", "system", "speaker", "status", "error", "n_files"] + [f"p_{lab}" for lab in labels]
               + [f"{kind}_{c}" for c in label_set.categories
                  for kind in ("expected", "predicted", "match", "n_conflicting")])
    return pd.DataFrame(rows, columns=columns)


def speaker_adherence_table(scores: pd.DataFrame, label_set: LabelSet, thresholds, count_failed: bool = True,
                            n_resamples: int | None = None, seed: int | None = None,
                            decision: Mapping | None = None) -> pd.DataFrame:
    """Adherence over voices: :func:`adherence_table` on :func:`speaker_level_table`, per system.
    ``n`` counts speakers (with ``count_failed``, a speaker none of whose files could be judged
    counts as not adhering); speakers are independent, so the interval is Wilson's on them."""
    return adherence_table(speaker_level_table(scores, label_set, thresholds, decision), label_set,
                           count_failed=count_failed)
