"""The speaker embedding read from scoring's own frames: a copy of a file gets similarity 1,
another speaker's recording less than the same speaker's other utterance."""
from pathlib import Path

import numpy as np
import pytest
import torch

from helpers import real_data
from stylecheck.analysis.similarity import cosine_similarity
from stylecheck.audio import load_audio
from stylecheck.features.speaker import speaker_dims, speaker_embedding

EXAMPLES = Path(__file__).resolve().parents[2] / "stylecheck" / "examples" / "audio"


@pytest.fixture(scope="module")
def model():
    pytest.importorskip("resemblyzer")
    from stylecheck.models.style_model import StyleModel
    from stylecheck.pretrained import default_model_path

    return StyleModel.from_pretrained(default_model_path())


def embeddings(model, paths):
    cuts = model.select_speech([load_audio(p, 16000) for p in paths])
    frames = model.frames([c.wave for c in cuts])
    return frames, [speaker_embedding(model.backbone, f) for f in frames]


def test_copy_has_similarity_one_and_it_is_what_the_head_reads(model, tmp_path):
    src = EXAMPLES / "flite" / "utt01.flac"
    copy = tmp_path / "copy.flac"
    copy.write_bytes(src.read_bytes())
    frames, (a, b, other) = embeddings(model, [src, copy, EXAMPLES / "espeak" / "utt01.flac"])
    assert speaker_dims(model.backbone) == 256
    assert np.linalg.norm(a) == pytest.approx(1.0)
    assert cosine_similarity(a, b) == pytest.approx(1.0, abs=1e-9)
    assert cosine_similarity(a, other) < 0.9
    # One segment: the embedding is exactly the GE2E part of the frame the style head sees.
    assert frames[0].shape[0] == 1
    assert np.allclose(a, frames[0][0, :256].double().numpy(), atol=1e-6)


def test_frames_without_a_speaker_embedding_give_none():
    from stylecheck.features.mel import Mel80Backbone

    assert speaker_embedding(Mel80Backbone(), torch.zeros(5, 80)) is None


@pytest.mark.realdata
def test_same_speaker_closer_than_another_speaker(model):
    same_a = real_data("vctk", "p304", "p304_018.flac")
    same_b = real_data("vctk", "p304", "p304_023.flac")
    other = real_data("librispeech", "train-clean-100", "103-1240-0000.flac")
    _, (a, b, c) = embeddings(model, [same_a, same_b, other])
    assert cosine_similarity(a, b) > 0.8
    assert cosine_similarity(a, c) < cosine_similarity(a, b) - 0.1
