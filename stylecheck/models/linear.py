"""``linear``: one multinomial logistic regression per category on the mean input frame.

Meant for utterance-level backbones (``fusion``, ``voice``: one frame per input), where it is the
logistic-regression probe made into a checkpoint: the input is standardised with the training
set's mean and standard deviation (stored as buffers), each category's labels get a softmax, and
the head returns per-label logits ``log p - log(1 - p)`` so that ``sigmoid(logit)`` is the
category's softmax probability (the probabilities of a pair sum to 1). Fitted by
:func:`stylecheck.training.linear.fit_category_linear`, not by gradient descent.

Each category may read only some columns of the input (``columns``, stored in the config's
``arch_params``): e.g. age from the GE2E embedding alone and roughness from the voice parameters,
when that is what transfers across corpora. ``{"age": [[0, 256]], "roughness": [[256, 300]]}``
lists half-open ``[start, stop)`` column ranges per category; a category not named reads them all.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import torch
from torch import nn

from ..errors import InvalidValueError
from ..styles.labels import LabelSet

ColumnSpec = Mapping[str, Sequence[Sequence[int]]]


def column_indices(columns: ColumnSpec | None, input_dim: int, categories: Sequence[str]) -> dict[str, list[int] | None]:
    """Category -> the sorted input columns it reads (None: all of them), checked against
    ``input_dim`` and the category names (ValueError naming the bad entry)."""
    columns = dict(columns or {})
    unknown = set(columns) - set(categories)
    if unknown:
        raise InvalidValueError(f"columns name unknown categories {sorted(unknown)} (categories: {', '.join(categories)})")
    out: dict[str, list[int] | None] = {}
    for cat in categories:
        if cat not in columns:
            out[cat] = None
            continue
        idx: set[int] = set()
        for rng in columns[cat]:
            if len(rng) != 2 or not all(isinstance(v, int) for v in rng) or not 0 <= rng[0] < rng[1] <= input_dim:
                raise InvalidValueError(f"columns[{cat!r}]: {list(rng)} is not a [start, stop) range inside 0..{input_dim}")
            idx.update(range(rng[0], rng[1]))
        if not idx:
            raise InvalidValueError(f"columns[{cat!r}] selects no column")
        out[cat] = sorted(idx)
    return out


def column_ranges(indices: Sequence[int]) -> list[list[int]]:
    """Sorted column indices as the ``[start, stop)`` ranges that ``columns`` stores."""
    out: list[list[int]] = []
    for i in sorted(set(int(v) for v in indices)):
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return out


class CategoryLinear(nn.Module):
    def __init__(self, input_dim: int, label_set: LabelSet, columns: ColumnSpec | None = None):
        super().__init__()
        self.categories = [list(labels) for labels in label_set.categories.values()]
        selected = column_indices(columns, input_dim, list(label_set.categories))
        self.register_buffer("mean", torch.zeros(input_dim))
        self.register_buffer("std", torch.ones(input_dim))
        self.selected = list(selected.values())
        for k, idx in enumerate(self.selected):
            if idx is not None:  # not persistent: the config holds the selection, the weights stay as they were
                self.register_buffer(f"columns_{k}", torch.tensor(idx, dtype=torch.long), persistent=False)
        self.linears = nn.ModuleList(nn.Linear(input_dim if idx is None else len(idx), len(labels))
                                     for idx, labels in zip(self.selected, self.categories))
        for lin in self.linears:
            nn.init.zeros_(lin.weight)
            nn.init.zeros_(lin.bias)

    def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """frames [B, F, D], mask [B, F] -> logits [B, K] (label-set order)."""
        m = mask.to(frames.dtype)[..., None]
        x = (frames * m).sum(1) / m.sum(1).clamp_min(1.0)
        x = (x - self.mean) / self.std
        out = []
        for k, lin in enumerate(self.linears):
            xk = x if self.selected[k] is None else x.index_select(-1, getattr(self, f"columns_{k}"))
            logp = torch.log_softmax(lin(xk), -1)
            # logit of p = log p - log(1 - p); clamped so p = 1 stays finite.
            out.append(logp - torch.log(-torch.expm1(logp.clamp(max=-1e-7))))
        return torch.cat(out, -1)
