"""Training throughput: head-only epochs on cached backbone features versus recomputing the
features every epoch, on a generated corpus.

    .venv/bin/python benchmarks/train_throughput.py [--files 64] [--epochs 3] [--backbone ge2e]
        [--device cpu|cuda|auto] [--threads N] [--out reports]

Both arms run the training loop's own pieces (``FeatureCache``, ``CropSampler``, the SpeechMLC
head at the paper's size, Adam, ``masked_bce``), one epoch of each in turn, so load from other
processes hits both alike:

* ``cached``: frames read once from the on-disk feature cache (what ``train_model`` does), then
  every epoch is crops + head forward/backward/step;
* ``recompute``: every epoch reads and resamples each file and runs the backbone again
  (``FeatureCache(enabled=False)``), then the same head epoch.

The one-off costs are reported too: filling the cache the first time, and reading it back.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT, generate_corpus, load_average, machine_description, markdown_table, peak_rss_mib, replace_section,
    resolve_device,
)

HEAD = {"d_model": 128, "n_layers": 4, "n_heads": 8}


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def head_epoch(model, sampler, optimizer, epoch: int, device: torch.device) -> int:
    """One epoch of the training loop's inner steps; returns the number of samples seen."""
    from stylecheck.training.losses import masked_bce

    model.head.train()
    seen = 0
    for x, mask, y in sampler.batches(epoch):
        optimizer.zero_grad()
        loss = masked_bce(model.head(x.to(device), mask.to(device)), y.to(device))
        loss.backward()
        optimizer.step()
        seen += x.shape[0]
    _sync(device)
    return seen


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--files", type=int, default=64, help="generated files of 3-10 s (default 64)")
    p.add_argument("--epochs", type=int, default=3, help="epochs per arm (default 3)")
    p.add_argument("--backbone", default="ge2e", help="backbone name (default ge2e)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(ROOT / "reports"), help="folder for performance.md and the CSV")
    args = p.parse_args(argv)
    command = ("   .venv/bin/python benchmarks/train_throughput.py " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()

    import pandas as pd

    from stylecheck.features import build_backbone
    from stylecheck.io import write_csv, write_text
    from stylecheck.styles.labels import PAPER_LABELS
    from stylecheck.models import new_model
    from stylecheck.models.style_model import frame_window
    from stylecheck.training.cache import FeatureCache
    from stylecheck.training.data import CropSampler

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(resolve_device(args.device))
    machine = machine_description(str(device))
    with tempfile.TemporaryDirectory(prefix="stylecheck-train-bench-") as tmp:
        audio = Path(tmp) / "audio"
        audio_s = generate_corpus(audio, args.files, 3.0, 10.0, args.seed)
        paths = [str(f) for f in sorted(audio.glob("*.wav"))]
        rng = np.random.default_rng(args.seed)
        targets = rng.integers(0, 2, size=(len(paths), len(PAPER_LABELS))).astype(float)
        targets[rng.random(targets.shape) < 0.2] = np.nan  # some labels unknown, as in real manifests

        backbone = build_backbone(args.backbone).to(device)
        torch.manual_seed(args.seed)
        model = new_model("speechmlc", backbone, PAPER_LABELS, **HEAD)
        model.head.to(device)
        model.device = device
        window = frame_window(backbone, model.config.window_s)
        optimizer = torch.optim.Adam(model.head.parameters(), lr=1e-4)
        cache_root = Path(tmp) / "cache"

        t0 = time.perf_counter()
        FeatureCache(backbone, cache_root, model.config.segment_s).get(paths)
        fill_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        cached_frames = FeatureCache(backbone, cache_root, model.config.segment_s).get(paths)
        read_s = time.perf_counter() - t0
        cached_sampler = CropSampler(cached_frames, targets, window, args.batch_size, seed=args.seed)

        head_epoch(model, cached_sampler, optimizer, 10_000, device)  # warm-up: first-call set-up is not an epoch's cost
        times = {"cached": [], "recompute": []}
        samples = 0
        for epoch in range(args.epochs):
            # Recompute arm: features from the audio again, as without a cache.
            t0 = time.perf_counter()
            frames = FeatureCache(backbone, cache_root, model.config.segment_s, enabled=False).get(paths)
            sampler = CropSampler(frames, targets, window, args.batch_size, seed=args.seed)
            head_epoch(model, sampler, optimizer, epoch, device)
            times["recompute"].append(time.perf_counter() - t0)
            # Cached arm: the frames read once before training.
            t0 = time.perf_counter()
            samples = head_epoch(model, cached_sampler, optimizer, epoch, device)
            times["cached"].append(time.perf_counter() - t0)
            print(f"epoch {epoch + 1}: recompute {times['recompute'][-1]:.2f} s, cached {times['cached'][-1]:.3f} s", flush=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    rows = [
        {"arm": "cached", "what": "head-only epoch on frames from the feature cache", "epochs": args.epochs,
         "samples_per_epoch": samples, "epoch_s": round(med["cached"], 4),
         "samples_per_s": round(samples / med["cached"], 1), "speedup": round(med["recompute"] / med["cached"], 1)},
        {"arm": "cached+read", "what": "the same, plus reading the whole cache back every epoch (worst case)",
         "epochs": args.epochs, "samples_per_epoch": samples, "epoch_s": round(med["cached"] + read_s, 4),
         "samples_per_s": round(samples / (med["cached"] + read_s), 1),
         "speedup": round(med["recompute"] / (med["cached"] + read_s), 1)},
        {"arm": "recompute", "what": "read + resample + backbone every epoch, then the same head epoch",
         "epochs": args.epochs, "samples_per_epoch": samples, "epoch_s": round(med["recompute"], 4),
         "samples_per_s": round(samples / med["recompute"], 1), "speedup": 1.0},
    ]
    for r in rows:
        r.update({"backbone": args.backbone, "device": str(device), "threads": torch.get_num_threads(),
                  "cache_fill_s": round(fill_s, 3), "cache_read_s": round(read_s, 3),
                  "peak_rss_mib": round(peak_rss_mib(), 1)})
    out = Path(args.out)
    write_csv(out / "performance_training.csv", pd.DataFrame(rows))
    md_path = out / "performance.md"
    text = md_path.read_text() if md_path.is_file() else "# Performance\n\nMeasured by `benchmarks/`; regenerate with the commands below.\n"
    speedup = rows[0]["speedup"]
    body = "\n".join([
        f"Command (from the repository root):\n\n{command}\n",
        f"Finished {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average (1/5/15 min) at the end: "
        f"{load_average()} (shared machine).\n",
        "Machine: " + ", ".join(f"{k} = {v}" for k, v in machine.items()) + "\n",
        f"Corpus: {args.files} generated files of 3-10 s at mixed rates ({audio_s:.0f} s of audio); backbone "
        f"`{args.backbone}`; SpeechMLC head (d_model 128, 4 layers, 8 heads), batch {args.batch_size}, one 5 s crop per "
        f"file per epoch; median of {args.epochs} epochs per arm, the arms alternating epoch by epoch. One-off: filling "
        f"the cache {fill_s:.2f} s, reading it back {read_s:.3f} s.\n",
        markdown_table(rows, ["arm", "what", "samples_per_epoch", "epoch_s", "samples_per_s", "speedup"]),
        f"- Cached head-only epochs are {speedup}x faster than recomputing the features (target >= 20x): "
        f"{'met' if speedup >= 20 else 'NOT met'}.\n",
    ])
    write_text(md_path, replace_section(text, "Training throughput", body))
    print(f"wrote {md_path} and {out / 'performance_training.csv'}")


if __name__ == "__main__":
    main()
