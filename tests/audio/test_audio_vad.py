"""The speech detector: Silero VAD's own model and rules, batched across files without changing
any file's result, and no speech found in the non-speech a TTS system can emit."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from helpers import non_speech, speech_like, voice_like
from stylecheck.audio.vad import CHUNK, SpeechDetector, SpeechSettings, _import_silero, detect_speech

SR = 16000


def tensors(waves) -> list[torch.Tensor]:
    return [torch.as_tensor(np.asarray(w, dtype=np.float32)) for w in waves]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the package's loader (importlib, jit)
def test_probabilities_match_silero_torchscript_called_chunk_by_chunk():
    # The reference: the package's own model, fed 512-sample chunks with its streaming state,
    # exactly as silero_vad.get_speech_timestamps does.
    model = _import_silero().load_silero_vad()
    rng = np.random.default_rng(1)
    wave = torch.from_numpy(np.concatenate([speech_like(3.0, seed=3), 0.01 * rng.standard_normal(SR)]).astype(np.float32))
    model.reset_states()
    ref = []
    for s in range(0, wave.shape[0], CHUNK):
        chunk = torch.nn.functional.pad(wave[s : s + CHUNK], (0, max(0, s + CHUNK - wave.shape[0])))
        ref.append(model(chunk[None], SR).item())
    ours = SpeechDetector().probabilities([wave])[0]
    assert len(ours) == len(ref)
    np.testing.assert_allclose(ours, ref, atol=1e-4, rtol=0)
    assert max(ref) > 0.9 and min(ref) < 0.1  # speech and the noise tail both present: not vacuous


def test_a_file_gets_the_same_probabilities_whatever_else_is_in_the_call():
    rng = np.random.default_rng(2)
    # 40 files: more than one LSTM group of 32, of many lengths, speech and not.
    waves = tensors([speech_like(0.5 + 0.37 * i, seed=i) if i % 3 else 0.05 * rng.standard_normal(int(SR * (0.4 + 0.2 * i)))
                     for i in range(40)])
    det = SpeechDetector()
    together = det.probabilities(waves)
    for size in (1, 7, 32):
        for start in range(0, len(waves), size):
            part = det.probabilities(waves[start : start + size])
            for got, want in zip(part, together[start : start + size]):
                np.testing.assert_allclose(got, want, atol=1e-6, rtol=0)
    reordered = det.probabilities(waves[::-1])[::-1]
    for got, want in zip(reordered, together):
        np.testing.assert_allclose(got, want, atol=1e-6, rtol=0)


@pytest.mark.parametrize("name", list(non_speech()))
def test_non_speech_has_less_than_the_minimum(name):
    wave = tensors([non_speech()[name]])[0]
    found = detect_speech([wave], SR)[0]
    assert found.speech_s < SpeechSettings().min_speech_s, (name, found.regions)


def test_synthetic_harmonic_tones_are_not_speech_but_real_speech_is():
    found = detect_speech(tensors([voice_like(3.0), speech_like(3.0, seed=1)]), SR)
    assert found[0].speech_s < 0.5
    assert found[1].speech_s > 2.0


def test_regions_are_in_the_waves_own_samples_and_span_trims_silence():
    speech = speech_like(2.0, seed=4)
    padded16 = np.concatenate([np.zeros(2 * SR), speech, np.zeros(3 * SR)])
    padded48 = speech_like(2.0, 48000, seed=4)
    padded48 = np.concatenate([np.zeros(2 * 48000), padded48, np.zeros(3 * 48000)])
    r16, r48 = detect_speech(tensors([padded16]), SR)[0], detect_speech(tensors([padded48]), 48000)[0]
    start, end = r16.span(0.1)
    assert 1.85 * SR <= start <= 2.2 * SR and 3.7 * SR <= end <= 4.15 * SR
    assert r48.sample_rate == 48000 and r48.n_samples == len(padded48)
    s48, e48 = r48.span(0.1)
    assert abs(s48 / 48000 - start / SR) < 0.1 and abs(e48 / 48000 - end / SR) < 0.1
    assert r16.speech_s == pytest.approx(r48.speech_s, abs=0.1)


def test_importing_silero_keeps_the_callers_thread_count():
    # silero_vad sets torch.set_num_threads(1) at import; a scoring run must keep its threads.
    code = ("import torch; torch.set_num_threads(2)\n"
            "from stylecheck.audio.vad import detect_speech\n"
            "detect_speech([torch.zeros(16000)], 16000)\n"
            "print(torch.get_num_threads())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "2"


def test_trim_to_speech_cuts_the_silence_around_speech_and_keeps_non_speech_whole():
    from stylecheck.audio.vad import trim_to_speech

    speech = speech_like(2.0, seed=4)
    padded = np.concatenate([np.zeros(SR), speech, np.zeros(SR)]).astype(np.float32)
    noise = (0.05 * np.random.default_rng(0).standard_normal(SR)).astype(np.float32)
    cut, kept = trim_to_speech(tensors([padded, noise]), SR)
    assert 1.8 * SR < cut.shape[0] < 2.4 * SR  # the speech plus 0.1 s each side, roughly
    assert kept.shape[0] == SR
    whole = trim_to_speech(tensors([padded]), SR, SpeechSettings(trim=False))[0]
    assert whole.shape[0] == padded.shape[0]
