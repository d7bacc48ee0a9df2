"""read_attribute_words: prompts worded as TTS datasets word them in, levels of the measured
categories, unjudged phrases and the spans taken from the learned-category parser out."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import real_data
from stylecheck.styles.attribute_phrases import phrase_table
from stylecheck.styles.attribute_vocabulary import CATEGORY_LEVELS, UNJUDGED_WORDS, vocabulary_table
from stylecheck.styles.attribute_words import mask_consumed, read_attribute_words

from stylecheck.styles.prompts import parse_style_prompt
from stylecheck.styles.text import tokenize
from stylecheck.styles.vocabulary import LABEL_WORDS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
ATTRIBUTES = ("pitch", "rate", "loudness")
KEY_LEVELS = {"pitch": {"low": "low", "normal": "normal", "high": "high"},
              "rate": {"slow": "slow", "normal": "normal", "fast": "fast"},
              "loudness": {"low": "quiet", "normal": "normal", "high": "loud"}}


def _agrees(text_level: str, phrasing: str, attribute: str) -> bool:
    """Does the reading of ``phrasing`` give what its text asks for ("" none, "not:x" excludes x)?"""
    reading = read_attribute_words(phrasing)
    if text_level.startswith("not:"):
        return attribute not in reading.levels and reading.excluded.get(attribute) == tuple(text_level[4:].split("|"))
    return reading.levels.get(attribute, "") == text_level


def _key_levels(key: str) -> dict[str, str]:
    _gender, p, s, e = key.split("_")
    return {"pitch": KEY_LEVELS["pitch"][p[2:]], "rate": KEY_LEVELS["rate"][s[2:]],
            "loudness": KEY_LEVELS["loudness"][e[2:]]}


# -- LibriTTS-P -----------------------------------------------------------------------------------
def test_libritts_p_sample_without_shared_data():
    rows = list(csv.DictReader(open(FIXTURES / "libritts_p_sample.csv", encoding="utf-8")))
    assert len(rows) == 40
    for attribute in ATTRIBUTES:
        wrong = [r["phrasing"] for r in rows if not _agrees(r[attribute], r["phrasing"], attribute)]
        assert not wrong, f"{attribute} misread in {wrong}"


@pytest.mark.realdata
def test_libritts_p_every_phrasing_read_as_its_text_says():
    path = real_data("libritts_p", "style_prompt_candidates_v230922.csv")
    truth = {(r["key"], r["phrasing"], r["attribute"]): r for r in
             csv.DictReader(open(FIXTURES / "libritts_p_text_truth.csv", encoding="utf-8"))}
    phrasings = [(key, p.strip()) for key, ps in (line.rstrip("\n").split("|", 1) for line in open(path, encoding="utf-8"))
                 for p in ps.split(";")]
    assert len(phrasings) == 1347
    seen = set()
    misses: dict[str, list[str]] = {a: [] for a in ATTRIBUTES}
    for key, phrasing in phrasings:
        levels = _key_levels(key)
        for attribute in ATTRIBUTES:
            override = truth.get((key, phrasing, attribute))
            if override is not None:
                seen.add((key, phrasing, attribute))
                assert override["key_level"] == levels[attribute]
            wanted = override["text_level"] if override else levels[attribute]
            if not _agrees(wanted, phrasing, attribute):
                misses[attribute].append(phrasing)
    assert seen == set(truth), "text-truth rows that match no phrasing of the data"
    contradicting = {(k, p) for (k, p, _a), r in truth.items() if r["why"] == "the text contradicts the key"}
    assert len(contradicting) == 39
    for attribute, wrong in misses.items():
        assert 1 - len(wrong) / len(phrasings) >= 0.99, f"{attribute}: {len(wrong)} misread, e.g. {wrong[:5]}"


def test_every_text_truth_row_is_read_as_written():
    rows = list(csv.DictReader(open(FIXTURES / "libritts_p_text_truth.csv", encoding="utf-8")))
    assert Counter(r["why"] for r in rows)["the text contradicts the key"] == 39
    for r in rows:
        assert r["text_level"] != r["key_level"]
        assert _agrees(r["text_level"], r["phrasing"], r["attribute"]), r


# -- dataspeech / Parler-TTS text bins -----------------------------------------------------------
DATASPEECH_BINS = {
    "pitch": (["very low-pitch", "quite low-pitch", "slightly low-pitch", "very low pitch", "slightly low pitch"],
              ["moderate pitch"],
              ["slightly high-pitch", "quite high-pitch", "very high-pitch", "quite high pitch"]),
    "rate": (["very slowly", "quite slowly", "slightly slowly"], ["moderate speed"],
             ["slightly fast", "quite fast", "very fast"]),
    "variation": (["very monotone", "quite monotone", "slightly monotone"],
                  ["moderately dynamic", "moderate intonation"],
                  ["slightly expressive and animated", "quite expressive and animated", "very expressive",
                   "slightly expressive"]),
}


@pytest.mark.parametrize("category,bins", DATASPEECH_BINS.items())
def test_dataspeech_bins(category, bins):
    for level, texts in zip(CATEGORY_LEVELS[category], bins):
        for text in texts:
            assert read_attribute_words(text).levels == {category: level}, text


@pytest.mark.parametrize("text,noise", [
    ("very noisy", "noisy"), ("quite noisy", "noisy"), ("slightly noisy", "noisy"),
    ("slightly clean", "clean"), ("very clean", "clean"), ("very clear audio", "clean"),
    ("the recording is quite clear", "clean"), ("almost no background noise", "clean"),
])
def test_dataspeech_noise_bins(text, noise):
    assert read_attribute_words(text).levels == {"noise": noise}


@pytest.mark.parametrize("text", ["balanced in clarity", "moderate ambient sound", "moderate background noise"])
def test_the_middle_of_noise_leaves_it_open(text):
    reading = read_attribute_words(text)
    assert reading.levels == {} and reading.open == ("noise",)


@pytest.mark.parametrize("text", ["very distant-sounding", "quite close-sounding", "moderately balanced reverberation",
                                  "slightly roomy sounding", "very confined sounding", "very close up"])
def test_reverberation_bins_are_unjudged_not_noise(text):
    reading = read_attribute_words(text)
    assert reading.levels == {} and [u.topic for u in reading.unjudged_matches] == ["reverberation"]


PROMPTS = [
    # Parler-TTS descriptions
    ("A female speaker delivers a slightly expressive and animated speech with a moderate speed and pitch. "
     "The recording is of very high quality, with the speaker's voice sounding clear and very close up.",
     {"variation": "expressive", "rate": "normal", "pitch": "normal", "noise": "clean"}, ["close up"]),
    ("Jon's voice is monotone yet slightly fast in delivery, with a very close recording that almost has no "
     "background noise.", {"variation": "monotone", "rate": "fast", "noise": "clean"}, ["close recording"]),
    ("A man speaks with a very low-pitch voice, quite slowly, in a very noisy and distant-sounding environment.",
     {"pitch": "low", "rate": "slow", "noise": "noisy"}, ["distant-sounding"]),
    ("a woman with a slightly high-pitched voice speaks very fast in a quite confined sounding environment, "
     "the audio is quite clean", {"pitch": "high", "rate": "fast", "noise": "clean"}, ["confined sounding"]),
    # TextrolSpeech / PromptSpeech
    ("a man speaks with low pitch, high energy and fast speed", {"pitch": "low", "loudness": "loud", "rate": "fast"}, []),
    ("She has a high-pitched voice, speaks at a normal speed, and her energy level is low; she sounds happy.",
     {"pitch": "high", "rate": "normal", "loudness": "quiet"}, ["happy"]),
    ("With a low pitch and customary speaking speed, his communication conveys an overall sense of subdued energy.",
     {"pitch": "low", "rate": "normal", "loudness": "quiet"}, []),
    ("A female voice with normal speaking speed, low volume and high pitch, sounding sad.",
     {"rate": "normal", "loudness": "quiet", "pitch": "high"}, ["sad"]),
    # SpeechCraft
    ("The man employs a low-pitched voice, keeping a regular rhythm and usual energy in conversation.",
     {"pitch": "low", "rate": "normal", "loudness": "normal"}, []),
    ("The male speaker's energetic discourse is accompanied by a normal pitch and speed.",
     {"loudness": "loud", "pitch": "normal", "rate": "normal"}, []),
    ("Rapidly speaking, the despairing man's deep voice resonates with a sense of normal energy.",
     {"rate": "fast", "loudness": "normal"}, ["despairing"]),
    ("The woman speaks at a brisk pace with a high-pitched voice, her tone radiating excitement.",
     {"rate": "fast", "pitch": "high"}, ["excitement"]),
    # ParaSpeechCaps
    ("A man with a deep, booming voice speaks slowly in a clean recording environment, his tone guttural and "
     "authoritative.", {"loudness": "loud", "rate": "slow", "noise": "clean"}, ["guttural", "authoritative"]),
    ("A woman whispers in a hushed tone with a breathy voice, slightly fast, in a slightly roomy space.",
     {"loudness": "quiet", "rate": "fast"}, ["whispers", "breathy", "roomy"]),
    ("A man with a husky, low-pitched voice speaks in a monotonous manner at a slow pace, with a thick Scottish accent.",
     {"pitch": "low", "variation": "monotone", "rate": "slow"}, ["thick Scottish accent"]),
    # a new user's words
    ("speaking slowly", {"rate": "slow"}, []),
    ("a calm narrator", {}, ["calm"]),
    ("an angry shouting man", {"loudness": "loud"}, ["angry"]),
    ("a quiet studio recording", {"noise": "clean"}, []),
    ("He speaks softly, almost murmuring, in a quiet room.", {"loudness": "quiet", "noise": "clean"}, []),
    ("Loud background music and crowd noise behind a man speaking quickly.", {"noise": "noisy", "rate": "fast"}, []),
    ("A dark, deep male voice, speaking with a flat intonation and at a measured pace.",
     {"variation": "monotone", "rate": "slow"}, []),
    ("She talks with a varied pitch and a lively intonation.", {"variation": "expressive"}, []),
    ("The pitch is on the higher side and the speaking rate is a bit slow.", {"pitch": "high", "rate": "slow"}, []),
    ("Pitch: high. Speed: fast. Energy: low.", {"pitch": "high", "rate": "fast", "loudness": "quiet"}, []),
    ("A teenage girl speaking in a high voice", {"pitch": "high"}, []),
    ("He answers in a low voice.", {"loudness": "quiet"}, []),
    ("A young woman speaks in a soft voice at a leisurely pace.", {"loudness": "quiet", "rate": "slow"}, []),
    ("an elderly man with a warm, nasal voice, speaking deliberately with lots of reverb",
     {"rate": "slow"}, ["warm", "nasal", "reverb"]),
    ("poor audio quality with static and hiss", {"noise": "noisy"}, []),
    ("A deep-pitched voice, lower-pitched than usual", {"pitch": "low"}, []),
    ("Her tone is neutral and her pitch is neutral.", {"pitch": "normal"}, ["neutral"]),
    ("His voice is deep and low, a low, husky voice.", {"pitch": "low"}, []),
    ("She speaks in a sing-song voice with exaggerated intonation.", {"variation": "expressive"}, []),
    ("He spoke with vigor and a quick pace.", {"loudness": "loud", "rate": "fast"}, []),
    ("The man's speech is marked by a low pitch, slow pace, and a gentle energy level, conveying sadness.",
     {"pitch": "low", "rate": "slow", "loudness": "quiet"}, ["sadness"]),
    ("Male, low pitch, slow, loud, angry.", {"pitch": "low", "rate": "slow", "loudness": "loud"}, ["angry"]),
]


@pytest.mark.parametrize("text,levels,unjudged", PROMPTS)
def test_prompts_as_datasets_word_them(text, levels, unjudged):
    reading = read_attribute_words(text)
    assert reading.levels == levels
    assert reading.unjudged == unjudged


# -- degree, negation, conflicts ------------------------------------------------------------------
def test_degree_words_never_change_the_level():
    for degree in ("", "very ", "slightly ", "quite ", "a little ", "extremely ", "somewhat "):
        assert read_attribute_words(f"{degree}fast").levels == {"rate": "fast"}
    match = read_attribute_words("slightly fast").matches[0]
    assert match.degree == "slightly" and match.phrase == "fast"


def test_negation_excludes_on_three_levels_and_flips_on_two():
    assert read_attribute_words("not too fast").levels == {}
    assert read_attribute_words("not too fast").excluded == {"rate": ("fast",)}
    assert read_attribute_words("neither too fast nor too slow").levels == {"rate": "normal"}
    assert read_attribute_words("the volume is not high").excluded == {"loudness": ("loud",)}
    assert read_attribute_words("the volume is not loud but normal").levels == {"loudness": "normal"}
    assert read_attribute_words("a pitch that is neither high nor low").levels == {"pitch": "normal"}
    # a level listed before the one that takes the noun shares it ("high" alone means nothing)
    assert read_attribute_words("neither high nor low pitch").levels == {"pitch": "normal"}
    assert read_attribute_words("neither too high nor too low in pitch").levels == {"pitch": "normal"}
    assert read_attribute_words("neither loud nor quiet volume").levels == {"loudness": "normal"}
    assert read_attribute_words("not noisy at all").levels == {"noise": "clean"}
    assert read_attribute_words("without any background noise").levels == {"noise": "clean"}
    assert read_attribute_words("without much expression").levels == {"variation": "monotone"}
    assert read_attribute_words("lacking energy").levels == {"loudness": "quiet"}
    # a negation does not reach past the clause
    assert read_attribute_words("not a child, speaking fast").levels == {"rate": "fast"}
    # idioms that are not negations
    assert read_attribute_words("her speed is no different from ordinary people").levels == {"rate": "normal"}


def test_a_range_of_levels_rules_out_only_the_rest():
    assert read_attribute_words("at a moderate to fast pace").excluded == {"rate": ("slow",)}
    reading = read_attribute_words("the speed is slow to moderate, normal or loud volume")
    assert reading.levels == {} and reading.excluded == {"rate": ("fast",), "loudness": ("quiet",)}


def test_disagreeing_words_are_a_conflict_not_a_guess():
    reading = read_attribute_words("speaks slowly and fast")
    assert "rate" not in reading.levels and set(reading.conflicts) == {"rate"}
    assert reading.warnings


def test_context_decides_quiet_and_clear():
    assert read_attribute_words("a quiet voice").levels == {"loudness": "quiet"}
    assert read_attribute_words("in a quiet room").levels == {"noise": "clean"}
    assert read_attribute_words("the background is quiet").levels == {"noise": "clean"}
    assert read_attribute_words("a loud environment").levels == {"noise": "noisy"}
    assert read_attribute_words("a clear voice").levels == {}
    assert read_attribute_words("a clear voice").unjudged == ["clear voice"]
    assert read_attribute_words("crystal clear, studio quality").levels == {"noise": "clean"}


def test_levels_are_distributed_over_listed_nouns():
    reading = read_attribute_words("A man speaks with a normal pitch, speed, and volume")
    assert reading.levels == {"pitch": "normal", "rate": "normal", "loudness": "normal"}
    reading = read_attribute_words("his pitch and volume are both low, the speed is fast")
    assert reading.levels == {"pitch": "low", "loudness": "quiet", "rate": "fast"}
    reading = read_attribute_words("She speaks slowly, with a high-pitched voice, and her energy is low")
    assert reading.levels == {"rate": "slow", "pitch": "high", "loudness": "quiet"}


def test_a_named_category_without_a_level_is_kept_with_a_warning():
    reading = read_attribute_words("a voice whose pitch rises and falls")
    assert reading.levels == {} and [m.kind for m in reading.matches] == ["named"]
    assert "pitch" in reading.warnings[0]


# -- what the learned-category parser may still read ---------------------------------------------
def test_consumed_spans_keep_pitch_words_from_the_brightness_parser():
    text = "A low-pitched man with a raspy voice speaks slowly, not a high pitch"
    reading = read_attribute_words(text)
    assert reading.levels == {"pitch": "low", "rate": "slow"} and reading.excluded == {"pitch": ("high",)}
    masked = mask_consumed(text, reading)
    assert len(masked) == len(text) and "pitch" not in masked and "raspy" in masked
    learned = parse_style_prompt(masked).expected
    assert learned == {"gender": "Male", "roughness": "Rough"}


@pytest.mark.parametrize("text,kept", [("a deep voice", "deep"), ("a dark, soft voice", "soft"),
                                       ("a bright voice", "bright"), ("a thin voice", "thin")])
def test_timbre_words_are_left_to_the_learned_parser(text, kept):
    reading = read_attribute_words(text)
    assert reading.levels == {} and reading.consumed == () and kept in mask_consumed(text, reading)


def test_accent_takes_its_adjectives_so_thick_is_not_read_as_dark():
    text = "a man with a thick Scottish accent"
    reading = read_attribute_words(text)
    assert reading.unjudged == ["thick Scottish accent"]
    assert "brightness" not in parse_style_prompt(mask_consumed(text, reading)).expected


def test_unjudged_words_are_not_words_the_learned_parser_reads():
    learned = {tuple(tokenize(w)) for words in LABEL_WORDS.values() for w in words}
    table, _ = phrase_table()
    unjudged = {k for k, e in table.items() if e.kind == "unjudged"}
    assert not unjudged & learned
    assert all(UNJUDGED_WORDS.values())


# -- robustness and documentation -----------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["not", "low", "high", "pitch", "pitched", "and", ",", "volume", "is", "very",
                                 "fast", "quiet", "room", "noise", "no", "clear", "audio", "voice", "calm",
                                 "accent", "normal", "speed", "the", "-", "n't", "É"]), max_size=14)
       | st.text(max_size=60))
def test_any_text_reads_without_error_and_consistently(words):
    text = " ".join(words) if isinstance(words, list) else words
    reading = read_attribute_words(text)
    for category, level in reading.levels.items():
        assert level in CATEGORY_LEVELS[category]
    ends = [e for s, e in reading.consumed]
    assert all(0 <= s < e <= len(text) for s, e in reading.consumed)
    assert all(a < b[0] for a, b in zip(ends, reading.consumed[1:]))
    assert len(mask_consumed(text, reading)) == len(text)
    assert not set(reading.levels) & set(reading.conflicts)


def test_non_text_is_refused():
    with pytest.raises(TypeError):
        read_attribute_words(None)  # type: ignore[arg-type]


def test_the_committed_vocabulary_table_is_current():
    committed = (ROOT / "docs" / "prompt_words.md").read_text(encoding="utf-8")
    assert committed == vocabulary_table(), "run: python scripts/prompt_words_table.py"
    assert "| `low`, `lower`, `lowest` | low | low | slow | quiet |" in committed
