"""Conversion speed of the WORLD kNN-VC backend: seconds of compute per second of output audio.

Real speech when ../shared/data is present (male LibriSpeech speakers converted to female ones,
each target's matching set from its one 10-15 s utterance), else generated voice-like signals.
Two figures: the conversion alone (the target's matching set already built, as in a long run
where each target serves many pairs) and including the building of the matching set once per
pair (the worst case: one pair per target). For the real pairs it also records, as a sanity
check of the output, the median-F0 ratio output/target and the GE2E cosine similarity of the
output to the target and to the source.

    .venv/bin/python benchmarks/augment_speed.py [--pairs 6] [--f0-method harvest] [--out reports/augment_speed.md]
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stylecheck.audio import load_audio  # noqa: E402
from stylecheck.augment import convert  # noqa: E402
from stylecheck.augment.world import WorldBackend  # noqa: E402
from stylecheck.io import write_text  # noqa: E402

DATA = Path(os.environ.get("STYLECHECK_DATA", ROOT.parent / "shared" / "data"))


def generated_voice(seconds: float, f0: float, formants: tuple[int, ...], seed: int, sr: int = 16000) -> torch.Tensor:
    """A harmonic source with vibrato shaped by formant resonances (like tests/conftest.py's)."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.03 * np.sin(2 * np.pi * 5 * t))) / sr
    wave = sum(sum(1 / (1 + ((h * f0 - fm) / 120) ** 2) for fm in formants) * np.sin(h * phase) / h**0.5
               for h in range(1, int(4000 / f0)))
    wave = wave + 0.02 * rng.standard_normal(len(t))
    return torch.from_numpy((0.3 * wave / np.abs(wave).max()).astype(np.float32))


def real_pairs(n: int) -> list[tuple[str, torch.Tensor, str, torch.Tensor]] | None:
    root = DATA / "librispeech"
    if not (root / "SPEAKERS.TXT").is_file():
        return None
    sex = {}
    for line in (root / "SPEAKERS.TXT").read_text(encoding="utf-8").splitlines():
        if not line.startswith(";") and "|" in line:
            fields = [f.strip() for f in line.split("|")]
            sex[fields[0]] = fields[1]
    files = sorted((root / "train-clean-100").glob("*.flac"))
    males = [f for f in files if sex.get(f.name.split("-")[0]) == "M"][:n]
    females = [f for f in files if sex.get(f.name.split("-")[0]) == "F"][:n]
    return [(m.name, load_audio(m), f.name, load_audio(f)) for m, f in zip(males, females)]


def generated_pairs(n: int):
    return [(f"generated-male-{i}", generated_voice(10.0, 110 + 5 * i, (600, 1100, 2400), i),
             f"generated-female-{i}", generated_voice(15.0, 220 + 5 * i, (850, 1500, 3000), 100 + i))
            for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=6)
    parser.add_argument("--f0-method", default="harvest", choices=["harvest", "dio"])
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--out", default=str(ROOT / "reports" / "augment_speed.md"))
    args = parser.parse_args()
    torch.set_num_threads(1)

    pairs = real_pairs(args.pairs)
    kind = "real LibriSpeech speech (male source -> female target)" if pairs else "generated voice-like signals"
    pairs = pairs or generated_pairs(args.pairs)
    world = WorldBackend(f0_method=args.f0_method)
    ge2e = None
    if kind.startswith("real"):
        from stylecheck.features.ge2e import GE2EBackbone

        ge2e = GE2EBackbone("partials")

    def embed(wave):
        frames, mask = ge2e.extract(wave[None], torch.tensor([wave.shape[-1]]))
        e = frames[0][mask[0]].mean(0)
        return e / e.norm()

    def median_f0(wave):
        f0 = world.analyse(wave)[0]
        return float(np.median(f0[f0 > 0]))

    rows, total_out, total_convert, total_match = [], 0.0, 0.0, 0.0
    for src_name, source, tgt_name, target in pairs:
        t0 = time.process_time()
        matching = world.matching_set([target], max_seconds=60)
        t1 = time.process_time()
        out = convert(world, source, matching, k=args.k)
        t2 = time.process_time()
        seconds = out.shape[-1] / world.sample_rate
        total_out += seconds
        total_match += t1 - t0
        total_convert += t2 - t1
        row = {"source": src_name, "target": tgt_name, "out_s": seconds, "ref_s": target.shape[-1] / 16000,
               "match_cpu_s": t1 - t0, "convert_cpu_s": t2 - t1,
               "f0_ratio": median_f0(out) / median_f0(target)}
        if ge2e is not None:
            e_out, e_src, e_tgt = embed(out), embed(source), embed(target)
            row.update(ge2e_out_tgt=float(e_out @ e_tgt), ge2e_out_src=float(e_out @ e_src),
                       ge2e_src_tgt=float(e_src @ e_tgt))
        rows.append(row)
        print({k: round(v, 3) if isinstance(v, float) else v for k, v in rows[-1].items()}, flush=True)

    rtf_convert = total_convert / total_out
    rtf_with_match = (total_convert + total_match) / total_out
    cols = list(rows[0])
    table = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    table += ["| " + " | ".join(f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols) + " |"
              for r in rows]
    closer = sum(r.get("ge2e_out_tgt", 0) > r.get("ge2e_out_src", 0) for r in rows)
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    lines = [
        "# Augmentation speed: kNN-VC with the WORLD backend",
        "",
        f"Data: {kind}; {len(rows)} pairs, {total_out:.1f} s of output audio; k={args.k}, "
        f"F0 by {args.f0_method}, 5 ms frames, one thread.",
        "",
        f"- **Conversion only (matching set cached): {rtf_convert:.3f} s of CPU per second of output audio.**",
        f"- Including building the target's matching set for every pair: {rtf_with_match:.3f} s per second "
        "(an upper bound: in a run each target's matching set is built once and serves all its pairs).",
        f"- At the first figure, the paper's 14 hours of converted audio take about {14 * rtf_convert:.1f} CPU-hours.",
        "",
        "CPU time is process time (`time.process_time`), so other jobs on a shared machine inflate it less "
        "than wall time; GE2E and F0 checks are not included in it.",
        "",
        "## Per pair",
        "",
        *table,
        "",
    ]
    if ge2e is not None:
        lines += [f"GE2E: the output is closer to the target than to the source for {closer} of {len(rows)} pairs. "
                  "F0 ratio: median F0 of the output over the target's.", ""]
    lines += [
        "## Machine",
        "",
        f"- {platform.platform()}; {platform.machine()}; {os.cpu_count()} logical CPUs; "
        f"load average when finished {', '.join(f'{x:.2f}' for x in load) if load[0] != '?' else '?'}",
        f"- Python {platform.python_version()}, torch {torch.__version__}, "
        f"pyworld {getattr(__import__('pyworld'), '__version__', '?')}",
        "",
        "## Command",
        "",
        "```",
        f"cd {ROOT.name} && .venv/bin/python benchmarks/augment_speed.py " + " ".join(sys.argv[1:]),
        "```",
        "",
    ]
    path = write_text(args.out, "\n".join(lines))
    print(f"conversion: {rtf_convert:.3f} s CPU per s of output; with matching set: {rtf_with_match:.3f}; wrote {path}")


if __name__ == "__main__":
    main()
