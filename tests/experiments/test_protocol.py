"""The evaluation protocol on hand-made data: splits, the corpus-only baseline, the figures."""
from __future__ import annotations

import numpy as np
import pytest

from stylecheck.analysis.metrics import f1_table
from stylecheck.experiments.protocol import (
    corpus_only, evaluate_protocol, linear_candidate, run_candidate, score_answers, setting_splits, setting_table,
)
from stylecheck.experiments.protocol_data import ProtocolData
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.styles.decision import UNCERTAIN, decisions_matrix


def toy(n_spk=40, per=2, seed=0) -> ProtocolData:
    """Two corpora; brightness follows feature 0 everywhere, but corpus B is mostly Bright."""
    rng = np.random.default_rng(seed)
    spk = np.repeat(np.arange(n_spk), per)
    corpus = np.where(spk < n_spk // 2, "A", "B")
    n = len(spk)
    x = rng.standard_normal((n, 6))
    x[:, 0] += np.where(corpus == "B", 1.0, -1.0)  # B is brighter on average
    y = np.full((n, 8), np.nan)
    bright = x[:, 0] > 0
    y[:, 4], y[:, 5] = ~bright, bright
    male = spk % 2 == 0
    y[:, 0], y[:, 1] = ~male, male
    x[:, 1] += np.where(male, 2.0, -2.0)
    return ProtocolData([f"f{i}" for i in range(n)], np.array([f"{c}:{s}" for c, s in zip(corpus, spk)]), corpus,
                        y.astype(float), PAPER_LABELS, features={"fusion": x})


def test_splits_are_speaker_disjoint_and_loco_crosses_corpora():
    d = toy()
    splits = setting_splits(d, folds=4)
    assert set(splits) == {"LOCO A→B", "LOCO B→A", "CV", "within A", "within B"}
    (tr, te), = splits["LOCO A→B"]
    assert set(d.corpus[tr]) == {"A"} and set(d.corpus[te]) == {"B"}
    for name, sp in splits.items():
        tested = np.concatenate([t for _, t in sp])
        assert len(tested) == len(set(tested.tolist()))  # each file tested once per setting
        for tr, te in sp:
            assert not set(d.speakers[tr]) & set(d.speakers[te])
    assert {d.corpus[i] for _, te in splits["within B"] for i in te} == {"B"}


def test_corpus_only_answers_each_corpus_majority():
    d = toy()
    rows = np.arange(len(d))
    _, answers = run_candidate(d, corpus_only, setting_splits(d)["CV"])
    b = [answers["brightness"][i] for i in rows if d.corpus[i] == "B"]
    assert set(b) == {"Bright"}
    a = [answers["brightness"][i] for i in rows if d.corpus[i] == "A"]
    assert set(a) == {"Dark"}


def test_score_answers_matches_f1_table_and_counts_uncertain_as_wrong():
    d = toy()
    rng = np.random.default_rng(1)
    answers = {cat: [labs[rng.integers(0, 2)] if rng.random() > 0.2 else UNCERTAIN for _ in range(len(d))]
               for cat, labs in PAPER_LABELS.categories.items()}
    rows = np.arange(len(d))
    figs = score_answers(d, rows, answers, n_resamples=200)
    ref = f1_table(d.targets, decisions_matrix(answers, PAPER_LABELS), PAPER_LABELS.labels, d.speakers, n_resamples=0)
    got = {f["what"]: f["value"] for f in figs if f["metric"] == "F1"}
    for r in ref.itertuples():
        key = "macro-F1" if r.label == "Average" else r.label
        assert got[key] == pytest.approx(r.f1, nan_ok=True)
    acc = next(f for f in figs if f["metric"] == "accuracy" and f["what"] == "brightness")
    truth = np.where(d.targets[:, 5] == 1, "Bright", "Dark")
    assert acc["value"] == pytest.approx(np.mean(np.array(answers["brightness"]) == truth))
    assert acc["lo"] <= acc["value"] <= acc["hi"]


def test_a_voice_feature_beats_the_corpus_across_corpora():
    d = toy(n_spk=60)
    res = evaluate_protocol(d, {"corpus only": corpus_only, "linear": linear_candidate("fusion")}, folds=3,
                            n_resamples=100, log=lambda s: None)
    acc = lambda m, s: float(res[(res.model == m) & (res.setting == s) & (res.metric == "accuracy")  # noqa: E731
                                 & (res.what == "brightness")]["value"].iloc[0])
    assert acc("linear", "LOCO pooled") > acc("corpus only", "LOCO pooled") + 0.1
    table = setting_table(res, "CV", ["gender", "brightness"])
    assert list(table["model"]) == ["corpus only", "linear"] and "macro-F1 (labels)" in table


def test_the_head_at_the_probe_equivalent_c_is_the_probe():
    """C = 1 on the unscaled embedding is C = s^2 on the head's input (divided by one shared scale
    s): the two give the same probabilities, so the probe's regularisation can be a head's."""
    from stylecheck.experiments.protocol import ge2e_probe

    d = toy(n_spk=40)
    x = d.features["fusion"] / np.linalg.norm(d.features["fusion"], axis=1, keepdims=True)
    d.features["fusion"] = x
    d.features["ge2e"] = x
    splits = setting_splits(d)["LOCO A→B"]
    probe, _ = run_candidate(d, ge2e_probe(one_answer=True), splits)
    head, _ = run_candidate(d, linear_candidate("fusion", balance="global", uncertain=False,
                                                shared_scale=slice(None), probe_c=True), splits)
    tested = splits[0][1]
    np.testing.assert_allclose(head[tested][:, [0, 4]], probe[tested][:, [0, 4]], atol=2e-3)


def test_a_per_category_head_answers_as_each_category_s_own_candidate():
    """The per-category candidate combines candidates exactly: each category's probabilities are
    those of the candidate on its columns (same recipe, C and margin chosen per category)."""
    d = toy(n_spk=40)
    splits = setting_splits(d)["LOCO A→B"]
    tested = splits[0][1]
    combined, _ = run_candidate(d, linear_candidate("fusion", category_columns={"gender": [[1, 2]],
                                                                               "brightness": [[0, 1], [2, 6]]}), splits)
    for cat, cols in (("gender", slice(1, 2)), ("brightness", np.r_[0, 2:6])):
        d.features["part"] = d.features["fusion"][:, cols]
        alone, _ = run_candidate(d, linear_candidate("part"), splits)
        k = [PAPER_LABELS.index(lab) for lab in PAPER_LABELS.categories[cat]]
        np.testing.assert_allclose(combined[tested][:, k], alone[tested][:, k], atol=1e-5)


def test_the_per_category_rule_takes_each_category_s_best_transfer():
    import sys
    from pathlib import Path

    import pandas as pd

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from model_v2_protocol import (
        COMBINABLE, PROBE_RECIPE, category_columns, choose_per_category, margin_categories, probe_c_categories,
    )

    fused, ge2e, voice, probe_recipe = COMBINABLE
    assert probe_recipe == PROBE_RECIPE
    rows = []
    for model, loco, cv in ((fused, {"age": 0.6, "roughness": 0.2}, 0.7), (ge2e, {"age": 0.6, "roughness": 0.25}, 0.8),
                            (voice, {"age": 0.5, "roughness": 0.4}, 0.5), (probe_recipe, {"gender": 0.5, "age": 0.55, "brightness": 0.5, "roughness": 0.1}, 0.9)):
        for cat, labels in PAPER_LABELS.categories.items():
            for lab in labels:
                rows.append({"setting": "LOCO pooled", "model": model, "metric": "F1", "what": lab,
                             "value": loco.get(cat, 0.9 if model == fused else 0.8)})
                rows.append({"setting": "CV", "model": model, "metric": "F1", "what": lab, "value": cv})
    table = pd.DataFrame(rows)
    choice = choose_per_category(table, PAPER_LABELS)
    assert choice == {"gender": fused, "age": ge2e, "brightness": fused, "roughness": voice}  # age: tie, CV decides
    assert category_columns(choice, 300) == {"age": [[0, 256]], "roughness": [[256, 300]]}
    assert margin_categories(choice) == tuple(PAPER_LABELS.categories) and probe_c_categories(choice) == ()
    # The probe's recipe transfers best for age: its columns, its C and no margin for age alone.
    table.loc[(table["model"] == probe_recipe) & table["what"].isin(["Adult", "Teenager"]), "value"] = 0.65
    choice = choose_per_category(table, PAPER_LABELS)
    assert choice["age"] == probe_recipe
    assert category_columns(choice, 300) == {"age": [[0, 256]], "roughness": [[256, 300]]}
    assert margin_categories(choice) == ("gender", "brightness", "roughness") and probe_c_categories(choice) == ("age",)


def test_categories_without_a_margin_answer_every_file():
    """``uncertain`` naming some categories: those keep the margin chosen on training folds, the
    others answer every file (as the GE2E probe), with the same probabilities."""
    from stylecheck.experiments.protocol import margins_kept

    assert margins_kept({"gender": 0.1, "age": 0.2}, ("gender",)) == {"gender": 0.1, "age": 0.0}
    assert margins_kept({"gender": 0.1, "age": 0.2}, True) == {"gender": 0.1, "age": 0.2}
    assert margins_kept({"gender": 0.1, "age": 0.2}, False) == {"gender": 0.0, "age": 0.0}
    d = toy(n_spk=60, seed=3)
    # Brightness only loosely follows feature 0, so near the boundary answers are coin flips.
    noisy = d.features["fusion"][:, 0] + np.random.default_rng(1).normal(0, 1.5, len(d)) > 0
    d.targets[:, 4], d.targets[:, 5] = ~noisy, noisy
    splits = setting_splits(d)["CV"]
    kept, with_margin = run_candidate(d, linear_candidate("fusion"), splits)
    same, answers = run_candidate(d, linear_candidate("fusion", uncertain=("gender",)), splits)
    np.testing.assert_allclose(same, kept)
    assert UNCERTAIN in with_margin["brightness"]  # the margin was doing something
    assert UNCERTAIN not in answers["brightness"]
    assert answers["gender"] == with_margin["gender"]


def test_each_direction_is_judged_by_the_other_direction_s_choice():
    """benchmarks/category_selection.py: the candidate read in one leave-one-corpus-out direction
    is the one the rule picks on the other direction's figures, never on its own."""
    import sys
    from pathlib import Path

    import pandas as pd

    root = Path(__file__).resolve().parents[2]
    sys.path[:0] = [str(root / "scripts"), str(root / "benchmarks")]
    from category_selection import DIRECTIONS, PROBE, cross_direction
    from model_v2_protocol import COMBINABLE

    a_to_b, b_to_a = DIRECTIONS
    good_on = {a_to_b: COMBINABLE[0], b_to_a: COMBINABLE[2]}  # each direction favours another candidate
    rows = []
    for setting, best in good_on.items():
        for model in [*COMBINABLE, PROBE]:
            for cat, labels in PAPER_LABELS.categories.items():
                rows += [{"setting": setting, "model": model, "metric": "F1", "what": lab,
                          "value": 0.9 if model == best else 0.5} for lab in labels]
                rows.append({"setting": setting, "model": model, "metric": "accuracy", "what": cat, "n": 10,
                             "value": 0.8 if model == best else 0.4})
    table = cross_direction(pd.DataFrame(rows))
    first = table[table["test direction"] == a_to_b].iloc[0]
    assert first["chosen on the other direction"] == COMBINABLE[2] and first["its accuracy"] == 0.4
    assert first["chosen on this direction"] == COMBINABLE[0] and first["its accuracy "] == 0.8
    assert len(table) == 2 * len(PAPER_LABELS.categories)
