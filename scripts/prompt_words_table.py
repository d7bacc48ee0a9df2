"""Write docs/prompt_words.md: every prompt word for the measured categories (pitch, variation,
rate, loudness, noise), the category it names and the level it gives, generated from
stylecheck/styles/attribute_vocabulary.py so the page never drifts from the code.

    python scripts/prompt_words_table.py [--out docs/prompt_words.md] [--check]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stylecheck.io import write_text  # noqa: E402
from stylecheck.styles.attribute_vocabulary import vocabulary_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "prompt_words.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not current; write nothing")
    args = parser.parse_args(argv)
    table = vocabulary_table()
    if args.check:
        current = args.out.exists() and args.out.read_text(encoding="utf-8") == table
        print(f"{args.out}: {'current' if current else 'out of date'}")
        return 0 if current else 1
    write_text(args.out, table)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
