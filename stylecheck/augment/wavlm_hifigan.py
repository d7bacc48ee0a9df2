"""The official kNN-VC setup: WavLM-Large layer-6 features, vocoded by the "prematched" HiFi-GAN.

Two ways to load it:

* :meth:`WavLMHiFiGANBackend.from_hub` - ``torch.hub.load('bshall/knn-vc', 'knn_vc',
  prematched=True, trust_repo=True)``: the authors' code and weights (needs network access the
  first time; torch.hub caches both).
* :meth:`WavLMHiFiGANBackend.from_local` - offline: a ``transformers`` WavLM folder (e.g.
  ``microsoft/wavlm-large`` saved with ``save_pretrained``) for the features, read at
  ``hidden_states[6]`` like kNN-VC's layer weighting (one-hot on layer 6), and a local HiFi-GAN
  checkpoint (``prematch_g_02500000.pt`` from the kNN-VC release) loaded with
  ``torch.load(..., weights_only=True)`` into :class:`.hifigan.HiFiGANGenerator`.

Matching is the shared :func:`.knn.knn_regression` on the WavLM frames themselves (keys = values),
as in kNN-VC; the matching set is not silence-trimmed (kNN-VC trims the ends of reference files with
a VAD; torchaudio no longer ships the sox effects it used).
"""
from __future__ import annotations

import os
import sys
import types
from pathlib import Path
from typing import Callable

import torch

from .backend import Frames, VoiceConversionBackend
from ..errors import BackendUnavailable, InvalidValueError, UnsupportedError

HUB_REPO = "bshall/knn-vc"
WAVLM_LAYER = 6  # kNN-VC's SPEAKER_INFORMATION_WEIGHTS select hidden state 6 of WavLM-Large
RELEASE_URL = "https://github.com/bshall/knn-vc/releases/download/v0.1/prematch_g_02500000.pt"


LOCAL_FILES_HELP = (
    "Provide the models as local files instead: --wavlm DIR, a transformers WavLM-Large folder "
    "(e.g. 'microsoft/wavlm-large' downloaded with huggingface-cli or saved with save_pretrained), and "
    f"--hifigan FILE, the prematched HiFi-GAN checkpoint prematch_g_02500000.pt ({RELEASE_URL})."
)


class WavLMHiFiGANBackend(VoiceConversionBackend):
    name = "wavlm-hifigan"

    def __init__(self, encoder: Callable[[torch.Tensor], torch.Tensor], vocoder: Callable[[torch.Tensor], torch.Tensor],
                 sample_rate: int = 16000, hop_length: int = 320, device: str | torch.device = "cpu",
                 description: dict | None = None):
        """``encoder``: mono wave [N] -> frames [T, D]; ``vocoder``: frames [1, T, D] -> wave
        (any shape holding ``T * hop_length`` samples)."""
        self.encoder = encoder
        self.vocoder = vocoder
        self.sample_rate = int(sample_rate)
        self.hop_length = int(hop_length)
        self.frame_rate = self.sample_rate / self.hop_length
        self.device = torch.device(device)
        self.description = description or {}

    @property
    def spec(self):
        return {"backend": self.name, **self.description}

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def from_local(cls, wavlm: str | os.PathLike, hifigan: str | os.PathLike, layer: int = WAVLM_LAYER,
                   hifigan_config: str | os.PathLike | None = None, device: str | torch.device = "cpu"
                   ) -> "WavLMHiFiGANBackend":
        from ..features.ssl import SSLBackbone
        from .hifigan import load_hifigan

        wavlm, hifigan = Path(wavlm), Path(hifigan)
        if not wavlm.is_dir():
            raise BackendUnavailable(f"{wavlm}: WavLM folder not found. {LOCAL_FILES_HELP}")
        if not hifigan.is_file():
            raise BackendUnavailable(f"{hifigan}: HiFi-GAN checkpoint not found. {LOCAL_FILES_HELP}")
        backbone = SSLBackbone(wavlm, layer=layer, local_files_only=True)
        if backbone.net.config.model_type != "wavlm":
            raise BackendUnavailable(f"{wavlm}: is a {backbone.net.config.model_type!r} model, not WavLM")
        # kNN-VC feeds WavLM the raw waveform (no zero-mean/unit-variance step), and its vocoder
        # was trained on those features: keep it so whatever the folder's feature-extractor says.
        backbone.do_normalize = False
        backbone.to(device)
        vocoder = load_hifigan(hifigan, hifigan_config, map_location="cpu").to(device)
        if vocoder.config.hubert_dim != backbone.dim:
            raise InvalidValueError(f"{hifigan}: the vocoder takes {vocoder.config.hubert_dim}-d features but {wavlm} "
                             f"gives {backbone.dim}-d ones")

        def encode(wave: torch.Tensor) -> torch.Tensor:
            frames, mask = backbone.extract(wave[None].to(device), torch.tensor([wave.shape[-1]], device=device))
            return frames[0][mask[0]]

        return cls(encode, vocoder, sample_rate=vocoder.config.sampling_rate, hop_length=vocoder.config.hop_length,
                   device=device, description={"wavlm": str(wavlm), "layer": int(layer), "hifigan": str(hifigan)})

    @classmethod
    def from_hub(cls, device: str | torch.device = "cpu", repo: str = HUB_REPO, prematched: bool = True
                 ) -> "WavLMHiFiGANBackend":
        _provide_sox_effects_stub()
        try:
            knnvc = torch.hub.load(repo, "knn_vc", prematched=prematched, trust_repo=True, pretrained=True,
                                   device=str(device))
        except Exception as exc:
            raise BackendUnavailable(
                f"cannot load kNN-VC from torch.hub ({repo}): {type(exc).__name__}: {exc}. {LOCAL_FILES_HELP}"
            ) from exc
        dev = torch.device(getattr(knnvc, "device", device))

        def encode(wave: torch.Tensor) -> torch.Tensor:
            # vad_trigger_level=0: no trimming, so every source frame is converted.
            return knnvc.get_features(wave[None].to(dev), vad_trigger_level=0)

        return cls(encode, knnvc.vocode, sample_rate=int(knnvc.sr), hop_length=int(getattr(knnvc, "hop_length", 320)),
                   device=dev, description={"hub": repo, "prematched": prematched, "layer": WAVLM_LAYER})

    # -- the backend interface -------------------------------------------------------------
    @torch.inference_mode()
    def encode(self, wave: torch.Tensor) -> Frames:
        feats = self.encoder(wave.float()).float().cpu()
        if feats.ndim != 2:
            raise InvalidValueError(f"the feature encoder returned shape {tuple(feats.shape)}, expected [frames, dim]")
        return Frames(keys=feats, values=feats)

    @torch.inference_mode()
    def decode(self, source: Frames, matched: torch.Tensor, target: Frames, n_samples: int) -> torch.Tensor:
        wave = self.vocoder(matched[None].float().to(self.device))
        return wave.reshape(-1).float().cpu()[:n_samples]


def _provide_sox_effects_stub() -> None:
    """kNN-VC's ``matcher.py`` imports ``torchaudio.sox_effects.apply_effects_tensor`` (removed from
    torchaudio 2.9) only for VAD trimming, which this backend never asks for. Register a stand-in
    that implements the one effect it uses (``reverse``) so the import succeeds."""
    try:
        import torchaudio.sox_effects  # noqa: F401
        return
    except ImportError:
        pass

    def apply_effects_tensor(tensor: torch.Tensor, sample_rate: int, effects: list[list[str]], channels_first: bool = True):
        for effect in effects:
            if effect != ["reverse"]:
                raise UnsupportedError(f"sox effect {effect} is not available in this torchaudio")
            tensor = tensor.flip(-1 if channels_first else 0)
        return tensor, sample_rate

    module = types.ModuleType("torchaudio.sox_effects")
    module.apply_effects_tensor = apply_effects_tensor
    sys.modules["torchaudio.sox_effects"] = module
