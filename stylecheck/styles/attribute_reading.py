"""What :func:`stylecheck.styles.attribute_words.read_attribute_words` returns, and
:func:`mask_consumed`, which hands what is left of a prompt to the learned-category parser."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """One reading: the phrase as written, its category and level, and where it stands.

    ``kind`` is ``level`` (decides a level, or excludes it when ``negated``), ``open`` (names the
    category but its middle, which a two-level scale lacks) or ``named`` (names the category
    without a level). ``spans`` are the character ranges of its words in the prompt.
    """

    phrase: str
    category: str
    level: str | None
    spans: tuple[tuple[int, int], ...]
    kind: str = "level"
    negated: bool = False
    degree: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Unjudged:
    """A phrase naming something stylecheck does not judge, and what that is."""

    phrase: str
    topic: str
    span: tuple[int, int]


@dataclass(frozen=True)
class AttributeReading:
    """What a prompt asks of the measured categories (pitch, variation, rate, loudness, noise)."""

    #: category -> the one level asked for, only for categories the prompt decides.
    levels: dict[str, str] = field(default_factory=dict)
    #: category -> levels the prompt rules out ("not too fast": rate ("fast",)). A category can
    #: be here without a level: any level but these passes.
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: categories named at a level their scale lacks ("moderate ambient sound": noise).
    open: tuple[str, ...] = ()
    #: category -> the phrases that disagree (the category gets no level).
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: every phrase read for a category, in text order.
    matches: tuple[Mention, ...] = ()
    #: phrases naming what stylecheck does not judge (emotion, accent, whisper, ...), each once.
    unjudged: list[str] = field(default_factory=list)
    #: the same with topic and span, every occurrence.
    unjudged_matches: tuple[Unjudged, ...] = ()
    #: character spans of every phrase read here (matches and unjudged), sorted and merged: the
    #: learned-category parser must not read these again (see :func:`mask_consumed`).
    consumed: tuple[tuple[int, int], ...] = ()
    warnings: tuple[str, ...] = ()


def mask_consumed(text: str, reading: AttributeReading) -> str:
    """``text`` with the consumed phrases blanked out (same length, so offsets still hold), for
    the learned-category parser to read what is left."""
    chars = list(text)
    for s, e in reading.consumed:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


__all__ = ["AttributeReading", "Mention", "Unjudged", "mask_consumed"]
