"""What a STYLES.csv row asks of the measured categories (pitch, variation, rate, loudness, noise).

Two ways to ask: ``category=level`` tokens in a ``styles`` cell beside the learned labels
(``Female;Teenager;pitch=high``), or words in a prompt, read by
:func:`stylecheck.styles.attribute_words.read_attribute_words` *before* the learned-category
parser, which then reads the prompt with those phrases masked (so "a low-pitched man" is pitch
low and Male, not Dark). Every phrase naming something stylecheck does not judge (emotion,
accent, whisper, ...) is kept, so nothing is dropped silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import InvalidValueError
from .attribute_reading import AttributeReading, mask_consumed
from .attribute_vocabulary import CATEGORY_LEVELS
from .attribute_words import read_attribute_words
from .labels import LabelSet
from .prompts import PromptParse, parse_style_prompt

#: The measured categories and their levels, lowest first (as ``expected_<category>`` holds them).
MEASURED_CATEGORIES: dict[str, tuple[str, ...]] = dict(CATEGORY_LEVELS)
#: The ``scores.csv`` column each measured category is judged on (the one place that says it:
#: norms, judges, plots and controllability read it here). Rate is the articulation rate
#: (syllables per second of speech without its pauses): pauses grow with the length of an
#: utterance, so the speech rate of a short pause-free TTS sentence reads faster than a long
#: read one at the same tempo, and dataspeech (Parler-TTS's tags) divides by speech time too.
MEASURE_OF: dict[str, str] = {"pitch": "f0_median_hz", "variation": "f0_range_st", "rate": "articulation_rate_syl_s",
                              "loudness": "loudness_lufs", "noise": "snr_db"}
#: The unit of each measured column.
MEASURE_UNITS: dict[str, str] = {"f0_median_hz": "Hz", "f0_range_st": "semitones", "speech_rate_syl_s": "syllables/s",
                                 "articulation_rate_syl_s": "syllables/s", "loudness_lufs": "LUFS",
                                 "alpha_ratio_db": "dB", "snr_db": "dB"}


@dataclass(frozen=True)
class MeasuredAsk:
    """The levels asked of the measured categories, the phrases not judged, and doubts."""

    levels: dict[str, str]
    unjudged: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def split_measured_tokens(styles: str) -> tuple[str, dict[str, str]]:
    """A ``styles`` cell split into its learned label names (joined by ``;``) and its
    ``category=level`` tokens. InvalidValueError for an unknown category or level, or two
    levels of one category."""
    labels: list[str] = []
    levels: dict[str, str] = {}
    for piece in re.split(r"[;,]", styles):
        name = piece.strip()
        if "=" not in name:
            if name:
                labels.append(name)
            continue
        category, level = (part.strip().lower() for part in name.split("=", 1))
        if category not in MEASURED_CATEGORIES:
            raise InvalidValueError(f"unknown measured category {category!r} in {name!r} "
                                    f"(measured categories: {', '.join(MEASURED_CATEGORIES)})")
        if level not in MEASURED_CATEGORIES[category]:
            raise InvalidValueError(f"unknown {category} level {level!r} in {name!r} "
                                    f"(levels: {', '.join(MEASURED_CATEGORIES[category])})")
        if levels.get(category, level) != level:
            raise InvalidValueError(f"{category}={levels[category]} and {category}={level}: "
                                    "expect at most one level per category")
        levels[category] = level
    return ";".join(labels), levels


def measured_from_reading(reading: AttributeReading) -> MeasuredAsk:
    """The levels a prompt decides, its unjudged phrases, and why a category it names got no
    level (conflicting phrases, or only an excluded level: "not too fast" asks for no one level)."""
    warnings = list(reading.warnings)
    for category, phrases in reading.conflicts.items():
        warnings.append(f"{category}: {' / '.join(phrases)} disagree, so {category} is not expected")
    for category, excluded in reading.excluded.items():
        if category not in reading.levels:
            warnings.append(f"{category}: not {' or '.join(excluded)} names no one level, so {category} is not expected")
    return MeasuredAsk(dict(reading.levels), tuple(reading.unjudged), tuple(warnings))


def read_style_prompt(prompt: str, label_set: LabelSet) -> tuple[PromptParse, AttributeReading, MeasuredAsk]:
    """A prompt read for both kinds of category: the measured words first, then the learned
    labels from what they leave (:func:`mask_consumed`)."""
    reading = read_attribute_words(prompt)
    parse = parse_style_prompt(mask_consumed(prompt, _measured_only(reading)), label_set)
    return parse, reading, measured_from_reading(reading)


def _measured_only(reading: AttributeReading) -> AttributeReading:
    """The reading with only its measured-category phrases consumed. Unjudged phrases stay
    visible to the learned parser: they name nothing it reads as a label, and masking them
    can break its phrases ("gender-neutral" would lose "neutral", an unjudged emotion word)."""
    spans = tuple(sorted(span for m in reading.matches for span in m.spans))
    return replace(reading, consumed=spans)


def explain_reading(reading: AttributeReading) -> list[str]:
    """One line per phrase read for a measured category or left unjudged."""
    lines = []
    for m in reading.matches:
        if m.kind == "level" and m.level:
            lines.append(f"{m.phrase} -> {m.category}={'not ' if m.negated else ''}{m.level}")
        else:
            lines.append(f"{m.phrase}: names {m.category} ({m.kind})")
    lines += [f"{u.phrase}: not judged ({u.topic})" for u in reading.unjudged_matches]
    return lines


__all__ = ["MEASURED_CATEGORIES", "MEASURE_OF", "MEASURE_UNITS", "MeasuredAsk", "explain_reading", "measured_from_reading", "read_style_prompt",
           "split_measured_tokens"]
