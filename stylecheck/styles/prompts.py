"""From what a speech generator was asked for to the labels ``stylecheck score`` checks.

Two entry points:

* :func:`parse_style_prompt` reads a free-text prompt (``"A bright teenage girl's voice"``) and
  returns a :class:`PromptParse`: at most one expected label per category, the categories the
  prompt deliberately leaves open, warnings, and what matched (so ``stylecheck prompts`` can show
  why).
* :func:`parse_style_list` reads an explicit list of label names (``"Female;Teenager;Bright"``)
  and is strict: unknown names and two labels of one category are errors.

Everything is worked out in the vocabulary of the model's :class:`~stylecheck.styles.labels.LabelSet`
(the paper's eight labels by default). A word for a label the set lacks is ignored with a warning.

How a prompt is read
====================

The text is normalised (Unicode NFKC, case-folded, curly apostrophes and dashes made plain,
``n't`` -> ``not``, possessive ``'s`` dropped) and split into words and punctuation; hyphens split
words, so ``middle-aged`` is the phrase ``middle aged`` and ``gender-neutral`` is
``gender neutral``. Phrases from the tables below are matched longest first. Words not in any
table are skipped, so intensity words (``very``, ``slightly``, ``extremely``, ``somewhat``,
``a little``) never change the result.

The vocabulary, and why each word is read as it is, is in :mod:`stylecheck.styles.vocabulary`;
``stylecheck prompts STYLES.csv`` shows how each prompt of a file was read.

Negation
========

``not``, ``no``, ``never``, ``without``, ``neither``/``nor``, ``non-``, ``lacking``, ``free of``
negate the first label word within four words after them, within the clause (a comma, full stop,
"but", "and", ... ends the search): "not at all raspy", "without any roughness", "isn't dark".
``or``/``nor`` carry the negation on ("neither rough nor harsh", "not dark or raspy"); "and" and
commas carry it on only to another word for the same label ("without roughness, harshness or
rasp"). "not only"/"not just" are not negations.

A negated label is listed in :attr:`PromptParse.excluded`. **In a category of two labels,
negating one expects the other**: "not raspy at all" expects Smooth, "not a deep voice" expects
Bright, "no longer young" expects Adult. The two labels of each paper category are the two ends of
one scale, so a prompt that rules one end out asks for the other; use a ``styles`` column when
that is not what you mean. Negating every label of a category ("neither dark nor bright") leaves
it open. In a category of three or more labels a negation only excludes.

Open categories and conflicts
=============================

* Phrases that decide a category *not* to be decided leave it open, without a warning:
  gender-neutral, androgynous, gender-ambiguous, ambiguous gender, non-binary, unisex, either
  gender, any gender; "young adult", "any age"; and two labels of one category joined by
  ``or`` or ``/`` ("male or female", "dark/bright", "he or she").
* Words that disagree ("a deep, bright voice", "a young old man", "not rough but raspy") leave
  the category open with a warning, and so does an open phrase next to a label word
  ("an androgynous, slightly feminine voice").
* A category the prompt does not mention is neither expected nor open.

Prompt words apply wherever they appear: "a dark story read by a woman" expects Dark. Check a
file's prompts with ``stylecheck prompts STYLES.csv`` and write a ``styles`` column where the
reading is not what was meant.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from .labels import PAPER_LABELS, LabelSet
from ..errors import InvalidValueError, WrongTypeError
from .text import age_expression, age_label, normalise, tokenize
from .vocabulary import (
    ALTERNATIVES, CLAUSE_BREAKS, FALLBACKS, FILLER_WORDS, IGNORED_PHRASES, LABEL_WORDS, NEGATION_CARRIERS,
    NEGATION_REACH, NEGATORS, OPEN_FALLBACKS, OPEN_PHRASES, SAME_LABEL_CARRIERS, WEAK_WORDS,
)

# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


class Match(NamedTuple):
    """One piece of evidence: the phrase as normalised, the label it points to (None when it
    points to none) and why."""

    phrase: str
    label: str | None
    reason: str


@dataclass(frozen=True)
class PromptParse:
    """What a prompt or styles cell asks for, in one label set's vocabulary."""

    #: category -> the one expected label, only for categories the prompt decides.
    expected: dict[str, str] = field(default_factory=dict)
    #: categories mentioned but deliberately or necessarily left open, in label-set order.
    open_categories: tuple[str, ...] = ()
    #: category -> labels the prompt negated ("not rough" excludes Rough).
    excluded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    matched: tuple[Match, ...] = ()

    @property
    def expected_labels(self) -> tuple[str, ...]:
        """The expected labels (in category order of the label set used)."""
        return tuple(self.expected.values())


# Meanings a phrase can have.
_LABEL, _WEAK, _OPEN, _IGNORE, _NEGATE = "label", "weak", "open", "ignore", "negate"
_ABSENT = "absent"  # a word for a label the label set lacks: matched (it absorbs a negation), ignored


class _Meaning(NamedTuple):
    kind: str
    label: str | None = None  # the label in the label set (label / weak)
    labels: tuple[str, ...] = ()  # the labels whose category is left open (open)
    reason: str = ""
    warning: str | None = None


class _Event(NamedTuple):
    start: int
    end: int  # exclusive token index
    phrase: str
    meanings: tuple[_Meaning, ...]


def _label_key(label_set: LabelSet) -> tuple:
    return tuple((cat, tuple(labels)) for cat, labels in label_set.categories.items())


def _resolve(name: str, label_set: LabelSet, phrase: str, strength: str) -> _Meaning:
    """What a word for label ``name`` means in ``label_set``."""
    labels = set(label_set.labels)
    if name in labels:
        if strength == _WEAK:
            return _Meaning(strength, label=name, reason=f"weak cue for {name}: counts only if nothing else decides")
        return _Meaning(strength, label=name, reason=f"a word for {name}")
    fallback = FALLBACKS.get(name)
    if fallback in labels:
        return _Meaning(strength, label=fallback, reason=f"means {name}, merged into {fallback} by the paper")
    open_over = tuple(lab for lab in OPEN_FALLBACKS.get(name, ()) if lab in labels)
    if open_over:
        category = label_set.category_of(open_over[0])
        return _Meaning(_OPEN, labels=open_over, reason=f"{name} is not in the label set: {category} left open",
                        warning=f"{category} left open: {phrase!r} asks for a {name.lower()} voice, which is "
                                f"not in the label set ({', '.join(label_set.categories[category])})")
    return _Meaning(_ABSENT, reason=f"a word for {name}, which is not in the label set",
                    warning=None if strength == _WEAK else
                    f"{phrase!r} ignored: it means {name}, which is not in the label set ({', '.join(label_set.labels)})")


@lru_cache(maxsize=32)
def _phrase_table(key: tuple) -> tuple[dict[tuple[str, ...], tuple[_Meaning, ...]], int]:
    """Token tuple -> meanings, for one label set; and the longest phrase length."""
    label_set = LabelSet({cat: labels for cat, labels in key})
    table: dict[tuple[str, ...], list[_Meaning]] = {}

    def add(phrase: str, meaning: _Meaning) -> None:
        table.setdefault(tuple(tokenize(phrase)), []).append(meaning)

    for phrase, reason in IGNORED_PHRASES.items():
        add(phrase, _Meaning(_IGNORE, reason=reason))
    for phrase in NEGATORS:
        add(phrase, _Meaning(_NEGATE, reason="negation"))
    for phrase, over in OPEN_PHRASES.items():
        present = tuple(lab for lab in over if lab in label_set.labels)
        if present:
            category = label_set.category_of(present[0])
            add(phrase, _Meaning(_OPEN, labels=present, reason=f"leaves {category} open"))
    for strength, words in ((_LABEL, LABEL_WORDS), (_WEAK, WEAK_WORDS)):
        for name, phrases in words.items():
            for phrase in phrases:
                add(phrase, _resolve(name, label_set, phrase, strength))
    # The label set's own names always mean their label (custom label sets included).
    for label in label_set.labels:
        words = tuple(tokenize(label))
        if words:
            table[words] = [_Meaning(_LABEL, label=label, reason="the label's name")]
    return {k: tuple(v) for k, v in table.items() if k}, max((len(k) for k in table), default=1)


def _events(tokens: list[str], label_set: LabelSet) -> list[_Event]:
    table, longest = _phrase_table(_label_key(label_set))
    events: list[_Event] = []
    i = 0
    while i < len(tokens):
        age = age_expression(tokens, i)
        if age is not None:
            used, years = age
            phrase = " ".join(tokens[i : i + used])
            meaning = _resolve(age_label(years), label_set, phrase, _LABEL)
            meaning = meaning._replace(reason=f"age {years}: {meaning.reason}")
            events.append(_Event(i, i + used, phrase, (meaning,)))
            i += used
            continue
        for size in range(min(longest, len(tokens) - i), 0, -1):
            meanings = table.get(tuple(tokens[i : i + size]))
            if meanings is not None:
                events.append(_Event(i, i + size, " ".join(tokens[i : i + size]), meanings))
                i += size
                break
        else:
            i += 1
    return events


def _is_kind(event: _Event, kind: str) -> bool:
    return any(m.kind == kind for m in event.meanings)


def _labels_of(event: _Event) -> set[str]:
    return {m.label for m in event.meanings if m.kind in (_LABEL, _WEAK) and m.label}


def _negated_events(tokens: list[str], events: list[_Event]) -> set[int]:
    """Indices (into ``events``) of the events a negation applies to."""
    negated: set[int] = set()
    for n, neg in enumerate(events):
        if not _is_kind(neg, _NEGATE):
            continue
        target: int | None = None
        for k in range(n + 1, len(events)):
            ev = events[k]
            between = tokens[neg.end : ev.start]
            if any(t in CLAUSE_BREAKS for t in between) or len(between) > NEGATION_REACH:
                break
            if _is_kind(ev, _IGNORE):
                continue  # "not deep in thought, ...": words about something else are skipped
            if _is_kind(ev, _NEGATE):
                break
            target = k
            break
        if target is None:
            continue
        negated.add(target)
        # Carry the negation along "rough or dark" (any label) and "roughness, harshness and
        # rasp" (the same label only). A further negator ("nor") negates by itself.
        target_labels = _labels_of(events[target])
        k = target
        while k + 1 < len(events) and not _is_kind(events[k + 1], _NEGATE):
            nxt = events[k + 1]
            words = [t for t in tokens[events[k].end : nxt.start] if t not in FILLER_WORDS]
            if len(words) != 1:
                break
            if words[0] in NEGATION_CARRIERS or (words[0] in SAME_LABEL_CARRIERS and _labels_of(nxt) & target_labels):
                negated.add(k + 1)
                k += 1
            else:
                break
    return negated


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------


@dataclass
class _Evidence:
    strong: dict[str, list[str]] = field(default_factory=dict)  # label -> phrases
    weak: dict[str, list[str]] = field(default_factory=dict)
    negated: dict[str, list[str]] = field(default_factory=dict)
    open_phrases: list[str] = field(default_factory=list)
    open_warnings: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)


def parse_style_prompt(text: str, label_set: LabelSet = PAPER_LABELS) -> PromptParse:
    """Read a free-text style prompt; never raises on any text (see the module docstring)."""
    if not isinstance(text, str):
        raise WrongTypeError(f"a prompt must be a str, not {type(text).__name__}")
    tokens = tokenize(text)
    events = _events(tokens, label_set)
    negated = _negated_events(tokens, events)
    alternative = _alternative_events(tokens, events, negated, label_set)

    matched: list[Match] = []
    warnings: list[str] = []
    evidence: dict[str, _Evidence] = {cat: _Evidence() for cat in label_set.categories}

    for n, ev in enumerate(events):
        for m in ev.meanings:
            if m.kind == _NEGATE:
                continue
            if m.warning and (m.kind == _ABSENT or n not in negated):
                warnings.append(m.warning)
            if m.kind in (_IGNORE, _ABSENT):
                matched.append(Match(ev.phrase, None, m.reason))
            elif m.kind == _OPEN:
                category = label_set.category_of(m.labels[0])
                if n in negated:
                    matched.append(Match(ev.phrase, None, f"negated, so it says nothing about {category}"))
                    continue
                evidence[category].open_phrases.append(ev.phrase)
                if m.warning:
                    evidence[category].open_warnings.append(m.warning)
                matched.append(Match(ev.phrase, None, m.reason))
            else:
                category = label_set.category_of(m.label)
                bucket = evidence[category]
                if n in negated:
                    if m.kind == _WEAK:
                        matched.append(Match(ev.phrase, None, f"negated weak cue for {m.label}: ignored"))
                        continue
                    bucket.negated.setdefault(m.label, []).append(ev.phrase)
                    others = [lab for lab in label_set.categories[category] if lab != m.label]
                    matched.append(Match(f"not {ev.phrase}", None, f"negates {m.label}" + (
                        f" (in a two-label category: asks for {others[0]})" if len(others) == 1 else "")))
                elif n in alternative.get(category, ()):
                    bucket.alternatives.append(ev.phrase)
                    matched.append(Match(ev.phrase, None, f"one of alternatives: {category} left open"))
                else:
                    (bucket.weak if m.kind == _WEAK else bucket.strong).setdefault(m.label, []).append(ev.phrase)
                    matched.append(Match(ev.phrase, m.label, m.reason))

    expected: dict[str, str] = {}
    open_categories: list[str] = []
    excluded: dict[str, tuple[str, ...]] = {}
    for category, labels in label_set.categories.items():
        decision = _decide(category, labels, evidence[category], warnings)
        if evidence[category].negated:
            excluded[category] = tuple(lab for lab in labels if lab in evidence[category].negated)
        if decision is None:
            continue
        if decision == "":
            open_categories.append(category)
        else:
            expected[category] = decision
    return PromptParse(expected, tuple(open_categories), excluded, tuple(dict.fromkeys(warnings)), tuple(matched))


def _alternative_events(tokens: list[str], events: list[_Event], negated: set[int],
                        label_set: LabelSet) -> dict[str, set[int]]:
    """Events naming labels of one category joined by "or" / "/" ("male or female")."""
    out: dict[str, set[int]] = {}
    for k in range(len(events) - 1):
        a, b = events[k], events[k + 1]
        if k in negated or k + 1 in negated:
            continue
        between = tokens[a.end : b.start]
        if not between or len(between) > 3 or any(t in CLAUSE_BREAKS for t in between):
            continue
        if not any(t in ALTERNATIVES for t in between):
            continue
        for la in _labels_of(a):
            for lb in _labels_of(b):
                ca, cb = label_set.category_of(la), label_set.category_of(lb)
                if ca == cb and la != lb:
                    out.setdefault(ca, set()).update((k, k + 1))
    return out


def _quote(phrases: dict[str, list[str]]) -> str:
    return " and ".join(f"{', '.join(repr(p) for p in dict.fromkeys(ps))} ({label})" for label, ps in phrases.items())


def _decide(category: str, labels: tuple[str, ...], ev: _Evidence, warnings: list[str]) -> str | None:
    """The expected label, "" for an open category, or None when the prompt says nothing."""
    if ev.open_phrases:
        warnings.extend(ev.open_warnings)
        if ev.strong:
            warnings.append(f"{category} left open by {', '.join(map(repr, ev.open_phrases))}, so "
                            f"{_quote(ev.strong)} is not used")
        return ""
    if ev.alternatives and not ev.strong and not ev.negated:
        return ""
    positive = dict(ev.strong)
    if ev.alternatives:
        # "male or female ... a man": the alternatives leave it open, and the rest disagrees.
        warnings.append(f"{category} left open: alternatives {', '.join(map(repr, ev.alternatives))} and "
                        f"{_quote(positive) or 'a negation'}")
        return ""
    both = set(positive) & set(ev.negated)
    if both:
        warnings.append(f"{category} left open: {_quote({lab: ev.strong[lab] for lab in both})} both asked "
                        f"for and negated")
        return ""
    if not positive and set(ev.negated) >= set(labels):
        return ""  # "neither dark nor bright": deliberately in between
    candidates = dict(positive)
    if len(labels) == 2:
        for lab in ev.negated:
            other = labels[1 - labels.index(lab)]
            candidates.setdefault(other, []).append(f"not {ev.negated[lab][0]}")
    if len(candidates) == 1:
        return next(iter(candidates))
    if len(candidates) > 1:
        warnings.append(f"{category} left open: conflicting words {_quote(candidates)}")
        return ""
    if len(ev.weak) == 1:
        return next(iter(ev.weak))
    if len(ev.weak) > 1:
        warnings.append(f"{category} left open: conflicting cues {_quote(ev.weak)}")
        return ""
    return None


# --------------------------------------------------------------------------------------------
# Explicit label lists
# --------------------------------------------------------------------------------------------


def parse_style_list(text: str, label_set: LabelSet = PAPER_LABELS) -> PromptParse:
    """Read label names separated by ``;`` or ``,`` ("Female;Teenager;Bright"), any case.

    Only the label set's names are accepted, plus names the paper merged (Senior -> Adult).
    Raises ValueError for an unknown name (listing the valid labels) or for two labels of one
    category. An empty text expects nothing.
    """
    expected: dict[str, str] = {}
    matched: list[Match] = []
    valid = ", ".join(label_set.labels)
    for piece in re.split(r"[;,]", text):
        name = piece.strip()
        if not name:
            continue
        try:
            label, reason = label_set.canonical(name), "label name"
        except KeyError:
            merged = {k.lower(): v for k, v in FALLBACKS.items() if v in label_set.labels}.get(name.lower())
            if merged is None:
                raise InvalidValueError(f"unknown style label {name!r}; valid labels: {valid}") from None
            label, reason = merged, f"{name} is merged into {merged} (SpeechMLC)"
        category = label_set.category_of(label)
        if category in expected and expected[category] != label:
            raise InvalidValueError(f"{expected[category]} and {label} are both {category} labels; "
                             f"expect at most one label per category")
        expected[category] = label
        matched.append(Match(name, label, reason))
    ordered = {cat: expected[cat] for cat in label_set.categories if cat in expected}
    return PromptParse(ordered, (), {}, (), tuple(matched))


__all__ = [
    "FALLBACKS", "IGNORED_PHRASES", "LABEL_WORDS", "Match", "NEGATORS", "OPEN_FALLBACKS", "OPEN_PHRASES",
    "PromptParse", "WEAK_WORDS", "normalise", "parse_style_list", "parse_style_prompt", "tokenize",
]
