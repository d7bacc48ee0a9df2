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
