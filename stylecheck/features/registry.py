"""Backbones by name: adding one is a class and an entry here.

A checkpoint stores its backbone as a ``spec`` dict whose ``kind`` picks a builder in
:data:`SPEC_BUILDERS`; the names a user types (``--backbone fusion``) map to specs in
:data:`NAMED_BACKBONES`, whose descriptions are the CLI's help. Builders import their module only
when called, so naming a backbone never loads another's weights or dependencies.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..errors import InvalidValueError

if TYPE_CHECKING:
    from .base import Backbone


def _mel80(spec: dict, **kwargs) -> Backbone:
    from .mel import Mel80Backbone

    return Mel80Backbone(sample_rate=spec.get("sample_rate", 16000), n_mels=spec.get("n_mels", 80))


def _ge2e(spec: dict, **kwargs) -> Backbone:
    from .ge2e import GE2EBackbone

    return GE2EBackbone(variant=spec.get("variant", "partials"), partial_hop=spec.get("partial_hop", 40),
                        max_partials=spec.get("max_partials"))


def _voice(spec: dict, **kwargs) -> Backbone:
    from .voice_backbone import VoiceBackbone

    return VoiceBackbone(level=spec.get("level", "functionals"), version=spec.get("version", 1))


def _fusion(spec: dict, **kwargs) -> Backbone:
    from .voice_backbone import FusionBackbone

    return FusionBackbone(level=spec.get("level", "utterance"), version=spec.get("voice_version", 1))


def _ssl(spec: dict, **kwargs) -> Backbone:
    from .ssl import SSLBackbone

    return SSLBackbone(spec["model"], layer=spec.get("layer", 6), revision=spec.get("revision"), **kwargs)


#: Builders by the ``kind`` of a stored spec.
SPEC_BUILDERS: dict[str, Callable[..., Backbone]] = {
    "mel80": _mel80, "ge2e": _ge2e, "voice": _voice, "fusion": _fusion, "ssl": _ssl,
}


def _voice_version() -> int:
    from .voice import VOICE_VERSION  # the version new backbones compute

    return VOICE_VERSION


#: Names a user can give, each with the spec it builds (a callable where the spec depends on the
#: current voice-feature version or a layer) and a one-line description.
NAMED_BACKBONES: dict[str, tuple[Callable[[int | None], dict], str]] = {
    "ge2e": (lambda layer: {"kind": "ge2e", "variant": "partials"}, "GE2E speaker embedding (resemblyzer)"),
    "ge2e-partials": (lambda layer: {"kind": "ge2e", "variant": "partials"}, "same as ge2e"),
    "ge2e-frames": (lambda layer: {"kind": "ge2e", "variant": "frames"}, "GE2E frame sequence"),
    "mel80": (lambda layer: {"kind": "mel80"}, "80-band log-mel frames (the paper's baseline)"),
    "voice": (lambda layer: {"kind": "voice", "level": "functionals", "version": _voice_version()},
              "eGeMAPS-like voice parameters from Praat, per utterance"),
    "voice-lld": (lambda layer: {"kind": "voice", "level": "lld", "version": _voice_version()},
                  "the same voice parameters per frame"),
    "fusion": (lambda layer: {"kind": "fusion", "level": "utterance", "voice_version": _voice_version()},
               "[GE2E ‖ voice parameters] per utterance (the default model's input)"),
    "fusion-frames": (lambda layer: {"kind": "fusion", "level": "frames", "voice_version": _voice_version()},
                      "[GE2E frames ‖ voice LLDs]"),
    "hubert": (lambda layer: {"kind": "ssl", "model": _default_ssl_model(), "layer": 6 if layer is None else layer},
               "HuBERT-base hidden states (--layer, default 6: the paper's setup)"),
}
#: What the CLI lists: the names above, then any transformers speech model.
BACKBONE_NAMES = (*NAMED_BACKBONES, "HUB_ID_OR_FOLDER")


def _default_ssl_model() -> str:
    from .ssl import DEFAULT_SSL_MODEL

    return DEFAULT_SSL_MODEL


def backbone_help() -> str:
    """The ``--backbone`` help text, from the registry."""
    return " | ".join(NAMED_BACKBONES) + (" | a transformers HuBERT / wav2vec 2.0 / WavLM hub id or local "
                                          "folder (--layer K = hidden_states[K])")


def build_backbone(spec: str | dict[str, Any], layer: int | None = None, **kwargs) -> Backbone:
    """Build a backbone from a name in :data:`NAMED_BACKBONES`, a hub id or local folder of a
    transformers speech model, or a stored ``spec`` dict."""
    if isinstance(spec, dict):
        try:
            builder = SPEC_BUILDERS[spec["kind"]]
        except KeyError:
            raise InvalidValueError(f"unknown backbone kind {spec.get('kind')!r} in spec {spec} "
                                    f"(known: {', '.join(SPEC_BUILDERS)})") from None
        return builder(spec, **kwargs)
    name = str(spec)
    if name in NAMED_BACKBONES:
        return build_backbone(NAMED_BACKBONES[name][0](layer), **kwargs)
    return build_backbone({"kind": "ssl", "model": name, "layer": 6 if layer is None else layer}, **kwargs)
