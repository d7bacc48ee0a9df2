"""The model's held-out reliability: stored in its config, read back, and the weak-category rule."""
from __future__ import annotations

import json

from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.models.config import ModelConfig
from stylecheck.styles.reliability import reliability_from_test_metrics, weak_categories, weakness
from stylecheck.pretrained import bundled_model_names, bundled_model_path


def _figures(f1, lo, speakers=10):
    return {"f1": f1, "lo": lo, "hi": min(1.0, f1 + 0.1), "n_pos_speakers": speakers}


def test_weak_rule_uses_lower_bound_speakers_and_missing_figures():
    rel = {"source": "test", "per_label": {
        "Female": _figures(0.99, 0.95), "Male": _figures(0.98, 0.93),
        "Adult": _figures(0.8, 0.6), "Teenager": _figures(0.9, 0.8),
        "Dark": _figures(0.9, 0.8), "Bright": _figures(0.9, 0.8, speakers=3),
        "Rough": _figures(0.9, 0.8)}, "per_category": {}}
    weak = weak_categories(rel, PAPER_LABELS)
    assert set(weak) == {"age", "brightness", "roughness"}
    assert "Adult: F1 lower bound 0.60" in weak["age"]
    assert "Bright: 3 positive speakers" in weak["brightness"]
    assert "Smooth: no held-out F1" in weak["roughness"]
    assert weakness(None, "gender", ["Female", "Male"]) == "no held-out figures for this model"
    rel["per_category"] = {"gender": {"accuracy": 0.8, "lo": 0.6, "hi": 0.9}}
    assert "accuracy lower bound 0.60" in weakness(rel, "gender", ["Female", "Male"])


def test_config_round_trips_reliability():
    rel = {"source": "s", "per_label": {"Female": _figures(0.9, 0.8)}, "per_category": {}}
    cfg = ModelConfig(reliability=rel)
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))).reliability == rel
    assert ModelConfig().reliability is None  # absent in older configs


def test_every_bundled_model_carries_held_out_figures_for_every_label():
    for name in bundled_model_names():
        cfg = ModelConfig.from_dict(json.loads((bundled_model_path(name) / "config.json").read_text()))
        assert cfg.reliability and cfg.reliability.get("source"), name
        assert set(cfg.reliability["per_label"]) == set(cfg.label_set.labels), name


def test_v1_carries_its_model_card_figures():
    folder = bundled_model_path("stylecheck-ge2e-v1")
    cfg = ModelConfig.from_dict(json.loads((folder / "config.json").read_text()))
    metrics = json.loads((folder / "test_metrics.json").read_text())
    assert cfg.reliability == reliability_from_test_metrics(metrics, cfg.label_set, cfg.reliability["source"])
    assert cfg.reliability["per_label"]["Teenager"]["f1"] == next(r["f1"] for r in metrics["f1"]
                                                                    if r["label"] == "Teenager")
    # The model card says gender is judged well and age, brightness, roughness are weak.
    assert set(weak_categories(cfg.reliability, cfg.label_set)) == {"age", "brightness", "roughness"}
    gender = cfg.reliability["per_category"]["gender"]
    assert gender["accuracy"] == metrics["gender_accuracy"] and gender["lo"] < gender["accuracy"] <= gender["hi"]


def test_reliability_is_labelled_by_where_it_was_measured():
    from stylecheck.styles.reliability import reliability_label

    assert reliability_label({"setting": "cross-corpus"}) == "classifier (cross-corpus)"
    assert reliability_label({"setting": "in-distribution"}) == "classifier (in-distribution)"
    assert reliability_label({"source": "older config"}) == "classifier (held-out)"
    assert reliability_label(None) == "classifier (held-out)"


def test_config_keeps_the_in_distribution_figures_apart():
    cross = {"source": "LOCO", "setting": "cross-corpus", "per_label": {"Female": _figures(0.9, 0.8)}, "per_category": {}}
    within = {"source": "CV", "setting": "in-distribution", "per_label": {"Female": _figures(0.99, 0.97)},
              "per_category": {}}
    cfg = ModelConfig(reliability=cross, reliability_in_distribution=within)
    back = ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))
    assert back.reliability == cross and back.reliability_in_distribution == within
    assert ModelConfig().reliability_in_distribution is None
