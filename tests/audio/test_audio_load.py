"""load_audio: every supported container in, mono float32 at the requested rate out, and one
AudioError naming the file and the reason for everything that is not usable speech."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch

from stylecheck.audio import MIN_DURATION_S, AudioError, load_audio


def tone(freq: float, duration_s: float, sr: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(duration_s * sr))) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def dominant_frequency(wave: np.ndarray, sr: int) -> float:
    """Peak of the Hann-windowed spectrum, refined by parabolic interpolation."""
    spec = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
    k = int(np.argmax(spec[1:-1])) + 1
    a, b, c = np.log(spec[k - 1 : k + 2] + 1e-12)
    offset = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + offset) * sr / len(wave)


def require_format(fmt: str, subtype: str) -> None:
    if fmt not in sf.available_formats() or subtype not in sf.available_subtypes(fmt):
        pytest.skip(f"this libsndfile ({sf.__libsndfile_version__}) cannot write {fmt}/{subtype}")


# (extension, libsndfile format, subtype, tolerance on the number of samples)
FORMATS = [
    ("wav", "WAV", "PCM_16", 0),
    ("flac", "FLAC", "PCM_16", 0),
    ("ogg", "OGG", "VORBIS", 0),
    # MP3 frames hold 1152 samples; the decoder may return up to a frame of encoder padding.
    ("mp3", "MP3", "MPEG_LAYER_III", 1152),
    ("opus", "OGG", "OPUS", 0),
    ("aiff", "AIFF", "PCM_16", 0),
    ("au", "AU", "PCM_16", 0),
    ("w64", "W64", "PCM_16", 0),
]


def test_every_discoverable_extension_is_covered_here():
    from stylecheck.audio import AUDIO_EXTENSIONS

    covered = {f".{ext}" for ext, *_ in FORMATS} | {".oga", ".aif"}  # aliases of ogg and aiff
    assert set(AUDIO_EXTENSIONS) <= covered


@pytest.mark.parametrize("ext,fmt,subtype,slack", FORMATS, ids=[f[0] for f in FORMATS])
def test_each_format_loads_as_mono_float32_keeping_pitch(tmp_path, ext, fmt, subtype, slack):
    require_format(fmt, subtype)
    path = tmp_path / f"tone.{ext}"
    sf.write(str(path), tone(440.0, 1.0, 16000), 16000, format=fmt, subtype=subtype)

    wave = load_audio(path)

    assert isinstance(wave, torch.Tensor)
    assert wave.dtype == torch.float32 and wave.ndim == 1
    assert abs(wave.shape[0] - 16000) <= slack
    assert torch.isfinite(wave).all()
    assert dominant_frequency(wave.numpy(), 16000) == pytest.approx(440.0, abs=1.0)
    # Lossy codecs change samples, not the level: the tone keeps roughly its RMS of 0.5/sqrt(2).
    assert float(wave.pow(2).mean().sqrt()) == pytest.approx(0.5 / np.sqrt(2), rel=0.1)


def test_lossless_wav_is_read_exactly(tmp_path):
    wave = tone(220.0, 0.5, 16000)
    path = tmp_path / "exact.wav"
    sf.write(str(path), wave, 16000, subtype="FLOAT")
    np.testing.assert_array_equal(load_audio(path).numpy(), wave)


def test_stereo_is_downmixed_to_the_channel_mean(tmp_path):
    left, right = tone(300.0, 0.5, 16000), tone(700.0, 0.5, 16000, amplitude=0.2)
    path = tmp_path / "stereo.wav"
    sf.write(str(path), np.stack([left, right], axis=1), 16000, subtype="FLOAT")

    wave = load_audio(path)

    assert wave.ndim == 1 and wave.dtype == torch.float32
    np.testing.assert_allclose(wave.numpy(), (left + right) / 2, atol=1e-7)


@pytest.mark.parametrize("source_sr", [48000, 22050, 8000])
def test_resampling_to_16k_keeps_duration_and_pitch(tmp_path, source_sr):
    duration = 1.0
    path = tmp_path / f"tone_{source_sr}.wav"
    sf.write(str(path), tone(440.0, duration, source_sr), source_sr, subtype="FLOAT")

    wave = load_audio(path, sample_rate=16000)

    assert wave.dtype == torch.float32 and wave.ndim == 1
    assert abs(wave.shape[0] - 16000 * duration) <= 1
    assert dominant_frequency(wave.numpy(), 16000) == pytest.approx(440.0, abs=1.0)
    assert float(wave[1000:-1000].abs().max()) == pytest.approx(0.5, abs=0.02)


def test_sample_rate_none_keeps_the_file_rate(tmp_path):
    path = tmp_path / "native.wav"
    sf.write(str(path), tone(440.0, 0.5, 22050), 22050)
    assert load_audio(path, sample_rate=None).shape[0] == 11025


def test_other_target_rates(tmp_path):
    path = tmp_path / "to24k.wav"
    sf.write(str(path), tone(440.0, 1.0, 16000), 16000)
    wave = load_audio(path, sample_rate=24000)
    assert abs(wave.shape[0] - 24000) <= 1
    assert dominant_frequency(wave.numpy(), 24000) == pytest.approx(440.0, abs=1.0)


# -- bad inputs: each an AudioError naming the file and the reason ------------------------------


def _bad_missing(tmp_path):
    return tmp_path / "nowhere.wav"


def _bad_empty(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    return path


def _bad_header_only(tmp_path):
    path = tmp_path / "header_only.wav"
    sf.write(str(path), np.zeros(0, dtype=np.float32), 16000)
    assert path.stat().st_size > 0  # a valid header, no samples
    return path


def _bad_nan(tmp_path):
    wave = tone(440.0, 1.0, 16000)
    wave[100] = np.nan
    path = tmp_path / "nan.wav"
    sf.write(str(path), wave, 16000, subtype="FLOAT")
    return path


def _bad_inf(tmp_path):
    wave = tone(440.0, 1.0, 16000)
    wave[-1] = np.inf
    path = tmp_path / "inf.wav"
    sf.write(str(path), wave, 16000, subtype="DOUBLE")
    return path


def _bad_not_audio(tmp_path):
    path = tmp_path / "text.wav"
    path.write_bytes(b"this is a plain text file, not RIFF audio\n" * 50)
    return path


def _bad_directory(tmp_path):
    path = tmp_path / "folder.wav"
    path.mkdir()
    return path


def _bad_too_short(tmp_path):
    path = tmp_path / "short.wav"
    sf.write(str(path), tone(440.0, 0.1, 16000), 16000)
    return path


BAD_CASES = {
    "missing": (_bad_missing, "not found"),
    "empty": (_bad_empty, "empty"),
    "header_only": (_bad_header_only, "no samples"),
    "nan": (_bad_nan, "nan"),
    "inf": (_bad_inf, "infinite"),
    "not_audio": (_bad_not_audio, "not readable as audio"),
    "directory": (_bad_directory, "directory"),
    "too_short": (_bad_too_short, "too short"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_inputs_raise_audio_error_naming_file_and_reason(tmp_path, case):
    make, reason = BAD_CASES[case]
    path = make(tmp_path)

    with pytest.raises(AudioError) as info:
        load_audio(path)

    err = info.value
    assert err.path == str(path)
    assert str(path) in str(err)
    assert reason in err.reason.lower()
    assert reason in str(err).lower()


def test_too_short_message_gives_duration_and_floor(tmp_path):
    path = _bad_too_short(tmp_path)
    with pytest.raises(AudioError, match=r"0\.100 s .*minimum 0\.3 s"):
        load_audio(path)


def test_duration_floor_is_inclusive_and_configurable(tmp_path):
    assert MIN_DURATION_S == 0.3
    at_floor = tmp_path / "floor.wav"
    sf.write(str(at_floor), tone(440.0, MIN_DURATION_S, 16000), 16000)
    assert load_audio(at_floor).shape[0] == int(MIN_DURATION_S * 16000)

    short = _bad_too_short(tmp_path)
    assert load_audio(short, min_duration_s=0.05).shape[0] == 1600


def test_floor_applies_to_the_source_duration_not_the_sample_count(tmp_path):
    # 0.25 s at 48 kHz is 12000 samples, more than 0.3 s worth at 16 kHz, yet still too short.
    path = tmp_path / "short48k.wav"
    sf.write(str(path), tone(440.0, 0.25, 48000), 48000)
    with pytest.raises(AudioError, match="too short"):
        load_audio(path)


def test_audio_error_is_an_exception_with_path_and_reason():
    err = AudioError("a/b.wav", "some reason")
    assert isinstance(err, Exception)
    assert (err.path, err.reason, str(err)) == ("a/b.wav", "some reason", "a/b.wav: some reason")
