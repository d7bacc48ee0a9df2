"""STYLES.csv asks for measured categories: ``pitch=high`` tokens, prompt words, ``text``, ``unjudged``."""
from __future__ import annotations

import pytest

from stylecheck.errors import StylesError
from stylecheck.scoring.expected import explain_expected_styles, read_expected_styles


def write(tmp_path, text):
    path = tmp_path / "STYLES.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_styles_tokens_beside_labels(tmp_path):
    got = read_expected_styles(write(tmp_path, "file,styles,text\na.wav,Female;pitch=high;Rate=Slow,Hello there.\n"
                                               "b.wav,Male,\n"))
    t = got.table
    assert t["expected_gender"].tolist() == ["Female", "Male"]
    assert t["expected_pitch"].tolist() == ["high", ""]
    assert t["expected_rate"].tolist() == ["slow", ""]
    assert t["expected_noise"].tolist() == ["", ""]
    assert t["expected"].tolist() == ["Female", "Male"]  # learned labels only
    assert t["text"].tolist() == ["Hello there.", ""]


@pytest.mark.parametrize("cell,why", [("pitch=shrill", "unknown pitch level"), ("tempo=fast", "unknown measured category"),
                                      ("pitch=high;pitch=low", "one level per category")])
def test_bad_measured_tokens_are_bad_rows(tmp_path, cell, why):
    with pytest.raises(StylesError, match=why):
        read_expected_styles(write(tmp_path, f"file,styles\na.wav,{cell}\n"))


def test_prompt_pitch_words_are_pitch_not_brightness(tmp_path):
    got = read_expected_styles(write(tmp_path, "file,prompt\n"
                                               "a.wav,\"A low-pitched man speaking slowly, with an Irish accent\"\n"
                                               "b.wav,a deep voice speaking very fast in a noisy room\n"
                                               "c.wav,gender-neutral and smooth\n"))
    t = got.table
    assert t["expected_gender"].tolist() == ["Male", "", ""]
    assert t["expected_brightness"].tolist() == ["", "Dark", ""]  # "deep" stays timbre
    assert t["expected_pitch"].tolist() == ["low", "", ""]
    assert t["expected_rate"].tolist() == ["slow", "fast", ""]
    assert t["expected_noise"].tolist() == ["", "noisy", ""]
    assert "Irish accent" in t["unjudged"][0]
    assert t["open"].tolist() == ["", "", "gender"]


def test_explain_names_measured_and_unjudged_phrases(tmp_path):
    table = explain_expected_styles(write(tmp_path, "file,prompt\na.wav,\"a calm, high-pitched woman\"\n"))
    matched = table["matched"][0]
    assert "-> pitch=high" in matched and "not judged" in matched and "woman -> Female" in matched
