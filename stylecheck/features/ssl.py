"""Self-supervised speech models from ``transformers`` (HuBERT, wav2vec 2.0, WavLM) at one layer.

Layer ``k`` means ``hidden_states[k]`` of the full model with ``output_hidden_states=True``:
0 is the transformer's input, ``k`` the output of the k-th transformer layer (the paper's
"6th layer" is ``hidden_states[6]`` of HuBERT-base). Layers above ``k`` are removed from the
module, so they are never computed.

Pre-norm models (WavLM-large, wav2vec 2.0-large: ``do_stable_layer_norm``) apply one LayerNorm
after their last layer. It is never applied here, for any ``k``: layer ``k`` is the residual
stream after ``k`` layers, which is ``hidden_states[k]`` in transformers 5 for every ``k``
(transformers 4 put the LayerNorm into ``hidden_states[-1]`` only). Keeping one definition for
every layer also keeps a checkpoint's features the same whichever transformers release runs it.

Padding. Models whose feature encoder uses group norm (HuBERT-base, wav2vec 2.0-base) normalise
each channel of the first convolution over the whole time axis, padding included, so a padded
batch changes an item's features. The first layer's ``GroupNorm`` is replaced by
:class:`LengthAwareGroupNorm`, which takes each item's statistics over its real frames only;
with the attention mask on top, an item's frames equal those it gets alone.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

import torch
from torch import nn

from .base import Backbone, frames_mask
from ..errors import InvalidValueError, MissingFileError

DEFAULT_SSL_MODEL = "facebook/hubert-base-ls960"
_PER_THREAD = threading.local()


class LengthAwareGroupNorm(nn.Module):
    """GroupNorm with one group per channel whose statistics skip each item's padded frames."""

    def __init__(self, norm: nn.GroupNorm):
        super().__init__()
        if norm.num_groups != norm.num_channels:
            raise InvalidValueError("only per-channel group norm (num_groups == num_channels) is supported")
        self.norm = norm

    # ``valid``: [B] valid frames, set by the backbone around each call. Kept per thread
    # (scoring workers run one backbone on different batches at once), in a module-level store
    # so the module itself stays copyable and picklable.
    @property
    def valid(self) -> torch.Tensor | None:
        return getattr(_PER_THREAD, "valid", {}).get(id(self))

    @valid.setter
    def valid(self, lengths: torch.Tensor | None) -> None:
        store = getattr(_PER_THREAD, "valid", None)
        if store is None:
            store = _PER_THREAD.valid = {}
        if lengths is None:
            store.pop(id(self), None)
        else:
            store[id(self)] = lengths

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: [B, C, F]
        valid = self.valid
        if valid is None or bool((valid >= x.shape[-1]).all()):
            # No padding in this call (scoring runs each segment alone): the stock kernel gives
            # the same statistics, and the masked version below costs ~20% of HuBERT-base's
            # time at batch 1 (its tensor is 512 x 3200 values per audio second).
            return self.norm(x)
        mask = frames_mask(valid.to(x.device), x.shape[-1])[:, None, :].to(x.dtype)
        count = mask.sum(-1, keepdim=True).clamp_min(1.0)
        mean = (x * mask).sum(-1, keepdim=True) / count
        var = (((x - mean) * mask) ** 2).sum(-1, keepdim=True) / count
        y = (x - mean) / torch.sqrt(var + self.norm.eps)
        if self.norm.affine:
            y = y * self.norm.weight[None, :, None] + self.norm.bias[None, :, None]
        return y


def _looks_like_path(name: str) -> bool:
    """True for names that cannot be hub ids (``owner/name`` or ``name``): absolute, relative to
    ``.`` or ``~``, or with more than one separator."""
    return os.path.isabs(name) or name.startswith((".", "~")) or name.count("/") > 1 or "\\" in name


def _conv_out_lengths(lengths: torch.Tensor, kernel: int, stride: int) -> torch.Tensor:
    return torch.div(lengths - kernel, stride, rounding_mode="floor") + 1


class SSLBackbone(Backbone):
    #: Segments go through the model one at a time (see ``extract_frames``). Measured with
    #: HuBERT-base on 2 CPU cores (reports/performance.md): the convolutional feature encoder is
    #: about half the work, and padded batches of several segments were slower than batch 1
    #: (padding is computed too, and the large activations cost more in fresh memory than
    #: batching gains), and needed several GiB more memory.
    max_batch_seconds = 0.0
    #: One scoring worker using every thread: HuBERT-base's large matrix products split well
    #: across threads, and two workers ran no faster on 2 cores while holding two sets of
    #: activations (several GiB for long inputs).
    cpu_workers = 1

    def __init__(
        self,
        model: str | os.PathLike = DEFAULT_SSL_MODEL,
        layer: int = 6,
        revision: str | None = None,
        autocast_bf16: bool = False,
        local_files_only: bool | None = None,
    ):
        super().__init__()
        from transformers import AutoConfig, AutoModel

        self.model_id = str(model)
        self.revision = revision
        self.layer = int(layer)
        self.autocast_bf16 = autocast_bf16
        folder = Path(self.model_id).expanduser()
        if not folder.is_dir() and (folder.exists() or _looks_like_path(self.model_id)):
            # Not a hub id either: fail here with the path rather than with a hub lookup error.
            what = "a file, not a folder" if folder.exists() else "no such folder"
            raise MissingFileError(
                f"{self.model_id}: {what} (a speech model is a folder saved with save_pretrained, "
                f"or a hub id such as {DEFAULT_SSL_MODEL})"
            )
        if folder.is_dir():
            # An absolute path, so the spec stored in a checkpoint (and the feature cache key)
            # means the same folder whatever the working directory.
            self.model_id = str(folder.resolve())
        if local_files_only is None:
            local_files_only = folder.is_dir() or os.environ.get("HF_HUB_OFFLINE") == "1"
        try:
            config = AutoConfig.from_pretrained(self.model_id, revision=revision, local_files_only=local_files_only)
        except Exception as exc:
            raise MissingFileError(
                f"cannot load speech model {self.model_id!r} ({str(exc).rstrip('.')}). Give a local folder "
                "saved with save_pretrained, or a hub id with network access or a filled Hugging Face cache."
            ) from exc
        n_layers = int(config.num_hidden_layers)
        if not 0 <= self.layer <= n_layers:
            raise InvalidValueError(f"layer {self.layer} out of range for {self.model_id} (0..{n_layers})")
        net = AutoModel.from_pretrained(self.model_id, revision=revision, config=config, local_files_only=local_files_only)
        encoder = net.encoder
        encoder.layers = encoder.layers[: self.layer]
        if getattr(config, "do_stable_layer_norm", False):
            # Pre-norm models apply a final LayerNorm after the last layer only; hidden_states[k]
            # has none (see the module docstring).
            encoder.layer_norm = nn.Identity()
        net.config.num_hidden_layers = self.layer
        self.net = net
        self.do_normalize = self._wants_waveform_normalisation(local_files_only)
        conv = net.feature_extractor.conv_layers
        self.kernels = list(config.conv_kernel)
        self.strides = list(config.conv_stride)
        first = conv[0]
        self._group_norm = None
        if isinstance(getattr(first, "layer_norm", None), nn.GroupNorm):
            self._group_norm = LengthAwareGroupNorm(first.layer_norm)
            first.layer_norm = self._group_norm
        self.sample_rate = 16000
        self.dim = int(config.hidden_size)
        hop = 1
        for s in self.strides:
            hop *= s
        self.frame_rate = self.sample_rate / hop
        self.freeze()

    def _wants_waveform_normalisation(self, local_files_only: bool) -> bool:
        try:
            from transformers import AutoFeatureExtractor

            fe = AutoFeatureExtractor.from_pretrained(
                self.model_id, revision=self.revision, local_files_only=local_files_only
            )
            return bool(getattr(fe, "do_normalize", False))
        except Exception:
            return False

    @property
    def spec(self):
        return {"kind": "ssl", "model": self.model_id, "revision": self.revision, "layer": self.layer,
                "model_type": self.net.config.model_type}

    def n_frames(self, lengths: torch.Tensor) -> torch.Tensor:
        n = lengths
        for k, s in zip(self.kernels, self.strides):
            n = _conv_out_lengths(n, k, s)
        return n.clamp_min(0)

    @torch.inference_mode()
    def extract(self, waves, lengths):
        device = next(self.net.parameters()).device
        waves = waves.to(device)
        lengths = lengths.to(device)
        sample_mask = frames_mask(lengths, waves.shape[-1])
        if self.do_normalize:  # per item, over its real samples (as the feature extractor does)
            m = sample_mask.to(waves.dtype)
            n = m.sum(-1, keepdim=True).clamp_min(1)
            mean = (waves * m).sum(-1, keepdim=True) / n
            var = (((waves - mean) * m) ** 2).sum(-1, keepdim=True) / n
            waves = ((waves - mean) / torch.sqrt(var + 1e-7)) * m
        if self._group_norm is not None:
            self._group_norm.valid = _conv_out_lengths(lengths, self.kernels[0], self.strides[0])
        use_bf16 = self.autocast_bf16 and device.type in ("cpu", "cuda")
        try:
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
                out = self.net(waves, attention_mask=sample_mask.long())
        finally:
            if self._group_norm is not None:
                self._group_norm.valid = None
        frames = out.last_hidden_state.float()
        mask = frames_mask(self.n_frames(lengths), frames.shape[1])
        return frames.masked_fill(~mask[..., None], 0.0), mask
