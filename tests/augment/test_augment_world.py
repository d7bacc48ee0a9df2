"""The WORLD backend on generated voices: a low "male" voice converted to a high "female" one."""
import numpy as np
import pytest
import torch
from helpers import voice_like

from stylecheck.augment import convert
from stylecheck.augment.world import WorldBackend

MALE = dict(f0=110.0, formants=(600, 1100, 2400))
FEMALE = dict(f0=220.0, formants=(850, 1500, 3000))


@pytest.fixture(scope="module")
def world():
    return WorldBackend()


@pytest.fixture(scope="module")
def conversion(world):
    source = torch.from_numpy(voice_like(1.5, seed=1, **MALE))
    target = torch.from_numpy(voice_like(3.0, seed=2, **FEMALE))
    matching = world.matching_set([target[:24000], target[24000:]], max_seconds=60)
    return source, target, matching, convert(world, source, matching, k=4)


@pytest.fixture(scope="module")
def measured(world, conversion):
    """Median F0 and mean mel-cepstrum (voiced frames) of source, target and output."""
    import pyworld

    source, target, _, out = conversion
    result = {}
    for name, wave in (("source", source), ("target", target), ("output", out)):
        f0, sp, _ = world.analyse(wave)
        cep = pyworld.code_spectral_envelope(sp, world.sample_rate, 24)[f0 > 0, 1:].mean(axis=0)
        result[name] = (float(np.median(f0[f0 > 0])), cep)
    return result


def test_output_has_source_length_and_sane_level(conversion):
    source, _, _, out = conversion
    assert out.shape == source.shape and out.dtype == torch.float32
    assert torch.isfinite(out).all() and out.abs().max() <= 0.99
    assert out.pow(2).mean().sqrt() == pytest.approx(float(source.pow(2).mean().sqrt()), rel=0.05)


def test_male_to_female_f0_within_20_percent_of_target(measured):
    f0_out, f0_tgt, f0_src = (measured[name][0] for name in ("output", "target", "source"))
    assert abs(f0_out - f0_tgt) / f0_tgt < 0.2, (f0_out, f0_tgt)
    assert abs(f0_src - f0_tgt) / f0_tgt > 0.4  # the check is not vacuous


def test_spectral_envelope_moves_to_the_target(measured):
    c_out, c_tgt, c_src = (measured[name][1] for name in ("output", "target", "source"))
    assert np.linalg.norm(c_out - c_tgt) < 0.5 * np.linalg.norm(c_out - c_src)


def test_ge2e_embedding_closer_to_target_than_source(conversion):
    from stylecheck.features.ge2e import GE2EBackbone

    ge2e = GE2EBackbone("partials")

    def embed(wave):
        frames, mask = ge2e.extract(wave[None], torch.tensor([wave.shape[-1]]))
        e = frames[0][mask[0]].mean(0)
        return e / e.norm()

    source, target, _, out = conversion
    e_out, e_tgt, e_src = embed(out), embed(target), embed(source)
    assert float(e_out @ e_tgt) > float(e_out @ e_src) + 0.1


def test_conversion_is_deterministic(world, conversion):
    source, _, matching, out = conversion
    assert torch.equal(convert(world, source, matching, k=4), out)


def test_matching_set_pools_files_up_to_the_reference_duration(world, conversion):
    _, target, matching, _ = conversion
    assert len(matching) == pytest.approx(3.0 * world.frame_rate, abs=4)  # both halves pooled
    assert set(matching.extras) == {"f0", "c0"} and matching.groups is not None
    fast = WorldBackend(f0_method="dio")
    capped = fast.matching_set([target[:8000], target[8000:16000], target[16000:24000]], max_seconds=0.7)
    assert len(capped) == int(0.7 * fast.frame_rate)  # all of file 1, part of file 2, none of file 3


def test_log_f0_mapping_moves_mean_and_spread(world):
    # Source voiced frames one octave apart around 141 Hz; target's one octave apart around 283 Hz.
    src = torch.tensor([0.0, 100.0, 200.0, 0.0])
    tgt = torch.tensor([200.0, 0.0, 400.0])
    out = world.convert_f0(src, tgt)
    assert out.tolist() == pytest.approx([0.0, 200.0, 400.0, 0.0], rel=1e-6)  # unvoiced stays unvoiced
    # A target with twice the spread doubles the source's excursions (in log F0).
    out = world.convert_f0(src, torch.tensor([100.0, 400.0]))
    assert out.tolist() == pytest.approx([0.0, 100.0, 400.0, 0.0], rel=1e-6)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="F0 method"):
        WorldBackend(f0_method="yin")
    with pytest.raises(ValueError, match="key_dims"):
        WorldBackend(key_dims=60, n_cepstra=60)
