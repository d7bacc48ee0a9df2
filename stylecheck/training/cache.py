"""On-disk cache of frozen backbone features, keyed by file content and backbone spec.

Entry path: ``<root>/<spec hash>/<content hash[:2]>/<content hash>.safetensors``. The spec hash
covers everything that changes the frames (backbone spec, sample rate, segment length, speech
trimming), the content hash the file's bytes, so a renamed file still hits and an edited file
misses. Entries are written to a temporary file and renamed: an interrupted run leaves complete
entries or none.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Sequence

import torch
from safetensors.torch import load_file, save_file

from ..audio import SpeechSettings, load_audio
from ..audio.vad import trim_to_speech
from ..features import Backbone
from ..io import atomic_path, file_hash
from ..models.style_model import extract_frames


def default_cache_dir() -> Path:
    return Path(os.environ.get("STYLECHECK_CACHE", Path.home() / ".cache" / "stylecheck" / "features"))


def spec_hash(spec: dict, sample_rate: int, segment_s: float, speech: dict | None = None) -> str:
    content = {"spec": spec, "sample_rate": sample_rate, "segment_s": segment_s}
    if speech is not None:  # absent for untrimmed features, so their existing entries still hit
        content["speech"] = speech
    key = json.dumps(content, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class FeatureCache:
    """Frames ``[F, D]`` (float32) per audio file, computed once per backbone spec.

    ``speech``: cut each file to its speech first (:func:`~stylecheck.audio.vad.trim_to_speech`),
    as scoring does with the same settings; ``None`` uses whole files."""

    def __init__(self, backbone: Backbone, root: str | os.PathLike | None = None, segment_s: float = 30.0,
                 enabled: bool = True, speech: SpeechSettings | None = None):
        self.backbone = backbone
        self.segment_s = segment_s
        self.enabled = enabled
        self.speech = speech
        self.root = Path(root) if root is not None else default_cache_dir()
        self.folder = self.root / spec_hash(backbone.spec, backbone.sample_rate, segment_s,
                                            None if speech is None else speech.to_dict())
        self.computed = 0  # files whose features were computed (not read from the cache)
        self._hashes: dict[str, str] = {}

    def _entry(self, digest: str) -> Path:
        return self.folder / digest[:2] / f"{digest}.safetensors"

    def content_hash(self, path: str) -> str:
        if path not in self._hashes:
            self._hashes[path] = file_hash(path)
        return self._hashes[path]

    def get(self, paths: Sequence[str | os.PathLike], batch_files: int = 8) -> list[torch.Tensor]:
        """Frames for every path, computing (in batches) and storing the missing ones."""
        paths = [str(p) for p in paths]
        out: list[torch.Tensor | None] = [None] * len(paths)
        todo: list[int] = []
        for i, p in enumerate(paths):
            if self.enabled:
                entry = self._entry(self.content_hash(p))
                if entry.is_file():
                    try:
                        out[i] = load_file(str(entry))["frames"]
                        continue
                    except Exception:  # a damaged entry is recomputed
                        pass
            todo.append(i)
        for s in range(0, len(todo), batch_files):
            chunk = todo[s : s + batch_files]
            waves = [load_audio(paths[i], self.backbone.sample_rate) for i in chunk]
            if self.speech is not None:
                waves = trim_to_speech(waves, self.backbone.sample_rate, self.speech)
            frames = extract_frames(self.backbone, waves, self.segment_s)
            self.computed += len(chunk)
            for i, fr in zip(chunk, frames):
                out[i] = fr.contiguous()
                if self.enabled:
                    entry = self._entry(self.content_hash(paths[i]))
                    entry.parent.mkdir(parents=True, exist_ok=True)
                    with atomic_path(entry) as tmp:
                        save_file({"frames": out[i]}, str(tmp))
        return out  # type: ignore[return-value]
