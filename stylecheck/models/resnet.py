"""ResNet-34 baseline (paper section 5.1) over the same frame features, treated as a 1-channel
image (feature dim x time), as speaker and emotion classifiers do with mel spectrograms.

Channel widths follow the "thin" ResNet-34 of speaker verification (32-64-128-256), which suits
inputs of a few seconds. Padding never leaks into real frames: every activation is re-masked
along time after each convolution, and pooling is masked mean and standard deviation over time,
so an item's logits do not depend on its batch.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def _downsample_mask(mask: torch.Tensor, stride: int) -> torch.Tensor:
    if stride == 1:
        return mask
    n = mask.sum(-1)
    n_out = torch.div(n + stride - 1, stride, rounding_mode="floor")
    size = (mask.shape[-1] + stride - 1) // stride
    return torch.arange(size, device=mask.device)[None, :] < n_out[:, None]


def _apply(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return x * mask[:, None, None, :].to(x.dtype)


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.stride = stride
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x, mask):
        out_mask = _downsample_mask(mask, self.stride)
        y = _apply(F.relu(self.bn1(self.conv1(x))), out_mask)
        y = _apply(self.bn2(self.conv2(y)), out_mask)
        s = x if self.shortcut is None else _apply(self.shortcut(x), out_mask)
        return _apply(F.relu(y + s), out_mask), out_mask


class ResNet34(nn.Module):
    def __init__(self, input_dim: int, n_labels: int, widths=(32, 64, 128, 256), blocks=(3, 4, 6, 3),
                 max_input_dim: int = 128):
        super().__init__()
        # High-dimensional features (SSL models: 768) are first projected per frame so the 2-D
        # network sees a spectrogram-sized image.
        self.proj = nn.Linear(input_dim, max_input_dim) if input_dim > max_input_dim else None
        self.stem = nn.Sequential(nn.Conv2d(1, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU())
        layers = []
        cin = widths[0]
        for i, (w, n) in enumerate(zip(widths, blocks)):
            for j in range(n):
                layers.append(BasicBlock(cin, w, 2 if (j == 0 and i > 0) else 1))
                cin = w
        self.layers = nn.ModuleList(layers)
        self.head = nn.Linear(2 * cin, n_labels)

    def forward(self, frames: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        if self.proj is not None:
            frames = self.proj(frames)
        x = frames.masked_fill(~mask[..., None], 0.0).transpose(1, 2).unsqueeze(1)  # [B,1,D,F]
        x = _apply(self.stem(x), mask)
        for block in self.layers:
            x, mask = block(x, mask)
        x = x.mean(2)  # over the feature axis -> [B, C, F']
        m = mask[:, None, :].to(x.dtype)
        n = m.sum(-1).clamp_min(1.0)
        mean = (x * m).sum(-1) / n
        std = torch.sqrt((((x - mean[..., None]) * m) ** 2).sum(-1) / n + 1e-5)
        return self.head(torch.cat([mean, std], dim=1))
