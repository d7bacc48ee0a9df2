"""Frozen feature backbones behind one interface (see :class:`Backbone`), built by name or spec
through :mod:`stylecheck.features.registry`. Members load on first use."""
from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "Backbone": ".base", "frames_mask": ".base",
    "BACKBONE_NAMES": ".registry", "build_backbone": ".registry",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
