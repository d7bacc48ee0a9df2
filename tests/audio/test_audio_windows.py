"""Training crops, inference windows and padded batches."""
from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from stylecheck.audio import Window, inference_windows, pad_batch, random_crop

SR = 16000
SIZE = 5 * SR


# -- random_crop -------------------------------------------------------------------------------


def test_random_crop_has_the_requested_length_and_is_a_slice_of_the_wave():
    wave = torch.arange(12 * SR, dtype=torch.float32)
    crop = random_crop(wave, SIZE, torch.Generator().manual_seed(1))
    assert crop.shape == (SIZE,)
    start = int(crop[0])
    torch.testing.assert_close(crop, wave[start : start + SIZE])


def test_random_crop_returns_short_waves_whole():
    wave = torch.randn(3 * SR)
    assert random_crop(wave, SIZE) is wave
    exact = torch.randn(SIZE)
    assert torch.equal(random_crop(exact, SIZE), exact)


def test_random_crop_is_deterministic_for_a_seeded_generator():
    wave = torch.arange(20 * SR, dtype=torch.float32)

    def starts(seed: int) -> list[int]:
        g = torch.Generator().manual_seed(seed)
        return [int(random_crop(wave, SIZE, g)[0]) for _ in range(5)]

    assert starts(7) == starts(7)
    assert len(set(starts(7))) > 1  # the generator advances between crops
    assert starts(8) != starts(7)


def test_random_crop_reaches_both_ends():
    wave = torch.arange(SIZE + 3, dtype=torch.float32)  # 4 possible starts
    g = torch.Generator().manual_seed(0)
    starts = {int(random_crop(wave, SIZE, g)[0]) for _ in range(200)}
    assert starts == {0, 1, 2, 3}


def test_random_crop_works_on_the_last_axis_of_a_batch():
    waves = torch.arange(2 * 8 * SR, dtype=torch.float32).reshape(2, 8 * SR)
    crop = random_crop(waves, SIZE, torch.Generator().manual_seed(3))
    assert crop.shape == (2, SIZE)
    torch.testing.assert_close(crop[1] - crop[0], torch.full((SIZE,), 8.0 * SR))


# -- inference_windows -------------------------------------------------------------------------


def test_short_file_gets_one_window_of_its_own_length():
    n = int(2.3 * SR)
    assert inference_windows(n, SIZE, SR) == [Window(0, n, n / SR)]
    assert inference_windows(SIZE, SIZE, SR) == [Window(0, SIZE, 5.0)]


def test_long_file_windows_are_full_length_and_end_aligned():
    n = int(12.5 * SR)
    windows = inference_windows(n, SIZE, SR)
    assert [w.start for w in windows] == [0, SIZE, n - SIZE]
    assert all(w.length == SIZE for w in windows)
    assert [w.weight for w in windows] == pytest.approx([5.0, 5.0, 2.5])
    assert sum(w.weight for w in windows) == pytest.approx(12.5)


def test_exact_multiple_has_no_overlap():
    windows = inference_windows(3 * SIZE, SIZE, SR)
    assert [(w.start, w.length, w.weight) for w in windows] == [(0, SIZE, 5.0), (SIZE, SIZE, 5.0), (2 * SIZE, SIZE, 5.0)]


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 40 * SR), size=st.integers(SR // 20, 8 * SR), sr=st.sampled_from([50, 100, 16000]))
def test_inference_windows_properties(n, size, sr):
    windows = inference_windows(n, size, sr)
    # Every second counts exactly once.
    assert sum(w.weight for w in windows) == pytest.approx(n / sr, rel=1e-9)
    assert all(w.weight > 0 for w in windows)
    # Inside the file, starts increasing, the whole file covered.
    assert all(0 <= w.start and w.start + w.length <= n for w in windows)
    assert [w.start for w in windows] == sorted({w.start for w in windows})
    assert windows[0].start == 0 and windows[-1].start + windows[-1].length == n
    assert all(b.start <= a.start + a.length for a, b in zip(windows, windows[1:]))
    if n >= size:
        assert all(w.length == size for w in windows)
        assert len(windows) == -(-n // size)
    else:
        assert windows == [Window(0, n, n / sr)]


# -- pad_batch ---------------------------------------------------------------------------------


def test_pad_batch_zero_pads_at_the_end_and_reports_lengths():
    waves = [torch.ones(5), torch.full((2,), 2.0), torch.full((7,), 3.0)]
    batch, lengths = pad_batch(waves)
    assert batch.shape == (3, 7) and batch.dtype == torch.float32
    assert lengths.tolist() == [5, 2, 7] and lengths.dtype == torch.long
    for row, w in zip(batch, waves):
        torch.testing.assert_close(row[: len(w)], w)
        assert torch.all(row[len(w) :] == 0)


def test_pad_batch_of_one_is_the_wave_itself():
    wave = torch.randn(123)
    batch, lengths = pad_batch([wave])
    assert torch.equal(batch[0], wave) and lengths.tolist() == [123]


def test_pad_batch_of_nothing():
    batch, lengths = pad_batch([])
    assert batch.shape == (0, 0) and lengths.shape == (0,)
