"""The HiFi-GAN generator that kNN-VC uses to vocode WavLM features, rebuilt here so the released
checkpoint (``prematch_g_02500000.pt``) loads with ``torch.load(..., weights_only=True)`` and
without importing the kNN-VC repository.

Architecture (HiFi-GAN V1, Kong et al. 2020, with kNN-VC's input projection): a linear layer from
the 1024-d WavLM features to 512 channels, a 7-tap convolution, four transposed-convolution
upsamplers (x10, x8, x2, x2 = 320 samples per 20 ms WavLM frame at 16 kHz) each followed by the
mean of three multi-receptive-field residual blocks, a last convolution and ``tanh``. Parameter
names follow the released checkpoint; its weight-normalised layers (``weight_g``/``weight_v``)
are folded into plain weights on load, which is what the official loader's
``remove_weight_norm()`` does too.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from ..errors import InvalidValueError, MissingFileError

LRELU_SLOPE = 0.1


@dataclass
class HiFiGANConfig:
    """The generator's shape; defaults are kNN-VC's ``hifigan/config_v1_wavlm.json``."""

    resblock: str = "1"
    upsample_rates: list[int] = field(default_factory=lambda: [10, 8, 2, 2])
    upsample_kernel_sizes: list[int] = field(default_factory=lambda: [20, 16, 4, 4])
    upsample_initial_channel: int = 512
    resblock_kernel_sizes: list[int] = field(default_factory=lambda: [3, 7, 11])
    resblock_dilation_sizes: list[list[int]] = field(default_factory=lambda: [[1, 3, 5], [1, 3, 5], [1, 3, 5]])
    hubert_dim: int = 1024
    hifi_dim: int = 512
    sampling_rate: int = 16000

    @property
    def hop_length(self) -> int:
        hop = 1
        for rate in self.upsample_rates:
            hop *= int(rate)
        return hop

    @classmethod
    def from_json(cls, path: str | os.PathLike) -> "HiFiGANConfig":
        """Read a HiFi-GAN JSON config; keys this generator does not use (training settings) are ignored."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict:
        return asdict(self)


def _padding(kernel: int, dilation: int = 1) -> int:
    return (kernel * dilation - dilation) // 2


class ResBlock1(nn.Module):
    """Three dilated convolutions, each followed by an undilated one, with residual connections."""

    def __init__(self, channels: int, kernel: int, dilations: list[int]):
        super().__init__()
        self.convs1 = nn.ModuleList(
            nn.Conv1d(channels, channels, kernel, dilation=d, padding=_padding(kernel, d)) for d in dilations
        )
        self.convs2 = nn.ModuleList(
            nn.Conv1d(channels, channels, kernel, padding=_padding(kernel)) for _ in dilations
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for c1, c2 in zip(self.convs1, self.convs2):
            x = x + c2(F.leaky_relu(c1(F.leaky_relu(x, LRELU_SLOPE)), LRELU_SLOPE))
        return x


class ResBlock2(nn.Module):
    """HiFi-GAN V3's lighter block: dilated convolutions with residual connections."""

    def __init__(self, channels: int, kernel: int, dilations: list[int]):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv1d(channels, channels, kernel, dilation=d, padding=_padding(kernel, d)) for d in dilations
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            x = x + conv(F.leaky_relu(x, LRELU_SLOPE))
        return x


class HiFiGANGenerator(nn.Module):
    """Features ``[B, T, hubert_dim]`` -> waveform ``[B, 1, T * hop_length]`` in [-1, 1]."""

    def __init__(self, config: HiFiGANConfig | None = None):
        super().__init__()
        self.config = config = config or HiFiGANConfig()
        block = ResBlock1 if str(config.resblock) == "1" else ResBlock2
        ch = config.upsample_initial_channel
        self.lin_pre = nn.Linear(config.hubert_dim, config.hifi_dim)
        self.conv_pre = nn.Conv1d(config.hifi_dim, ch, 7, padding=3)
        self.ups = nn.ModuleList()
        self.resblocks = nn.ModuleList()
        for i, (rate, kernel) in enumerate(zip(config.upsample_rates, config.upsample_kernel_sizes)):
            c_in, c_out = ch // 2**i, ch // 2 ** (i + 1)
            self.ups.append(nn.ConvTranspose1d(c_in, c_out, kernel, rate, padding=(kernel - rate) // 2))
            for k, d in zip(config.resblock_kernel_sizes, config.resblock_dilation_sizes):
                self.resblocks.append(block(c_out, k, d))
        self.conv_post = nn.Conv1d(ch // 2 ** len(self.ups), 1, 7, padding=3)
        self.n_kernels = len(config.resblock_kernel_sizes)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        x = self.conv_pre(self.lin_pre(features).transpose(1, 2))
        for i, up in enumerate(self.ups):
            x = up(F.leaky_relu(x, LRELU_SLOPE))
            blocks = self.resblocks[i * self.n_kernels : (i + 1) * self.n_kernels]
            x = sum(b(x) for b in blocks) / self.n_kernels
        # The reference implementation uses leaky_relu's default slope (0.01) here, not 0.1.
        return torch.tanh(self.conv_post(F.leaky_relu(x)))


def fold_weight_norm(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Replace weight-norm pairs by plain weights: ``w = g * v / ||v||`` with the norm over all
    dimensions but the first (``torch.nn.utils.weight_norm``'s default ``dim=0``). Handles the old
    (``weight_g``/``weight_v``) and the parametrization (``original0``/``original1``) spellings."""
    out: dict[str, torch.Tensor] = {}
    spellings = ((".weight_g", ".weight_v"), (".parametrizations.weight.original0", ".parametrizations.weight.original1"))
    for name, tensor in state.items():
        for g_suffix, v_suffix in spellings:
            if name.endswith(g_suffix):
                base = name[: -len(g_suffix)]
                v = state[base + v_suffix]
                norm = v.flatten(1).norm(dim=1).view(-1, *([1] * (v.dim() - 1)))
                out[base + ".weight"] = v * (tensor / norm)
                break
            if name.endswith(v_suffix):
                break
        else:
            out[name] = tensor
    return out


def load_hifigan(checkpoint: str | os.PathLike, config: str | os.PathLike | HiFiGANConfig | None = None,
                 map_location: str | torch.device = "cpu") -> HiFiGANGenerator:
    """A generator from a checkpoint file (a state dict, or a dict holding it under ``generator``).

    ``config``: a JSON file or :class:`HiFiGANConfig`; by default ``config.json`` or
    ``config_v1_wavlm.json`` beside the checkpoint if present, else kNN-VC's configuration.
    """
    path = Path(checkpoint)
    if not path.is_file():
        raise MissingFileError(f"{path}: HiFi-GAN checkpoint not found")
    if config is None:
        beside = [path.parent / n for n in ("config.json", "config_v1_wavlm.json") if (path.parent / n).is_file()]
        config = HiFiGANConfig.from_json(beside[0]) if beside else HiFiGANConfig()
    elif not isinstance(config, HiFiGANConfig):
        config = HiFiGANConfig.from_json(config)
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:
        raise InvalidValueError(f"{path}: not a loadable PyTorch checkpoint ({type(exc).__name__}: {exc})") from None
    if isinstance(state, dict) and "generator" in state:
        state = state["generator"]
    if not isinstance(state, dict):
        raise InvalidValueError(f"{path}: expected a state dict (or {{'generator': state dict}}), got {type(state).__name__}")
    generator = HiFiGANGenerator(config)
    try:
        generator.load_state_dict(fold_weight_norm(state), strict=True)
    except RuntimeError as exc:
        raise InvalidValueError(f"{path}: does not match the HiFi-GAN generator for this config ({exc})") from None
    return generator.eval()
