"""``StyleModel``: a frozen backbone plus a trained head, from a checkpoint folder to probabilities.

Inference path (shared by ``predict``, scoring, evaluation and the probes):
[speech check: :meth:`StyleModel.select_speech` finds speech with the VAD, rejects a file with
less than the minimum, and trims leading and trailing non-speech; ``predict`` and scoring both
go through it] -> wave -> segments of at most ``segment_s`` -> backbone frames (concatenated) -> windows of
``window_s`` worth of frames -> head logits per window -> calibrated probabilities -> one
probability per label per file, the window probabilities averaged with weights from
:func:`stylecheck.audio.inference_windows`. Training crops the same frame sequences, so the head
sees the same kind of input in both.
"""
from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import torch

from ..audio import AudioError, inference_windows, load_audio, pad_batch
from ..audio.load import resample
from ..audio.vad import SpeechDetector, SpeechSettings
from ..features import Backbone, build_backbone
from ..styles.labels import LabelSet
from .checkpoint import CheckpointError, build_head, load_checkpoint, save_checkpoint
from .config import ModelConfig
from ..styles.decision import decide_categories, decisions_matrix
from ..errors import InvalidValueError, NoSpeechError


#: The speech check ``predict`` and ``stylecheck score`` use unless told otherwise.
DEFAULT_SPEECH = SpeechSettings()


@dataclass
class SpeechCut:
    """One wave after the speech check: the samples to classify, or why there are none."""

    wave: torch.Tensor | None  # None: no_speech
    speech_s: float  # seconds of detected speech (NaN when the check is off)
    error: NoSpeechError | None
    regions: object = None  # the detector's SpeechRegions of the untrimmed wave (None: check off)


def frame_window(backbone: Backbone, window_s: float) -> int:
    """Frames the backbone gives for ``window_s`` seconds of audio."""
    return max(1, int(backbone.n_frames(torch.tensor([int(round(window_s * backbone.sample_rate))]))[0]))


#: Padded audio per backbone call when the backbone states no preference of its own.
DEFAULT_BATCH_SECONDS = 120.0


def extract_frames(backbone: Backbone, waves: Sequence[torch.Tensor], segment_s: float,
                   max_batch_seconds: float | None = None) -> list[torch.Tensor]:
    """Real frames ``[F_i, D]`` of each wave. Long waves are cut into segments of at most
    ``segment_s`` whose frames are concatenated; segments are batched by similar length, up to
    ``max_batch_seconds`` of padded audio per backbone call (default: the backbone's own
    ``max_batch_seconds`` attribute, else :data:`DEFAULT_BATCH_SECONDS`; 0 runs every segment
    alone). Batching never changes the frames (backbones are batch-invariant), only the speed."""
    if max_batch_seconds is None:
        max_batch_seconds = float(getattr(backbone, "max_batch_seconds", DEFAULT_BATCH_SECONDS))
    seg = int(segment_s * backbone.sample_rate)
    pieces: list[tuple[int, int, torch.Tensor]] = []  # (wave index, segment index, samples)
    for i, w in enumerate(waves):
        n = w.shape[-1]
        # Equal segments, so none is a sliver too short for the backbone.
        k = max(1, -(-n // seg))
        size = -(-n // k)
        for j in range(k):
            pieces.append((i, j, w[j * size : (j + 1) * size]))
    order = sorted(range(len(pieces)), key=lambda k: pieces[k][2].shape[-1])
    out: dict[tuple[int, int], torch.Tensor] = {}
    budget = int(max_batch_seconds * backbone.sample_rate)
    batch: list[int] = []

    def flush():
        if not batch:
            return
        x, lengths = pad_batch([pieces[k][2] for k in batch])
        frames, mask = backbone.extract(x, lengths)
        for row, k in enumerate(batch):
            out[(pieces[k][0], pieces[k][1])] = frames[row, : int(mask[row].sum())].float().cpu()
        batch.clear()

    for k in order:
        longest = pieces[k][2].shape[-1]
        if batch and longest * (len(batch) + 1) > budget:
            flush()
        batch.append(k)
    flush()
    result = []
    for i in range(len(waves)):
        parts = [out[key] for key in sorted(k for k in out if k[0] == i)]
        result.append(torch.cat(parts, 0))
    return result


@dataclass
class WindowBatch:
    frames: torch.Tensor  # [N, W, D]
    mask: torch.Tensor  # [N, W]
    owner: torch.Tensor  # [N] index of the file each window belongs to
    weight: torch.Tensor  # [N] seconds the window contributes


def frame_windows(frames_list: Sequence[torch.Tensor], window: int, frame_rate: float) -> WindowBatch:
    chunks, owners, weights = [], [], []
    for i, fr in enumerate(frames_list):
        for w in inference_windows(fr.shape[0], window, frame_rate):
            chunks.append(fr[w.start : w.start + w.length])
            owners.append(i)
            weights.append(max(w.weight, 1e-6))
    width = max(c.shape[0] for c in chunks)
    dim = chunks[0].shape[1]
    x = torch.zeros(len(chunks), width, dim)
    mask = torch.zeros(len(chunks), width, dtype=torch.bool)
    for k, c in enumerate(chunks):
        x[k, : c.shape[0]] = c
        mask[k, : c.shape[0]] = True
    return WindowBatch(x, mask, torch.tensor(owners), torch.tensor(weights, dtype=torch.float64))


class StyleModel:
    """A loaded style classifier. ``labels`` are the checkpoint's own label set."""

    def __init__(self, config: ModelConfig, head: torch.nn.Module, backbone: Backbone | None = None,
                 path: Path | None = None, device: str | torch.device = "cpu"):
        self.config = config
        self.head = head.eval()
        self._backbone = backbone
        self.path = path
        self.device = torch.device(device)
        self.head.to(self.device)

    @classmethod
    def from_pretrained(cls, name_or_path: str | os.PathLike, device: str = "cpu", backbone: Backbone | None = None) -> "StyleModel":
        config, head, folder = load_checkpoint(name_or_path)
        return cls(config, head, backbone=backbone, path=folder, device=resolve_device(device))

    def save_pretrained(self, folder: str | os.PathLike) -> Path:
        return save_checkpoint(folder, self.config, self.head)

    # -- parts -----------------------------------------------------------------------------
    @property
    def backbone(self) -> Backbone:
        if self._backbone is None:
            try:
                self._backbone = build_backbone(self.config.backbone)
            except ValueError as exc:  # a spec this version cannot build (unknown kind or feature version)
                raise CheckpointError(f"{self.path or 'model'}: its backbone cannot be built: {exc}") from exc
            self._backbone.to(self.device)
        return self._backbone

    @property
    def label_set(self) -> LabelSet:
        return self.config.label_set

    @property
    def labels(self) -> tuple[str, ...]:
        return self.label_set.labels

    @property
    def thresholds(self) -> np.ndarray:
        t = self.config.thresholds
        return np.full(len(self.labels), 0.5) if t is None else np.asarray(t, dtype=float)

    @property
    def sample_rate(self) -> int:
        return self.config.sample_rate

    @property
    def window_frames(self) -> int:
        return frame_window(self.backbone, self.config.window_s)

    def calibrate(self, logits: torch.Tensor) -> torch.Tensor:
        cal = self.config.calibration
        if cal:
            scale = torch.tensor(cal["scale"], dtype=logits.dtype, device=logits.device)
            bias = torch.tensor(cal["bias"], dtype=logits.dtype, device=logits.device)
            logits = logits * scale + bias
        return torch.sigmoid(logits)

    # -- inference -------------------------------------------------------------------------
    @torch.inference_mode()
    def window_logits(self, frames_list: Sequence[torch.Tensor], max_windows: int = 256) -> tuple[torch.Tensor, WindowBatch]:
        """Uncalibrated logits ``[N_windows, K]`` of every window of every file, and the windows."""
        wb = frame_windows(frames_list, self.window_frames, self.backbone.frame_rate)
        logits = []
        for s in range(0, wb.frames.shape[0], max_windows):
            logits.append(self.head(wb.frames[s : s + max_windows].to(self.device),
                                    wb.mask[s : s + max_windows].to(self.device)).float().cpu())
        return torch.cat(logits, 0), wb

    def aggregate(self, window_probs: torch.Tensor, wb: WindowBatch, n_files: int) -> np.ndarray:
        """File probabilities: window probabilities averaged with the windows' weights."""
        p = window_probs.double()
        out = torch.zeros(n_files, p.shape[1], dtype=torch.float64)
        total = torch.zeros(n_files, dtype=torch.float64)
        out.index_add_(0, wb.owner, p * wb.weight[:, None])
        total.index_add_(0, wb.owner, wb.weight)
        return (out / total[:, None]).numpy()

    def probabilities_from_frames(self, frames_list: Sequence[torch.Tensor]) -> np.ndarray:
        """Per-file calibrated probabilities ``[N, K]`` from each file's real frames ``[F_i, D]``."""
        if not frames_list:
            return np.zeros((0, len(self.labels)))
        logits, wb = self.window_logits(frames_list)
        return self.aggregate(self.calibrate(logits), wb, len(frames_list))

    def frames(self, waves: Sequence[torch.Tensor]) -> list[torch.Tensor]:
        return extract_frames(self.backbone, waves, self.config.segment_s)

    def predict_waves(self, waves: Sequence[torch.Tensor], names: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities ``[N, K]`` for mono float32 waves at the model's sample rate.

        A wave that is not 1-D, holds NaN/inf, or is too short to give the backbone one frame
        raises :class:`AudioError` (named ``names[i]``, default ``<input i>``): such input would
        otherwise come out as NaN, or as a probability computed from no frames at all."""
        return self.predict_waves_with_frames(waves, names)[0]

    def predict_waves_with_frames(self, waves: Sequence[torch.Tensor], names: Sequence[str] | None = None
                                  ) -> tuple[np.ndarray, list[torch.Tensor]]:
        """:meth:`predict_waves` and the backbone frames the probabilities came from, so what
        else scoring reads from them (the speaker embedding) costs no second pass."""
        for i, wave in enumerate(waves):
            self._check_wave(wave, names[i] if names is not None else f"<input {i}>")
        frames = self.frames(waves)
        return self.probabilities_from_frames(frames), frames

    def select_speech(self, waves: Sequence[torch.Tensor], speech: SpeechSettings | None = DEFAULT_SPEECH,
                      names: Sequence[str] | None = None) -> list[SpeechCut]:
        """The speech check, on every wave at once (the detector is batched across files, and a
        file's regions do not depend on the others). ``speech=None`` skips it: whole waves.

        A wave with less than ``speech.min_speech_s`` of detected speech gets a
        :class:`NoSpeechError`; otherwise, with ``speech.trim``, the span from its first speech
        to its last (padded by ``speech.pad_s``) is kept. Always fp32, whatever the precision
        of the classifier, so the regions never depend on it."""
        for i, wave in enumerate(waves):
            self._check_wave(wave, names[i] if names is not None else f"<input {i}>")
        if speech is None:
            return [SpeechCut(w, float("nan"), None) for w in waves]
        with torch.autocast(self.device.type, enabled=False):
            found = SpeechDetector(speech).detect([w.cpu() for w in waves], self.sample_rate)
        out = []
        for i, (wave, regions) in enumerate(zip(waves, found)):
            if regions.speech_s < speech.min_speech_s:
                name = names[i] if names is not None else f"<input {i}>"
                out.append(SpeechCut(None, regions.speech_s, NoSpeechError(name, regions.speech_s, speech.min_speech_s),
                                     regions))
                continue
            if speech.trim and regions.regions:
                start, end = regions.span(speech.pad_s)
                wave = wave[start:end]
            out.append(SpeechCut(wave, regions.speech_s, None, regions))
        return out

    def _check_wave(self, wave: torch.Tensor, name: str) -> None:
        if wave.ndim != 1:
            raise AudioError(name, f"expected a 1-D mono wave, got shape {tuple(wave.shape)}")
        if wave.shape[0] == 0:
            raise AudioError(name, "contains no samples (zero length)")
        if not torch.isfinite(wave).all():
            raise AudioError(name, "contains NaN or infinite samples")
        if int(self.backbone.n_frames(torch.tensor([wave.shape[0]]))[0]) < 1:
            raise AudioError(name, f"too short: {wave.shape[0]} samples give the backbone no frame")

    def load(self, item) -> torch.Tensor:
        if isinstance(item, (str, os.PathLike)):
            return load_audio(item, self.sample_rate)
        if isinstance(item, tuple):
            wave, sr = item
            return resample(torch.as_tensor(np.asarray(wave, dtype=np.float32)), int(sr), self.sample_rate)
        return torch.as_tensor(np.asarray(item, dtype=np.float32))

    def predict(self, inputs: Iterable | str | os.PathLike, batch_size: int = 16,
                speech: SpeechSettings | None = DEFAULT_SPEECH, on_no_speech: str = "nan") -> np.ndarray:
        """Probabilities ``[N, K]`` (columns in ``self.labels`` order) for paths, arrays at the
        model's rate, or ``(array, sample_rate)`` pairs; a single path or pair is one input. Files
        are classified from their speech, exactly as ``stylecheck score`` does with the same
        settings; ``speech=None`` classifies whole waves without the check.

        A bad file raises :class:`AudioError`. A file with less speech than
        ``speech.min_speech_s`` gets a row of NaN (no style is judged from it; :meth:`decide`
        gives it no label) and a :class:`NoSpeechWarning` naming it, so one silent file does not
        lose the others' results; ``on_no_speech="raise"`` raises :class:`NoSpeechError` instead."""
        if on_no_speech not in ("nan", "raise"):
            raise InvalidValueError(f"on_no_speech must be 'nan' or 'raise', not {on_no_speech!r}")
        items = [inputs] if _is_single_input(inputs) else list(inputs)
        rows = []
        for s in range(0, len(items), batch_size):
            chunk = items[s : s + batch_size]
            names = [str(x) if isinstance(x, (str, os.PathLike)) else f"<input {s + i}>" for i, x in enumerate(chunk)]
            cuts = self.select_speech([self.load(x) for x in chunk], speech, names)
            block = np.full((len(cuts), len(self.labels)), np.nan)
            judged = [i for i, cut in enumerate(cuts) if cut.error is None]
            for cut in cuts:
                if cut.error is not None:
                    if on_no_speech == "raise":
                        raise cut.error
                    warnings.warn(str(cut.error), NoSpeechWarning, stacklevel=2)
            if judged:
                block[judged] = self.predict_waves([cuts[i].wave for i in judged], names=[names[i] for i in judged])
            rows.append(block)
        return np.concatenate(rows, 0) if rows else np.zeros((0, len(self.labels)))

    def decide_categories(self, probs: np.ndarray) -> dict[str, list[str]]:
        """One answer per category and row (a label, ``uncertain`` or ``""``), by the model's own
        decision rule: the same function ``stylecheck score`` uses."""
        return decide_categories(probs, self.config)

    def decide(self, probs: np.ndarray) -> np.ndarray:
        """Boolean ``[N, K]``: the label each category's answer names (:meth:`decide_categories`);
        an ``uncertain`` or unjudged category has no label."""
        return decisions_matrix(self.decide_categories(probs), self.label_set).astype(bool)


class NoSpeechWarning(UserWarning):
    """A file given to :meth:`StyleModel.predict` had too little speech to judge: its row is NaN."""


def _is_single_input(inputs) -> bool:
    """One path, or one ``(wave, sample_rate)`` pair, rather than a collection of inputs."""
    if isinstance(inputs, (str, os.PathLike)):
        return True
    return (isinstance(inputs, tuple) and len(inputs) == 2 and isinstance(inputs[1], (int, np.integer))
            and not isinstance(inputs[0], (str, os.PathLike)))


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    if str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def new_model(arch: str, backbone: Backbone, label_set: LabelSet, **arch_params) -> StyleModel:
    """A freshly initialised model for ``backbone`` and ``label_set``."""
    config = ModelConfig(
        arch=arch, arch_params=dict(arch_params), backbone=backbone.spec, input_dim=backbone.dim,
        labels=label_set.to_dict(), sample_rate=backbone.sample_rate,
    )
    return StyleModel(config, build_head(config), backbone=backbone)


def load_model(name_or_path: str | os.PathLike | None = None, device: str = "cpu") -> StyleModel:
    """Load a model folder, bundled model name or hub id; ``None`` loads the bundled default model."""
    if name_or_path is None:
        from ..pretrained import default_model_path

        name_or_path = default_model_path()
    return StyleModel.from_pretrained(name_or_path, device=device)
