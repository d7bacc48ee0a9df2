"""``measure_speech``: every signal measure of one file, from one pitch track and one intensity
contour, over the speech the speech check found."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import InvalidValueError
from .level import alpha_ratio_db, loudness_lufs, snr_db
from .pitch import MIN_VOICED_S, SR, pitch_measures, pitch_track
from .rate import rate_measures

#: The per-file measures, in the order scoring writes them.
MEASURE_NAMES = ("f0_median_hz", "f0_range_st", "speech_rate_syl_s", "articulation_rate_syl_s",
                 "loudness_lufs", "alpha_ratio_db", "snr_db")


class MeasureError(InvalidValueError):
    """Input that the measures cannot take (a wave at another rate)."""


@dataclass
class Measurements:
    """The measures of one file (``None`` where not measurable, with the reason in ``reasons``),
    and how they were made: ``snr_method`` ('vad' or 'wada'), ``syllable_source`` ('text' or
    'nuclei'), the syllable count (and the nuclei count, which the bundled rate norms use, even
    when a text gave the count), the F0 search range and the seconds of speech and voicing."""

    f0_median_hz: float | None = None
    f0_range_st: float | None = None
    speech_rate_syl_s: float | None = None
    articulation_rate_syl_s: float | None = None
    loudness_lufs: float | None = None
    alpha_ratio_db: float | None = None
    snr_db: float | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    snr_method: str | None = None
    syllable_source: str | None = None
    syllables: int | None = None
    syllables_nuclei: int | None = None
    f0_floor_hz: float | None = None
    f0_ceiling_hz: float | None = None
    speech_s: float = 0.0
    voiced_s: float = 0.0

    def values(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in MEASURE_NAMES}

    def to_dict(self) -> dict:
        return asdict(self)


def _regions_of(regions, n: int) -> tuple[tuple[int, int], ...]:
    """Regions as sample pairs inside ``[0, n)``, from ``SpeechRegions`` or a plain sequence."""
    raw = getattr(regions, "regions", regions)
    return tuple((max(0, int(s)), min(n, int(e))) for s, e in raw if min(n, int(e)) > max(0, int(s)))


def measure_speech(wave, sr: int, regions, text: str | None = None, gender: str | None = None) -> Measurements:
    """Measure one 16 kHz mono wave (numpy or torch) over its speech ``regions``
    (:class:`stylecheck.audio.vad.SpeechRegions` of this same wave, or ``[(start, end), ...]`` in
    samples). ``text``: the words spoken, for the syllable count; ``gender``: 'Female' or 'Male'
    picks the F0 search range (anything else searches both)."""
    if sr != SR:
        raise MeasureError(f"measure_speech needs 16 kHz audio, got {sr} Hz (resample with stylecheck.audio.load.resample)")
    x = np.asarray(wave.detach().cpu().numpy() if hasattr(wave, "detach") else wave, dtype=np.float64).reshape(-1)
    regs = _regions_of(regions, x.size)
    out = Measurements(speech_s=sum(e - s for s, e in regs) / sr)
    if not regs:
        out.reasons = dict.fromkeys(MEASURE_NAMES, "no speech detected")
        return out
    track = pitch_track(x, gender)
    out.f0_floor_hz, out.f0_ceiling_hz = track.floor_hz, track.ceiling_hz
    voiced = track.voiced_in(regs, sr)
    out.voiced_s = float(voiced.sum() * (track.times[1] - track.times[0])) if track.times.size > 1 else 0.0
    values, reasons = pitch_measures(track, regs, sr)
    rate_values, rate_reasons, extras = rate_measures(x, track, regs, sr, text)
    values.update(rate_values)
    reasons.update(rate_reasons)
    out.syllables, out.syllable_source = extras.get("syllables"), extras.get("syllable_source")
    out.syllables_nuclei = extras.get("syllables_nuclei")
    values["loudness_lufs"], why = loudness_lufs(x, regs, sr)
    if why:
        reasons["loudness_lufs"] = why
    if out.voiced_s < MIN_VOICED_S:  # the same minimum as the pitch measures
        values["alpha_ratio_db"], reasons["alpha_ratio_db"] = None, reasons["f0_median_hz"]
    else:
        values["alpha_ratio_db"], why = alpha_ratio_db(x, track.times[voiced], sr)
        if why:
            reasons["alpha_ratio_db"] = why
    values["snr_db"], why, out.snr_method = snr_db(x, regs, sr)
    if why:
        reasons["snr_db"] = why
    for name, value in values.items():
        setattr(out, name, value)
    out.reasons = {k: v for k, v in reasons.items() if values.get(k) is None}
    return out
