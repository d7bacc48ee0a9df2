"""Syllable counts from the CMU dictionary and the vowel-group rule; nuclei on generated pulses."""
from __future__ import annotations

import numpy as np
import pytest

from stylecheck.measures.pitch import PitchTrack
from stylecheck.measures.rate import rule_syllables, syllable_nuclei, text_syllables, word_syllables


@pytest.mark.parametrize("word,n", [("the", 1), ("hello", 2), ("syllable", 3), ("beautiful", 3),
                                    ("university", 5), ("fire", 2), ("Everything", 3)])
def test_cmudict_counts(word, n):
    assert word_syllables(word) == n


@pytest.mark.parametrize("word,n", [("blorptastic", 3), ("snarke", 1), ("zibble", 2), ("xyz", 1), ("grrr", 1)])
def test_rule_for_unknown_words(word, n):
    assert rule_syllables(word) == n
    assert word_syllables(word) == n  # none of these is in the dictionary


def test_text_counts_words_and_digits():
    assert text_syllables("The morning train leaves at seven, so please be on time.") == 13
    assert text_syllables("Room 42!") == 3  # room + four + two
    assert text_syllables("  ...  ") == 0


def test_nuclei_on_intensity_pulses():
    """Five 100 ms bursts 300 ms apart in an intensity contour, all voiced: five nuclei; unvoiced
    ones are not counted."""
    t = np.arange(0, 2.0, 0.01)
    db = np.full(t.size, 30.0)
    for c in (0.2, 0.5, 0.8, 1.1, 1.4):
        db += 40 * np.exp(-0.5 * ((t - c) / 0.04) ** 2)
    voiced = PitchTrack(t, np.full(t.size, 150.0), 75, 500)
    assert syllable_nuclei(db, t, voiced, (0.0, 2.0)).size == 5
    half = PitchTrack(t, np.where(t < 0.95, 150.0, 0.0), 75, 500)
    assert syllable_nuclei(db, t, half, (0.0, 2.0)).size == 3
