"""Signal measures of speech (pitch, pitch range, rate, loudness, noise) and the natural-speech
norms that turn them into levels. Signals in, numbers out: no model, no pandas."""
from .measure import MEASURE_NAMES, Measurements, measure_speech

__all__ = ["MEASURE_NAMES", "Measurements", "measure_speech"]
