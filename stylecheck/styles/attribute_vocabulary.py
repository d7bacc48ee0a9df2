"""The words style prompts use for the measured categories, as data (read by ``attribute_words``).

Phrases are written normalised: lower case, hyphens as spaces ("low-pitched" is ``low pitched``).
How the tables combine is described in :mod:`stylecheck.styles.attribute_words`; the decisions
that are not obvious are here, next to the words.

* **Pitch words are pitch, not timbre.** "low-pitched", "high pitch", "a high voice", "deep-pitched"
  name the pitch level. "deep", "dark", "bright", "thin", "thick", "shrill" stay timbre (the learned
  brightness category) and are not read here; "deep" counts as pitch only inside "deep pitch(ed)".
  "a low voice" / "a high tone" is pitch ("a low, husky voice" too), but "in a low voice" / "in a
  low tone" is the idiom for speaking quietly.
* **Energy is loudness.** LibriTTS-P, TextrolSpeech and SpeechCraft label loudness as "energy",
  "power", "intensity", "vitality"; "energetic" is loud. "lively" and "animated" are pitch
  variation (expressive), except "a lively pace", which is fast.
* **"soft"** alone stays timbre (Smooth; LibriTTS-P pairs raspy with soft). "softly",
  "soft-spoken", "soft volume", "in a soft voice" are quiet.
* **Noise** is the recording's noise only. Reverberation and microphone distance (dataspeech's
  "distant-sounding" / "close-sounding", "roomy", "confined", "close-up") are not noise: stylecheck
  measures a signal-to-noise ratio, which reverberation does not lower, so they are unjudged.
  "quiet" or "loud" beside a place ("a quiet studio", "a loud room") is about noise, not the voice.
  "clear" / "crisp" are noise (clean) only where the sentence is about the recording ("clear audio",
  "the recording is very clear"); "a clear voice" is clarity of speech, unjudged.
* **Degree words** ("very", "slightly", "quite") never change the level: "slightly fast" is fast.
  "moderate", "medium", "average", "standard", ... are the middle level (dataspeech's "moderate
  speed", "moderately dynamic"); "moderately" before an adjective is only a degree ("moderately
  fast" is fast). noise has two levels, so its middle words ("moderate ambient sound", "balanced in
  clarity") leave it open.
* **Negation** of a level on a three-level scale only excludes that level: "not too fast" is "not
  fast" (slow or normal pass); "neither too fast nor too slow" excludes both ends, so it is normal.
  On the two-level noise scale, "not noisy" is clean. Naming the absence of a quality gives its
  low end: "no background noise" is clean, "without expression" monotone, "lacking energy" quiet.
"""
from __future__ import annotations

#: The measured categories and their levels, low end first.
CATEGORY_LEVELS: dict[str, tuple[str, ...]] = {
    "pitch": ("low", "normal", "high"),
    "variation": ("monotone", "normal", "expressive"),
    "rate": ("slow", "normal", "fast"),
    "loudness": ("quiet", "normal", "loud"),
    "noise": ("clean", "noisy"),
}

#: Kinds of noun and the category each names. "voice" nouns take only low/high ("a low voice");
#: "quality" nouns run the other way (high quality is clean); "place" nouns are where the
#: recording was made ("a quiet room").
NOUN_KINDS: dict[str, str] = {
    "pitch": "pitch", "voice": "pitch", "rate": "rate", "loudness": "loudness",
    "variation": "variation", "range": "variation", "noise": "noise", "quality": "noise",
    "place": "noise",
}
#: Kinds whose nouns, named without any level ("with a pitch that..."), are reported as such.
REPORTED_KINDS = frozenset({"pitch", "rate", "loudness", "variation", "range", "noise"})
#: Nouns of those kinds that often stand in other senses ("a monotone delivery"): not reported.
UNREPORTED_NOUNS = frozenset({"delivery", "cadence", "rhythm", "register", "range", "melody", "prosody"})

#: noun -> (kind, level when the noun is named without a level, level when its absence is named).
NOUNS: dict[str, tuple[str, str | None, str | None]] = {
    **{n: ("pitch", None, None) for n in (
        "pitch", "pitched", "pitches", "f0", "fundamental frequency", "register", "pitch level")},
    **{n: ("voice", None, None) for n in ("voice", "voiced", "voices", "tone", "toned")},
    **{n: ("rate", None, None) for n in (
        "speed", "speeds", "pace", "paced", "tempo", "rate", "speaking rate", "speech rate",
        "rate of speech", "speed of speech", "articulation rate", "articulation speed", "delivery",
        "cadence", "rhythm", "speaking speed", "talking speed", "speech speed")},
    **{n: ("loudness", None, None) for n in (
        "volume", "volume level", "loudness", "intensity", "amplitude", "decibel", "decibels",
        "decibel level", "sound level", "sound volume", "vocal effort")},
    "energy level": ("loudness", None, None),
    **{n: ("loudness", "loud", "quiet") for n in ("energy", "power", "vitality", "vigor", "vigour")},
    **{n: ("variation", None, None) for n in ("intonation", "prosody", "pitch contour")},
    **{n: ("variation", "expressive", "monotone") for n in (
        "pitch variation", "pitch variations", "pitch variability", "variation", "variations",
        "variation in pitch", "variations in pitch", "variation of pitch", "changes in pitch",
        "variability", "expression", "expressiveness", "inflection", "inflections", "modulation",
        "melody")},
    **{n: ("range", None, None) for n in ("range", "pitch range", "vocal range", "f0 range", "range of pitch")},
    **{n: ("noise", "noisy", "clean") for n in (
        "noise", "noises", "background noise", "background noises", "ambient noise",
        "ambient sound", "ambient sounds", "background sound", "background sounds", "noise level",
        "noise floor", "hiss", "hissing", "static", "hum", "crackle", "crackling", "interference",
        "background chatter", "chatter", "background music")},
    **{n: ("quality", None, None) for n in (
        "quality", "audio quality", "sound quality", "recording quality", "fidelity", "snr",
        "signal to noise ratio", "signal to noise")},
    **{n: ("place", None, None) for n in (
        "room", "environment", "setting", "surroundings", "space", "booth", "place", "location",
        "background", "backdrop", "acoustic environment")},
    "studio": ("place", "clean", None),
}

#: Level classes: what a level word means beside each kind of noun. "category:level" crosses
#: categories ("varied pitch" is variation); "open" is the middle of the two-level noise scale.
LEVEL_CLASSES: dict[str, dict[str, str]] = {
    "LOW": {"pitch": "low", "voice": "low", "rate": "slow", "loudness": "quiet",
            "variation": "monotone", "range": "monotone", "noise": "clean", "quality": "noisy"},
    "HIGH": {"pitch": "high", "voice": "high", "rate": "fast", "loudness": "loud",
             "variation": "expressive", "range": "expressive", "noise": "noisy", "quality": "clean"},
    # Quantity words ("reduced", "a lot of") are low and high, but not of a voice: "a strong voice"
    # is not a high one.
    "LESS": {"pitch": "low", "rate": "slow", "loudness": "quiet", "variation": "monotone",
             "range": "monotone", "noise": "clean", "quality": "noisy"},
    "MORE": {"pitch": "high", "rate": "fast", "loudness": "loud", "variation": "expressive",
             "range": "expressive", "noise": "noisy", "quality": "clean"},
    "MID": {"pitch": "normal", "rate": "normal", "loudness": "normal", "variation": "normal",
            "range": "normal", "noise": "open", "quality": "open", "place": "open"},
    "LARGE": {"loudness": "loud", "variation": "expressive", "range": "expressive", "noise": "noisy",
              "quality": "clean"},
    "SMALL": {"loudness": "quiet", "variation": "monotone", "range": "monotone"},
    "SLOW": {"rate": "slow"},
    "FAST": {"rate": "fast"},
    "LOUD": {"loudness": "loud", "noise": "noisy", "place": "noisy"},
    "QUIET": {"loudness": "quiet", "noise": "clean", "place": "clean"},
    "NOISY": {"noise": "noisy", "place": "noisy", "quality": "noisy"},
    "CLEAN": {"noise": "clean", "place": "clean", "quality": "clean"},
    "GOOD": {"quality": "clean"},
    "BAD": {"quality": "noisy"},
    "VARIED": {"pitch": "variation:expressive", "voice": "variation:expressive",
               "variation": "expressive", "range": "expressive"},
    "FLAT": {"pitch": "variation:monotone", "voice": "variation:monotone", "variation": "monotone"},
    "WIDE": {"range": "expressive", "variation": "expressive"},
    "NARROW": {"range": "monotone", "variation": "monotone"},
    "STEADY": {"rate": "normal"},
    "LIVELY": {"rate": "fast", "variation": "expressive"},
    "DEEP": {"pitch": "low"},
}

#: Level words: phrase -> (class, meaning when no noun takes it: None, "category:level" or
#: "unjudged:topic").
LEVEL_WORDS: dict[str, tuple[str, str | None]] = {
    **{w: ("LOW", None) for w in ("low", "lower", "lowest")},
    **{w: ("HIGH", None) for w in ("high", "higher", "highest")},
    **{w: ("LESS", None) for w in (
        "reduced", "decreased", "lowered", "minimal", "little", "less", "weak", "hardly any",
        "barely any", "little to no", "little or no", "limited", "mild")},
    **{w: ("QUIET", "loudness:quiet") for w in ("subdued", "muted", "faint")},
    **{w: ("MORE", None) for w in (
        "raised", "elevated", "increased", "heightened", "full", "maximum", "max", "strong",
        "a lot of", "lots of", "plenty of", "much", "heavy", "significant", "considerable")},
    **{w: ("MID", None) for w in (
        "normal", "standard", "average", "typical", "regular", "moderate", "medium", "ordinary",
        "usual", "customary", "middle", "mid", "intermediate", "balanced", "moderately",
        "ordinary people", "regular people", "typical individuals", "normal people")},
    "neutral": ("MID", "unjudged:emotion"),
    "natural": ("MID", None),
    "conversational": ("MID", "unjudged:speaking style"),
    **{w: ("LARGE", None) for w in ("large", "big", "great", "greater", "huge", "massive")},
    **{w: ("SMALL", None) for w in ("small", "tiny")},
    **{w: ("SLOW", "rate:slow") for w in (
        "slow", "slower", "slowest", "leisurely", "unhurried", "measured", "deliberate", "sluggish",
        "languid")},
    "relaxed": ("SLOW", "unjudged:emotion"),
    **{w: ("FAST", "rate:fast") for w in (
        "fast", "faster", "fastest", "quick", "quicker", "rapid", "brisk", "swift", "hurried",
        "hasty", "speedy", "rushed", "accelerated")},
    **{w: ("LOUD", "loudness:loud") for w in ("loud", "louder", "loudest")},
    **{w: ("QUIET", "loudness:quiet") for w in ("quiet", "quieter", "quietest")},
    **{w: ("QUIET", None) for w in ("soft", "softer", "silent", "calm")},
    **{w: ("NOISY", "noise:noisy") for w in ("noisy", "noisier", "busy")},
    **{w: ("CLEAN", "noise:clean") for w in ("clean", "cleaner", "pristine", "noiseless")},
    **{w: ("GOOD", None) for w in ("good", "excellent", "superb", "perfect", "professional")},
    **{w: ("BAD", None) for w in ("bad", "poor", "terrible", "awful", "degraded", "lousy")},
    **{w: ("VARIED", "variation:expressive") for w in ("varied", "varying", "variable", "exaggerated")},
    **{w: ("FLAT", "variation:monotone") for w in ("flat", "even", "unvaried")},
    **{w: ("WIDE", None) for w in ("wide", "broad")},
    **{w: ("NARROW", None) for w in ("narrow", "restricted")},
    **{w: ("STEADY", None) for w in ("steady", "constant", "consistent")},
    **{w: ("LIVELY", "variation:expressive") for w in ("lively",)},
    **{w: ("DEEP", None) for w in ("deep", "deeper")},
}
# Fixups where a word's bare meaning differs from its class's: "calm" alone is an emotion, "busy"
# alone says nothing, "even" alone says nothing.
LEVEL_WORDS["calm"] = ("QUIET", "unjudged:emotion")
LEVEL_WORDS["gentle"] = ("QUIET", "unjudged:emotion")
LEVEL_WORDS["busy"] = ("NOISY", None)
LEVEL_WORDS["even"] = ("FLAT", None)

#: Words that name a level by themselves: "category:level" -> phrases.
FULL_WORDS: dict[str, tuple[str, ...]] = {
    "rate:fast": (
        "quickly", "rapidly", "swiftly", "briskly", "hurriedly", "hastily", "speedily", "in a hurry",
        "rattles off", "breakneck", "rapid fire", "fast articulation", "quick articulation", "rapid articulation"),
    "rate:slow": (
        "slowly", "unhurriedly", "deliberately", "drawn out", "drawling", "drawl",
        "sluggishly", "slowed down", "slow articulation", "snail pace"),
    "loudness:loud": (
        "loudly", "shouting", "shout", "shouts", "shouted", "shouty", "yelling", "yell", "yells", "yelled",
        "screaming", "scream", "screams", "screamed", "bellowing", "bellow", "bellows", "bellowed",
        "booming", "energetic", "energetically", "forceful", "forcefully", "powerful", "powerfully",
        "in a raised voice", "raised voice", "big voice", "raising his voice", "raising her voice",
        "raises his voice", "raises her voice", "at the top of his lungs",
        "at the top of her lungs", "at the top of their lungs"),
    "loudness:quiet": (
        "quietly", "softly", "soft spoken", "softly spoken", "soft voiced", "hushed", "murmuring",
        "murmur", "murmurs", "murmured", "faintly", "barely audible",
        "under his breath", "under her breath", "under their breath", "in a low voice",
        "in a soft voice", "in a small voice", "small voice", "low spoken", "in a low tone",
        "in a lowered voice", "lowered voice"),
    "variation:monotone": (
        "monotone", "monotonous", "monotonously", "monotonic", "flatly", "droning", "drone",
        "deadpan", "expressionless", "unexpressive", "inexpressive", "emotionless", "unemotional",
        "unexpressively"),
    "variation:expressive": (
        "expressive", "expressively", "animated", "animatedly", "dynamic", "dynamically",
        "melodic", "melodious", "sing song", "singsong", "sing songy", "lilting", "liveliness"),
    "variation:normal": ("moderately dynamic", "moderately expressive"),
    "noise:noisy": ("hissy", "staticky", "crackly"),
    "noise:clean": ("noise free", "clean sounding", "clear audio", "clear sound", "clear recording",
                    "crystal clear audio", "crisp audio", "clean audio"),
}

#: Phrases that name a measured category but decide no level (the middle of a two-level scale).
OPEN_PHRASES: dict[str, str] = {"balanced in clarity": "noise", "moderate ambient sound": "noise"}

#: Words that mean noise (clean) when their sentence is about the recording, else voice clarity.
CONTEXT_CLEAN_WORDS: tuple[str, ...] = ("clear", "clearer", "crystal clear", "crisp", "crisper")
#: Words that make a sentence about the recording (for :data:`CONTEXT_CLEAN_WORDS`).
AUDIO_CONTEXT: frozenset[str] = frozenset({
    "audio", "recording", "recorded", "record", "quality", "background", "noise", "environment",
    "studio", "microphone", "mic", "acoustics", "fidelity", "snr", "sound"})

#: Phrases naming something stylecheck does not judge: topic -> phrases. Each is listed in
#: ``unjudged``; none decides a category. Words the learned categories read (deep, raspy, soft,
#: smooth, young, ...) are not here.
UNJUDGED_WORDS: dict[str, tuple[str, ...]] = {
    "emotion": (
        "happy", "happily", "happiness", "joy", "joyful", "joyfully", "joyous", "cheerful",
        "cheerfully", "glad", "delighted", "sad", "sadly", "sadness", "sorrow", "sorrowful",
        "unhappy", "melancholy", "melancholic", "gloomy", "depressed", "despair", "despairing",
        "upset", "angry", "angrily", "anger", "furious", "furiously", "irritated", "annoyed",
        "frustrated", "enraged", "rage", "calmly", "calmness", "serene", "peaceful", "soothing",
        "tranquil", "excited", "excitedly", "excitement", "enthusiastic", "enthusiastically",
        "enthusiasm", "thrilled", "fear", "fearful", "fearfully", "afraid", "scared", "frightened",
        "terrified", "nervous", "nervously", "anxious", "anxiously", "worried", "panicked",
        "surprised", "surprise", "astonished", "amazed", "shocked", "disgust", "disgusted",
        "contempt", "contemptuous", "emotional", "emotionally", "emotion", "tender", "tenderly",
        "gently", "friendly", "sympathetic", "compassionate", "loving", "affectionate",
        "bored", "boredom", "tired", "weary", "sleepy", "exhausted", "proud", "shy", "timid",
        "sincere", "solemn", "somber", "sombre", "serious", "stern", "sternly", "grave", "urgent",
        "urgently", "pleading", "desperate", "hopeful", "curious", "confused", "awed", "admiring",
        "amused", "pained", "guilty", "jealous", "lonely", "nostalgic", "triumphant", "crying",
        "sobbing", "tearful", "laughing", "laughter", "giggling", "sighing", "sigh", "passionate",
        "passionately", "confident", "confidently"),
    "speaking style": (
        "authoritative", "assertive", "commanding", "formal", "casual", "dramatic", "dramatically",
        "theatrical", "sarcastic", "sarcastically", "playful", "playfully", "emphatic",
        "emphatically", "singing", "sung", "chanting", "staccato", "choppy", "punctuated",
        "flowing", "pauses", "pausing", "hesitant", "hesitantly", "hesitation", "pitchy",
        "storytelling", "narrative"),
    "phonation": (
        "whisper", "whispers", "whispered", "whispering", "whispery", "breathy", "breathiness",
        "airy", "creaky", "creakiness", "vocal fry", "falsetto", "strained", "shaky", "trembling",
        "tremulous", "quivering", "quavering"),
    "resonance": ("nasal", "nasally", "nasality", "resonant", "resonance", "metallic", "guttural",
                  "throaty", "warm", "warmer", "warmth", "warmly"),
    "articulation": (
        "clear voice", "clear articulation", "clear diction", "clear enunciation",
        "clear pronunciation", "clear speech", "clearly", "enunciated", "enunciation", "diction", "articulation",
        "pronunciation", "mumbling", "mumbled", "mumbles", "slurred", "slurring", "lisp",
        "lisping", "stutter", "stuttering", "stammer", "stammering", "muffled"),
    "reverberation": (
        "reverb", "reverberation", "reverberant", "echo", "echoes", "echoing", "echoey", "echoy",
        "roomy", "roomy sounding", "confined", "confined sounding", "close sounding", "close up",
        "closeup", "close miked", "close mic", "close recording", "distant", "distant sounding",
        "far away", "far field", "near field", "cavernous"),
    "distortion": ("distorted", "distortion", "clipping", "lo fi", "low fi",
                   "telephone quality", "bandlimited"),
    "accent": ("accent", "accents", "accented", "dialect"),
    "voice type": ("bass", "baritone", "tenor", "alto", "soprano", "contralto", "mezzo"),
}

#: Negate the next mention (within :data:`NEGATION_REACH` words, in the clause).
NEGATORS: tuple[str, ...] = (
    "not", "no", "never", "without", "neither", "nor", "non", "lacking", "lacks", "lack", "free of",
    "devoid of", "absence of")
NEGATION_REACH = 3
#: Degree words: recorded, never change the level.
DEGREE_WORDS: tuple[str, ...] = (
    "very", "slightly", "quite", "extremely", "somewhat", "a little", "a bit", "a little bit",
    "rather", "fairly", "relatively", "pretty", "really", "highly", "incredibly", "exceptionally",
    "overly", "too", "so", "unusually", "particularly", "noticeably", "a touch", "a tad",
    "extra", "super", "mildly", "almost", "nearly", "reasonably", "exceedingly", "especially", "slight")
#: Phrases that look like negations or levels but are not ("no different from ordinary people"
#: says normal; the "normal" decides it). Matched so their words are not read.
NOT_READ: tuple[str, ...] = (
    "not only", "not just", "not merely", "no matter", "without a doubt", "no doubt",
    "no different", "pitch black", "pitch dark", "up to speed", "high school", "low key")


def _words(phrases) -> str:
    return ", ".join(f"`{p}`" for p in phrases)


def vocabulary_table() -> str:
    """The vocabulary as Markdown: every word, the category it names and the level it gives."""
    kinds = list(NOUN_KINDS)
    out = ["# How prompt words are read for the measured categories", "",
           "Generated from `stylecheck/styles/attribute_vocabulary.py` by `scripts/prompt_words_table.py`;",
           "the rules (degree words, negation, context) are in that module's docstring and in",
           "`stylecheck/styles/attribute_words.py`. Levels: "
           + "; ".join(f"{c}: {', '.join(lv)}" for c, lv in CATEGORY_LEVELS.items()) + ".", "",
           "## Words that name a level by themselves", "", "| word | category | level |", "|---|---|---|"]
    alone: dict[str, list[str]] = {}
    for meaning, phrases in FULL_WORDS.items():
        alone.setdefault(meaning, []).extend(phrases)
    for phrase, (_cls, meaning) in LEVEL_WORDS.items():
        if meaning and not meaning.startswith("unjudged:"):
            alone.setdefault(meaning, []).append(phrase)
    for meaning in sorted(alone):
        category, level = meaning.split(":")
        out.append(f"| {_words(alone[meaning])} | {category} | {level} |")
    out += ["", "## Level words beside a category noun", "",
            "A level word takes the noun after it (\"low pitch\", \"fast speaking speed\") or before it",
            "(\"his pitch is low\"); what it gives depends on the noun's kind (nouns below). `open`: the",
            "middle of the two-level noise scale, which leaves noise open.", "",
            "| level words | " + " | ".join(kinds) + " | alone |", "|---" * (len(kinds) + 2) + "|"]
    by_class: dict[tuple[str, str | None], list[str]] = {}
    for phrase, key in LEVEL_WORDS.items():
        by_class.setdefault(key, []).append(phrase)
    for (cls, meaning), phrases in by_class.items():
        cells = []
        for kind in kinds:
            value = LEVEL_CLASSES[cls].get(kind, "")
            cells.append(value.replace(":", " ") if value else "")
        out.append(f"| {_words(phrases)} | " + " | ".join(cells) + f" | {(meaning or '').replace(':', ' ')} |")
    out += ["", "## Category nouns", "", "| nouns | kind | category | named without a level | its absence named |",
            "|---|---|---|---|---|"]
    by_noun: dict[tuple, list[str]] = {}
    for phrase, key in NOUNS.items():
        by_noun.setdefault(key, []).append(phrase)
    for (kind, present, absent), phrases in by_noun.items():
        out.append(f"| {_words(phrases)} | {kind} | {NOUN_KINDS[kind]} | {present or ''} | {absent or ''} |")
    out += ["", "## Context", "",
            f"- {_words(OPEN_PHRASES)}: name noise's middle, so noise is left open.",
            f"- {_words(CONTEXT_CLEAN_WORDS)}: noise clean when the sentence has one of "
            f"{_words(sorted(AUDIO_CONTEXT))}; otherwise unjudged (articulation).",
            f"- Negators: {_words(NEGATORS)} (reach {NEGATION_REACH} words, within the clause).",
            f"- Degree words, which never change the level: {_words(DEGREE_WORDS)}.",
            f"- Not read (look like negations or levels but are not): {_words(NOT_READ)}.",
            "", "## Unjudged: named, listed, never judged", "", "| topic | phrases |", "|---|---|"]
    for topic, phrases in UNJUDGED_WORDS.items():
        out.append(f"| {topic} | {_words(phrases)} |")
    extra = [f"`{p}` ({m.split(':')[1]})" for p, (_c, m) in LEVEL_WORDS.items() if m and m.startswith("unjudged:")]
    out.append(f"| when no noun takes them | {', '.join(extra)} |")
    out.append("| before `accent` | up to two words before it (\"a thick Scottish accent\") |")
    return "\n".join(out) + "\n"
