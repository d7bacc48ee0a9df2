"""Signal measures of speech (pitch, pitch range, rate, loudness, noise), the natural-speech
norms that turn them into levels, and DNSMOS quality scores. Signals in, numbers out: no model,
no pandas. Members load on first use, so reading a constant (e.g. the quality threshold) loads no
signal library."""
from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "MEASURE_NAMES": ".measure", "MeasureError": ".measure", "Measurements": ".measure", "measure_speech": ".measure",
    "CATEGORIES": ".norms", "DEFAULT_NORMS": ".norms", "Norms": ".norms", "NormsError": ".norms",
    "compute_norms": ".norms", "level_for": ".norms", "load_norms": ".norms", "norms_from_folder": ".norms",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
__all__ = sorted(_EXPORTS)
