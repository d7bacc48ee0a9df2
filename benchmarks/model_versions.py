"""Two versions of a model on the same audio: per label, the largest probability difference, and
per category, how many answers changed. Used to show which categories a rebuild moved (e.g. the
bundled examples of ``make demo`` under the default model before and after a retraining).

    python benchmarks/model_versions.py --old OLD_MODEL_DIR --new stylecheck/pretrained/stylecheck-voice-v2 \
        --audio stylecheck/examples/audio --out reports/model_v2/versions.md
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stylecheck.audio import find_audio_files  # noqa: E402
from stylecheck.io import write_text  # noqa: E402
from stylecheck.styles.decision import decide_categories  # noqa: E402
from stylecheck.models.style_model import StyleModel  # noqa: E402
from stylecheck.markdown import markdown_table  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--audio", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    files = [str(p) for p in find_audio_files(args.audio)]
    old, new = StyleModel.from_pretrained(args.old), StyleModel.from_pretrained(args.new)
    p_old, p_new = old.predict(files), new.predict(files)
    d_old, d_new = decide_categories(p_old, old.config), decide_categories(p_new, new.config)
    rows, same = [], []
    for cat, labels in new.label_set.categories.items():
        k = [new.label_set.index(lab) for lab in labels]
        changed = int(np.sum(np.asarray(d_old[cat]) != np.asarray(d_new[cat])))
        if np.array_equal(p_old[:, k], p_new[:, k]):
            same.append(cat)
        rows.append({"category": cat, "largest |p difference|": f"{np.abs(p_old[:, k] - p_new[:, k]).max():.2e}",
                     "answers changed": f"{changed} of {len(files)}"})
    text = (f"## {old.config.name} {new.config.version} against {old.config.version}\n\nThe same {len(files)} files "
            f"(`{args.audio.as_posix()}`), scored by both versions (`benchmarks/model_versions.py`):\n\n"
            + markdown_table(pd.DataFrame(rows)) + "\n\n"
            + (f"Probabilities identical in: {', '.join(same)}; figures measured on {old.config.version} for "
               f"these categories hold for {new.config.version}.\n" if same else "No category is unchanged.\n"))
    if args.out:
        write_text(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
