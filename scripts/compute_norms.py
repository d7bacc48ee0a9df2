"""Natural-speech norms for the measured categories: ``stylecheck/measures/norms/natural-v2.json``
and ``NORMS.md`` from the real speakers of ``../shared/data``.

One value per speaker and measure: the median over at most ``--files-per-speaker`` of the
speaker's files (first in sorted order). Corpora: LibriSpeech train-clean-100 (gender from
``SPEAKERS.TXT``), LibriTTS-P extra (LibriSpeech/LibriTTS speakers, same file), VCTK (gender from
DreamVoiceDB; 'Ambiguous' speakers count only in the pooled norm). LibriTTS-P's excluded
speakers (mixed-gender audio) are left out. The gender picks the F0 search range too.

    nice -n 10 python scripts/compute_norms.py --data ../shared/data
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from stylecheck.audio.load import AudioError, load_audio
from stylecheck.audio.vad import detect_speech
from stylecheck.measures.measure import MEASURE_NAMES, measure_speech
from stylecheck.measures.norms import CATEGORIES, DEFAULT_NORMS, NORMS_DIR, UNITS, compute_norms
from stylecheck.io import write_text

COMMAND = "nice -n 10 python scripts/compute_norms.py --data ../shared/data"


def _librispeech_genders(data: Path) -> dict[str, str]:
    out = {}
    for line in (data / "librispeech" / "SPEAKERS.TXT").read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith(";") or "|" not in line:
            continue
        parts = [p.strip() for p in line.split("|")]
        out[parts[0]] = {"F": "Female", "M": "Male"}.get(parts[1])
    return out


def _vctk_genders(data: Path) -> dict[str, str | None]:
    with open(data / "dreamvoicedb" / "merged_speaker_ratings.csv", newline="") as f:
        return {r["speaker_id"]: (r["gender"] if r["gender"] in ("Female", "Male") else None) for r in csv.DictReader(f)}


def speakers(data: Path, per_speaker: int) -> list[tuple[str, str, str | None, list[Path]]]:
    """(corpus, speaker, gender, files) for every usable speaker."""
    excluded = set((data / "libritts_p" / "excluded_spk_list.txt").read_text().split())
    ls_g, vctk_g = _librispeech_genders(data), _vctk_genders(data)
    out = []
    by_spk = defaultdict(list)
    for f in sorted((data / "librispeech" / "train-clean-100").glob("*.flac")):
        by_spk[f.name.split("-")[0]].append(f)
    out += [("librispeech", s, ls_g.get(s), fs[:per_speaker]) for s, fs in sorted(by_spk.items())]
    for d in sorted(p for p in (data / "libritts_p_extra").iterdir() if p.is_dir()):
        out.append(("libritts_p_extra", d.name, ls_g.get(d.name), sorted(d.glob("*.flac"))[:per_speaker]))
    for d in sorted(p for p in (data / "vctk").iterdir() if p.is_dir()):
        out.append(("vctk", d.name, vctk_g.get(d.name.lstrip("p")) or vctk_g.get(d.name), sorted(d.glob("*.flac"))[:per_speaker]))
    return [s for s in out if s[1] not in excluded and s[3]]


def measure_speakers(spks, log=print, batch: int = 32) -> list[dict]:
    """One row per speaker: the median of each measure over the speaker's files. The speech check
    runs on groups of ``batch`` files at once (its LSTM always computes a group of 32 rows)."""
    jobs = [(i, gender, path) for i, (_, _, gender, files) in enumerate(spks) for path in files]
    vals = [defaultdict(list) for _ in spks]
    used = [0] * len(spks)
    for start in range(0, len(jobs), batch):
        group, waves = [], []
        for i, gender, path in jobs[start:start + batch]:
            try:
                waves.append(load_audio(path))
                group.append((i, gender))
            except AudioError as exc:
                log(f"skip {exc}")
        for (i, gender), wave, regions in zip(group, waves, detect_speech(waves, 16000)):
            used[i] += 1
            for k, v in measure_speech(wave, 16000, regions, gender=gender).values().items():
                if v is not None:
                    vals[i][k].append(v)
        log(f"{min(start + batch, len(jobs))}/{len(jobs)} files")
    rows = []
    for i, (corpus, spk, gender, _) in enumerate(spks):
        row = {"corpus": corpus, "speaker": spk, "gender": gender, "files": used[i]}
        row.update({k: (float(np.median(vals[i][k])) if vals[i][k] else None) for k in MEASURE_NAMES})
        rows.append(row)
    return rows


def norms_md(norms, rows, files: int) -> str:
    t, p = norms.table, norms.provenance
    lines = [f"# Natural-speech norms `{norms.label}`", "",
             f"Computed {p['date']} with stylecheck {p['stylecheck_version']} by `{p['command']}`",
             f"from {p['speakers']} real speakers ({files} files: {p['corpora']}); one value per speaker",
             "(median over at most 3 of the speaker's files). Edges are the thirds of the speakers' distribution",
             "(33.3rd and 66.7th percentiles); a value within `uncertain` of an edge is judged `uncertain`",
             "(half-width: a sixth of the middle band, at least about the measure's error in reports/attributes.md:",
             "0.25 semitone for pitch, 0.5 st for range, 0.15 syl/s for rate, 0.5 LU for loudness, 3 dB for noise).", "",
             "| category | measure | gender | speakers | edges | uncertain ± | p5 | p50 | p95 |", "|---|---|---|---|---|---|---|---|---|"]
    for cat, (measure, levels) in CATEGORIES.items():
        for g in ("Female", "Male", "all"):
            e = t.get(g, {}).get(measure)
            if not e:
                continue
            edges = " / ".join(f"{x:.1f}" for x in e["edges"])
            names = " \\| ".join(levels)
            q = e["quantiles"]
            lines.append(f"| {cat} ({names}) | {measure} ({UNITS[measure]}) | {g} | {e['n']} | {edges} | "
                         f"{' / '.join(f'{w:.2f}' for w in e['uncertain'])} | {q['p5']:.1f} | {q['p50']:.1f} | {q['p95']:.1f} |")
    snr = np.array([r["snr_db"] for r in rows if r["snr_db"] is not None])
    lines += ["", "Also in the file (no category): `speech_rate_syl_s` (pauses included) and the vocal-effort cue `alpha_ratio_db`.", "",
              "## Noise edge", "",
              f"Natural corpora are clean, so `noise` has one fixed edge: **noisy below {t['all']['snr_db']['edges'][0]:.0f} dB**",
              f"(± {t['all']['snr_db']['uncertain'][0]:.0f} dB uncertain). On these {snr.size} clean speakers the estimated SNR has",
              f"5th percentile {np.percentile(snr, 5):.1f} dB and median {np.median(snr):.1f} dB; "
              f"{(snr < t['all']['snr_db']['edges'][0]).mean() * 100:.1f} % of them fall below the edge.",
              "dataspeech (the tagging behind Parler-TTS) words SNR in seven bins from 'very noisy' to 'very clear',",
              "equal-width over the distribution of each tagged corpus (SNR from a neural estimator), so it has no",
              "fixed dB edge to copy. 15 dB is chosen because noise added at 10 dB or less is plainly audible and",
              "reads below the band here, while most clean read speech reads above it (reports/attributes.md).", "",
              "## Loudness: what 'loud' can and cannot mean", "",
              "`loudness_lufs` is the file's level over its speech (ITU-R BS.1770). Audiobook corpora and many TTS",
              "systems normalise their output level, so 'loud' and 'quiet' judge the file's level, not how loudly",
              "the voice speaks: a shouted line normalised to -23 LUFS is 'normal' here. The vocal-effort cue",
              "`alpha_ratio_db` (energy 50-1000 Hz over 1-5 kHz on voiced frames) does not move with gain and falls",
              "as effort rises; its speaker distribution is in the JSON file, without a category yet.", "",
              "## Rate", "",
              "Rate is judged on the articulation rate: syllables per second of speech with its pauses (silences",
              "of 0.3 s or more inside the speech) taken out. Pauses grow with the length of an utterance, so the",
              "speech rate (pauses included) of a short, pause-free TTS sentence reads faster than a long read",
              "utterance at the same tempo; these norms come from 10-15 s audiobook utterances (speech rate over",
              "articulation rate: median " + f"{np.median([r['speech_rate_syl_s'] / r['articulation_rate_syl_s'] for r in rows if r['speech_rate_syl_s'] and r['articulation_rate_syl_s']]):.2f}" + " per speaker here). dataspeech (Parler-TTS's tags) also divides by speech",
              "time. Version 1 of these norms judged rate on the speech rate; its files no longer load.", "",
              "The speaker norms come from syllable nuclei (the corpora here have no transcripts);",
              "with a text, the syllable count comes from the CMU dictionary. reports/attributes.md compares both.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--files-per-speaker", type=int, default=3)
    ap.add_argument("--out", default=str(NORMS_DIR / f"{DEFAULT_NORMS}.json"))
    ap.add_argument("--speakers-csv", default="reports/norms_speakers.csv")
    args = ap.parse_args(argv)
    data = Path(args.data)
    if not (data / "librispeech").is_dir():
        print(f"no shared data at {data}", file=sys.stderr)
        return 2
    torch.set_num_threads(1)  # a shared 2-core machine: one thread each for the speech check and Praat
    t0 = time.time()
    spks = speakers(data, args.files_per_speaker)
    rows = measure_speakers(spks)
    files = sum(r["files"] for r in rows)
    corpora = ", ".join(f"{c} {sum(r['corpus'] == c for r in rows)}" for c in ("librispeech", "libritts_p_extra", "vctk"))
    prov = {"corpora": corpora, "speakers": len(rows), "files": files,
            "speakers_by_gender": {g: sum(r["gender"] == g for r in rows) for g in ("Female", "Male", None)},
            "command": COMMAND, "files_per_speaker": args.files_per_speaker, "seconds": round(time.time() - t0, 1)}
    prov["speakers_by_gender"] = {str(k): v for k, v in prov["speakers_by_gender"].items()}
    name, version = DEFAULT_NORMS.rsplit("-v", 1)
    norms = compute_norms(rows, name=name, version=int(version), provenance=prov)
    norms.to_json(args.out)
    write_text(Path(args.out).with_name("NORMS.md"), norms_md(norms, rows, files))
    keys = ["corpus", "speaker", "gender", "files", *MEASURE_NAMES]
    lines = [",".join(keys)] + [",".join("" if r[k] is None else (f"{r[k]:.4f}" if isinstance(r[k], float) else str(r[k]))
                                         for k in keys) for r in rows]
    write_text(args.speakers_csv, "\n".join(lines) + "\n")
    print(f"{len(rows)} speakers, {files} files, {time.time() - t0:.0f} s -> {args.out} ({dt.date.today()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
