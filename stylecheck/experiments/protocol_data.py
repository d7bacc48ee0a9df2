"""The data the evaluation protocol (:mod:`.protocol`) runs on: utterance features of every file of
prepared manifests, with speakers, corpora and labels.

Features come from the feature cache (:class:`stylecheck.training.FeatureCache`), so they are the
exact vectors the bundled model computes when scoring: ``fusion`` (mean GE2E embedding ‖ voice
functionals) and ``ge2e`` (the mean GE2E partial embedding of the logistic-regression probe).
Channel-augmented copies (:func:`stylecheck.training.channel.channel_augment`) are computed once
per (file, copy, seed) and stored in an ``.npz`` beside the cache.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..audio.vad import SpeechSettings
from ..data.manifest import read_manifest
from ..styles.labels import PAPER_LABELS, LabelSet

#: Files are cut to their speech as scoring cuts them by default, so the model is trained on what
#: it will be shown: whole files would teach it each corpus's leading and trailing silence.
TRAINING_SPEECH = SpeechSettings()

#: Corpus names of the manifests' ``corpus`` column, as the protocol reports them.
CORPUS_NAMES = {"libritts_p": "LibriSpeech", "dreamvoice": "VCTK"}


@dataclass
class ProtocolData:
    paths: list[str]
    speakers: np.ndarray  # corpus-qualified speaker ids
    corpus: np.ndarray  # "LibriSpeech" | "VCTK"
    targets: np.ndarray  # [N, K] 1 / 0 / NaN
    label_set: LabelSet
    features: dict[str, np.ndarray] = field(default_factory=dict)
    # name -> (x_aug [M, D], owner [M]) channel-augmented copies of rows
    augmented: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # the manifests read

    def __len__(self) -> int:
        return len(self.paths)


def read_manifests(manifests: Sequence[str | os.PathLike], label_set: LabelSet = PAPER_LABELS) -> ProtocolData:
    frames = []
    for m in manifests:
        man = read_manifest(m, label_set)
        f = man.frame.copy()
        frames.append(f)
    df = pd.concat(frames, ignore_index=True).drop_duplicates("path")
    corpus = df["corpus"].map(lambda c: CORPUS_NAMES.get(c, c)).to_numpy()
    speakers = np.array([f"{c}:{s}" for c, s in zip(corpus, df["speaker"].astype(str))])
    targets = df[list(label_set.labels)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return ProtocolData(df["path"].tolist(), speakers, corpus, targets, label_set, sources=[str(m) for m in manifests])


def utterance_matrix(frames) -> np.ndarray:
    """Mean frame per file (utterance backbones give one frame per 30 s segment)."""
    return np.stack([f.float().mean(0).numpy() for f in frames])


def add_cached_features(data: ProtocolData, cache_dir: str | None) -> ProtocolData:
    from ..features import build_backbone
    from ..training import FeatureCache

    fusion = FeatureCache(build_backbone("fusion"), cache_dir, speech=TRAINING_SPEECH).get(data.paths)
    data.features["fusion"] = utterance_matrix(fusion)
    # The probe's "mean GE2E embedding" is the fusion vector's GE2E part (the mean of
    # L2-normalised 1.6 s partial embeddings, L2-normalised again): the same encoder and
    # windows as resemblyzer's utterance embedding without the window overlap, so the probe and
    # the fusion model see the same embedding and differ only by the voice parameters.
    g = data.features["fusion"][:, :256]
    data.features["ge2e"] = g / np.linalg.norm(g, axis=1, keepdims=True).clip(1e-12)
    return data


def add_augmented_features(data: ProtocolData, store: str | os.PathLike, copies: int = 2, seed: int = 0,
                           reverb: float = 0.0) -> ProtocolData:
    """``copies`` channel-augmented fusion vectors per file (``reverb``: probability of room
    reverberation), cached in the ``.npz`` ``store`` (keyed by the paths, copies, seed, recipe,
    backbone and speech settings)."""
    import torch

    from ..audio import load_audio
    from ..audio.vad import trim_to_speech
    from ..features import build_backbone
    from ..models.style_model import extract_frames
    from ..training.channel import AUGMENT_VERSION, channel_augment

    bb = build_backbone("fusion")
    spec = json.dumps(bb.spec, sort_keys=True)  # features of another backbone version are not reused
    speech = json.dumps(TRAINING_SPEECH.to_dict(), sort_keys=True)
    recipe = f"channel-augment-v{AUGMENT_VERSION}" + (f"-reverb{reverb:g}" if reverb > 0 else "")
    key = hashlib.sha256(("\n".join(data.paths) + f"|{copies}|{seed}|{spec}|{speech}|{recipe}").encode()).hexdigest()[:16]
    store = Path(store)
    if store.is_file():
        z = np.load(store)
        if str(z["key"]) == key:
            data.augmented["fusion"] = (z["x"], z["owner"])
            return data

    def augmented_vectors(i: int) -> np.ndarray:
        # Each file's copies come from its own generator, so threads do not change them.
        wave = trim_to_speech([load_audio(data.paths[i], bb.sample_rate)], bb.sample_rate, TRAINING_SPEECH)[0]
        rng = np.random.default_rng([seed, i])
        waves = [channel_augment(wave, bb.sample_rate, rng, reverb=reverb) for _ in range(copies)]
        torch.set_num_threads(1)
        with torch.inference_mode():
            return utterance_matrix(extract_frames(bb, waves, 30.0))

    from threadpoolctl import threadpool_limits

    threads = torch.get_num_threads()
    try:  # one file per core, one thread each (as scoring's workers); the caller's setting comes back
        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(max(1, os.cpu_count() or 1)) as pool:
            xs = list(pool.map(augmented_vectors, range(len(data.paths))))
    finally:
        torch.set_num_threads(threads)
    owners = [i for i in range(len(data.paths)) for _ in range(copies)]
    x, owner = np.concatenate(xs), np.asarray(owners)
    store.parent.mkdir(parents=True, exist_ok=True)
    tmp = store.with_suffix(".tmp.npz")
    np.savez(tmp, x=x, owner=owner, key=key)
    os.replace(tmp, store)
    data.augmented["fusion"] = (x, owner)
    return data
