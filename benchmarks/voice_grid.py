"""How much the voice parameters' 40 ms grid (version 2) changes the utterance functionals
against the 20 ms grid (version 1), on real speech: per-functional Pearson correlation over files
cut to their speech as scoring cuts them. Writes a markdown table.

    python benchmarks/voice_grid.py --manifests prepared_v2/ls/all.csv prepared_v2/vctk/all.csv \
        --per-manifest 40 --out reports/model_v2/voice_grid.md
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stylecheck.audio import load_audio  # noqa: E402
from stylecheck.audio.vad import trim_to_speech  # noqa: E402
from stylecheck.data.manifest import read_manifest  # noqa: E402
from stylecheck.features import voice as V  # noqa: E402
from stylecheck.io import write_text  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--manifests", nargs="+", required=True)
    ap.add_argument("--per-manifest", type=int, default=40, help="files drawn from each manifest (seed 0)")
    ap.add_argument("--out", type=Path, default=Path("reports/model_v2/voice_grid.md"))
    args = ap.parse_args(argv)
    paths = []
    for m in args.manifests:
        frame = read_manifest(m).frame
        paths += frame["path"].sample(min(args.per_manifest, len(frame)), random_state=0).tolist()
    old, new = [], []
    for p in paths:
        wave = trim_to_speech([load_audio(p, V.SR)], V.SR)[0].numpy()
        old.append(V.voice_functionals(*V.voice_llds(wave, V.VERSION_HOPS[1])))
        new.append(V.voice_functionals(*V.voice_llds(wave, V.VERSION_HOPS[2])))
    a, b = np.array(old), np.array(new)
    r = pd.Series([np.corrcoef(a[:, i], b[:, i])[0, 1] for i in range(a.shape[1])], index=V.FUNCTIONAL_NAMES)
    r = r.sort_values()
    rows = "\n".join(f"| {name} | {value:.3f} |" for name, value in r.items())
    command = "python benchmarks/voice_grid.py " + " ".join(argv if argv is not None else sys.argv[1:])
    text = (f"# Voice parameters: 40 ms grid (version 2) vs 20 ms (version 1)\n\n`{command}`\n\n"
            f"{len(paths)} real files, cut to their speech; Pearson correlation of each functional between the "
            f"two grids (median {r.median():.3f}, lowest {r.iloc[0]:.3f} for {r.index[0]}).\n\n"
            f"| functional | r |\n|---|---|\n{rows}\n")
    write_text(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
