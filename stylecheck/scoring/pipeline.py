"""Scoring files with a model: decoding in a background thread, batched inference (speech check,
then the classifier), one result per file (probabilities, or no_speech, or the reason it failed)."""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import torch

from ..io import file_hash
from ..audio import AudioError, SpeechSettings, load_audio
from ..features.speaker import speaker_embedding
from ..models.style_model import DEFAULT_SPEECH, StyleModel
from .measuring import MEASURES_VERSION, MeasureHints, measure_files, predicted_genders


@dataclass
class FileResult:
    file: str
    status: str  # ok | no_speech | error
    error: str
    duration_s: float
    probs: list[float] | None
    speech_s: float = float("nan")  # detected speech; NaN when the check is off or the file failed
    #: unit-norm speaker embedding read from the model's own frames (None: no speech, or a backbone
    #: without one); what speaker similarity is computed from
    embedding: list[float] | None = None
    #: DNSMOS scores of the whole file (``quality=True`` only; None: not asked or not measurable)
    quality: dict | None = None
    measures: dict | None = None  # the signal measures (scoring.measuring), when asked for


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
def _cpu_threads(n: int):
    """torch's thread count set to ``n`` and BLAS (numpy/scipy) held to one thread meanwhile.

    The workers already keep every core busy; BLAS's own threads would spin beside them for
    the small per-file matrices the voice parameters use (measured: a third more CPU time, a
    fifth less throughput, reports/model_v2/speed.md)."""
    from threadpoolctl import threadpool_limits

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            yield
    finally:
        torch.set_num_threads(before)


def auto_batch_size(model: StyleModel, n_files: int, workers: int) -> int:
    """Files per batch when none is given: 32, but on a CPU small enough that each worker gets
    about four batches, so a short folder does not end with one worker scoring the last big
    batch alone while the others idle (results do not depend on the batch size)."""
    if model.device.type != "cpu":
        return 32
    return max(1, min(32, -(-n_files // (4 * max(1, workers)))))


def uses_bf16(model: StyleModel, bf16: bool) -> bool:
    """Whether scoring really runs the classifier in bf16: only when asked, and only on a CPU or
    a CUDA GPU (autocast has no bf16 elsewhere)."""
    return bool(bf16) and model.device.type in ("cpu", "cuda")


def score_files(model: StyleModel, files: Sequence[tuple[str, Path]], batch_size: int | None = None,
                bf16: bool = False, on_batch: Callable[[list[FileResult]], None] | None = None,
                prefetch: int = 2, workers: int | None = None,
                speech: SpeechSettings | None = DEFAULT_SPEECH, quality: bool = False,
                measures: MeasureHints | None = None) -> Iterator[list[FileResult]]:
    """Yield results batch by batch, in the order of ``files``.

    Decoding and resampling run in a background thread, ``prefetch`` batches ahead. ``workers``
    batches are scored at once, each in its own thread (default: :func:`default_workers`); the
    torch threads are shared out between them for the duration. Every batch is computed the same
    way whatever the number of workers, so results do not depend on it. Each batch goes through
    :meth:`StyleModel.select_speech` (``speech``; ``None`` skips the check) and then the
    classifier, the same path as :meth:`StyleModel.predict`. ``bf16`` runs the classifier (not
    the speech check) in bfloat16: faster on some CPUs, approximate (probabilities move by up
    to ~0.1). ``quality`` adds DNSMOS scores of each file with speech (whole file, 16 kHz).
    Every file with speech gets its speaker embedding from the classifier's own frames.
    ``measures`` (hints per file, or None: off) adds the signal measures of each file with
    speech (:mod:`.measuring`), from the untrimmed wave and the speech check's regions."""
    sr = model.sample_rate
    workers = max(1, default_workers(model) if workers is None else int(workers))
    if batch_size is None:
        batch_size = auto_batch_size(model, len(files), workers)
    batches = [files[i : i + batch_size] for i in range(0, len(files), batch_size)]
    use_bf16 = uses_bf16(model, bf16)
    workers = min(workers, max(1, len(batches)))
    threads = max(1, torch.get_num_threads() // workers) if workers > 1 else torch.get_num_threads()

    model.backbone  # built (loaded) once here, not by two workers racing to do it

    def load_batch(batch):
        return [(key, _decode(path, sr)) for key, path in batch]

    def infer(decoding: Future):
        torch.set_num_threads(threads)  # this worker thread's own OpenMP team size
        return _infer(model, decoding.result(), sr, use_bf16, speech, quality, measures)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode") as decode_pool, \
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="infer") as infer_pool, \
            _cpu_threads(threads):
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


def _infer(model: StyleModel, decoded, sr: int, bf16: bool, speech: SpeechSettings | None,
           quality: bool = False, measures: MeasureHints | None = None) -> list[FileResult]:
    good = [(k, w) for k, w in decoded if isinstance(w, torch.Tensor)]
    out: dict[str, FileResult] = {}
    for k, w in decoded:
        if not isinstance(w, torch.Tensor):
            out[k] = FileResult(k, "error", w.reason, float("nan"), None)
    if good:
        try:
            out.update(_score(model, good, sr, bf16, speech, quality, measures))
        except Exception:
            # Isolate the file that breaks the batch; the others still get scored.
            for k, w in good:
                try:
                    out.update(_score(model, [(k, w)], sr, bf16, speech, quality, measures))
                except Exception as exc:
                    out[k] = FileResult(k, "error", f"model failed: {type(exc).__name__}: {exc}", w.shape[-1] / sr, None)
    return [out[k] for k, _ in decoded]


def _score(model: StyleModel, items: list[tuple[str, torch.Tensor]], sr: int, bf16: bool,
           speech: SpeechSettings | None, quality: bool = False,
           measures: MeasureHints | None = None) -> dict[str, FileResult]:
    with torch.inference_mode():
        cuts = model.select_speech([w for _, w in items], speech, names=[k for k, _ in items])
    out: dict[str, FileResult] = {}
    speaking = []
    for (k, w), cut in zip(items, cuts):
        if cut.error is not None:
            out[k] = FileResult(k, "no_speech", cut.error.reason, w.shape[-1] / sr, None, cut.speech_s)
        else:
            speaking.append((k, w, cut))
    if speaking:
        with torch.inference_mode(), torch.autocast(model.device.type, dtype=torch.bfloat16, enabled=bf16):
            probs, frames = model.predict_waves_with_frames([c.wave for _, _, c in speaking],
                                                            names=[k for k, _, _ in speaking])
        scores = _dnsmos([w for _, w, _ in speaking], sr) if quality else [None] * len(speaking)
        measured = [None] * len(speaking)
        if measures is not None:
            measured = measure_files([k for k, _, _ in speaking], [w for _, w, _ in speaking],
                                     [c for _, _, c in speaking], sr,
                                     predicted_genders(model, [[float(x) for x in p] for p in probs]), measures)
        for (k, w, cut), p, f, q, m in zip(speaking, probs, frames, scores, measured):
            emb = speaker_embedding(model.backbone, f)
            out[k] = FileResult(k, "ok", "", w.shape[-1] / sr, [float(x) for x in p], cut.speech_s,
                                None if emb is None else [float(x) for x in emb], q, measures=m)
    return out


def _dnsmos(waves: list[torch.Tensor], sr: int) -> list[dict | None]:
    """DNSMOS of whole files (the quality threshold was chosen on untrimmed files)."""
    from ..audio.load import resample
    from ..measures.dnsmos import SAMPLE_RATE, dnsmos_scores

    return dnsmos_scores([(resample(w, sr, SAMPLE_RATE) if sr != SAMPLE_RATE else w).float().cpu().numpy()
                          for w in waves])


def bf16_supported() -> bool:
    """True where bf16 matrix products are native (AVX-512 BF16 / AMX on CPU, or a CUDA GPU).
    Reported by the benchmarks only: it never picks the precision (fp32 unless asked), so a
    result does not depend on the machine."""
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def content_hash(path: Path) -> str:
    return file_hash(path)


def result_settings(model: StyleModel, bf16: bool, speech: SpeechSettings | None, quality: bool = False,
                    measures: bool = False) -> dict:
    """Everything besides the audio that changes a file's record: the model (config and
    weights), the classifier's precision, the speech check, the window settings, what a record
    holds and, when on, the signal measures (their version; off leaves the key as it was)."""
    extra = {"measures": MEASURES_VERSION} if measures else {}
    return {**extra, "model": model_fingerprint(model), "precision": "bf16" if uses_bf16(model, bf16) else "fp32",
            "speech": None if speech is None else speech.to_dict(),
            "window_s": float(model.config.window_s), "segment_s": float(model.config.segment_s),
            # What a record holds besides probabilities: a log written without them is rescored.
            "record": {"speaker_embedding": 1, "dnsmos": bool(quality)}}


def result_key(settings: dict) -> str:
    """The resume key of :func:`result_settings`: a result is reused only under the same key."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def model_fingerprint(model: StyleModel) -> str:
    """Identifies the model for resume: a different model or weights file rescored everything."""
    import hashlib

    h = hashlib.sha256()
    h.update(repr(sorted(model.config.to_dict().items(), key=lambda kv: kv[0])).encode())
    if model.path is not None and (model.path / "model.safetensors").is_file():
        h.update((model.path / "model.safetensors").read_bytes())
    return h.hexdigest()[:16]


__all__ = ["FileResult", "auto_batch_size", "bf16_supported", "content_hash", "default_workers", "model_fingerprint", "result_key",
           "result_settings", "score_files", "uses_bf16"]
