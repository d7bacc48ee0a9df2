"""What a speaker-similarity value means: same- vs different-speaker cosines of the GE2E embedding
that scoring computes, on real speech of ../shared/data, and the equal-error rate.

Embeddings come from the bundled default model's own path (``StyleModel.select_speech`` then
``StyleModel.frames``, then :func:`stylecheck.features.speaker.speaker_embedding`): the vector the
style head reads, so the figures hold for the ``spk_sim_*`` columns scoring will write.

Read speech: every file of VCTK, LibriTTS-P extra and LibriSpeech train-clean-100 (one file per
speaker there: different-speaker pairs only). Same-speaker pairs: every two different files of a
speaker. Corpus families: VCTK, and LibriSpeech/LibriTTS (the LibriSpeech and LibriTTS-P extra
folders are both LibriVox audiobook recordings). Acted emotional speech (EmoDB, RAVDESS) is
reported apart: the same actor across emotions.

    STYLECHECK_DATA=../shared/data nice -n 10 .venv/bin/python benchmarks/speaker_similarity.py
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

from stylecheck.analysis.similarity import equal_error_rate  # noqa: E402

DATA = Path(os.environ.get("STYLECHECK_DATA", ROOT.parent / "shared" / "data"))
REPORT = ROOT / "reports" / "speaker_similarity.md"
COMMAND = "STYLECHECK_DATA=../shared/data nice -n 10 .venv/bin/python benchmarks/speaker_similarity.py"


def inventory(data: Path) -> pd.DataFrame:
    rows = []
    for f in sorted((data / "vctk").glob("*/*.flac")):
        rows.append(("vctk", "VCTK", f.parent.name, f, "read"))
    for f in sorted((data / "libritts_p_extra").glob("*/*.flac")):
        rows.append(("libritts_p_extra", "LibriSpeech/LibriTTS", f.parent.name, f, "read"))
    for f in sorted((data / "librispeech" / "train-clean-100").glob("*.flac")):
        rows.append(("librispeech", "LibriSpeech/LibriTTS", f.name.split("-")[0], f, "read"))
    for f in sorted((data / "emodb" / "wav").glob("*.wav")):
        rows.append(("emodb", "EmoDB", "emodb" + f.name[:2], f, "acted"))
    for f in sorted((data / "ravdess").glob("Actor_*/*.wav")):
        rows.append(("ravdess", "RAVDESS", "ravdess" + f.stem.split("-")[-1], f, "acted"))
    frame = pd.DataFrame(rows, columns=["corpus", "family", "speaker", "path", "kind"])
    frame["speaker"] = frame["family"] + ":" + frame["speaker"]
    return frame


def genders(data: Path) -> dict[str, str]:
    out = {}
    for line in (data / "librispeech" / "SPEAKERS.TXT").read_text().splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not line.startswith(";") and len(parts) >= 2:
            out["LibriSpeech/LibriTTS:" + parts[0]] = parts[1]
    ratings = pd.read_csv(data / "dreamvoicedb" / "merged_speaker_ratings.csv", dtype=str)
    for sid, g in zip(ratings["speaker_id"], ratings["gender"]):
        if g in ("Male", "Female"):
            out["VCTK:" + (sid if sid.startswith("p") else "p" + sid)] = g[0]
    return out


def embed(files: pd.DataFrame, batch: int = 16) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Embeddings (NaN rows for files without speech), speech seconds, audio seconds, CPU seconds."""
    import torch
    from threadpoolctl import threadpool_limits

    from stylecheck.audio import load_audio
    from stylecheck.features.speaker import speaker_embedding
    from stylecheck.models.style_model import StyleModel
    from stylecheck.pretrained import default_model_path

    torch.set_num_threads(1)
    model = StyleModel.from_pretrained(default_model_path())
    model.backbone
    out = np.full((len(files), 256), np.nan)
    speech = np.full(len(files), np.nan)
    audio_s, cpu0 = 0.0, time.process_time()
    with threadpool_limits(limits=1, user_api="blas"), torch.inference_mode():
        for s in range(0, len(files), batch):
            paths = files["path"].iloc[s : s + batch].tolist()
            waves = [load_audio(p, 16000) for p in paths]
            audio_s += sum(w.shape[-1] for w in waves) / 16000
            cuts = model.select_speech(waves, names=[str(p) for p in paths])
            keep = [i for i, c in enumerate(cuts) if c.error is None]
            frames = model.frames([cuts[i].wave for i in keep])
            for i, fr in zip(keep, frames):
                e = speaker_embedding(model.backbone, fr)
                if e is not None:
                    out[s + i] = e
                speech[s + i] = cuts[i].speech_s
            print(f"embedded {min(s + batch, len(files))}/{len(files)}", flush=True)
    return out, speech, audio_s, time.process_time() - cpu0


def pairs(files: pd.DataFrame, emb: np.ndarray, gender: dict[str, str]) -> pd.DataFrame:
    ok = np.isfinite(emb).all(1)
    idx = np.flatnonzero(ok)
    sims = emb[idx] @ emb[idx].T
    i, j = np.triu_indices(len(idx), 1)
    spk = files["speaker"].to_numpy()[idx]
    fam = files["family"].to_numpy()[idx]
    kind = files["kind"].to_numpy()[idx]
    g = np.array([gender.get(s, "") for s in spk])
    return pd.DataFrame({
        "a": idx[i], "b": idx[j], "cos": sims[i, j], "same": spk[i] == spk[j],
        "spk_a": spk[i], "spk_b": spk[j], "same_family": fam[i] == fam[j],
        "kind": np.where((kind[i] == "read") & (kind[j] == "read"), "read",
                         np.where((kind[i] == "acted") & (kind[j] == "acted") & (fam[i] == fam[j]), "acted", "mixed")),
        "same_gender": np.where((g[i] != "") & (g[j] != ""), np.where(g[i] == g[j], "same", "different"), ""),
    })


def envelope(path: Path) -> np.ndarray:
    """Log energy every 10 ms of the file at 16 kHz (for spotting one recording stored twice)."""
    from stylecheck.audio import load_audio

    w = load_audio(path, 16000).numpy().astype(float)
    n = len(w) // 160
    return 10 * np.log10(np.mean(w[: n * 160].reshape(n, 160) ** 2, axis=1) + 1e-10)


def same_recording(a: np.ndarray, b: np.ndarray, max_lag: int = 100) -> float:
    """Highest correlation of two energy envelopes over lags of up to 1 s (overlap >= 80 % of the
    shorter): ~1 for one recording stored twice (other trims, codecs or levels), well below for
    two utterances."""
    if min(len(a), len(b)) < 50:
        return float("nan")
    best = -1.0
    for lag in range(-max_lag, max_lag + 1):
        x, y = (a[lag:], b) if lag >= 0 else (a, b[-lag:])
        n = min(len(x), len(y))
        if n < 0.8 * min(len(a), len(b)):
            continue
        c = np.corrcoef(x[:n], y[:n])[0, 1]
        best = max(best, float(c))
    return best


DUPLICATE_CORR = 0.9
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def describe(name: str, values: np.ndarray, n_speakers: int) -> dict:
    q = np.quantile(values, QUANTILES) if len(values) else [np.nan] * len(QUANTILES)
    return {"pairs": name, "n_pairs": len(values), "n_speakers": n_speakers, "mean": float(np.mean(values)),
            **{f"q{int(p * 100):02d}": float(v) for p, v in zip(QUANTILES, q)}}


def eer_interval(read: pd.DataFrame, n_resamples: int = 200, seed: int = 0) -> tuple[float, float, float, float]:
    """95 % percentile interval of the EER and its threshold, resampling speakers (a pair counts
    as often as the product of its speakers' draws; a same-speaker pair as its speaker's)."""
    speakers = np.unique(np.concatenate([read["spk_a"], read["spk_b"]]))
    pos = {s: k for k, s in enumerate(speakers)}
    a = read["spk_a"].map(pos).to_numpy()
    b = read["spk_b"].map(pos).to_numpy()
    same = read["same"].to_numpy()
    rng = np.random.default_rng(seed)
    eers, thrs = [], []
    for _ in range(n_resamples):
        draws = np.bincount(rng.integers(0, len(speakers), len(speakers)), minlength=len(speakers)).astype(float)
        w = np.where(same, draws[a], draws[a] * draws[b])
        keep = w > 0
        e, t = equal_error_rate(read["cos"].to_numpy()[keep], same[keep], w[keep])
        if np.isfinite(e):
            eers.append(e)
            thrs.append(t)
    lo, hi = np.quantile(eers, [0.025, 0.975])
    tlo, thi = np.quantile(thrs, [0.025, 0.975])
    return float(lo), float(hi), float(tlo), float(thi)


def fmt_table(frame: pd.DataFrame, digits: int = 3) -> str:
    cols = list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in frame.iterrows():
        lines.append("| " + " | ".join(f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in r) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/speaker_similarity_embeddings.npz"),
                    help="embeddings are stored here and reused when the file list is the same")
    ap.add_argument("--out", type=Path, default=REPORT)
    args = ap.parse_args(argv)
    if not DATA.exists():
        sys.exit(f"real data not found: {DATA} (set STYLECHECK_DATA)")
    files = inventory(DATA)
    key = "\n".join(map(str, files["path"]))
    if args.cache.exists() and str(np.load(args.cache, allow_pickle=False)["key"]) == key:
        z = np.load(args.cache)
        emb, speech, audio_s, cpu_s = z["emb"], z["speech"], float(z["audio_s"]), float(z["cpu_s"])
    else:
        emb, speech, audio_s, cpu_s = embed(files)
        np.savez(args.cache, emb=emb, speech=speech, audio_s=audio_s, cpu_s=cpu_s, key=key)
    gender = genders(DATA)
    p = pairs(files, emb, gender)
    # The VCTK and LibriTTS-P extra files were gathered from demo pages, some of which host the
    # same recording: a "same-speaker pair" of one recording twice is not two utterances.
    same_idx = p.index[(p["same"] & (p["kind"] == "read")).to_numpy()]
    env = {k: envelope(files["path"].iloc[k]) for k in set(p.loc[same_idx, "a"]) | set(p.loc[same_idx, "b"])}
    p["envelope_corr"] = np.nan
    p.loc[same_idx, "envelope_corr"] = [same_recording(env[a], env[b]) for a, b in
                                        zip(p.loc[same_idx, "a"], p.loc[same_idx, "b"])]
    dup = p[p["envelope_corr"] >= DUPLICATE_CORR]
    p = p[~(p["envelope_corr"] >= DUPLICATE_CORR)]
    read = p[p["kind"] == "read"]
    same = read[read["same"]]
    diff = read[~read["same"]]
    n_spk_same = same["spk_a"].nunique()

    rows = [describe("same speaker (read)", same["cos"].to_numpy(), n_spk_same),
            describe("different speaker (read), all", diff["cos"].to_numpy(),
                     len(set(diff["spk_a"]) | set(diff["spk_b"]))),
            describe("different speaker, same corpus family", diff[diff["same_family"]]["cos"].to_numpy(),
                     len(set(diff[diff["same_family"]]["spk_a"]) | set(diff[diff["same_family"]]["spk_b"]))),
            describe("different speaker, cross corpus family", diff[~diff["same_family"]]["cos"].to_numpy(),
                     len(set(diff[~diff["same_family"]]["spk_a"]) | set(diff[~diff["same_family"]]["spk_b"]))),
            describe("different speaker, same gender", diff[diff["same_gender"] == "same"]["cos"].to_numpy(),
                     len(set(diff[diff["same_gender"] == "same"]["spk_a"]))),
            describe("different speaker, different gender", diff[diff["same_gender"] == "different"]["cos"].to_numpy(),
                     len(set(diff[diff["same_gender"] == "different"]["spk_a"])))]
    for fam, part in same.groupby(same["spk_a"].str.split(":").str[0]):
        rows.append(describe(f"same speaker, {fam}", part["cos"].to_numpy(), part["spk_a"].nunique()))
    acted = p[p["kind"] == "acted"]
    rows.append(describe("same actor, across emotions (EmoDB, RAVDESS)", acted[acted["same"]]["cos"].to_numpy(),
                         acted[acted["same"]]["spk_a"].nunique()))
    rows.append(describe("different actor, same acted corpus", acted[~acted["same"]]["cos"].to_numpy(),
                         len(set(acted[~acted["same"]]["spk_a"]) | set(acted[~acted["same"]]["spk_b"]))))
    dist = pd.DataFrame(rows)

    def eer(sub):
        return equal_error_rate(sub["cos"].to_numpy(), sub["same"].to_numpy())

    eers = [("all read-speech pairs", *eer(read)),
            ("same speaker vs different speaker of the same corpus family", *eer(read[read["same"] | read["same_family"]])),
            ("same speaker vs different speaker across corpus families", *eer(read[read["same"] | ~read["same_family"]])),
            ("same speaker vs different speaker of the same gender", *eer(read[read["same"] | (read["same_gender"] == "same")])),
            ("acted: same actor across emotions vs different actor", *eer(acted))]
    lo, hi, tlo, thi = eer_interval(read)
    main_eer, main_thr = eers[0][1], eers[0][2]
    top_same = same.sort_values("cos", ascending=False).head(5)
    low_same = same.sort_values("cos").head(5)
    top_diff = diff.sort_values("cos", ascending=False).head(5)

    def name(k):
        return str(Path(files["path"].iloc[int(k)]).relative_to(DATA))

    def listing(frame):
        return "\n".join(f"- {r.cos:.3f}: `{name(r.a)}` vs `{name(r.b)}`" for r in frame.itertuples())

    read_files = files[files["kind"] == "read"]
    per_spk = read_files.groupby("speaker").size()
    text = f"""# Speaker similarity: what a GE2E cosine means

Measured by `benchmarks/speaker_similarity.py` on real speech of `../shared/data`:

    {COMMAND}

Embedding: the bundled default model's (`stylecheck-voice-v2`) GE2E utterance embedding exactly as
scoring computes it: speech check (VAD trim), `StyleModel.frames` (`FusionBackbone`, non-overlapping
1.6 s GE2E windows, at most 6 spread over each segment of <= 30 s), the first 256 values of each
frame averaged over segments and L2-normalised (`stylecheck.features.speaker.speaker_embedding`).
Similarity is the cosine of two such embeddings (`stylecheck.analysis.similarity.cosine_similarity`).

Files: {len(read_files)} read-speech files of {read_files['speaker'].nunique()} speakers
(VCTK {int((read_files['corpus'] == 'vctk').sum())} files / {read_files[read_files['corpus'] == 'vctk']['speaker'].nunique()} speakers,
LibriTTS-P extra {int((read_files['corpus'] == 'libritts_p_extra').sum())} / {read_files[read_files['corpus'] == 'libritts_p_extra']['speaker'].nunique()},
LibriSpeech train-clean-100 {int((read_files['corpus'] == 'librispeech').sum())} / {read_files[read_files['corpus'] == 'librispeech']['speaker'].nunique()}),
{int((~np.isfinite(emb).all(1)).sum())} without an embedding (no speech found).
Speakers with >= 2 files (same-speaker pairs): {int((per_spk >= 2).sum())}; with >= 3: {int((per_spk >= 3).sum())}
(the data has no more: LibriSpeech here is one file per speaker, many VCTK speakers have 1-2).
Acted speech apart: EmoDB ({int((files['corpus'] == 'emodb').sum())} files, 4 speakers, German, 2.0 s cuts) and
RAVDESS ({int((files['corpus'] == 'ravdess').sum())} files, 2 actors). Embedding cost: {audio_s:.0f} s of audio,
{cpu_s:.0f} s CPU (speech check + the full default backbone, 1 thread).

Duplicates: {len(dup)} same-speaker pairs are one recording stored twice (10 ms energy envelopes
correlate >= {DUPLICATE_CORR} at some lag) and are left out:
{chr(10).join(f"- `{name(r.a)}` = `{name(r.b)}`: envelope correlation {r.envelope_corr:.2f}, cosine {r.cos:.3f}" for r in dup.itertuples())}

Of the remaining read same-speaker pairs the highest envelope correlation is {p["envelope_corr"].max():.2f}
(only read-speech pairs are checked: the acted corpora are their original releases, where one
actor says the same sentence several times).

## Equal-error rate

The test "same voice when cosine >= t"; EER where false acceptances equal false rejections.

| pairs | EER | threshold |
|---|---|---|
""" + "\n".join(f"| {n} | {e:.3f} | {t:.3f} |" for n, e, t in eers) + f"""

All read-speech pairs: **EER {main_eer:.3f} (95 % interval over speakers [{lo:.3f}, {hi:.3f}]) at cosine
{main_thr:.3f} ([{tlo:.3f}, {thi:.3f}])**; interval: {200} bootstrap resamples of speakers (seed 0).

## Distributions (quantiles of the cosine)

{fmt_table(dist)}

## How to read a value

- Above the upper quartile of different-speaker pairs of the same gender and near the
  same-speaker median: likely the same voice; below the equal-error threshold ({main_thr:.2f}):
  more likely another voice; in between: ambiguous. Compare a system's mean with the quantiles
  above, not with 1.0: two recordings of one real speaker rarely exceed the same-speaker q95.
- One recording stored twice with other processing (the duplicates above: other demo pages,
  sample rates, codecs) gave 0.94-1.00: a value that high against the source suggests a copy.
- The figures hold for this embedding on clean read speech of these corpora. Pairs from different
  recording set-ups (demo pages re-encoded VCTK, LibriVox home recordings) are part of both
  distributions; synthetic speech and voice-conversion output were not measured here.

## Extremes (for checking the pairs by ear)

Highest same-speaker pairs:
{listing(top_same)}

Lowest same-speaker pairs:
{listing(low_same)}

Highest different-speaker pairs:
{listing(top_diff)}
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
