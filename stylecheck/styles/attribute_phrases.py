"""Split a prompt into words with their character spans and match them against the attribute
vocabulary (longest phrase first). Used by :mod:`stylecheck.styles.attribute_words`."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from ..errors import InvalidValueError
from .attribute_vocabulary import (
    CONTEXT_CLEAN_WORDS, DEGREE_WORDS, FULL_WORDS, LEVEL_CLASSES, LEVEL_WORDS, NEGATORS, NOT_READ,
    NOUN_KINDS, NOUNS, OPEN_PHRASES, UNJUDGED_WORDS,
)


class Token(NamedTuple):
    """A normalised word (or clause punctuation) and its character span in the prompt."""

    text: str
    start: int
    end: int


class Entry(NamedTuple):
    """What a vocabulary phrase is: its kind and that kind's data."""

    kind: str  # level, noun, full, open, unjudged, context, negator, degree, notread
    data: tuple


class Event(NamedTuple):
    """A vocabulary phrase found in the prompt, as a range of word indices."""

    start: int  # token index
    end: int  # exclusive
    entry: Entry


_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*|[.,;:!?()/&\u2013\u2014]|(?<=\s)-(?=\s)")


def tokens(text: str) -> list[Token]:
    """Normalised words and clause punctuation of ``text``, each with its character span."""
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        raw, s = m.group(), m.start()
        if raw in ("-", "\u2013", "\u2014"):
            out.append(Token(",", s, m.end()))
            continue
        cut = next((k for k, ch in enumerate(raw) if ch in "'\u2019\u02bc"), None)
        if cut is None:
            out.append(Token(_norm(raw), s, m.end()))
        elif raw[cut + 1:].casefold() == "t" and raw[cut - 1].casefold() == "n":  # isn't -> is not
            if cut > 1:
                out.append(Token(_norm(raw[: cut - 1]), s, s + cut - 1))
            out.append(Token("not", s + cut - 1, m.end()))
        else:  # possessive or contraction: keep the word
            out.append(Token(_norm(raw[:cut]), s, s + cut))
    return out


def _norm(word: str) -> str:
    return unicodedata.normalize("NFKC", word).casefold()


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokens(phrase))


@lru_cache(maxsize=1)
def phrase_table() -> tuple[dict[tuple[str, ...], Entry], int]:
    """Every known phrase (as a word tuple) -> what it is; and the longest phrase's length.

    Raises ValueError when one phrase has two meanings, so the vocabulary stays unambiguous.
    """
    table: dict[tuple[str, ...], Entry] = {}

    def add(phrase: str, entry: Entry) -> None:
        key = _key(phrase)
        if key in table and table[key] != entry:
            raise InvalidValueError(f"prompt phrase {phrase!r} has two meanings: {table[key]} and {entry}")
        table[key] = entry

    for phrase, (cls, alone) in LEVEL_WORDS.items():
        add(phrase, Entry("level", (cls, alone)))
    for phrase, (kind, present, absent) in NOUNS.items():
        add(phrase, Entry("noun", (kind, present, absent)))
    for meaning, phrases in FULL_WORDS.items():
        for phrase in phrases:
            add(phrase, Entry("full", tuple(meaning.split(":"))))
    for phrase, category in OPEN_PHRASES.items():
        add(phrase, Entry("open", (category,)))
    for topic, phrases in UNJUDGED_WORDS.items():
        for phrase in phrases:
            add(phrase, Entry("unjudged", (topic,)))
    for phrase in CONTEXT_CLEAN_WORDS:
        add(phrase, Entry("context", ()))
    for group, kind in ((NEGATORS, "negator"), (DEGREE_WORDS, "degree"), (NOT_READ, "notread")):
        for phrase in group:
            add(phrase, Entry(kind, ()))
    return table, max(len(k) for k in table)


def events(toks: list[Token]) -> list[Event]:
    table, longest = phrase_table()
    words = [t.text for t in toks]
    found: list[Event] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            entry = table.get(tuple(words[i : i + size]))
            if entry is not None:
                found.append(Event(i, i + size, entry))
                i += size
                break
        else:
            i += 1
    return found


def resolve(cls: str, noun_kind: str) -> tuple[str, str] | None:
    """(category, level) a level word of class ``cls`` gives beside a noun of ``noun_kind``."""
    meaning = LEVEL_CLASSES[cls].get(noun_kind)
    if meaning is None:
        return None
    category, _, level = meaning.rpartition(":")
    return (category or NOUN_KINDS[noun_kind]), level


__all__ = ["Entry", "Event", "Token", "events", "phrase_table", "resolve", "tokens"]
