"""Checkpoint folders: ``config.json`` + ``model.safetensors`` (never a pickle).

The backbone's own weights are not copied: the config names them (``backbone`` spec) and they
are loaded from their own source.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from .._version import __version__
from ..io import atomic_path, write_json
from .heads import ARCHITECTURES, build_head
from .config import FORMAT_NAME, FORMAT_VERSION, ModelConfig
from ..errors import CheckpointError, InvalidValueError

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"


def resolve_model_dir(name_or_path: str | os.PathLike) -> Path:
    """A local folder as is; else a bundled model's name; otherwise a Hugging Face hub id, fetched
    (or taken from the cache)."""
    path = Path(name_or_path)
    if path.exists():
        if not path.is_dir():
            raise CheckpointError(f"{path}: a model must be a folder with {CONFIG_NAME} and {WEIGHTS_NAME}")
        return path
    name = str(name_or_path)
    from ..pretrained import bundled_model_names, bundled_model_path

    bundled = bundled_model_path(name)
    if bundled is not None:
        return bundled
    if name.count("/") != 1 or name.startswith((".", "/")):
        raise CheckpointError(f"{name}: no such model folder, not a bundled model ({', '.join(bundled_model_names())}) "
                              "and not a hub id of the form owner/name")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, allow_patterns=[CONFIG_NAME, WEIGHTS_NAME, "*.md"]))
    except Exception as exc:
        raise CheckpointError(f"{name}: not a local folder, and the hub could not provide it ({type(exc).__name__}: {exc})") from None


def read_config(folder: str | os.PathLike) -> ModelConfig:
    folder = Path(folder)
    cfg_path = folder / CONFIG_NAME
    if not cfg_path.is_file():
        raise CheckpointError(f"{folder}: not a model folder ({CONFIG_NAME} is missing)")
    try:
        data = json.loads(cfg_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{cfg_path}: corrupt JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise CheckpointError(f"{cfg_path}: not a stylecheck model config (format {data.get('format') if isinstance(data, dict) else None!r})")
    if data.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(
            f"{cfg_path}: format version {data.get('format_version')!r}, this stylecheck reads version {FORMAT_VERSION}"
        )
    try:
        config = ModelConfig.from_dict(data)
        _check_config(config)
    except (TypeError, ValueError, AttributeError) as exc:
        raise CheckpointError(f"{cfg_path}: invalid config ({exc})") from None
    return config


def _check_config(config: ModelConfig) -> None:
    """Fields that the head, the label set and the decisions rely on; a bad one would otherwise
    surface later as an unrelated error far from the file."""
    if config.arch not in ARCHITECTURES:
        raise InvalidValueError(f"unknown architecture {config.arch!r} ({' or '.join(ARCHITECTURES)})")
    if not isinstance(config.arch_params, dict) or not isinstance(config.backbone, dict):
        raise InvalidValueError("arch_params and backbone must be objects")
    n_labels = len(config.label_set)  # raises on a malformed or duplicated label set
    if n_labels == 0:
        raise InvalidValueError("the label set is empty")
    if config.thresholds is not None and len(config.thresholds) != n_labels:
        raise InvalidValueError(f"{len(config.thresholds)} thresholds for {n_labels} labels")
    for key in ("scale", "bias"):
        if config.calibration is not None and len(config.calibration.get(key, ())) != n_labels:
            raise InvalidValueError(f"calibration {key!r} must have one value per label ({n_labels})")
    from ..styles.decision import check_decision

    check_decision(config.decision)


def save_checkpoint(folder: str | os.PathLike, config: ModelConfig, head: torch.nn.Module) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config.package_version = __version__
    state = {k: v.detach().cpu().contiguous() for k, v in head.state_dict().items()}
    with atomic_path(folder / WEIGHTS_NAME) as tmp:
        save_file(state, str(tmp), metadata={"format": FORMAT_NAME, "format_version": str(FORMAT_VERSION)})
    write_json(folder / CONFIG_NAME, config.to_dict())
    return folder


def load_checkpoint(name_or_path: str | os.PathLike) -> tuple[ModelConfig, torch.nn.Module, Path]:
    folder = resolve_model_dir(name_or_path)
    config = read_config(folder)
    weights = folder / WEIGHTS_NAME
    if not weights.is_file():
        raise CheckpointError(f"{folder}: {WEIGHTS_NAME} is missing")
    try:
        state = load_file(str(weights))
    except Exception as exc:
        raise CheckpointError(f"{weights}: corrupt weights ({type(exc).__name__}: {exc})") from None
    try:
        head = build_head(config)
    except (TypeError, ValueError) as exc:  # e.g. an arch_params key the architecture does not take
        raise CheckpointError(f"{folder / CONFIG_NAME}: cannot build the {config.arch} head ({exc})") from None
    try:
        head.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(f"{weights}: weights do not match the config's architecture ({exc})") from None
    head.eval()
    return config, head, folder
