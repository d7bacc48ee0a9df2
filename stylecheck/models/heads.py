"""Classifier heads by architecture name: adding one is a class and an entry here; the CLI's
``--arch`` choices and a checkpoint's ``arch`` come from :data:`HEAD_BUILDERS`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..errors import CheckpointError
from .config import ModelConfig

if TYPE_CHECKING:  # the registry is read by the CLI, which should not load torch for --help
    import torch


def _speechmlc(config: ModelConfig) -> torch.nn.Module:
    from .speechmlc import SpeechMLC

    return SpeechMLC(config.input_dim, len(config.label_set), **config.arch_params)


def _resnet34(config: ModelConfig) -> torch.nn.Module:
    from .resnet import ResNet34

    return ResNet34(config.input_dim, len(config.label_set), **config.arch_params)


def _linear(config: ModelConfig) -> torch.nn.Module:
    from .linear import CategoryLinear

    return CategoryLinear(config.input_dim, config.label_set, **config.arch_params)


#: name -> (builder, one-line description for the CLI)
HEAD_BUILDERS: dict[str, tuple[Callable[[ModelConfig], torch.nn.Module], str]] = {
    "speechmlc": (_speechmlc, "SpeechMLC: style queries over the backbone's frames (the paper)"),
    "resnet34": (_resnet34, "ResNet-34 over the frames (the paper's baseline)"),
    "linear": (_linear, "one logistic regression per category on an utterance vector (the default model)"),
}
ARCHITECTURES = tuple(HEAD_BUILDERS)


def build_head(config: ModelConfig) -> torch.nn.Module:
    """The head ``config.arch`` names, freshly initialised for ``config``."""
    try:
        builder = HEAD_BUILDERS[config.arch][0]
    except KeyError:
        raise CheckpointError(f"unknown architecture {config.arch!r} ({', '.join(ARCHITECTURES)})") from None
    return builder(config)


def arch_help() -> str:
    return "; ".join(f"{name}: {text}" for name, (_, text) in HEAD_BUILDERS.items())
