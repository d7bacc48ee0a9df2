"""DNSMOS on clean real read speech and on the same files with white and pink noise at 20, 10, 5
and 0 dB SNR: the ordering check and the choice of the ``low_quality`` threshold on OVRL.
Writes the section "DNSMOS under added noise" of reports/quality.md.

Files: 16 each from VCTK, LibriTTS-P extra and LibriSpeech train-clean-100 (48 speakers, one file
each, half women where the corpus says; the first files in sorted order that qualify), read at
16 kHz and cut to their first 10 s (one DNSMOS window; DNSMOS tiles shorter files). Noise:
Gaussian white, and pink (1/f power, shaped in the frequency domain), fixed seeds, scaled so that
signal power over noise power, both over the whole file, is the SNR.

    STYLECHECK_DATA=../shared/data nice -n 10 .venv/bin/python benchmarks/dnsmos_noise.py
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import replace_section  # noqa: E402
from stylecheck.analysis.bootstrap import bootstrap  # noqa: E402
from stylecheck.analysis.similarity import clustered_mean_interval, equal_error_rate  # noqa: E402

DATA = Path(os.environ.get("STYLECHECK_DATA", ROOT.parent / "shared" / "data"))
REPORT = ROOT / "reports" / "quality.md"
COMMAND = "STYLECHECK_DATA=../shared/data nice -n 10 .venv/bin/python benchmarks/dnsmos_noise.py"
SNRS = (20, 10, 5, 0)
CROP_S = 10.0
METRICS = ("dnsmos_ovrl", "dnsmos_sig", "dnsmos_bak", "dnsmos_p808")


def librispeech_sex(data: Path) -> dict[str, str]:
    out = {}
    for line in (data / "librispeech" / "SPEAKERS.TXT").read_text().splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not line.startswith(";") and len(parts) >= 2:
            out[parts[0]] = parts[1]
    return out


def pick_files(data: Path, per_corpus: int = 16) -> pd.DataFrame:
    """One file per speaker, the longest of each speaker (more speech per window), balanced by sex
    where the corpus gives it."""
    sex = librispeech_sex(data)
    rows = []
    ls = sorted((data / "librispeech" / "train-clean-100").glob("*.flac"))
    by_sex = {"F": [f for f in ls if sex.get(f.name.split("-")[0]) == "F"],
              "M": [f for f in ls if sex.get(f.name.split("-")[0]) == "M"]}
    for f in by_sex["F"][: per_corpus // 2] + by_sex["M"][: per_corpus // 2]:
        rows.append(("librispeech", f.name.split("-")[0], f))
    for corpus in ("vctk", "libritts_p_extra"):
        import soundfile as sf

        speakers = sorted(p for p in (data / corpus).iterdir() if p.is_dir())[:per_corpus]
        for spk in speakers:
            files = sorted(spk.glob("*.flac"), key=lambda f: -sf.info(str(f)).duration)
            rows.append((corpus, spk.name, files[0]))
    return pd.DataFrame(rows, columns=["corpus", "speaker", "path"])


def pink_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n)
    spec[1:] /= np.sqrt(f[1:])  # power ~ 1/f
    spec[0] = 0
    return np.fft.irfft(spec, n)


def add_noise(clean: np.ndarray, kind: str, snr_db: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(len(clean)) if kind == "white" else pink_noise(len(clean), rng)
    p_sig = float(np.mean(clean.astype(float) ** 2))
    p_noise = float(np.mean(noise**2))
    return (clean + noise * np.sqrt(p_sig / (p_noise * 10 ** (snr_db / 10)))).astype(np.float32)


def summarize(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for cond, part in frame.groupby("condition", sort=False):
        row = {"condition": cond, "n": len(part)}
        for m in METRICS:
            v = part[m].to_numpy(dtype=float)
            iv, _ = clustered_mean_interval(v, part["speaker"].tolist(), bounds=(1.0, 5.0))
            med = bootstrap(lambda idx: float(np.median(v[idx])), len(v), part["speaker"].tolist(), seed=0)
            short = m.replace("dnsmos_", "").upper()
            row[f"{short} mean [95% CI]"] = f"{iv.value:.2f} [{iv.lo:.2f}, {iv.hi:.2f}]"
            row[f"{short} median [95% CI]"] = f"{med.value:.2f} [{med.lo:.2f}, {med.hi:.2f}]"
            row[f"_{m}"] = iv.value
        rows.append(row)
    return pd.DataFrame(rows)


def ordering(summary: pd.DataFrame) -> list[str]:
    """Whether each metric's mean falls monotonically from clean through 20, 10, 5, 0 dB, per noise."""
    notes = []
    for kind in ("white", "pink"):
        order = ["clean"] + [f"{kind} {s} dB" for s in SNRS]
        for m in METRICS:
            means = [float(summary.loc[summary["condition"] == c, f"_{m}"].iloc[0]) for c in order]
            ok = all(a > b for a, b in zip(means, means[1:]))
            notes.append(f"- {kind}, {m}: " + " > ".join(f"{v:.2f}" for v in means)
                         + (" (ordered as expected)" if ok else " (**not** strictly decreasing)"))
    return notes


def bundled_examples() -> pd.DataFrame:
    from stylecheck.audio import load_audio
    from stylecheck.measures.dnsmos import dnsmos_scores

    rows = []
    for f in sorted((ROOT / "stylecheck" / "examples" / "audio").glob("*/*.flac")):
        s = dnsmos_scores([load_audio(f, 16000).numpy()])[0]
        rows.append({"system": f.parent.name, "file": f.name, **{m: s[m] for m in METRICS}})
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-corpus", type=int, default=16)
    ap.add_argument("--out", type=Path, default=REPORT)
    ap.add_argument("--csv", type=Path, default=ROOT / "reports" / "dnsmos_noise.csv", help="per-file scores are written here")
    ap.add_argument("--from-csv", type=Path, default=None,
                    help="rebuild the section from a --csv this script wrote earlier instead of scoring again")
    args = ap.parse_args(argv)
    if not DATA.exists():
        sys.exit(f"real data not found: {DATA} (set STYLECHECK_DATA)")
    from stylecheck.audio import load_audio
    from stylecheck.measures.dnsmos import LOW_QUALITY_OVRL, dnsmos_scores

    files = pick_files(DATA, args.per_corpus)
    rows = []
    t0, cpu0 = time.time(), time.process_time()
    for k, r in enumerate([] if args.from_csv else files.itertuples()):
        clean = load_audio(r.path, 16000).numpy()[: int(CROP_S * 16000)]
        conds = [("clean", clean)] + [(f"{kind} {snr} dB", add_noise(clean, kind, snr, seed=1000 * k + snr))
                                      for kind in ("white", "pink") for snr in SNRS]
        scores = dnsmos_scores([w for _, w in conds])
        for (cond, _), s in zip(conds, scores):
            rows.append({"corpus": r.corpus, "speaker": f"{r.corpus}:{r.speaker}",
                         "file": str(Path(r.path).relative_to(DATA)), "condition": cond, **s})
        print(f"{k + 1}/{len(files)} {r.path.name} clean OVRL {scores[0]['dnsmos_ovrl']:.2f}", flush=True)
    if args.from_csv:
        frame = pd.read_csv(args.from_csv, keep_default_na=False, na_values=[""])
        timing = f"scores read from {args.from_csv.name}, which a full run of the command below wrote"
    else:
        frame = pd.DataFrame(rows)
        frame.to_csv(args.csv, index=False)
        timing = f"{time.time() - t0:.0f} s wall, {time.process_time() - cpu0:.0f} s CPU"
    summary = summarize(frame)

    # The threshold: where clean read speech and speech at 0-5 dB SNR are told apart with equal
    # error rates (clean flagged = noisy passed), both noise kinds pooled.
    sep = frame[frame["condition"].eq("clean") | frame["condition"].str.contains(r" [05] dB", regex=True)]
    eer, thr = equal_error_rate(sep["dnsmos_ovrl"].to_numpy(), sep["condition"].eq("clean").to_numpy())
    below = {c: float((part["dnsmos_ovrl"] < thr).mean()) for c, part in frame.groupby("condition", sort=False)}
    current = LOW_QUALITY_OVRL
    clean = frame[frame["condition"].eq("clean")].sort_values("dnsmos_ovrl").head(3)
    lowest = "\n".join(f"- `{r.file}`: OVRL {r.dnsmos_ovrl:.2f}, SIG {r.dnsmos_sig:.2f}, BAK {r.dnsmos_bak:.2f}, "
                        f"P808 {r.dnsmos_p808:.2f}" for r in clean.itertuples())
    n_scaled = int(frame["dnsmos_note"].fillna("").astype(str).str.len().gt(0).sum())
    ex = bundled_examples()
    ex_rows = [{"system": s, "OVRL (each clip)": ", ".join(f"{v:.2f}" for v in part["dnsmos_ovrl"]),
                "SIG mean": f"{part['dnsmos_sig'].mean():.2f}", "BAK mean": f"{part['dnsmos_bak'].mean():.2f}",
                "P808 mean": f"{part['dnsmos_p808'].mean():.2f}"} for s, part in ex.groupby("system")]

    cols = ["condition", "n"] + [c for c in summary.columns if "[" in c and "OVRL" in c] + \
        [c for c in summary.columns if "[" in c and "OVRL" not in c]
    table = summary[cols]
    body = f"""Measured by `benchmarks/dnsmos_noise.py` ({timing}):

    {COMMAND}

{len(files)} clean read-speech files of ../shared/data, one per speaker ({", ".join(f"{c} {n}" for c, n in files["corpus"].value_counts().items())}),
16 kHz, first {CROP_S:g} s; each also with white and with pink noise at {", ".join(map(str, SNRS))} dB SNR
(whole-file signal power over noise power; fixed seeds). DNSMOS by `stylecheck.measures.dnsmos`
(P.835 SIG/BAK/OVRL, P.808). Means with 95 % t-intervals, medians with 95 % bootstrap intervals
(1000 resamples, seed 0); every file is its own speaker.

{_table(table)}

Ordering (means, clean first):

{chr(10).join(ordering(summary))}

### Threshold for `low_quality`

Clean files vs the same files at 0 and 5 dB SNR (white and pink pooled; {int(sep['condition'].eq('clean').sum())} clean,
{int((~sep['condition'].eq('clean')).sum())} noisy): equal-error threshold on OVRL **{thr:.3f}**
(clean flagged = noisy passed = {eer:.3f}). Share of files with OVRL below it, per condition:
{", ".join(f"{c} {v:.2f}" for c, v in below.items())}.

`LOW_QUALITY_OVRL` in `stylecheck/measures/dnsmos.py` is {current:.2f} (this threshold rounded to
two decimals when it was set).

Lowest clean files (a "clean" file below the threshold is noisy itself, or the guard errs):
{lowest}

{n_scaled} of the {int((~frame["condition"].eq("clean")).sum())} noisy mixtures peaked above 1 and were scaled down by their peak
before scoring (`dnsmos_note`); no clean file was.

Bundled example clips (synthetic speech from free synthesizers; for scale, not for the choice):

{_table(pd.DataFrame(ex_rows))}
"""
    path = args.out
    text = path.read_text() if path.exists() else "# Quality: DNSMOS\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(text, "DNSMOS under added noise", body))
    print(body)


def _table(frame: pd.DataFrame) -> str:
    cols = [c for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in frame.itertuples(index=False)]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
