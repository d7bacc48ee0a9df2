"""Test helpers shared by all test folders: generated audio and tiny models.

Import them with ``from helpers import ...`` (never ``from conftest import``: pytest loads every
folder's conftest.py under the same module name)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

SHARED_DATA = Path(os.environ.get("STYLECHECK_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def real_data(*parts: str) -> Path:
    """Path under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (set STYLECHECK_DATA)")
    return path


def voice_like(duration_s: float = 1.0, sr: int = 16000, f0: float = 150.0, formants=(700, 1200, 2600),
               seed: int = 0, amplitude: float = 0.3) -> np.ndarray:
    """A crude voiced signal: a harmonic pulse train at ``f0`` with vibrato, shaped by formant
    resonances, plus a little noise. Pitch and spectral tilt make it learnable like a voice."""
    rng = np.random.default_rng(seed)
    n = int(duration_s * sr)
    t = np.arange(n) / sr
    f = f0 * (1 + 0.03 * np.sin(2 * np.pi * 5 * t))
    phase = 2 * np.pi * np.cumsum(f) / sr
    wave = np.zeros(n)
    for h in range(1, int(4000 / f0)):
        amp = sum(1.0 / (1 + ((h * f0 - fm) / 120.0) ** 2) for fm in formants)
        wave += amp * np.sin(h * phase) / h**0.5
    wave += 0.02 * rng.standard_normal(n)
    wave *= amplitude / (np.abs(wave).max() + 1e-9)
    return wave.astype(np.float32)


EXAMPLES = Path(__file__).resolve().parents[1] / "stylecheck" / "examples" / "audio"


def speech_like(duration_s: float = 1.0, sr: int = 16000, seed: int = 0) -> np.ndarray:
    """``duration_s`` of speech (the bundled example utterances, which exist without the shared
    data), starting at example ``seed`` and continuing through the next ones as needed: input
    that passes the speech check, where :func:`voice_like` is (rightly) found to be no speech."""
    import soundfile as sf_

    from stylecheck.audio.load import resample

    files = sorted(EXAMPLES.glob("*/*.flac"))
    n = int(round(duration_s * sr))
    parts, have, k = [], 0, seed
    while have < n:
        data, rate = sf_.read(str(files[k % len(files)]), dtype="float32")
        wave = resample(torch.from_numpy(data), rate, sr).numpy()
        parts.append(wave)
        have += len(wave)
        k += 1
    return np.concatenate(parts)[:n].astype(np.float32)


def non_speech(sr: int = 16000, seconds: float = 3.0) -> dict[str, np.ndarray]:
    """Silence, white and pink noise, a pure tone, a clipped square wave, and 0.4 s of real speech
    padded with 10 s of silence: what a broken synthesis system emits instead of a voice."""
    rng = np.random.default_rng(0)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / sr)
    spectrum[1:] /= np.sqrt(freqs[1:])  # 1/f power
    spectrum[0] = 0
    pink = np.fft.irfft(spectrum, n)
    speech = speech_like(2.0, sr)
    onset = int(0.5 * sr)  # inside the first word of the example utterance
    return {
        "silence": np.zeros(n),
        "white_noise": 0.3 * rng.standard_normal(n),
        "pink_noise": 0.3 * pink / np.abs(pink).max(),
        "tone": 0.5 * np.sin(2 * np.pi * 440 * t),
        "square_clipped": np.clip(3 * np.sign(np.sin(2 * np.pi * 220 * t)), -1, 1) * 0.9,
        "speech_0.4s_in_10s_silence": np.concatenate([speech[onset : onset + int(0.4 * sr)], np.zeros(10 * sr)]),
    }


def write_wav(path: Path, wave: np.ndarray, sr: int = 16000, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), wave, sr, **kw)
    return path


def tiny_hubert_dir(folder: Path, model_type: str = "hubert", layers: int = 4) -> Path:
    """A randomly initialised model of the real architecture, saved with save_pretrained."""
    from transformers import HubertConfig, HubertModel, Wav2Vec2Config, Wav2Vec2Model, WavLMConfig, WavLMModel

    classes = {"hubert": (HubertConfig, HubertModel, {}),
               "wav2vec2": (Wav2Vec2Config, Wav2Vec2Model, {}),
               "wavlm": (WavLMConfig, WavLMModel, {"do_stable_layer_norm": True, "feat_extract_norm": "layer"})}
    cfg_cls, model_cls, extra = classes[model_type]
    torch.manual_seed(0)
    cfg = cfg_cls(hidden_size=32, num_hidden_layers=layers, num_attention_heads=2, intermediate_size=64,
                  conv_dim=(16,) * 7, num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2, **extra)
    model_cls(cfg).eval().save_pretrained(folder)
    return folder




def report_summary(scores, model_info=None, thresholds=None, **tables):
    """The Summary a report renders, for tests: computed from ``scores`` with the paper's labels and
    the model's stored reliability and rule, with any table given in ``tables`` used as is."""
    from dataclasses import replace

    from stylecheck.analysis.summary import summarize
    from stylecheck.styles.labels import PAPER_LABELS

    model_info = model_info or {}
    thresholds = thresholds or {}
    summary = summarize(scores, PAPER_LABELS, [thresholds.get(lab, 0.5) for lab in PAPER_LABELS.labels],
                        reliability=model_info.get("reliability"), decision=model_info.get("decision"))
    return replace(summary, **tables)
