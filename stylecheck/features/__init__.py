"""Frozen feature backbones behind one interface (see :class:`Backbone`)."""
from __future__ import annotations

from typing import Any

from .base import Backbone, frames_mask
from ..errors import InvalidValueError

BACKBONE_NAMES = ("ge2e", "ge2e-frames", "ge2e-partials", "mel80", "voice", "voice-lld", "fusion", "fusion-frames",
                  "hubert", "HUB_ID_OR_FOLDER")


def build_backbone(spec: str | dict[str, Any], layer: int | None = None, **kwargs) -> Backbone:
    """Build a backbone from a name (``ge2e``, ``ge2e-frames``, ``mel80``, ``voice`` (utterance
    voice parameters), ``voice-lld``, ``fusion`` ([GE2E ‖ voice parameters] per utterance),
    ``fusion-frames``, ``hubert``, a hub id or a local folder of a transformers speech model) or
    from a stored ``spec`` dict."""
    if isinstance(spec, dict):
        kind = spec["kind"]
        if kind == "mel80":
            from .mel import Mel80Backbone

            return Mel80Backbone(sample_rate=spec.get("sample_rate", 16000), n_mels=spec.get("n_mels", 80))
        if kind == "ge2e":
            from .ge2e import GE2EBackbone

            return GE2EBackbone(variant=spec.get("variant", "partials"), partial_hop=spec.get("partial_hop", 40),
                                max_partials=spec.get("max_partials"))
        if kind == "voice":
            from .voice_backbone import VoiceBackbone

            return VoiceBackbone(level=spec.get("level", "functionals"), version=spec.get("version", 1))
        if kind == "fusion":
            from .voice_backbone import FusionBackbone

            return FusionBackbone(level=spec.get("level", "utterance"), version=spec.get("voice_version", 1))
        if kind == "ssl":
            from .ssl import SSLBackbone

            return SSLBackbone(spec["model"], layer=spec.get("layer", 6), revision=spec.get("revision"), **kwargs)
        raise InvalidValueError(f"unknown backbone kind {kind!r} in spec {spec}")
    name = str(spec)
    if name == "mel80":
        return build_backbone({"kind": "mel80"})
    if name in ("ge2e", "ge2e-partials"):
        return build_backbone({"kind": "ge2e", "variant": "partials"})
    if name == "ge2e-frames":
        return build_backbone({"kind": "ge2e", "variant": "frames"})
    from .voice import VOICE_VERSION

    named = {"voice": {"kind": "voice", "level": "functionals", "version": VOICE_VERSION},
             "voice-lld": {"kind": "voice", "level": "lld", "version": VOICE_VERSION},
             "fusion": {"kind": "fusion", "level": "utterance", "voice_version": VOICE_VERSION},
             "fusion-frames": {"kind": "fusion", "level": "frames", "voice_version": VOICE_VERSION}}
    if name in named:
        return build_backbone(named[name])
    from .ssl import DEFAULT_SSL_MODEL

    model = DEFAULT_SSL_MODEL if name == "hubert" else name
    return build_backbone({"kind": "ssl", "model": model, "layer": 6 if layer is None else layer}, **kwargs)


__all__ = ["Backbone", "BACKBONE_NAMES", "build_backbone", "frames_mask"]
