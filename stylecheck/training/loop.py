"""``train_model``: the paper's recipe (Adam 1e-4, batch 64, 5 s crops, BCE) on cached frozen
features, with early stopping on validation macro-F1, per-label thresholds and Platt calibration
fitted on the validation set, resumable epochs, and DDP under torchrun."""
from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import torch

from ..analysis.metrics import label_prf, macro_f1
from ..audio import SpeechSettings
from ..data.manifest import Manifest, read_manifest
from ..features import build_backbone
from ..io import write_csv
from ..styles.labels import PAPER_LABELS, LabelSet
from ..models.style_model import StyleModel, frame_window, new_model, resolve_device
from .cache import FeatureCache
from .calibration import calibrate_model
from .data import CropSampler, balanced_weights
from .distributed import DistInfo, barrier, init_distributed, shutdown
from .losses import masked_bce
from .state import load_training_state, save_training_state
from ..errors import InvalidValueError


@dataclass
class TrainOptions:
    train: list[str]
    valid: str
    out: str
    backbone: str = "ge2e"
    arch: str = "speechmlc"
    layer: int | None = None
    epochs: int = 50
    batch_size: int = 64
    lr: float = 1e-4
    window_s: float = 5.0
    crops_per_item: int = 1
    patience: int = 10
    focal_gamma: float = 0.0
    balanced_sampling: bool = False
    soft_targets: bool = False  # agreement share (agree_<Label> / n_annotators) as the target
    seed: int = 0
    device: str = "auto"
    cache_dir: str | None = None
    use_cache: bool = True
    # Cut each file to its speech as `stylecheck score` does before computing features, so the
    # head learns from what scoring will show it (whole files carry each corpus's own silences).
    trim_speech: bool = False
    skip_bad_rows: bool = False
    resume: bool = False
    arch_params: dict = field(default_factory=dict)
    name: str = ""
    version: str = "1"
    calibrate: bool = True
    tune_thresholds: bool = True


def _targets(manifest: Manifest, soft: bool) -> np.ndarray:
    y = manifest.targets()
    if soft:
        agree = manifest.agreement()
        n = manifest.frame["n_annotators"].to_numpy(dtype=float) if "n_annotators" in manifest.frame else None
        if agree is not None and n is not None:
            share = agree / n[:, None]
            known = ~np.isnan(y) & ~np.isnan(share)
            # The hard label says which side of the vote a file is on; the share says how sure.
            y = np.where(known, np.where(y == 1, np.maximum(share, 0.5), np.minimum(share, 0.5)), y)
    return y


def _evaluate(model: StyleModel, frames, targets: np.ndarray) -> tuple[float, float, list[float]]:
    model.head.eval()
    probs = model.probabilities_from_frames(frames)
    hard = np.where(np.isnan(targets), np.nan, (targets >= 0.5).astype(float))
    f1s = [label_prf(hard[:, j], probs[:, j] >= 0.5)[2] for j in range(hard.shape[1])]
    known = ~np.isnan(hard)
    p = np.clip(probs, 1e-7, 1 - 1e-7)
    bce = -(hard * np.log(p) + (1 - hard) * np.log(1 - p))
    loss = float(np.nansum(np.where(known, bce, 0)) / max(known.sum(), 1))
    return macro_f1(hard, probs >= 0.5), loss, f1s


def train_model(opts: TrainOptions, label_set: LabelSet = PAPER_LABELS,
                progress: Callable[[int, int, dict], None] | None = None) -> Path:
    """Train a head on frozen features and save the checkpoint in ``opts.out``."""
    device = resolve_device(opts.device)
    dist = init_distributed(device)
    if dist.enabled and device.type == "cuda":
        device = torch.device("cuda", dist.local_rank)
    try:
        return _train(opts, label_set, device, dist, progress)
    finally:
        shutdown(dist)


def _train(opts: TrainOptions, label_set: LabelSet, device: torch.device, dist: DistInfo, progress) -> Path:
    out = Path(opts.out)
    train_parts = [read_manifest(p, label_set, skip_bad_rows=opts.skip_bad_rows) for p in opts.train]
    train_frame = pd.concat([m.frame for m in train_parts], ignore_index=True)
    train_m = Manifest(train_frame, label_set)
    valid_m = read_manifest(opts.valid, label_set, skip_bad_rows=opts.skip_bad_rows)
    if len(train_m) == 0 or len(valid_m) == 0:
        raise InvalidValueError("the training and validation manifests need at least one usable row each")

    backbone = build_backbone(opts.backbone, layer=opts.layer).to(device)
    torch.manual_seed(opts.seed)
    model = new_model(opts.arch, backbone, label_set, **opts.arch_params)
    model.config.window_s = opts.window_s
    model.head.to(device)
    model.device = device
    cache = FeatureCache(backbone, opts.cache_dir, model.config.segment_s, enabled=opts.use_cache,
                         speech=SpeechSettings() if opts.trim_speech else None)
    # Rank 0 fills the cache; the others then read it.
    if dist.is_main:
        train_frames = cache.get(train_m.paths)
        valid_frames = cache.get(valid_m.paths)
    barrier(dist)
    if not dist.is_main:
        train_frames = cache.get(train_m.paths)
        valid_frames = cache.get(valid_m.paths)

    y_train = _targets(train_m, opts.soft_targets)
    y_valid = valid_m.targets()
    window = frame_window(backbone, opts.window_s)
    sampler = CropSampler(train_frames, y_train, window, opts.batch_size, opts.crops_per_item,
                          balanced_weights(y_train) if opts.balanced_sampling else None,
                          opts.seed, dist.rank, dist.world_size)
    train_head: torch.nn.Module = model.head
    if dist.enabled:
        from torch.nn.parallel import DistributedDataParallel as DDP

        train_head = DDP(model.head, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = torch.optim.Adam(model.head.parameters(), lr=opts.lr)

    log: list[dict] = []
    best_f1, best_loss, best_epoch, bad_epochs, start_epoch = -1.0, float("inf"), -1, 0, 0
    best_state = copy.deepcopy(model.head.state_dict())
    if opts.resume:
        restored = load_training_state(out, model.head, optimizer)
        if restored is not None:
            info, best_state = restored
            start_epoch = info["epoch"] + 1
            best_f1, best_loss, best_epoch = info["best_f1"], info["best_loss"], info["best_epoch"]
            bad_epochs, log = info["bad_epochs"], info["log"]

    for epoch in range(start_epoch, opts.epochs):
        if bad_epochs >= opts.patience:
            break
        t0 = time.time()
        torch.manual_seed(opts.seed * 7919 + epoch)  # dropout: reproducible per epoch, so resume matches
        train_head.train()
        losses = []
        for x, mask, y in sampler.batches(epoch):
            optimizer.zero_grad()
            loss = masked_bce(train_head(x.to(device), mask.to(device)), y.to(device), opts.focal_gamma)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        f1, vloss, f1s = _evaluate(model, valid_frames, y_valid)
        row = {"epoch": epoch + 1, "train_loss": float(np.mean(losses)), "valid_loss": vloss,
               "valid_macro_f1": f1, **{f"f1_{lab}": v for lab, v in zip(label_set.labels, f1s)},
               "seconds": round(time.time() - t0, 3)}
        log.append(row)
        improved = (f1 > best_f1 + 1e-9) or (abs(f1 - best_f1) <= 1e-9 and vloss < best_loss)
        if improved:
            best_f1, best_loss, best_epoch, bad_epochs = f1, vloss, epoch + 1, 0
            best_state = copy.deepcopy(model.head.state_dict())
        else:
            bad_epochs += 1
        if dist.is_main:
            save_training_state(out, model.head, optimizer, best_state,
                                {"epoch": epoch, "best_f1": best_f1, "best_loss": best_loss, "best_epoch": best_epoch,
                                 "bad_epochs": bad_epochs, "log": log})
            write_csv(out / "epoch_log.csv", pd.DataFrame(log))
        if progress is not None:
            progress(epoch + 1, opts.epochs, row)

    model.head.load_state_dict(best_state)
    model.head.eval()
    calibrate_model(model, valid_frames, y_valid, opts.calibrate, opts.tune_thresholds)
    model.config.name = opts.name or f"{opts.arch}-{backbone.spec['kind']}"
    model.config.version = opts.version
    model.config.training = {
        "train_manifests": [str(p) for p in opts.train], "valid_manifest": str(opts.valid),
        "n_train_files": len(train_m), "n_valid_files": len(valid_m),
        "n_train_speakers": len(set(train_m.speakers)), "n_valid_speakers": len(set(valid_m.speakers)),
        "train_positives": {lab: int(np.nansum(train_m.targets()[:, j] == 1)) for j, lab in enumerate(label_set.labels)},
        "epochs_run": len(log), "best_epoch": best_epoch, "valid_macro_f1_at_0.5": best_f1,
        "options": {k: v for k, v in asdict(opts).items() if k not in ("train", "valid", "out")},
        "world_size": dist.world_size,
    }
    if dist.is_main:
        model.save_pretrained(out)
    barrier(dist)
    return out
