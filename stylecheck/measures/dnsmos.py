"""DNSMOS (Microsoft, MIT): non-intrusive speech quality, P.835 and P.808, on the 16 kHz signal.

The ONNX models are the ones that ship inside the ``speechmos`` wheel (``dnsmos_models/``:
``sig_bak_ovr.onnx`` for P.835, ``model_v8.onnx`` for P.808). The wrapper's own ``dnsmos.run``
creates sessions with every core, raises on samples outside [-1, 1], loops forever on an empty
array and imports ``requests``; this module runs the same files through ``onnxruntime`` directly
with a configurable thread count, and reproduces the wrapper's computation step by step, so the
numbers are the wrapper's (``tests/measures/test_dnsmos.py`` checks it on real files to 1e-4):

* an input shorter than 9.01 s is tiled by doubling (``np.append(a, a)``) until it is not;
* 9.01 s windows every 1 s (``int(floor(len / sr) - 9.01) + 1`` of them) each give P.835 SIG,
  BAK, OVRL (raw model outputs mapped through DNSMOS's published polynomials) and P.808 (a
  120-band log-mel of the window minus its last 10 ms, librosa's mel filters, n_fft 321);
* a file's score is the mean over its windows.

The P.808 mel goes through librosa (``feature.melspectrogram`` and ``power_to_db``) exactly as the
wrapper calls it; librosa >= 0.10 pads centred frames with zeros (0.9, which DNSMOS's own repository
pinned, reflected them), so numbers match the wrapper under the same librosa.

Signal level: the models take the waveform as is (P.835 is level-sensitive), in [-1, 1]. A wave
whose peak exceeds 1 (float files can) is scaled down by its peak rather than clipped: clipping
would add a distortion the model would score, while a float peak above 1 is a level convention of
the file, not something a listener hears. The result says so in ``dnsmos_note``.
"""
from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import StylecheckError

SAMPLE_RATE = 16000
#: Seconds per model input window (DNSMOS's ``INPUT_LENGTH``).
INPUT_LENGTH_S = 9.01
#: Shorter input gets no score. DNSMOS tiles anything shorter than 9.01 s, however short; below
#: half a second (the speech check's own minimum of speech) a file is mostly the repetition of one
#: syllable, not the recording a listener would rate.
MIN_DURATION_S = 0.5
COLUMNS = ("dnsmos_sig", "dnsmos_bak", "dnsmos_ovrl", "dnsmos_p808")

#: ``low_quality`` when ``dnsmos_ovrl`` is below this. Chosen by ``benchmarks/dnsmos_noise.py``
#: (reports/quality.md, section "DNSMOS under added noise") on 48 clean read-speech recordings of
#: ../shared/data (16 each from LibriSpeech, VCTK, LibriTTS-P extra; 48 speakers) and the same
#: files with white and pink noise at 20, 10, 5 and 0 dB SNR: the equal-error point between clean
#: speech and speech at 0-5 dB SNR (2.285, rounded), where 2 % of clean files fall below (one
#: LibriTTS-P extra file that is noisy itself, OVRL 2.00; the next clean file scored 2.82) and
#: 2 % of the 0-5 dB files stay above. Speech at 10 dB SNR mostly falls below (white 94 %,
#: pink 35 %), at 20 dB rarely (8 %, 4 %): the guard flags clearly noisy or degraded audio, not
#: merely imperfect audio. Clean read speech scored 3.27 on average.
LOW_QUALITY_OVRL = 2.29

# DNSMOS's published mapping from the P.835 model's raw outputs to MOS (non-personalised model).
_POLY_SIG = np.poly1d([-0.08397278, 1.22083953, 0.0052439])
_POLY_BAK = np.poly1d([-0.13166888, 1.60915514, -0.39604546])
_POLY_OVRL = np.poly1d([-0.06766283, 1.11546468, 0.04602535])


class DNSMOSUnavailable(StylecheckError, RuntimeError):
    """onnxruntime or the speechmos model files are not installed."""


def model_paths() -> tuple[Path, Path]:
    """The P.835 and P.808 ONNX files inside the installed ``speechmos`` package (not imported:
    its modules import librosa, requests and tqdm at import time)."""
    spec = importlib.util.find_spec("speechmos")
    if spec is None or not spec.submodule_search_locations:
        raise DNSMOSUnavailable("DNSMOS needs the 'speechmos' package for its model files (pip install speechmos)")
    folder = Path(list(spec.submodule_search_locations)[0]) / "dnsmos_models"
    paths = folder / "sig_bak_ovr.onnx", folder / "model_v8.onnx"
    for p in paths:
        if not p.is_file():
            raise DNSMOSUnavailable(f"DNSMOS model file missing from the speechmos package: {p}")
    return paths


def skip_reason(wave: np.ndarray, sample_rate: int = SAMPLE_RATE) -> str | None:
    """Why ``wave`` gets no DNSMOS (``None``: it gets one)."""
    wave = np.asarray(wave)
    if wave.ndim != 1:
        return f"expected a 1-D mono wave, got shape {wave.shape}"
    if sample_rate != SAMPLE_RATE:
        return f"DNSMOS needs {SAMPLE_RATE} Hz audio, got {sample_rate} Hz"
    if wave.size == 0:
        return "no samples"
    if not np.isfinite(wave).all():
        return "contains NaN or infinite samples"
    if wave.size < MIN_DURATION_S * SAMPLE_RATE:
        return f"too short for DNSMOS: {wave.size / SAMPLE_RATE:.2f} s (minimum {MIN_DURATION_S:g} s)"
    return None


def to_unit_range(wave: np.ndarray) -> tuple[np.ndarray, str]:
    """float32 ``wave`` within [-1, 1], scaled down by its peak when that exceeds 1, and a note
    saying so (empty when untouched)."""
    wave = np.asarray(wave, dtype=np.float32)
    peak = float(np.max(np.abs(wave))) if wave.size else 0.0
    if peak <= 1.0:
        return wave, ""
    return (wave / np.float32(peak)).astype(np.float32), f"peak {peak:.3g} > 1: scaled by 1/{peak:.3g} into [-1, 1]"


def dnsmos_windows(wave: np.ndarray) -> list[np.ndarray]:
    """The 9.01 s model inputs of ``wave``, exactly as the wrapper cuts them."""
    audio = np.asarray(wave, dtype=np.float32)
    n = int(INPUT_LENGTH_S * SAMPLE_RATE)
    while len(audio) < n:
        audio = np.append(audio, audio)
    hops = int(np.floor(len(audio) / SAMPLE_RATE) - INPUT_LENGTH_S) + 1
    out = []
    for idx in range(hops):
        seg = audio[int(idx * SAMPLE_RATE) : int((idx + INPUT_LENGTH_S) * SAMPLE_RATE)]
        if len(seg) >= n:
            out.append(seg)
    return out


def p808_features(segment: np.ndarray) -> np.ndarray:
    """The P.808 model's input for one window: ``[frames, 120]`` scaled log-mel."""
    import librosa

    mel = librosa.feature.melspectrogram(y=segment[:-160], sr=SAMPLE_RATE, n_fft=321, hop_length=160, n_mels=120)
    return ((librosa.power_to_db(mel, ref=np.max) + 40) / 40).T.astype(np.float32)


@dataclass
class DNSMOS:
    """Loaded DNSMOS sessions. ``intra_op_num_threads``: threads per model call (1 suits scoring's
    one-thread-per-worker layout; 0 lets onnxruntime take every core)."""

    intra_op_num_threads: int = 1

    def __post_init__(self):
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise DNSMOSUnavailable("DNSMOS needs the 'onnxruntime' package (pip install onnxruntime)") from exc
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(self.intra_op_num_threads)
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # Spinning threads waiting for work would steal the cores the other scoring worker uses.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        p835, p808 = model_paths()
        providers = ["CPUExecutionProvider"]
        self._p835 = ort.InferenceSession(str(p835), options, providers=providers)
        self._p808 = ort.InferenceSession(str(p808), options, providers=providers)

    def score(self, wave: np.ndarray) -> dict | None:
        """``dnsmos_sig``, ``dnsmos_bak``, ``dnsmos_ovrl``, ``dnsmos_p808`` and ``dnsmos_note`` of
        one 16 kHz wave, or ``None`` when :func:`skip_reason` gives a reason."""
        if skip_reason(wave) is not None:
            return None
        audio, note = to_unit_range(wave)
        sig, bak, ovrl, p808 = [], [], [], []
        for seg in dnsmos_windows(audio):
            raw = self._p835.run(None, {"input_1": seg[np.newaxis, :]})[0][0]
            p808.append(float(self._p808.run(None, {"input_1": p808_features(seg)[np.newaxis]})[0][0][0]))
            sig.append(_POLY_SIG(raw[0]))
            bak.append(_POLY_BAK(raw[1]))
            ovrl.append(_POLY_OVRL(raw[2]))
        return {"dnsmos_sig": float(np.mean(sig)), "dnsmos_bak": float(np.mean(bak)),
                "dnsmos_ovrl": float(np.mean(ovrl)), "dnsmos_p808": float(np.mean(p808)), "dnsmos_note": note}

    def scores(self, waves: Sequence[np.ndarray]) -> list[dict | None]:
        return [self.score(w) for w in waves]


_DEFAULT: dict[int, DNSMOS] = {}


def dnsmos_scores(waves: Sequence[np.ndarray], intra_op_num_threads: int = 1) -> list[dict | None]:
    """DNSMOS of each 16 kHz mono wave (numpy or anything ``np.asarray`` takes): a dict of
    :data:`COLUMNS` plus ``dnsmos_note``, or ``None`` where :func:`skip_reason` says why not.
    Sessions are loaded once per thread count and reused (onnxruntime sessions may be run from
    several threads at once)."""
    if intra_op_num_threads not in _DEFAULT:
        _DEFAULT[intra_op_num_threads] = DNSMOS(intra_op_num_threads)
    return _DEFAULT[intra_op_num_threads].scores([np.asarray(w) for w in waves])


def is_low_quality(ovrl: float, threshold: float = LOW_QUALITY_OVRL) -> bool | None:
    """``True`` when ``ovrl`` is below the threshold; ``None`` when there is no score."""
    if ovrl is None or not math.isfinite(ovrl):
        return None
    return bool(ovrl < threshold)


__all__ = ["COLUMNS", "DNSMOS", "DNSMOSUnavailable", "LOW_QUALITY_OVRL", "MIN_DURATION_S", "dnsmos_scores",
           "dnsmos_windows", "is_low_quality", "model_paths", "skip_reason", "to_unit_range"]
