"""StyleModel.predict's inputs: paths, arrays, (array, rate) pairs; unusable input is an
AudioError naming the item, never a NaN or a probability computed from no frames."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch

from helpers import speech_like, voice_like, write_wav
from stylecheck.audio import AudioError, load_audio
from stylecheck.models import StyleModel


@pytest.fixture(scope="module")
def model(tiny_model_dir) -> StyleModel:
    return StyleModel.from_pretrained(tiny_model_dir)


def test_paths_arrays_and_pairs_agree(model, tmp_path):
    wave16 = speech_like(1.5, seed=1)
    wave48 = speech_like(1.5, sr=48000, seed=1)
    path = write_wav(tmp_path / "a.wav", wave48, 48000, subtype="FLOAT")  # lossless: same samples as the array
    by_path = model.predict([path])
    by_pair = model.predict([(wave48, 48000)])
    by_waves = model.predict_waves([load_audio(path)])
    np.testing.assert_allclose(by_path, by_pair, atol=1e-6, rtol=0)
    np.testing.assert_allclose(by_path, by_waves, atol=1e-6, rtol=0)
    assert model.predict([wave16]).shape == (1, 8)


def test_no_inputs_gives_an_empty_table(model):
    assert model.predict([]).shape == (0, 8)
    assert model.probabilities_from_frames([]).shape == (0, 8)


def test_a_bad_file_names_itself(model, tmp_path):
    good = write_wav(tmp_path / "good.wav", voice_like(1.0))
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"")
    with pytest.raises(AudioError, match="bad.wav: empty file"):
        model.predict([good, bad])


@pytest.mark.parametrize("wave,reason", [
    (np.zeros(0, np.float32), "no samples"),
    (np.full(8000, np.nan, np.float32), "NaN or infinite"),
    (np.zeros((2, 8000), np.float32), "1-D mono"),
    (np.zeros(100, np.float32), "too short"),
])
def test_unusable_arrays_are_audio_errors_naming_the_item(model, wave, reason):
    good = voice_like(1.0)
    with pytest.raises(AudioError, match=rf"<input 2>: .*{reason}"):
        model.predict([good, good, wave])
    with pytest.raises(AudioError, match=rf"<input 1>: .*{reason}"):
        model.predict_waves([torch.from_numpy(good), torch.as_tensor(wave)])


def test_infinite_samples_in_a_pair_are_caught_after_resampling(model):
    wave = voice_like(1.0, sr=8000)
    wave[10] = np.inf
    with pytest.raises(AudioError, match="<input 0>: contains NaN or infinite samples"):
        model.predict([(wave, 8000)])


def test_stereo_file_is_scored_as_its_downmix(model, tmp_path):
    left, right = speech_like(1.2, seed=1), speech_like(1.2, seed=2)
    stereo = tmp_path / "stereo.wav"
    sf.write(str(stereo), np.stack([left, right], 1), 16000, subtype="FLOAT")
    np.testing.assert_allclose(model.predict([stereo]), model.predict([(left + right) / 2]), atol=1e-6, rtol=0)
