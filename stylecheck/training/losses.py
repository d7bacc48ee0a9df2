"""Losses over multi-label targets with unknown entries (NaN) masked out."""
from __future__ import annotations

import torch
from torch.nn import functional as F


def masked_bce(logits: torch.Tensor, targets: torch.Tensor, focal_gamma: float = 0.0,
               pos_weight: torch.Tensor | None = None) -> torch.Tensor:
    """Mean binary cross-entropy over known targets only. NaN targets contribute nothing, so
    flipping an unknown label cannot change the loss or the gradients.

    ``focal_gamma > 0`` gives the focal loss (Lin et al.), which down-weights easy examples:
    one of the options for the rare labels.
    """
    known = ~torch.isnan(targets)
    safe = torch.where(known, targets, torch.zeros_like(targets))
    loss = F.binary_cross_entropy_with_logits(logits, safe, reduction="none", pos_weight=pos_weight)
    if focal_gamma > 0:
        p = torch.sigmoid(logits)
        p_t = p * safe + (1 - p) * (1 - safe)
        loss = loss * (1 - p_t).pow(focal_gamma)
    loss = loss * known
    return loss.sum() / known.sum().clamp_min(1)
