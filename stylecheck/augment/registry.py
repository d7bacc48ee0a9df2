"""Voice-conversion backends by name: one entry per backend, so adding one is a class and a line
here, and the CLI's choices come from :data:`BACKENDS`."""
from __future__ import annotations

from typing import Callable

from ..errors import InvalidValueError
from .backend import VoiceConversionBackend


def _world(wavlm: str | None = None, hifigan: str | None = None, device: str = "cpu",
           **world_options) -> VoiceConversionBackend:
    from .world import WorldBackend

    return WorldBackend(**world_options)


def _wavlm_hifigan(wavlm: str | None = None, hifigan: str | None = None, device: str = "cpu",
                   **world_options) -> VoiceConversionBackend:
    """Local files when ``wavlm`` and ``hifigan`` are given, else the official release through
    torch.hub."""
    from .wavlm_hifigan import WavLMHiFiGANBackend

    if (wavlm is None) != (hifigan is None):
        raise InvalidValueError("give both a WavLM folder and a HiFi-GAN checkpoint, or neither (torch.hub)")
    if wavlm is not None:
        return WavLMHiFiGANBackend.from_local(wavlm, hifigan, device=device)
    return WavLMHiFiGANBackend.from_hub(device=device)


BACKEND_BUILDERS: dict[str, Callable[..., VoiceConversionBackend]] = {
    "world": _world,
    "wavlm-hifigan": _wavlm_hifigan,
}
BACKENDS = tuple(BACKEND_BUILDERS)


def build_backend(name: str, wavlm: str | None = None, hifigan: str | None = None, device: str = "cpu",
                  **world_options) -> VoiceConversionBackend:
    """A backend by name (:data:`BACKENDS`)."""
    try:
        builder = BACKEND_BUILDERS[name]
    except KeyError:
        raise InvalidValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}") from None
    return builder(wavlm=wavlm, hifigan=hifigan, device=device, **world_options)
