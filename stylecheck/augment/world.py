"""kNN-VC with a WORLD vocoder (``pyworld``): no downloaded weights, deterministic, CPU only.

The official kNN-VC matches WavLM frames and vocodes them with a HiFi-GAN. Here the frames are
WORLD's analysis of the signal (5 ms hop):

* **matching keys**: mel-cepstral coefficients 1..24 of the CheapTrick spectral envelope
  (``pyworld.code_spectral_envelope``) minus their mean over the voiced frames of the file
  they come from (each file of a matching set on its own). Coefficient 0 (log energy) is left out so a frame is matched by its
  spectral *shape*, not its loudness; removing the mean (cepstral mean normalisation) takes out
  the speaker's and the channel's long-term spectral tilt, so a source frame finds the target
  frame of the same phone rather than the target frame that happens to sound most like the
  source speaker.
* **matched values**, averaged over the ``k`` nearest target frames: the full 60-coefficient coded
  envelope (with its energy term), the D4C aperiodicity and the log F0. All come from the target,
  as in kNN-VC, where every output frame is made from target frames only: the envelope carries
  the vocal tract (gender, age, brightness); the aperiodicity carries breathiness and hoarseness,
  part of what annotators call *rough* or *smooth* (and the converted rows take the target's
  roughness label). Voiced source frames match only voiced target frames and unvoiced only
  unvoiced, so a voiced frame never receives a fricative's aperiodicity or a missing F0.
* **F0** (``f0_mode="matched"``, the default): the matched frames' mean log F0, median-smoothed
  over ~105 ms so the contour does not jump between neighbours from different target
  utterances. The alternative ``"mapped"`` keeps the source's intonation and moves its log F0
  to the target's mean and standard deviation (the usual Gaussian mapping).
* **kept from the source**: the timing, the voicing decision of each frame and, after
  synthesis, the overall loudness (:func:`.backend.match_loudness`).

Why these defaults: on six LibriSpeech male-to-female pairs (5 s of source, one 10-15 s target
utterance each), with the source's mapped F0 contour and energy and no mean normalisation the
output's GE2E embedding was closer to the source than to the target for two pairs; with the
defaults above it was closer to the target for all six, by 0.05-0.24 in cosine similarity, with
either F0 tracker (harvest or dio), and the output's median F0 within 5% of the target's.
"""
from __future__ import annotations

import numpy as np
import torch

from .backend import Frames, VoiceConversionBackend
from ..errors import InvalidValueError

F0_METHODS = ("harvest", "dio")
F0_MODES = ("matched", "mapped")


class WorldBackend(VoiceConversionBackend):
    name = "world"

    def __init__(
        self,
        sample_rate: int = 16000,
        frame_period_ms: float = 5.0,
        f0_method: str = "harvest",
        f0_floor: float = 60.0,
        f0_ceil: float = 600.0,
        n_cepstra: int = 60,
        key_dims: int = 24,
        cepstral_mean_norm: bool = True,
        f0_mode: str = "matched",
        f0_smoothing_ms: float = 105.0,
        keep_source_energy: bool = False,
    ):
        import pyworld  # imported here so the package imports without it

        if f0_method not in F0_METHODS:
            raise InvalidValueError(f"unknown F0 method {f0_method!r}; choose from {', '.join(F0_METHODS)}")
        if not 1 <= key_dims < n_cepstra:
            raise InvalidValueError(f"key_dims must be in 1..{n_cepstra - 1}, got {key_dims}")
        if f0_mode not in F0_MODES:
            raise InvalidValueError(f"unknown F0 mode {f0_mode!r}; choose from {', '.join(F0_MODES)}")
        self._pw = pyworld
        self.f0_mode = f0_mode
        self.keep_source_energy = keep_source_energy
        # An odd number of frames, so the median filter is centred.
        self.f0_smoothing_frames = max(1, int(round(f0_smoothing_ms / frame_period_ms)) // 2 * 2 + 1)
        self.sample_rate = int(sample_rate)
        self.frame_period_ms = float(frame_period_ms)
        self.frame_rate = 1000.0 / self.frame_period_ms
        self.f0_method = f0_method
        self.f0_floor = float(f0_floor)
        self.f0_ceil = float(f0_ceil)
        self.n_cepstra = int(n_cepstra)
        self.key_dims = int(key_dims)
        self.cepstral_mean_norm = cepstral_mean_norm
        # One FFT size for every utterance, so envelopes of different files can be pooled.
        self.fft_size = int(pyworld.get_cheaptrick_fft_size(self.sample_rate, self.f0_floor))

    @property
    def spec(self):
        return {"backend": self.name, "frame_period_ms": self.frame_period_ms, "f0_method": self.f0_method,
                "n_cepstra": self.n_cepstra, "key_dims": self.key_dims, "cmn": self.cepstral_mean_norm,
                "f0_mode": self.f0_mode, "f0_smoothing_frames": self.f0_smoothing_frames,
                "source_energy": self.keep_source_energy}

    def analyse(self, wave: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """WORLD analysis: F0 [T] (0 = unvoiced), spectral envelope and aperiodicity [T, fft/2+1]."""
        pw = self._pw
        x = np.ascontiguousarray(wave.detach().cpu().double().numpy())
        if self.f0_method == "harvest":
            f0, t = pw.harvest(x, self.sample_rate, f0_floor=self.f0_floor, f0_ceil=self.f0_ceil,
                               frame_period=self.frame_period_ms)
        else:
            f0, t = pw.dio(x, self.sample_rate, f0_floor=self.f0_floor, f0_ceil=self.f0_ceil,
                           frame_period=self.frame_period_ms)
            f0 = pw.stonemask(x, f0, t, self.sample_rate)
        sp = pw.cheaptrick(x, f0, t, self.sample_rate, f0_floor=self.f0_floor, fft_size=self.fft_size)
        ap = pw.d4c(x, f0, t, self.sample_rate, fft_size=self.fft_size)
        return f0, sp, ap

    def encode(self, wave: torch.Tensor) -> Frames:
        f0, sp, ap = self.analyse(wave)
        coded = self._pw.code_spectral_envelope(sp, self.sample_rate, self.n_cepstra)
        voiced = f0 > 0
        keys = coded[:, 1 : 1 + self.key_dims]
        if self.cepstral_mean_norm:
            keys = keys - keys[voiced if voiced.any() else slice(None)].mean(axis=0, keepdims=True)
        log_f0 = np.where(voiced, np.log(np.maximum(f0, 1e-3)), 0.0)[:, None]
        return Frames(
            keys=torch.from_numpy(np.ascontiguousarray(keys)).float(),
            # float64 keeps WORLD's precision through the averaging
            values=torch.from_numpy(np.concatenate([coded, ap, log_f0], axis=1)),
            groups=torch.from_numpy(voiced.astype(np.int64)),
            extras={"f0": torch.from_numpy(f0), "c0": torch.from_numpy(coded[:, 0].copy())},
        )

    @staticmethod
    def log_f0_stats(f0: torch.Tensor) -> tuple[float, float]:
        """Mean and standard deviation of log F0 over voiced frames."""
        lf0 = torch.log(f0[f0 > 0].double())
        if lf0.numel() == 0:
            raise InvalidValueError("no voiced frames: cannot measure F0")
        return float(lf0.mean()), float(lf0.std(unbiased=False)) if lf0.numel() > 1 else 0.0

    def convert_f0(self, source_f0: torch.Tensor, target_f0: torch.Tensor) -> torch.Tensor:
        """Move voiced source frames' log F0 to the target's mean and spread (unvoiced stay 0)."""
        voiced = source_f0 > 0
        if not voiced.any():
            return source_f0.clone()
        mu_s, sd_s = self.log_f0_stats(source_f0)
        mu_t, sd_t = self.log_f0_stats(target_f0)
        scale = sd_t / sd_s if sd_s > 1e-6 else 1.0
        out = torch.zeros_like(source_f0, dtype=torch.float64)
        out[voiced] = torch.exp((torch.log(source_f0[voiced].double()) - mu_s) * scale + mu_t)
        return out

    def matching_set(self, waves, max_seconds=None) -> Frames:
        frames = super().matching_set(waves, max_seconds)
        if not bool((frames.groups == 1).any()):
            raise InvalidValueError("no voiced frames in the target's audio: nothing to take F0 and timbre from")
        return frames

    def output_f0(self, source: Frames, matched: torch.Tensor, target: Frames) -> torch.Tensor:
        """F0 per output frame (0 = unvoiced), following ``f0_mode``."""
        voiced = source.groups == 1
        if self.f0_mode == "mapped":
            return self.convert_f0(source.extras["f0"], target.extras["f0"])
        from scipy.ndimage import median_filter

        f0 = torch.zeros(len(source), dtype=torch.float64)
        if voiced.any():
            log_f0 = matched[voiced, -1].double().numpy()
            # Smoothed along the voiced frames only, so unvoiced gaps do not pull the contour down.
            smooth = median_filter(log_f0, size=self.f0_smoothing_frames, mode="nearest")
            f0[voiced] = torch.exp(torch.from_numpy(smooth))
        return f0

    def decode(self, source: Frames, matched: torch.Tensor, target: Frames, n_samples: int) -> torch.Tensor:
        pw = self._pw
        n_ap = self.fft_size // 2 + 1
        coded = matched[:, : self.n_cepstra].double().clone()
        if self.keep_source_energy:
            coded[:, 0] = source.extras["c0"].double()
        sp = pw.decode_spectral_envelope(np.ascontiguousarray(coded.numpy()), self.sample_rate, self.fft_size)
        # D4C's own output range; an average of aperiodicities stays inside it up to rounding.
        ap = matched[:, self.n_cepstra : self.n_cepstra + n_ap].double().clamp(1e-3, 1 - 1e-9)
        f0 = self.output_f0(source, matched, target)
        y = pw.synthesize(np.ascontiguousarray(f0.numpy()), np.ascontiguousarray(sp),
                          np.ascontiguousarray(ap.numpy()), self.sample_rate, self.frame_period_ms)
        return torch.from_numpy(y[:n_samples]).float()
