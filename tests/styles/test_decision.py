"""One answer per category (stylecheck.styles.decision)."""
from __future__ import annotations

import numpy as np
import pytest

from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.models import ModelConfig
from stylecheck.models.checkpoint import _check_config
from stylecheck.styles.decision import UNCERTAIN, decide_categories, decisions_matrix, pair_probabilities

LABELS = PAPER_LABELS.labels  # Female Male Adult Teenager Dark Bright Rough Smooth


def row(**p):
    return [p.get(lab, 0.5) for lab in LABELS]


def test_v1_rule_is_highest_label_at_its_threshold_or_nothing():
    cfg = ModelConfig(thresholds=[0.5, 0.5, 0.5, 0.5, 0.4, 0.7, 0.5, 0.5])
    probs = np.array([row(Female=0.9, Male=0.2, Adult=0.3, Teenager=0.2, Dark=0.45, Bright=0.65, Rough=0.6, Smooth=0.8)])
    a = decide_categories(probs, cfg)
    # Bright (0.65) is under its 0.7 threshold, Dark (0.45) over its 0.4: Dark. No age label passes.
    assert a == {"gender": ["Female"], "age": [""], "brightness": ["Dark"], "roughness": ["Smooth"]}


def test_pairwise_rule_answers_the_more_probable_label_and_uncertain_inside_the_margin():
    cfg = ModelConfig(decision={"rule": "pairwise", "uncertain_margin": {"gender": 0.0, "age": 0.2,
                                                                         "brightness": 0.1, "roughness": 0.1}})
    probs = np.array([
        row(Female=0.1, Male=0.9, Adult=0.2, Teenager=0.1, Dark=0.52, Bright=0.48, Rough=0.3, Smooth=0.7),
        row(Female=0.6, Male=0.4, Adult=0.55, Teenager=0.45, Dark=0.2, Bright=0.8, Rough=0.47, Smooth=0.53),
    ])
    a = decide_categories(probs, cfg)
    # Age row 0: 0.2 vs 0.1 normalised to 0.67 / 0.33, a lead of 0.33 >= 0.2: Adult, though
    # neither label is at 0.5 (the v1 rule answered nothing there).
    assert a["gender"] == ["Male", "Female"]
    assert a["age"] == ["Adult", UNCERTAIN]  # row 1: 0.55 vs 0.45 leads by 0.1 < 0.2
    assert a["brightness"] == [UNCERTAIN, "Bright"]
    assert a["roughness"] == ["Smooth", UNCERTAIN]


def test_nan_rows_are_not_judged_and_decisions_matrix_skips_uncertain():
    cfg = ModelConfig(decision={"rule": "pairwise", "uncertain_margin": 0.1})
    probs = np.array([row(Female=0.8, Male=0.2), [np.nan] * 8])
    a = decide_categories(probs, cfg)
    assert a["gender"] == ["Female", ""] and a["age"] == [UNCERTAIN, ""]
    m = decisions_matrix(a, PAPER_LABELS)
    assert m[0].tolist() == [1, 0, 0, 0, 0, 0, 0, 0] and not m[1].any()


def test_pair_probabilities_sum_to_one_per_category():
    p = pair_probabilities(np.array([row(Female=0.3, Male=0.1, Dark=0.0, Bright=0.0)]), PAPER_LABELS)
    assert p[0, :2].tolist() == pytest.approx([0.75, 0.25])
    assert p[0, 4:6].tolist() == pytest.approx([0.5, 0.5])


@pytest.mark.parametrize("bad", [{"rule": "vote"}, {"rule": "pairwise", "uncertain_margin": 1.5},
                                 {"rule": "pairwise", "uncertain_margin": {"age": -0.1}}])
def test_malformed_decision_settings_are_rejected(bad):
    with pytest.raises(ValueError):
        _check_config(ModelConfig(decision=bad))


def test_config_round_trips_decision_and_reliability():
    rel = {"source": "test", "per_label": {"Female": {"f1": 0.9, "lo": 0.8, "hi": 1.0, "n_pos_speakers": 3}},
           "per_category": {}}
    cfg = ModelConfig(decision={"rule": "pairwise", "uncertain_margin": 0.1}, reliability=rel)
    back = ModelConfig.from_dict(cfg.to_dict())
    assert back.decision == cfg.decision and back.reliability == rel
    assert ModelConfig.from_dict({k: v for k, v in ModelConfig().to_dict().items()
                                  if k not in ("decision", "reliability")}).decision is None


def test_the_python_api_decides_as_the_cli_does():
    """Issue 21 item 3: StyleModel.decide applies the default model's uncertain margins, as
    `stylecheck score` does (it used to compare each label with 0.5 and answer Dark). Since
    version 2.3 age has no margin (it answers every file, as the GE2E probe): 0.55 is Adult."""
    import stylecheck
    from stylecheck.styles.decision import decide_categories

    model = stylecheck.load_model()
    probs = np.array([[.99, .01, .55, .45, .52, .48, .51, .49]])
    answers = model.decide_categories(probs)
    assert answers == decide_categories(probs, model.config)
    assert model.config.decision["uncertain_margin"]["age"] == 0.0
    assert answers["gender"] == ["Female"] and answers["age"] == ["Adult"]
    assert answers["brightness"] == ["uncertain"] and answers["roughness"] == ["uncertain"]
    decided = dict(zip(model.labels, model.decide(probs)[0]))
    assert decided["Female"] and decided["Adult"] and not decided["Teenager"]
    assert not decided["Dark"] and not decided["Bright"] and not decided["Rough"]


def test_effective_thresholds_follow_the_rule_the_model_decides_with():
    """Issue 21 item 5: what a label needs is the rule's, not the stored 0.5."""
    from stylecheck.styles.decision import effective_thresholds

    stored = [0.5] * len(PAPER_LABELS.labels)
    assert effective_thresholds(PAPER_LABELS, stored, None)["Dark"] == 0.5  # v1: the label's threshold
    margins = {"rule": "pairwise", "uncertain_margin": {"brightness": 0.18, "gender": 0.0}}
    needed = effective_thresholds(PAPER_LABELS, stored, margins)
    assert needed["Dark"] == needed["Bright"] == pytest.approx(0.59)
    assert needed["Female"] == 0.5 and needed["Adult"] == 0.5  # no margin given: 0.5
    # The threshold is exactly where decide_categories switches from uncertain to the label.
    config = ModelConfig(decision=margins)
    for p_dark, answer in ((0.52, UNCERTAIN), (0.589, UNCERTAIN), (0.5901, "Dark")):
        probs = np.array([row(Dark=p_dark, Bright=1 - p_dark)])
        assert decide_categories(probs, config)["brightness"] == [answer]
