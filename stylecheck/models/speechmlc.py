"""SpeechMLC (Kim et al.): learnable style queries cross-attend to frozen speech frames.

Paper section 3.1 / 4.2: frame features are projected to d=128 and used as keys and values of a
4-layer transformer decoder (8 heads); one learnable query per label; a per-label linear layer
turns each query's output into one logit. No positional encoding is added to the frames: the
labels describe a voice, not a moment, and the decoder then sees the frames as a set, so a
window's result does not depend on where in it the speech sits.
"""
from __future__ import annotations

import torch
from torch import nn


class PerLabelLinear(nn.Module):
    """One linear map per label: logit_k = <h_k, w_k> + b_k (Query2Label's group-wise linear)."""

    def __init__(self, n_labels: int, dim: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_labels, dim))
        self.bias = nn.Parameter(torch.zeros(n_labels))
        nn.init.xavier_uniform_(self.weight)

    def forward(self, h: torch.Tensor) -> torch.Tensor:  # [B, K, D] -> [B, K]
        return (h * self.weight).sum(-1) + self.bias


class StyleQueryDecoder(nn.Module):
    """Transformer decoder whose queries are one learnable embedding per label."""

    def __init__(self, n_labels: int, d_model: int = 128, n_layers: int = 4, n_heads: int = 8,
                 ff_dim: int = 512, dropout: float = 0.1):
        super().__init__()
        self.queries = nn.Parameter(torch.randn(n_labels, d_model) * 0.02)
        layer = nn.TransformerDecoderLayer(d_model, n_heads, ff_dim, dropout, batch_first=True)
        self.decoder = nn.TransformerDecoder(layer, n_layers)

    def forward(self, memory: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        q = self.queries.unsqueeze(0).expand(memory.shape[0], -1, -1)
        return self.decoder(q, memory, memory_key_padding_mask=~mask)


class SpeechMLC(nn.Module):
    def __init__(self, input_dim: int, n_labels: int, d_model: int = 128, n_layers: int = 4,
                 n_heads: int = 8, ff_dim: int = 512, dropout: float = 0.1, extra_dim: int = 0):
        super().__init__()
        self.input_proj = nn.Sequential(nn.Linear(input_dim, d_model), nn.LayerNorm(d_model))
        self.decoder = StyleQueryDecoder(n_labels, d_model, n_layers, n_heads, ff_dim, dropout)
        self.head = PerLabelLinear(n_labels, d_model)

    def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """frames [B, F, D], mask [B, F] (True = real frame) -> logits [B, K]."""
        memory = self.input_proj(frames)
        return self.head(self.decoder(memory, mask))
