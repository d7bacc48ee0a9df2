"""Saving and restoring an interrupted training run without pickles: tensors (head weights,
Adam moments) go to safetensors, everything else to JSON."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from ..io import atomic_path, write_json

STATE_DIR = "training_state"


def save_training_state(folder: Path, head: torch.nn.Module, optimizer: torch.optim.Optimizer,
                        best_head: dict[str, torch.Tensor], info: dict[str, Any]) -> None:
    d = folder / STATE_DIR
    d.mkdir(parents=True, exist_ok=True)
    tensors = {f"head.{k}": v.detach().cpu().contiguous() for k, v in head.state_dict().items()}
    tensors.update({f"best.{k}": v.detach().cpu().contiguous() for k, v in best_head.items()})
    opt = optimizer.state_dict()
    for pid, st in opt["state"].items():
        for name, v in st.items():
            tensors[f"opt.{pid}.{name}"] = torch.as_tensor(v).detach().cpu().contiguous()
    with atomic_path(d / "state.safetensors") as tmp:
        save_file(tensors, str(tmp))
    # JSON last: it marks the tensors above as complete for this epoch.
    write_json(d / "state.json", {**info, "param_groups": opt["param_groups"]})


def load_training_state(folder: Path, head: torch.nn.Module, optimizer: torch.optim.Optimizer) -> tuple[dict, dict] | None:
    d = folder / STATE_DIR
    if not (d / "state.json").is_file() or not (d / "state.safetensors").is_file():
        return None
    info = json.loads((d / "state.json").read_text())
    tensors = load_file(str(d / "state.safetensors"))
    head.load_state_dict({k[5:]: v for k, v in tensors.items() if k.startswith("head.")})
    best = {k[5:]: v for k, v in tensors.items() if k.startswith("best.")}
    state: dict[int, dict[str, torch.Tensor]] = {}
    for k, v in tensors.items():
        if k.startswith("opt."):
            _, pid, name = k.split(".", 2)
            state.setdefault(int(pid), {})[name] = v
    optimizer.load_state_dict({"state": state, "param_groups": info.pop("param_groups")})
    return info, best
