"""``linear``: one multinomial logistic regression per category on the mean input frame.

Meant for utterance-level backbones (``fusion``, ``voice``: one frame per input), where it is the
logistic-regression probe made into a checkpoint: the input is standardised with the training
set's mean and standard deviation (stored as buffers), each category's labels get a softmax, and
the head returns per-label logits ``log p - log(1 - p)`` so that ``sigmoid(logit)`` is the
category's softmax probability (the probabilities of a pair sum to 1). Fitted by
:func:`stylecheck.training.linear.fit_category_linear`, not by gradient descent.
"""
from __future__ import annotations

import torch
from torch import nn

from ..styles.labels import LabelSet


class CategoryLinear(nn.Module):
    def __init__(self, input_dim: int, label_set: LabelSet):
        super().__init__()
        self.categories = [list(labels) for labels in label_set.categories.values()]
        self.register_buffer("mean", torch.zeros(input_dim))
        self.register_buffer("std", torch.ones(input_dim))
        self.linears = nn.ModuleList(nn.Linear(input_dim, len(labels)) for labels in self.categories)
        for lin in self.linears:
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """frames [B, F, D], mask [B, F] -> logits [B, K] (label-set order)."""
        m = mask.to(frames.dtype)[..., None]
        x = (frames * m).sum(1) / m.sum(1).clamp_min(1.0)
        x = (x - self.mean) / self.std
        out = []
        for lin in self.linears:
            logp = torch.log_softmax(lin(x), -1)
            # logit of p = log p - log(1 - p); clamped so p = 1 stays finite.
            out.append(logp - torch.log(-torch.expm1(logp.clamp(max=-1e-7))))
        return torch.cat(out, -1)
