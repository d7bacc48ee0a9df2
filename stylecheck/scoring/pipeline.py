"""Scoring files with a model: decoding in a background thread, batched inference, one result
per file (probabilities or the reason it failed)."""
from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import torch

from ..audio import AudioError, load_audio
from ..models.style_model import StyleModel


@dataclass
class FileResult:
    file: str
    status: str  # ok | error
    error: str
    duration_s: float
    probs: list[float] | None


def _decode(path: Path, sample_rate: int) -> torch.Tensor | AudioError:
    try:
        return load_audio(path, sample_rate)
    except AudioError as exc:
        return exc
    except Exception as exc:  # anything else a decoder can throw still names the file
        return AudioError(path, f"{type(exc).__name__}: {exc}")


def score_files(model: StyleModel, files: Sequence[tuple[str, Path]], batch_size: int = 8,
                bf16: bool = False, on_batch: Callable[[list[FileResult]], None] | None = None,
                prefetch: int = 2) -> Iterator[list[FileResult]]:
    """Yield results batch by batch. Decoding and resampling of the next batches run in a
    background thread while the model works on the current one."""
    sr = model.sample_rate
    batches = [files[i : i + batch_size] for i in range(0, len(files), batch_size)]
    use_bf16 = bf16 and model.device.type in ("cpu", "cuda")

    def load_batch(batch):
        return [(key, _decode(path, sr)) for key, path in batch]

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode") as pool:
        # Only the next `prefetch` batches are held: a finished future is dropped at once, so
        # memory does not grow with the number of files (a future keeps its decoded waves).
        pending = deque(pool.submit(load_batch, b) for b in batches[:prefetch])
        for i in range(len(batches)):
            decoded = pending.popleft().result()
            if i + prefetch < len(batches):
                pending.append(pool.submit(load_batch, batches[i + prefetch]))
            results = _infer(model, decoded, sr, use_bf16)
            if on_batch is not None:
                on_batch(results)
            yield results


def _infer(model: StyleModel, decoded, sr: int, bf16: bool) -> list[FileResult]:
    good = [(k, w) for k, w in decoded if isinstance(w, torch.Tensor)]
    out: dict[str, FileResult] = {}
    for k, w in decoded:
        if not isinstance(w, torch.Tensor):
            out[k] = FileResult(k, "error", w.reason, float("nan"), None)
    if good:
        try:
            probs = _predict(model, [w for _, w in good], bf16)
            for (k, w), p in zip(good, probs):
                out[k] = FileResult(k, "ok", "", w.shape[-1] / sr, [float(x) for x in p])
        except Exception:
            # Isolate the file that breaks the batch; the others still get scored.
            for k, w in good:
                try:
                    p = _predict(model, [w], bf16)[0]
                    out[k] = FileResult(k, "ok", "", w.shape[-1] / sr, [float(x) for x in p])
                except Exception as exc:
                    out[k] = FileResult(k, "error", f"model failed: {type(exc).__name__}: {exc}", w.shape[-1] / sr, None)
    return [out[k] for k, _ in decoded]


def _predict(model: StyleModel, waves, bf16: bool) -> np.ndarray:
    with torch.inference_mode(), torch.autocast(model.device.type, dtype=torch.bfloat16, enabled=bf16):
        return model.predict_waves(waves)


def bf16_supported() -> bool:
    """True where bf16 matrix products are native (AVX-512 BF16 / AMX on CPU, or a CUDA GPU)."""
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def content_hash(path: Path) -> str:
    from ..training.cache import file_hash

    return file_hash(path)


def model_fingerprint(model: StyleModel) -> str:
    """Identifies the model for resume: a different model or weights file rescored everything."""
    import hashlib

    h = hashlib.sha256()
    h.update(repr(sorted(model.config.to_dict().items(), key=lambda kv: kv[0])).encode())
    if model.path is not None and (model.path / "model.safetensors").is_file():
        h.update((model.path / "model.safetensors").read_bytes())
    return h.hexdigest()[:16]


__all__ = ["FileResult", "bf16_supported", "content_hash", "model_fingerprint", "score_files"]
