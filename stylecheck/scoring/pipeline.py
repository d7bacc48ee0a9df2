"""Scoring files with a model: decoding in a background thread, batched inference, one result
per file (probabilities or the reason it failed)."""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
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


def default_workers(model: StyleModel) -> int:
    """Inference workers for ``model``: on a CPU, one per torch thread (at most 4, or the
    backbone's ``cpu_workers``); on a GPU, 1.

    A CPU's cores do more when each works on its own batch with one thread than when all of
    them split every operation: the GE2E LSTM is a chain of small per-step products, and with
    the decode thread beside it, threads waiting on each other at every step cost more than the
    split gains (measured by ``benchmarks/score_throughput.py``'s ``-1w`` arms and
    ``benchmarks/component_speed.py``, reports/performance.md)."""
    if model.device.type != "cpu":
        return 1
    preferred = getattr(model.backbone, "cpu_workers", None)
    return max(1, min(torch.get_num_threads(), 4 if preferred is None else int(preferred)))


@contextmanager
def _torch_threads(n: int):
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def score_files(model: StyleModel, files: Sequence[tuple[str, Path]], batch_size: int = 32,
                bf16: bool = False, on_batch: Callable[[list[FileResult]], None] | None = None,
                prefetch: int = 2, workers: int | None = None) -> Iterator[list[FileResult]]:
    """Yield results batch by batch, in the order of ``files``.

    Decoding and resampling run in a background thread, ``prefetch`` batches ahead. ``workers``
    batches are scored at once, each in its own thread (default: :func:`default_workers`); the
    torch threads are shared out between them for the duration. Every batch is computed the same
    way whatever the number of workers, so results do not depend on it."""
    sr = model.sample_rate
    batches = [files[i : i + batch_size] for i in range(0, len(files), batch_size)]
    use_bf16 = bf16 and model.device.type in ("cpu", "cuda")
    workers = max(1, min(default_workers(model) if workers is None else int(workers), max(1, len(batches))))
    threads = max(1, torch.get_num_threads() // workers) if workers > 1 else torch.get_num_threads()

    model.backbone  # built (loaded) once here, not by two workers racing to do it

    def load_batch(batch):
        return [(key, _decode(path, sr)) for key, path in batch]

    def infer(decoding: Future):
        torch.set_num_threads(threads)  # this worker thread's own OpenMP team size
        return _infer(model, decoding.result(), sr, use_bf16)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode") as decode_pool, \
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="infer") as infer_pool, \
            _torch_threads(threads):
        # Only a bounded number of batches is in flight, and a finished future is dropped at
        # once, so memory does not grow with the number of files (a future keeps its waves).
        decoding: deque[Future] = deque()
        inferring: deque[Future] = deque()
        next_batch = 0

        def refill() -> None:
            nonlocal next_batch
            while next_batch < len(batches) and len(decoding) < prefetch + workers:
                decoding.append(decode_pool.submit(load_batch, batches[next_batch]))
                next_batch += 1
            while decoding and len(inferring) < workers:
                inferring.append(infer_pool.submit(infer, decoding.popleft()))

        refill()
        for _ in range(len(batches)):
            results = inferring.popleft().result()
            refill()
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


__all__ = ["FileResult", "bf16_supported", "content_hash", "default_workers", "model_fingerprint", "score_files"]
