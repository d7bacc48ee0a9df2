"""How the measured-category prompt reader reads LibriTTS-P's 1,347 style phrasings.

For pitch, speaking rate (speed) and loudness (energy): the share of phrasings read as their text
says (the key's level, except the hand-read rows of tests/fixtures/libritts_p_text_truth.csv where
the text says otherwise) and as their key says; every misread phrasing. Then what the
learned-category parser makes of the same phrasings before and after the reader's consumed spans
are blanked out (pitch words read as brightness), the unjudged phrases found, and the reading time.

    python benchmarks/prompt_words_libritts_p.py [--data ../shared/data] [--out reports/prompt_words.md]
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stylecheck.io import write_text  # noqa: E402
from stylecheck.styles.attribute_words import read_attribute_words  # noqa: E402

from stylecheck.styles.prompts import parse_style_prompt  # noqa: E402
from stylecheck.styles.labels import PAPER_LABELS  # noqa: E402
from stylecheck.styles.measured_expectations import read_style_prompt  # noqa: E402

ATTRIBUTES = {"pitch": ("p", {"low": "low", "normal": "normal", "high": "high"}),
              "rate": ("s", {"slow": "slow", "normal": "normal", "fast": "fast"}),
              "loudness": ("e", {"low": "quiet", "normal": "normal", "high": "loud"})}
TRUTH = ROOT / "tests" / "fixtures" / "libritts_p_text_truth.csv"


def key_levels(key: str) -> dict[str, str]:
    parts = dict(p.split("-", 1) for p in key.split("_")[1:])
    return {a: levels[parts[short]] for a, (short, levels) in ATTRIBUTES.items()}


def agrees(reading, attribute: str, wanted: str) -> bool:
    if wanted.startswith("not:"):
        return attribute not in reading.levels and reading.excluded.get(attribute) == tuple(wanted[4:].split("|"))
    return reading.levels.get(attribute, "") == wanted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("STYLECHECK_DATA", ROOT.parent / "shared" / "data")))
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "prompt_words.md")
    args = parser.parse_args(argv)
    source = args.data / "libritts_p" / "style_prompt_candidates_v230922.csv"
    if not source.exists():
        print(f"LibriTTS-P style prompts not found: {source} (pass --data)", file=sys.stderr)
        return 2
    phrasings = [(key, p.strip()) for key, ps in (line.rstrip("\n").split("|", 1) for line in open(source, encoding="utf-8"))
                 for p in ps.split(";")]
    truth = {(r["key"], r["phrasing"], r["attribute"]): r for r in csv.DictReader(open(TRUTH, encoding="utf-8"))}

    t0 = time.perf_counter()
    readings = [read_attribute_words(p) for _k, p in phrasings]
    seconds = time.perf_counter() - t0

    n = len(phrasings)
    text_ok, key_ok = Counter(), Counter()
    misses: dict[str, list[str]] = {a: [] for a in ATTRIBUTES}
    for (key, phrasing), reading in zip(phrasings, readings):
        levels = key_levels(key)
        for attribute in ATTRIBUTES:
            row = truth.get((key, phrasing, attribute))
            wanted = row["text_level"] if row else levels[attribute]
            if agrees(reading, attribute, wanted):
                text_ok[attribute] += 1
            else:
                got = reading.levels.get(attribute) or (f"not {reading.excluded[attribute]}" if attribute in reading.excluded else "none")
                misses[attribute].append(f"`{key}` \"{phrasing}\": text asks for {wanted or 'nothing'}, read {got}")
            key_ok[attribute] += reading.levels.get(attribute) == levels[attribute]

    brightness_raw = brightness_masked = gender_raw = gender_masked = 0
    for (key, phrasing), reading in zip(phrasings, readings):
        gender = "Female" if key.startswith("F") else "Male"
        raw = parse_style_prompt(phrasing).expected
        # As scoring reads a prompt (stylecheck.styles.measured_expectations.read_style_prompt).
        masked = read_style_prompt(phrasing, PAPER_LABELS)[0].expected
        brightness_raw += "brightness" in raw
        brightness_masked += "brightness" in masked
        gender_raw += raw.get("gender") == gender
        gender_masked += masked.get("gender") == gender
    unjudged = Counter(u for r in readings for u in r.unjudged)
    reasons = Counter(r["why"] for r in truth.values())
    contradicting = len({(k, p) for (k, p, _a), r in truth.items() if r["why"] == "the text contradicts the key"})

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# Prompt words on LibriTTS-P's style phrasings", "",
           f"Measured by `python benchmarks/prompt_words_libritts_p.py --data {args.data}` ({stamp}): "
           f"{n} phrasings of `{source.name}` (54 keys: gender x pitch x speed x energy), read by "
           "`stylecheck.styles.attribute_words.read_attribute_words`.", "",
           "**As the text says**: the key's level, except the hand-read rows of "
           "`tests/fixtures/libritts_p_text_truth.csv` (" + ", ".join(f"{c} {w}" for w, c in reasons.most_common())
           + f"). {contradicting} phrasings contradict their key; the text wins there. "
           "**As the key says**: the key's level for every phrasing, whatever the text.", "",
           "| attribute (key factor) | read as the text says | read as the key says |", "|---|---:|---:|"]
    for attribute, (short, _levels) in ATTRIBUTES.items():
        out.append(f"| {attribute} (`{short}-`) | {text_ok[attribute]} / {n} = {100 * text_ok[attribute] / n:.1f} % "
                   f"| {key_ok[attribute]} / {n} = {100 * key_ok[attribute] / n:.1f} % |")
    out += ["", "## Misread (against the text)", ""]
    for attribute, wrong in misses.items():
        out.append(f"- **{attribute}** ({len(wrong)}): " + ("; ".join(wrong) if wrong else "none"))
    out += ["", "## The learned-category parser on the same phrasings", "",
            "`parse_style_prompt` on the raw phrasing and as scoring reads a prompt (`read_style_prompt`: the "
            "measured-category phrases blanked out first; the pitch phrases are no longer brightness words):", "",
            "| | raw text | as scoring reads it |", "|---|---:|---:|",
            f"| a brightness label expected (pitch words read as Dark/Bright) | {brightness_raw} | {brightness_masked} |",
            f"| gender as the key says | {gender_raw} | {gender_masked} |", "",
            "## Unjudged phrases found", "",
            ", ".join(f"\"{u}\" ({c})" for u, c in unjudged.most_common()) or "none", "",
            f"Reading time: {1e6 * seconds / n:.0f} us per phrasing ({seconds:.2f} s for {n}, one CPU core).", ""]
    write_text(args.out, "\n".join(out))
    print("\n".join(line for line in out if line.startswith("| ") and "%" in line))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
