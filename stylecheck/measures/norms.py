"""Norms: where a measured value turns from one level into the next, per gender.

A norms file (``norms/<name>-v<version>.json`` in this package, or any path) holds, per gender
('Female', 'Male', and 'all' for the pooled speakers) and per measure, the level ``edges``
(ascending) and an ``uncertain`` half-width around each edge, with the speaker-distribution
quantiles behind them and the provenance. :func:`compute_norms` makes one from one value per
speaker: the edges are the thirds of the speaker distribution (33.3rd and 66.7th percentiles),
the half-width a sixth of the middle band (so two-thirds of it stays certain) but never less than
the measure's precision (:data:`MIN_HALF_WIDTH`: what ``reports/attributes.md`` measures as its
error on known changes). Noise is the exception: natural corpora are all clean, so its one edge is
a fixed choice (:data:`NOISE_EDGE_DB`, documented in ``norms/NORMS.md``), not a tercile.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np

from ..errors import InvalidValueError
from ..styles.measured_expectations import MEASURE_OF, MEASURE_UNITS
from .._version import __version__


class NormsError(InvalidValueError):
    """A norms file or name that cannot be used."""


NORMS_DIR = Path(__file__).resolve().parent / "norms"
DEFAULT_NORMS = "natural-v2"

#: Each measured category: the measure it judges (:data:`MEASURE_OF`) and its levels in the order
#: of the measured value, lowest first (noise: a low SNR is noisy).
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    category: (MEASURE_OF[category], levels) for category, levels in (
        ("pitch", ("low", "normal", "high")), ("variation", ("monotone", "normal", "expressive")),
        ("rate", ("slow", "normal", "fast")), ("loudness", ("quiet", "normal", "loud")), ("noise", ("noisy", "clean")))}
UNITS = MEASURE_UNITS
#: Smallest uncertain half-width per measure, about its error on known changes in
#: reports/attributes.md (pitch: 0.25 st at the edge, computed per edge, where the median shift's
#: IQR stays within 0.1 st; rate 0.15 syl/s, a few per cent; SNR 3 dB, the noisier estimates' IQR).
MIN_HALF_WIDTH = {"f0_median_hz": 0.25, "f0_range_st": 0.5, "speech_rate_syl_s": 0.15,
                  "articulation_rate_syl_s": 0.15, "loudness_lufs": 0.5, "alpha_ratio_db": 0.5, "snr_db": 3.0}
#: 'noisy' below this SNR (this estimator's dB). dataspeech/Parler-TTS bin SNR within each tagged
#: corpus, so there is no fixed edge to copy; NORMS.md gives the clean speakers' low tail and
#: reports/attributes.md how added noise of 0-20 dB reads.
NOISE_EDGE_DB = 15.0
TERCILE_MEASURES = ("f0_median_hz", "f0_range_st", "speech_rate_syl_s", "articulation_rate_syl_s",
                    "loudness_lufs", "alpha_ratio_db")
GENDERS = ("Female", "Male", "all")


def _half_width(measure: str, edges: list[float]) -> list[float]:
    if measure == "f0_median_hz":  # semitones at the edge, in Hz
        floor = [e * (2 ** (MIN_HALF_WIDTH[measure] / 12) - 1) for e in edges]
    else:
        floor = [MIN_HALF_WIDTH[measure]] * len(edges)
    middle = (edges[-1] - edges[0]) / 6 if len(edges) > 1 else 0.0
    return [round(max(f, middle), 4) for f in floor]


@dataclass
class Norms:
    """Level edges per gender and measure; ``table[gender][measure]`` has ``edges``,
    ``uncertain`` (half-width per edge), ``n`` and ``quantiles``."""

    name: str
    version: int
    table: dict[str, dict[str, dict]]
    provenance: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.name}-v{self.version}"

    def entry(self, measure: str, gender: str | None) -> tuple[dict | None, str]:
        """The norm entry for a measure and gender, falling back to the pooled speakers."""
        if gender in self.table and measure in self.table[gender]:
            return self.table[gender][measure], f"{gender} norm"
        if "all" in self.table and measure in self.table["all"]:
            why = "gender unknown" if gender is None else f"no {gender} norm"
            return self.table["all"][measure], f"pooled norm ({why})"
        return None, f"no norm for {measure}"

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "categories": {
            c: {"measure": m, "levels": list(levels), "unit": UNITS[m]} for c, (m, levels) in CATEGORIES.items()},
            "table": self.table, "provenance": self.provenance}

    def to_json(self, path: str | Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n"
        if path is not None:
            from ..io import write_text

            write_text(path, text)
        return text

    @classmethod
    def from_dict(cls, obj: Mapping) -> "Norms":
        try:
            norms = cls(str(obj["name"]), int(obj["version"]), dict(obj["table"]), dict(obj.get("provenance", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise NormsError(f"not a norms file: missing or bad {exc}") from None
        # A file made when a category was judged on another measure would silently change its
        # verdicts (natural-v1 judged rate on the speech rate, pauses included).
        for category, spec in (obj.get("categories") or {}).items():
            measure = spec.get("measure") if isinstance(spec, Mapping) else None
            if category in CATEGORIES and measure != CATEGORIES[category][0]:
                raise NormsError(f"norms {norms.label} judge {category} on {measure}, this version on "
                                 f"{CATEGORIES[category][0]}: use the bundled {DEFAULT_NORMS} or compute them again "
                                 "(--norms FOLDER)")
        return norms

    @classmethod
    def from_json(cls, path: str | Path) -> "Norms":
        try:
            obj = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise NormsError(f"{path}: cannot read norms ({exc})") from None
        return cls.from_dict(obj)

    @classmethod
    def bundled(cls, label: str = DEFAULT_NORMS) -> "Norms":
        """A norms file shipped in the package, by ``name-vN`` (e.g. 'natural-v2')."""
        path = NORMS_DIR / f"{label}.json"
        if not path.is_file():
            known = sorted(p.stem for p in NORMS_DIR.glob("*.json"))
            raise NormsError(f"no bundled norms {label!r} (bundled: {', '.join(known) or 'none'})")
        return cls.from_json(path)


def load_norms(spec: str | Path | None = None) -> Norms:
    """Bundled norms by label (default :data:`DEFAULT_NORMS`) or a norms JSON file by path."""
    if spec is None:
        return Norms.bundled()
    if Path(spec).suffix == ".json" or Path(spec).is_file():
        return Norms.from_json(spec)
    return Norms.bundled(str(spec))


def _entry(values: np.ndarray, measure: str) -> dict:
    q = np.percentile(values, [5, 25, 100 / 3, 50, 200 / 3, 75, 95])
    if measure == "snr_db":
        edges = [NOISE_EDGE_DB]
    else:
        edges = [float(q[2]), float(q[4])]
    return {"edges": [round(e, 4) for e in edges], "uncertain": _half_width(measure, edges), "n": int(values.size),
            "quantiles": dict(zip(("p5", "p25", "p33", "p50", "p67", "p75", "p95"), (round(float(v), 4) for v in q)))}


def compute_norms(speakers: Iterable[Mapping], name: str = "custom", version: int = 1,
                  provenance: Mapping | None = None, min_speakers: int = 3) -> Norms:
    """Norms from one row per speaker (or per file): ``{"gender": 'Female'|'Male'|None, measure:
    value, ...}``. Genders with fewer than ``min_speakers`` values for a measure get no entry for
    it (the pooled 'all' entry serves them)."""
    rows = list(speakers)
    table: dict[str, dict[str, dict]] = {}
    for gender in GENDERS:
        group = rows if gender == "all" else [r for r in rows if r.get("gender") == gender]
        entries = {}
        for measure in (*TERCILE_MEASURES, "snr_db"):
            vals = np.array([float(r[measure]) for r in group if r.get(measure) is not None
                             and np.isfinite(float(r[measure]))])
            if vals.size >= min_speakers:
                entries[measure] = _entry(vals, measure)
        if entries:
            table[gender] = entries
    if not table:
        raise NormsError(f"too few measured speakers for norms ({len(rows)} rows; need {min_speakers})")
    prov = {"date": _dt.date.today().isoformat(), "stylecheck_version": __version__, "rows": len(rows),
            "edges": "terciles of the per-speaker values; noise: fixed edge", **dict(provenance or {})}
    return Norms(name, version, table, prov)


def level_for(category: str, value: float | None, gender: str | None, norms: Norms) -> tuple[str | None, str]:
    """The level of ``value`` for ``category`` ('pitch', 'variation', 'rate', 'loudness',
    'noise'): one of the category's levels, 'uncertain' within an edge's band, or ``None`` when
    not judged; and the reason (which norm, which edge)."""
    if category not in CATEGORIES:
        raise NormsError(f"unknown measured category {category!r} (known: {', '.join(CATEGORIES)})")
    measure, levels = CATEGORIES[category]
    if value is None or not np.isfinite(value):
        return None, f"{measure} not measured"
    entry, which = norms.entry(measure, gender)
    if entry is None:
        return None, which
    edges, widths = entry["edges"], entry["uncertain"]
    unit = UNITS[measure]
    for edge, width in zip(edges, widths):
        if abs(value - edge) < width:
            return "uncertain", f"{value:.4g} {unit} within {width:.3g} of the edge {edge:.4g} ({which}, {norms.label})"
    level = levels[int(np.searchsorted(edges, value, side="right"))]
    return level, f"{value:.4g} {unit} against edges {', '.join(f'{e:.4g}' for e in edges)} ({which}, {norms.label})"


def norms_from_folder(folder: str | Path, genders: Mapping[str, str] | None = None,
                      name: str = "folder", version: int = 1) -> Norms:
    """Norms from a folder of reference recordings, one value per file (a folder need not say
    who speaks). ``genders`` maps a file's path relative to ``folder`` (or its name) to
    'Female'/'Male'; files without one count only in the pooled 'all' norm, which serves every
    gender when the mapping is absent (the voice model that could tell is in a higher layer)."""
    from ..audio.discovery import find_audio_files
    from ..audio.load import AudioError, load_audio
    from ..audio.vad import detect_speech
    from .measure import measure_speech

    root = Path(folder)
    files = find_audio_files(root)
    if not files:
        raise NormsError(f"{root}: no audio files for norms")
    genders = genders or {}
    rows, skipped = [], 0
    for start in range(0, len(files), 32):  # the speech check's LSTM computes 32 rows at once
        loaded = []
        for path in files[start:start + 32]:
            try:
                loaded.append((path, load_audio(path)))
            except AudioError:
                skipped += 1
        regions = detect_speech([w for _, w in loaded], 16000)
        for (path, wave), reg in zip(loaded, regions):
            gender = genders.get(str(path.relative_to(root)), genders.get(path.name))
            rows.append({"gender": gender, **measure_speech(wave, 16000, reg, gender=gender).values()})
    prov = {"source": str(root), "files": len(rows), "unreadable_files": skipped,
            "genders": "given per file" if genders else "pooled (no gender mapping)", "unit": "file"}
    return compute_norms(rows, name=name, version=version, provenance=prov)
