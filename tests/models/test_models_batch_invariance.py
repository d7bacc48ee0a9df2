"""A file's probabilities do not depend on what else is in its batch, through the whole
StyleModel path (backbone on padded waves, windows, head on padded windows, weighted mean)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers import voice_like
from stylecheck.features import build_backbone
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.models import new_model

DURATIONS = (0.4, 12.0, 1.1, 5.0, 2.7, 7.3, 0.75, 5.6)  # short, exactly one window, several windows
SPEECHMLC = {"d_model": 32, "n_layers": 1, "n_heads": 2, "ff_dim": 64}
RESNET = {"widths": (8, 8, 16, 16)}


@pytest.fixture(scope="module")
def waves() -> list[torch.Tensor]:
    return [torch.from_numpy(voice_like(d, f0=100 + 25 * i, seed=i, amplitude=0.05 + 0.1 * (i % 3)))
            for i, d in enumerate(DURATIONS)]


def backbone(name: str, tiny_hubert):
    return build_backbone(str(tiny_hubert), layer=2) if name == "tiny-hubert" else build_backbone(name)


@pytest.mark.parametrize("arch,params,backbone_name", [
    ("speechmlc", SPEECHMLC, "mel80"),
    ("speechmlc", SPEECHMLC, "ge2e"),
    ("speechmlc", SPEECHMLC, "tiny-hubert"),
    ("resnet34", RESNET, "mel80"),
])
def test_probabilities_do_not_depend_on_the_batch(waves, tiny_hubert, arch, params, backbone_name):
    torch.manual_seed(0)
    model = new_model(arch, backbone(backbone_name, tiny_hubert), PAPER_LABELS, **params)
    together = model.predict_waves(waves)
    assert together.shape == (len(waves), 8) and np.isfinite(together).all()
    assert ((together > 0) & (together < 1)).all()
    for i, wave in enumerate(waves):
        alone = model.predict_waves([wave])
        np.testing.assert_allclose(together[i], alone[0], atol=1e-5, rtol=0, err_msg=f"file {i} ({DURATIONS[i]} s)")
    # A different companion and a different order change nothing either.
    pair = model.predict_waves([waves[3], waves[1]])
    np.testing.assert_allclose(pair, together[[3, 1]], atol=1e-5, rtol=0)
    # ... while different files do get different probabilities (the check above is not vacuous).
    assert np.abs(together - together[0]).max() > 1e-4


def test_predict_batches_give_the_same_result(waves):
    torch.manual_seed(0)
    model = new_model("speechmlc", build_backbone("mel80"), PAPER_LABELS, **SPEECHMLC)
    # speech=None: the synthetic voices are no speech to the VAD; the speech check's own batch
    # invariance is tested in tests/scoring/test_score_consistency.py.
    np.testing.assert_allclose(model.predict(waves, batch_size=3, speech=None),
                               model.predict(waves, batch_size=8, speech=None), atol=1e-5, rtol=0)


def test_long_files_are_cut_into_equal_backbone_segments_batch_invariantly(waves):
    torch.manual_seed(0)
    model = new_model("speechmlc", build_backbone("mel80"), PAPER_LABELS, **SPEECHMLC)
    assert model.window_frames == 498  # 5 s of Mel80 frames: (80000 - 400) // 160 + 1
    model.config.segment_s = 5.0
    frames = model.frames([waves[1]])[0]  # 12 s -> three segments of 4 s, frames concatenated
    assert frames.shape[0] == 3 * int(model.backbone.n_frames(torch.tensor([64000])))
    together = model.predict_waves(waves)
    for i, wave in enumerate(waves):
        np.testing.assert_allclose(together[i], model.predict_waves([wave])[0], atol=1e-5, rtol=0)
