"""The ``linear`` head: a checkpoint architecture scored like any other."""
from __future__ import annotations

import numpy as np
import torch

from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.models import ModelConfig, StyleModel
from stylecheck.models.linear import CategoryLinear


def test_pair_probabilities_sum_to_one_and_follow_the_weights():
    head = CategoryLinear(3, PAPER_LABELS)
    with torch.no_grad():
        head.linears[0].weight[1] = torch.tensor([2.0, 0.0, 0.0])  # Male grows with feature 0
    x = torch.tensor([[[1.0, 0, 0]], [[-1.0, 0, 0]]])
    p = torch.sigmoid(head(x, torch.ones(2, 1, dtype=torch.bool)))
    torch.testing.assert_close(p[:, 0] + p[:, 1], torch.ones(2))
    torch.testing.assert_close(p[:, 1], torch.sigmoid(torch.tensor([2.0, -2.0])))
    torch.testing.assert_close(p[:, 2:], torch.full((2, 6), 0.5))  # untrained categories: 0.5


def test_masked_frames_are_ignored_and_standardisation_applies():
    head = CategoryLinear(2, PAPER_LABELS)
    with torch.no_grad():
        head.mean.copy_(torch.tensor([1.0, 0.0]))
        head.std.copy_(torch.tensor([2.0, 1.0]))
        head.linears[0].weight[1] = torch.tensor([1.0, 0.0])
    x = torch.tensor([[[5.0, 0.0], [100.0, 0.0]]])
    logits = head(x, torch.tensor([[True, False]]))
    torch.testing.assert_close(torch.sigmoid(logits[0, 1]), torch.sigmoid(torch.tensor(2.0)))


def test_linear_checkpoint_round_trip(tmp_path):
    cfg = ModelConfig(arch="linear", input_dim=4, backbone={"kind": "voice", "level": "functionals"},
                      decision={"rule": "pairwise", "uncertain_margin": 0.1})
    head = CategoryLinear(4, PAPER_LABELS)
    with torch.no_grad():
        for lin in head.linears:
            lin.weight.normal_()
    StyleModel(cfg, head).save_pretrained(tmp_path / "m")
    loaded = StyleModel.from_pretrained(tmp_path / "m")
    assert loaded.config.arch == "linear" and loaded.config.decision == cfg.decision
    frames = [torch.randn(1, 4), torch.randn(2, 4)]  # one frame per 30 s segment
    p = loaded.probabilities_from_frames(frames)
    q = StyleModel(cfg, head).probabilities_from_frames(frames)
    np.testing.assert_allclose(p, q, rtol=1e-6)
    np.testing.assert_allclose(p[:, 0] + p[:, 1], 1.0, atol=1e-6)


def _column_head():
    from stylecheck.models.linear import column_indices

    columns = {"age": [[0, 2]], "roughness": [[2, 4]]}
    head = CategoryLinear(4, PAPER_LABELS, columns)
    torch.manual_seed(0)
    with torch.no_grad():
        for lin in head.linears:
            lin.weight.normal_()
    assert column_indices(columns, 4, list(PAPER_LABELS.categories)) == {
        "gender": None, "age": [0, 1], "brightness": None, "roughness": [2, 3]}
    return head, columns


def test_per_category_columns_change_only_the_categories_that_read_them():
    head, _ = _column_head()
    ls = PAPER_LABELS
    assert [lin.in_features for lin in head.linears] == [4, 2, 4, 2]
    x = torch.randn(5, 1, 4)
    mask = torch.ones(5, 1, dtype=torch.bool)
    base = head(x, mask)
    cols = {cat: [ls.index(lab) for lab in labels] for cat, labels in ls.categories.items()}
    moved = x.clone()
    moved[..., 3] += 2.0  # a voice column: roughness reads it, age does not
    out = head(moved, mask)
    torch.testing.assert_close(out[:, cols["age"]], base[:, cols["age"]])
    assert not torch.allclose(out[:, cols["roughness"]], base[:, cols["roughness"]])
    assert not torch.allclose(out[:, cols["gender"]], base[:, cols["gender"]])  # reads every column
    moved = x.clone()
    moved[..., 0] += 2.0  # an embedding column: age reads it, roughness does not
    out = head(moved, mask)
    torch.testing.assert_close(out[:, cols["roughness"]], base[:, cols["roughness"]])
    assert not torch.allclose(out[:, cols["age"]], base[:, cols["age"]])


def test_per_category_columns_round_trip_through_the_checkpoint(tmp_path):
    head, columns = _column_head()
    cfg = ModelConfig(arch="linear", arch_params={"columns": columns}, input_dim=4,
                      backbone={"kind": "voice", "level": "functionals"},
                      decision={"rule": "pairwise", "uncertain_margin": 0.1})
    StyleModel(cfg, head).save_pretrained(tmp_path / "m")
    loaded = StyleModel.from_pretrained(tmp_path / "m")
    assert loaded.config.arch_params == {"columns": columns}
    assert [lin.in_features for lin in loaded.head.linears] == [4, 2, 4, 2]
    frames = [torch.randn(1, 4), torch.randn(2, 4)]
    np.testing.assert_allclose(loaded.probabilities_from_frames(frames),
                               StyleModel(cfg, head).probabilities_from_frames(frames), rtol=1e-6)


def test_bad_column_selections_are_refused_with_the_entry_named(tmp_path):
    import pytest

    from stylecheck.models import CheckpointError

    for bad, words in [({"colour": [[0, 2]]}, "colour"), ({"age": [[0, 9]]}, "age"), ({"age": []}, "no column")]:
        with pytest.raises(ValueError, match=words):
            CategoryLinear(4, PAPER_LABELS, bad)
    head, columns = _column_head()
    cfg = ModelConfig(arch="linear", arch_params={"columns": columns}, input_dim=4,
                      backbone={"kind": "voice", "level": "functionals"})
    StyleModel(cfg, head).save_pretrained(tmp_path / "m")
    import json

    path = tmp_path / "m" / "config.json"
    data = json.loads(path.read_text())
    data["arch_params"]["columns"]["age"] = [[0, 3]]  # the weights hold 2 columns for age
    path.write_text(json.dumps(data))
    with pytest.raises(CheckpointError, match="do not match"):
        StyleModel.from_pretrained(tmp_path / "m")
