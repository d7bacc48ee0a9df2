"""Read the measured categories (pitch, variation, rate, loudness, noise) from a style prompt.

``read_attribute_words("A low-pitched man speaks slowly, not too loud, calm")`` returns an
:class:`AttributeReading`: ``levels`` ``{"pitch": "low", "rate": "slow"}``, ``excluded``
``{"loudness": ("loud",)}``, ``unjudged`` ``["calm"]``, every phrase it used with its character
span, and ``consumed``: the spans the learned-category parser must not read again (so
"low-pitched" is no longer Dark there). It never raises on any text.

How a prompt is read (the words are in :mod:`stylecheck.styles.attribute_vocabulary`):

1. The text is split into words (hyphens split: "low-pitched" is ``low pitched``; ``n't`` is
   ``not``; possessive ``'s`` is dropped) and the longest known phrase is matched at each word.
2. A level word takes the category noun right after it, across fillers ("speaking", "talking",
   "in"): "a low pitch", "fast speaking speed", "low in pitch". Else it takes the noun before it,
   across a copula ("his pitch is high", "keeping the volume low", "her speed is the same as
   ordinary people", "his voice is deep and low"), and every noun joined to that one ("his pitch
   and volume are low"); a level listed after it takes the same noun ("a pitch that is neither
   high nor low"), and so does a level listed before one that took the noun after it ("neither
   high nor low pitch"). A level that took a noun passes on to the nouns listed after it: "normal
   pitch, speed, and volume". "low"/"high" reach a voice across one adjective ("a low, husky
   voice").
   What a level word means depends on the noun: "low pitch" is low, "low volume" quiet, "low
   speed" slow, "varied pitch" expressive variation, "a quiet room" clean noise.
3. A level word that takes no noun means what it means alone ("slow", "loud", "quiet"), or
   nothing ("low", "normal"); words like "slowly", "monotone", "noisy" name a level by themselves.
   A category noun with no level names its presence ("background noise": noisy; "with energy":
   loud) or, when it has none, is kept as a match without a level and a warning.
4. Negation (see the vocabulary module): a negator up to three words before the mention, in the
   clause, excludes the level; on the two-level noise scale it gives the other level; naming the
   absence of a quality gives its low end ("no background noise" is clean).
5. Two levels joined by "to" or "or" are a range ("a moderate to fast pace"): only the levels
   outside it are excluded.
6. Per category: one level read is the level; two different levels are a conflict (no level,
   listed in ``conflicts``); excluding all levels but one gives that one.
"""
from __future__ import annotations

from ..errors import WrongTypeError
from .attribute_phrases import events, resolve, tokens
from .attribute_reading import AttributeReading, Mention, Unjudged, mask_consumed
from .attribute_vocabulary import (
    AUDIO_CONTEXT, CATEGORY_LEVELS, NEGATION_REACH, NOUN_KINDS, REPORTED_KINDS, UNREPORTED_NOUNS,
)

# Words allowed between a level word and the noun after it ("fast speaking speed", "low in pitch").
_FORWARD_FILLERS = frozenset({"speaking", "talking", "speech", "vocal", "overall", "in", "articulation"})
# Words allowed between a noun and a level word after it ("his pitch is on the higher side").
_BACKWARD_GAP = frozenset({
    "is", "are", "was", "were", "be", "being", "been", "remain", "remains", "remained", "stay", "stays",
    "stayed", "keep", "keeps", "kept", "seems", "seem", "sounds", "becomes", "quite", "very", "rather",
    "fairly", "pretty", "relatively", "both", "all", "too", "so", "a", "an", "the", "on", "at", "that",
    "which", "of", "from", "same", "as", "side", "equally", "also", "still", "always", "generally",
    "usually", "typically", "consistently", ":", "enough", "kind", "sort", "bit"})
_MAX_BACKWARD_GAP = 6
_DETERMINERS = frozenset({"a", "an", "the", "his", "her", "their", "its", "my", "your", "our"})
_COORDINATORS = frozenset({"and", "or", ",", "&", "as", "well", "plus"})
CLAUSE_BREAKS = frozenset({".", ",", ";", ":", "!", "?", "(", ")", "but", "and", "yet", "though",
                           "although", "while", "whereas", "however", "with"})
_SENTENCE_BREAKS = frozenset({".", "!", "?", ";"})


class _Reader:
    """One prompt's reading; the steps of the module docstring, in order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokens(text)
        self.words = [t.text for t in self.toks]
        self.events = events(self.toks)
        self.noun_of: dict[int, int] = {}  # level event -> first noun event it took
        self.level_of: dict[int, tuple[int, str]] = {}  # noun event -> (level event, how)
        self.extra: list[tuple[int, int]] = []  # a second level on a noun: (level event, noun event)
        self.ranged: set[int] = set()  # level events read as one range ("moderate to fast")
        self.mentions: list[Mention] = []
        self.unjudged: list[Unjudged] = []
        self.warnings: list[str] = []

    # -- helpers --------------------------------------------------------------------------------
    def kind(self, e: int) -> str:
        return self.events[e].entry.kind

    def gap(self, a: int, b: int) -> list[str]:
        """Words strictly between events a and b (a before b)."""
        return self.words[self.events[a].end : self.events[b].start]

    def span(self, e: int) -> tuple[int, int]:
        ev = self.events[e]
        return self.toks[ev.start].start, self.toks[ev.end - 1].end

    def phrase(self, spans: list[tuple[int, int]]) -> str:
        return " ... ".join(self.text[s:e] for s, e in spans)

    def resolves(self, level: int, noun: int) -> tuple[str, str] | None:
        return resolve(self.events[level].entry.data[0], self.events[noun].entry.data[0])

    def event_words(self, a: int, b: int) -> set[str]:
        """The words of events a..b-1."""
        return {w for k in range(a, b) for w in self.words[self.events[k].start : self.events[k].end]}

    def across_adjective(self, level: int, noun: int) -> bool:
        """"a low, husky voice", "a high and squeaky voice": low/high reach a voice across one
        other adjective."""
        gap = self.gap(level, noun)
        others = [w for w in gap if w not in (",", "and")]
        return (self.events[level].entry.data[0] in ("LOW", "HIGH") and self.events[noun].entry.data[0] == "voice"
                and len(others) == 1 and len(gap) <= 3 and others[0] not in CLAUSE_BREAKS)

    # -- step 2: levels take nouns --------------------------------------------------------------
    def bind(self) -> None:
        n = len(self.events)
        for e in range(n - 1):  # forward: "low pitch"
            if self.kind(e) == "level" and self.kind(e + 1) == "noun" and e + 1 not in self.level_of:
                if (set(self.gap(e, e + 1)) <= _FORWARD_FILLERS or self.across_adjective(e, e + 1)) \
                        and self.resolves(e, e + 1):
                    self.noun_of[e] = e + 1
                    self.level_of[e + 1] = (e, "forward")
        for e in range(n):  # backward: "his pitch is high", "pitch and volume are low"
            if self.kind(e) != "level" or e in self.noun_of:
                continue
            q = e + 1  # listed before a level that took the noun after it: "neither high nor low pitch"
            while q < n and self.kind(q) in ("negator", "degree"):
                q += 1
            if q < n and self.kind(q) == "level" and q in self.noun_of and self.level_of[self.noun_of[q]] == (q, "forward") \
                    and set(self.gap(e, q)) - self.event_words(e + 1, q) <= {"or", "nor", "and", ","} \
                    and self.resolves(e, self.noun_of[q]):
                self.noun_of[e] = self.noun_of[q]
                self.extra.append((e, self.noun_of[q]))
                continue
            p, skipped = e - 1, False
            while p >= 0 and (self.kind(p) in ("negator", "degree", "notread") or (
                    self.kind(p) == "level" and p not in self.noun_of and set(self.gap(p, p + 1)) <= {"and", ",", "or"})):
                skipped |= self.kind(p) == "level"  # "his voice is deep and low": low takes the voice
                p -= 1
            if p >= 0 and self.kind(p) == "level" and p in self.noun_of and not skipped \
                    and set(self.gap(p, e)) - self.event_words(p + 1, e) <= {"or", "nor", "and", ",", "but"} \
                    and self.resolves(e, self.noun_of[p]):  # "a pitch that is neither high nor low"
                self.noun_of[e] = self.noun_of[p]
                self.extra.append((e, self.noun_of[p]))
                continue
            if p < 0 or self.kind(p) != "noun" or p in self.level_of or not self.resolves(e, p):
                continue
            between = self.words[self.events[p].end : self.events[e].start]
            allowed = _BACKWARD_GAP | self.event_words(p + 1, e) | ({"and", ","} if skipped else set())
            if len(between) > _MAX_BACKWARD_GAP or not set(between) <= allowed:
                continue
            self.noun_of[e] = p
            self.level_of[p] = (e, "backward")
            q = p
            while q - 1 >= 0 and self.kind(q - 1) == "noun" and q - 1 not in self.level_of \
                    and self.events[q - 1].entry.data[0] in REPORTED_KINDS:  # not "her voice, and her energy is low"
                joint = set(self.gap(q - 1, q))
                if not (joint & {"and", ",", "&"}) or not joint <= _COORDINATORS | _DETERMINERS | _FORWARD_FILLERS:
                    break
                if not self.resolves(e, q - 1):
                    break
                self.level_of[q - 1] = (e, "backward")
                q -= 1
        for e in sorted(self.noun_of):  # distribute: "normal pitch, speed, and volume"
            noun = self.noun_of[e]
            if self.level_of[noun][1] != "forward":
                continue
            m = noun
            while m + 1 < n and self.kind(m + 1) == "noun" and m + 1 not in self.level_of:
                joint = set(self.gap(m, m + 1))
                if not (joint & {"and", ",", "&", "or"}) or not joint <= _COORDINATORS | _DETERMINERS | _FORWARD_FILLERS:
                    break
                if not self.resolves(e, m + 1):
                    break
                self.level_of[m + 1] = (e, "distributed")
                m += 1

    # -- negation ---------------------------------------------------------------------------------
    def negated(self, head: int, inside: tuple[int, int] | None = None) -> bool:
        """A negator event within reach before event ``head``, or between events ``inside``."""
        if inside is not None and any(self.kind(k) == "negator" for k in range(inside[0] + 1, inside[1])):
            return True
        k = head - 1
        while k >= 0 and self.kind(k) in ("degree",):
            k -= 1
        if k < 0 or self.kind(k) != "negator":
            return False
        between = self.words[self.events[k].end : self.events[head].start]
        return len(between) <= NEGATION_REACH and not set(between) & CLAUSE_BREAKS

    def degree(self, head: int) -> str | None:
        k = head - 1
        if k >= 0 and self.kind(k) == "degree" and self.events[k].end == self.events[head].start:
            return " ".join(self.words[self.events[k].start : self.events[k].end])
        return None

    # -- steps 3 and 4: mentions ---------------------------------------------------------------
    def add(self, category: str, level: str | None, spans: list[tuple[int, int]], head: int, *,
            kind: str = "level", negated: bool = False, presence: tuple[str | None, str | None] = (None, None),
            reason: str) -> None:
        levels = CATEGORY_LEVELS[category]
        if kind == "level" and level == "open":
            kind, level, reason = "open", None, f"{reason}: {category} has no middle level"
        if negated and kind == "level":
            present, absent = presence
            if absent is not None and level == present:
                level, negated, reason = absent, False, f"{reason}; its absence is named: {absent}"
            elif len(levels) == 2:
                level, negated, reason = levels[1 - levels.index(level)], False, f"{reason}; negated: {levels[1 - levels.index(level)]}"
        self.mentions.append(Mention(self.phrase(spans), category, level, tuple(spans), kind, negated,
                                     self.degree(head), reason))

    def ranges(self) -> None:
        """"a moderate to fast pace", "slow or normal speed": both levels are asked for, so only
        the levels outside the range are excluded."""
        for a in range(len(self.events) - 1):
            b = a + 1
            if self.kind(a) != "level" or self.kind(b) != "level" or self.gap(a, b) not in (["to"], ["or"]):
                continue
            noun = self.noun_of.get(b, self.noun_of.get(a))
            if noun is not None:
                found = [resolve(self.events[x].entry.data[0], self.events[noun].entry.data[0]) for x in (a, b)]
            else:
                found = [tuple(self.events[x].entry.data[1].split(":")) if self.events[x].entry.data[1] else None
                         for x in (a, b)]
            if None in found or found[0][0] != found[1][0] or found[0][0] == "unjudged":
                continue
            category = found[0][0]
            self.ranged.update((a, b))
            end = self.span(noun)[1] if noun is not None and noun > b else self.span(b)[1]
            spans = [(self.span(a)[0], end)] + ([self.span(noun)] if noun is not None and noun < a else [])
            inside = {lv for _c, lv in found}
            for level in CATEGORY_LEVELS[category]:
                if level not in inside and level != "open":
                    self.add(category, level, sorted(spans), a, negated=True,
                             reason=f"range {' to '.join(sorted(inside))}: rules out {level}")

    def read(self) -> None:
        self.bind()
        self.ranges()
        absorbed: set[int] = set()
        for e, ev in enumerate(self.events):
            entry = ev.entry
            if entry.kind == "noun" and e in self.level_of:
                if self.level_of[e][0] not in self.ranged:
                    self.bound(*self.level_of[e], e)
            elif entry.kind == "full":
                self.add(*entry.data, [self.span(e)], e, negated=self.negated(e), reason="names the level")
                self.absorb(e, absorbed)
            elif entry.kind == "level" and e not in self.noun_of and e not in self.ranged and entry.data[1]:
                what, _, value = entry.data[1].partition(":")
                if what == "unjudged":
                    self.unjudged.append(Unjudged(self.text[slice(*self.span(e))], value, self.span(e)))
                else:
                    self.add(what, value, [self.span(e)], e, negated=self.negated(e), reason="a level word alone")
                    self.absorb(e, absorbed)
            elif entry.kind == "open":
                self.add(entry.data[0], "open", [self.span(e)], e, reason="names the middle")
            elif entry.kind == "unjudged":
                self.unjudged.append(self._unjudged(e))
            elif entry.kind == "context":
                self._context(e)
        for lv, noun in self.extra:
            if lv not in self.ranged:
                self.bound(lv, "listed with another level on the same noun", noun)
        for e, ev in enumerate(self.events):  # nouns with no level
            if ev.entry.kind != "noun" or e in self.level_of or e in absorbed:
                continue
            kind, present, absent = ev.entry.data
            category = NOUN_KINDS[kind]
            if present is not None:
                self.add(category, present, [self.span(e)], e, negated=self.negated(e),
                         presence=(present, absent), reason="names its presence")
            elif kind in REPORTED_KINDS and " ".join(self.words[ev.start : ev.end]) not in UNREPORTED_NOUNS:
                self.add(category, None, [self.span(e)], e, kind="named", reason="names the category, no level")
                self.warnings.append(f"{self.text[slice(*self.span(e))]!r} names {category} but no level was read")

    def bound(self, lv: int, how: str, e: int) -> None:
        """The mention of level event ``lv`` taken by noun event ``e``."""
        cls, kind = self.events[lv].entry.data[0], self.events[e].entry.data[0]
        category, level = resolve(cls, kind)
        if how == "forward":
            spans, neg = [(self.span(lv)[0], self.span(e)[1])], self.negated(lv)
        else:
            spans = sorted([self.span(lv), self.span(e)])
            neg = self.negated(lv, (e, lv)) if how == "backward" and e < lv else self.negated(lv)
        presence = self.events[e].entry.data[1:] if cls in ("MORE", "LESS", "HIGH", "LOW") else (None, None)
        self.add(category, level, spans, lv, negated=neg, presence=presence,
                 reason=f"{how}: level word {self.words[self.events[lv].start]!r} on a {kind} noun")

    def absorb(self, e: int, absorbed: set[int]) -> None:
        """A noun of the same category right after a word that named a level is part of that
        mention ("expressive intonation", "monotone delivery"), not a mention of its own."""
        nxt, m = e + 1, self.mentions[-1]
        if nxt < len(self.events) and self.kind(nxt) == "noun" and nxt not in self.level_of \
                and NOUN_KINDS[self.events[nxt].entry.data[0]] == m.category and set(self.gap(e, nxt)) <= _FORWARD_FILLERS:
            absorbed.add(nxt)
            span = (m.spans[-1][0], self.span(nxt)[1])
            self.mentions[-1] = Mention(self.phrase([span]), m.category, m.level, (*m.spans[:-1], span), m.kind,
                                        m.negated, m.degree, m.reason)

    def _unjudged(self, e: int) -> Unjudged:
        start, end = self.span(e)
        ev = self.events[e]
        topic = ev.entry.data[0]
        k = ev.start - 1  # "a thick British accent": its adjectives too (else "thick" reads as Dark)
        while topic == "accent" and k >= max(0, ev.start - 2) and self.words[k] not in _DETERMINERS \
                and self.words[k] not in CLAUSE_BREAKS and not any(o.start <= k < o.end for o in self.events):
            start, k = self.toks[k].start, k - 1
        return Unjudged(self.text[start:end], topic, (start, end))

    def _context(self, e: int) -> None:
        ev = self.events[e]
        lo = max((i + 1 for i in range(ev.start) if self.words[i] in _SENTENCE_BREAKS), default=0)
        hi = min((i for i in range(ev.end, len(self.words)) if self.words[i] in _SENTENCE_BREAKS),
                 default=len(self.words))
        sentence = set(self.words[lo : ev.start]) | set(self.words[ev.end : hi])
        if sentence & AUDIO_CONTEXT:
            self.add("noise", "clean", [self.span(e)], e, negated=self.negated(e),
                     reason="clarity of a sentence about the recording")
        else:
            self.unjudged.append(Unjudged(self.text[slice(*self.span(e))], "articulation", self.span(e)))

    def result(self) -> AttributeReading:
        levels: dict[str, str] = {}
        excluded: dict[str, tuple[str, ...]] = {}
        conflicts: dict[str, tuple[str, ...]] = {}
        opened: list[str] = []
        for category, scale in CATEGORY_LEVELS.items():
            ms = [m for m in self.mentions if m.category == category]
            positive = {m.level for m in ms if m.kind == "level" and not m.negated}
            negative = {m.level for m in ms if m.kind == "level" and m.negated}
            if negative:
                excluded[category] = tuple(lv for lv in scale if lv in negative)
            if any(m.kind == "open" for m in ms):
                opened.append(category)
                if positive:
                    conflicts[category] = tuple(m.phrase for m in ms if m.kind != "named")
                continue
            if len(positive) > 1 or positive & negative:
                conflicts[category] = tuple(m.phrase for m in ms if m.kind == "level")
                self.warnings.append(f"{category} not read: conflicting words "
                                     + ", ".join(f"{m.phrase!r} ({'not ' if m.negated else ''}{m.level})"
                                                 for m in ms if m.kind == "level"))
            elif positive:
                levels[category] = positive.pop()
            elif negative and len(set(scale) - negative) == 1:
                levels[category] = next(lv for lv in scale if lv not in negative)
        spans = sorted([s for m in self.mentions for s in m.spans] + [u.span for u in self.unjudged])
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        mentions = sorted(self.mentions, key=lambda m: (m.spans[0][0], m.spans[-1][1]))
        return AttributeReading(levels, excluded, tuple(opened), conflicts, tuple(mentions),
                                list(dict.fromkeys(u.phrase for u in sorted(self.unjudged, key=lambda u: u.span))),
                                tuple(sorted(self.unjudged, key=lambda u: u.span)), tuple(merged),
                                tuple(dict.fromkeys(self.warnings)))


def read_attribute_words(text: str) -> AttributeReading:
    """Read a prompt's words for the measured categories (see the module docstring)."""
    if not isinstance(text, str):
        raise WrongTypeError(f"a prompt must be a str, not {type(text).__name__}")
    reader = _Reader(text)
    reader.read()
    return reader.result()


__all__ = ["AttributeReading", "CLAUSE_BREAKS", "Mention", "Unjudged", "mask_consumed", "read_attribute_words"]
