"""Prompt text as the parsers see it: normalised, split into words, and ages written as numbers
("a 15-year-old", "in her late sixties") read as years."""
from __future__ import annotations

import re
import unicodedata

from .vocabulary import AGE_ADULT, AGE_SENIOR, AGE_TEEN, DECADES

_APOSTROPHES = str.maketrans({c: "'" for c in "\u2018\u2019\u02bc\u0060\u00b4\u2032"})
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})
_TOKEN = re.compile(r"[^\W_]+|[.,;:!?()/]")


def normalise(text: str) -> str:
    """Lower-cased, plain-punctuation text with ``n't`` spelled out and possessives dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_APOSTROPHES).translate(_DASHES)
    text = re.sub(r"n't\b", " not", text)
    return re.sub(r"'s\b", "", text)


def tokenize(text: str) -> list[str]:
    """Words (letters and digits) and clause punctuation of the normalised text."""
    return _TOKEN.findall(normalise(text))



def age_expression(tokens: list[str], i: int) -> tuple[int, int] | None:
    """An age written with numbers at ``tokens[i]``: (tokens used, age in years) or None.

    Reads "15 year old", "15 years old", "aged 15", "in her twenties", "in his late 60s".
    """
    def word(k: int) -> str:
        return tokens[k] if k < len(tokens) else ""

    tok = word(i)
    if tok.isdigit() and len(tok) <= 3:
        k = i + 1
        if word(k) in ("year", "years", "yr", "yrs") and word(k + 1) == "old":
            return k + 2 - i, int(tok)
        return None
    if tok == "aged" and word(i + 1).isdigit() and len(word(i + 1)) <= 3:
        return 2, int(word(i + 1))
    if tok == "in":
        k = i + 1
        if word(k) in ("his", "her", "their", "its"):  # not "the": "in the 60s" is a decade
            k += 1
        if word(k) in ("early", "mid", "late"):
            k += 1
        decade = word(k)
        if decade in DECADES:
            return k + 1 - i, DECADES[decade]
        if re.fullmatch(r"[1-9]0s", decade):
            return k + 1 - i, int(decade[:2])
    return None


def age_label(age: int) -> str:
    if age < AGE_TEEN:
        return "Child"
    if age < AGE_ADULT:
        return "Teenager"
    return "Senior" if age >= AGE_SENIOR else "Adult"
