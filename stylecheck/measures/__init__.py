"""Signal measures of speech (pitch, pitch range, rate, loudness, noise) and the natural-speech
norms that turn them into levels. Signals in, numbers out: no model, no pandas."""
from .measure import MEASURE_NAMES, MeasureError, Measurements, measure_speech
from .norms import CATEGORIES, DEFAULT_NORMS, Norms, NormsError, compute_norms, level_for, load_norms, norms_from_folder

__all__ = ["CATEGORIES", "DEFAULT_NORMS", "MEASURE_NAMES", "MeasureError", "Measurements", "Norms", "NormsError",
           "compute_norms", "level_for", "load_norms", "measure_speech", "norms_from_folder"]
