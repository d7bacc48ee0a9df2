"""``load_audio``: any readable file in, mono float32 at the requested rate out, or one typed error."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
from ..errors import AudioError

#: Shorter files cannot carry a judgeable voice (and give a model only a handful of frames).
MIN_DURATION_S = 0.3


@lru_cache(maxsize=32)
def _resampler(orig: int, new: int):
    import torchaudio.transforms as T

    return T.Resample(orig, new, dtype=torch.float32)


def resample(wave: torch.Tensor, orig_sr: int, new_sr: int) -> torch.Tensor:
    """Band-limited resampling (torchaudio's sinc interpolation); a no-op at equal rates."""
    if orig_sr == new_sr:
        return wave
    with torch.inference_mode():
        return _resampler(int(orig_sr), int(new_sr))(wave)


def load_audio(
    path: str | os.PathLike,
    sample_rate: int | None = 16000,
    min_duration_s: float = MIN_DURATION_S,
) -> torch.Tensor:
    """Read ``path`` as mono float32 at ``sample_rate`` (``None`` keeps the file's rate).

    Channels are averaged. Raises :class:`AudioError` for a missing, empty, unreadable or
    non-audio file, for NaN/inf samples, and for audio shorter than ``min_duration_s``.
    """
    path = Path(path)
    if not path.exists():
        raise AudioError(path, "file not found")
    if path.is_dir():
        raise AudioError(path, "is a directory, not an audio file")
    if path.stat().st_size == 0:
        raise AudioError(path, "empty file (0 bytes)")
    try:
        data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # soundfile raises several types (LibsndfileError, RuntimeError, ...)
        raise AudioError(path, f"not readable as audio ({type(exc).__name__}: {exc})") from None
    if data.shape[0] == 0:
        raise AudioError(path, "contains no samples (zero length)")
    if not np.isfinite(data).all():
        raise AudioError(path, "contains NaN or infinite samples")
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    duration = mono.shape[0] / sr
    if duration < min_duration_s:
        raise AudioError(path, f"too short: {duration:.3f} s (minimum {min_duration_s} s)")
    wave = torch.from_numpy(np.ascontiguousarray(mono))
    if sample_rate is not None:
        wave = resample(wave, sr, sample_rate)
    return wave.contiguous()


def audio_duration(path: str | os.PathLike) -> float:
    """Duration in seconds from the file header, without decoding."""
    info = sf.info(str(path))
    return info.frames / info.samplerate
