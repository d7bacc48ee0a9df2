"""Scoring throughput: stylecheck's pipeline against a naive one, on one generated folder.

    .venv/bin/python benchmarks/score_throughput.py [--files 200] [--quick] [--device cpu|cuda|auto]
        [--threads N] [--memory-files 10000] [--out reports]

Arms, each in its own subprocess (so each has its own peak resident memory), one after another
on the same folder in the same run:

* ``hubert``: ``score_directory`` with a SpeechMLC head (d_model 128, 4 layers, 8 heads) on a
  HuBERT-base backbone at layer 6 (random weights, the real architecture: ``HubertConfig()``'s
  defaults are hubert-base; speed does not depend on weight values);
* ``naive``: per file: soundfile read, torchaudio resample, the full 12-layer HuBERT with
  ``output_hidden_states=True``, ``hidden_states[6]``, fp32, batch 1, then the same head;
* the bundled default model when installed, and stand-in heads of the same size on the
  ``ge2e``, ``ge2e-frames`` and ``mel80`` backbones (the default's candidates);
* the HuBERT arms run without the speech check (the naive arm has none, and their probabilities
  are compared);
* ``default-novad``: the bundled model without the speech check (``speech=None``), so the
  ``default`` arm's difference is the cost of the VAD (Silero, batched across files) and of
  trimming.

Every arm runs in fp32 (the default precision); the folder is cut from the bundled example
utterances (real speech from three TTS systems, tiled to 1-20 s at mixed rates), so the speech
check finds speech in it, as it would in real TTS output (the formant-shaped synthetic signal in
``common.speech_like`` is rightly not speech to a VAD).

Reported: audio seconds per wall second (real-time factor), hubert/naive ratio, peak RSS, the
share of the machine's matrix-product ceiling (measured in the same run) reached by the HuBERT
arms, and the largest probability difference between the hubert and naive arms.

``--memory-files N`` adds a separate run of the default model (or its ``ge2e`` stand-in) over N
short files (1-2 s; a few hundred generated files repeated through symlinks), with the scoring
subprocess's peak RSS and its RSS as the run progresses.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT, current_rss_mib, emit_result, load_average, machine_description, markdown_table,
    matmul_gflops, peak_rss_mib, replace_section, resolve_device, run_arm,
)

SCRIPT = Path(__file__).resolve()
HEAD = {"d_model": 128, "n_layers": 4, "n_heads": 8}  # the paper's SpeechMLC size
STAND_INS = ("ge2e", "ge2e-frames", "mel80")
SSL_LAYER = 6


#: Issue 15's target for the bundled default (voice parameters + GE2E), end to end on 2 CPU cores.
#: (Issue 9's >= 300x was set for the GE2E-only v1 model.)
DEFAULT_TARGET_RTF = 100

# -- FLOPs of HuBERT-base up to a layer -------------------------------------------------------

def hubert_flops(n_samples: int, config, layers: int) -> float:
    """Multiply-add FLOPs (x2) of the conv feature encoder, the feature projection, the
    positional convolution and ``layers`` transformer layers for one input of ``n_samples``."""
    flops = 0.0
    n, c_in = n_samples, 1
    for c_out, k, s in zip(config.conv_dim, config.conv_kernel, config.conv_stride):
        n = (n - k) // s + 1
        flops += 2.0 * c_in * c_out * k * n
        c_in = c_out
    frames, d, ff = n, config.hidden_size, config.intermediate_size
    flops += 2.0 * c_in * d * frames  # feature projection
    flops += 2.0 * d * (d // config.num_conv_pos_embedding_groups) * config.num_conv_pos_embeddings * frames
    per_layer = 2.0 * frames * (4 * d * d + 2 * d * ff) + 2.0 * 2 * frames * frames * d  # projections, FFN, attention
    return flops + layers * per_layer


# -- arms (run in subprocesses) ---------------------------------------------------------------
def _setup_threads(threads: int) -> None:
    if threads > 0:
        torch.set_num_threads(threads)


def arm_pipeline(args) -> None:
    """stylecheck's scoring pipeline: ``score_directory`` on the folder, outputs to a temp dir."""
    from stylecheck.models import StyleModel
    from stylecheck.scoring import score_directory

    _setup_threads(args.threads)
    t0 = time.perf_counter()
    model = StyleModel.from_pretrained(args.model, device=args.device)
    model.backbone  # build (and load) the backbone now, so loading is not counted as scoring
    from stylecheck.models import DEFAULT_SPEECH

    bf16 = args.precision == "bf16"
    speech = DEFAULT_SPEECH if args.vad == "on" else None
    measures = args.measures == "on"
    with tempfile.TemporaryDirectory() as warm:
        # One file first: lazy imports (plots, report) and first-call set-up count as loading.
        first = sorted(Path(args.audio).rglob("*.wav"))[0]
        (Path(warm) / "in").mkdir()
        (Path(warm) / "in" / first.name).symlink_to(first.resolve())
        score_directory(Path(warm) / "in", model=model, out_dir=Path(warm) / "out", bf16=bf16, speech=speech,
                        measures=measures)
    load_s = time.perf_counter() - t0
    rss_trace: list[tuple[int, float]] = []
    marks = {max(1, round(args.n_expected * f)) for f in (0.01, 0.1, 0.25, 0.5, 0.75, 1.0)}

    def progress(done: int, total: int, audio_s: float) -> None:
        if any(done >= m > done - (args.batch_size or 32) for m in marks):
            rss_trace.append((done, round(current_rss_mib(), 1)))

    with tempfile.TemporaryDirectory() as out:
        t0, c0 = time.perf_counter(), time.process_time()
        scores = score_directory(args.audio, model=model, out_dir=out, force=True, batch_size=args.batch_size or None,
                                 bf16=bf16, progress=progress, workers=args.workers or None, speech=speech,
                                 measures=measures, quality=args.quality == "on")
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        wall = time.perf_counter() - t0
        # CPU seconds of all this process's threads: on a machine shared with other jobs, the
        # cost of an arm is steadier in CPU time than in wall time.
        cpu = time.process_time() - c0
        meta = json.loads(Path(out, "run.json").read_text())
    ok = scores[scores["status"].isin(["ok", "unlisted"])]
    # Every decoded file was processed (a no_speech file went through the VAD): all count as audio.
    processed = scores[scores["status"].isin(["ok", "unlisted", "no_speech"])]
    pcols = [f"p_{lab}" for lab in model.labels]
    if args.probs:
        Path(args.probs).write_text(json.dumps({r["file"]: [r[c] for c in pcols] for r in ok.to_dict("records")}))
    emit_result({"wall_s": wall, "cpu_s": cpu, "load_s": load_s, "audio_s": float(processed["duration_s"].sum()), "files": len(scores),
                 "ok": len(ok), "no_speech": int((scores["status"] == "no_speech").sum()),
                 "speech_s": float(np.nansum(scores["speech_s"].to_numpy(float))),
                 "peak_rss_mib": peak_rss_mib(), "precision": meta["precision"],
                 "threads": torch.get_num_threads(), "workers": args.workers or "default", "rss_trace": rss_trace})


def arm_naive(args) -> None:
    """The naive reference: everything per file, the full model, all hidden states kept."""
    import soundfile as sf
    import torchaudio.functional as AF
    from transformers import HubertModel

    from stylecheck.audio import find_audio_files
    from stylecheck.models import StyleModel
    from stylecheck.models.style_model import frame_windows

    _setup_threads(args.threads)
    t0 = time.perf_counter()
    device = torch.device(args.device)
    net = HubertModel.from_pretrained(args.hubert).to(device).eval()
    head_model = StyleModel.from_pretrained(args.model, device=args.device)  # the same head; its backbone is never built
    cfg = net.config
    n5 = int(round(head_model.config.window_s * 16000))
    for k, s in zip(cfg.conv_kernel, cfg.conv_stride):
        n5 = (n5 - k) // s + 1
    frame_rate = 16000 / math.prod(cfg.conv_stride)
    root = Path(args.audio)
    files = find_audio_files(root)
    probs: dict[str, list[float]] = {}
    audio_s = 0.0
    t0_all = t0
    with torch.inference_mode():
        for k, path in enumerate([files[0]] + files):  # the first file once more, as warm-up
            if k == 1:
                load_s = time.perf_counter() - t0_all
                probs, audio_s = {}, 0.0
                t0 = time.perf_counter()
            data, sr = sf.read(str(path), dtype="float32", always_2d=True)
            wave = torch.from_numpy(data.mean(axis=1))
            if sr != 16000:
                wave = AF.resample(wave, sr, 16000)
            audio_s += wave.shape[0] / 16000
            out = net(wave[None].to(device), output_hidden_states=True)
            frames = out.hidden_states[SSL_LAYER][0].float().cpu()
            wb = frame_windows([frames], n5, frame_rate)
            logits = head_model.head(wb.frames.to(device), wb.mask.to(device)).float().cpu()
            p = head_model.aggregate(head_model.calibrate(logits), wb, 1)[0]
            probs[path.relative_to(root).as_posix()] = [float(x) for x in p]
    if device.type == "cuda":
        torch.cuda.synchronize()
    wall = time.perf_counter() - t0
    if args.probs:
        Path(args.probs).write_text(json.dumps(probs))
    emit_result({"wall_s": wall, "load_s": load_s, "audio_s": audio_s, "files": len(probs), "ok": len(probs),
                 "peak_rss_mib": peak_rss_mib(), "precision": "fp32", "threads": torch.get_num_threads(),
                 "rss_trace": []})


# -- set-up in the parent ---------------------------------------------------------------------
def make_hubert_base(folder: Path) -> Path:
    from transformers import HubertConfig, HubertModel

    torch.manual_seed(0)
    HubertModel(HubertConfig()).eval().save_pretrained(folder)
    return folder


def make_head(backbone_name: str, folder: Path, layer: int | None = None) -> Path:
    from stylecheck.features import build_backbone
    from stylecheck.styles.labels import PAPER_LABELS
    from stylecheck.models import new_model

    torch.manual_seed(0)
    model = new_model("speechmlc", build_backbone(backbone_name, layer=layer), PAPER_LABELS, **HEAD)
    model.save_pretrained(folder)
    return folder


def default_model_dir() -> Path | None:
    from stylecheck.pretrained import default_model_path

    try:
        return default_model_path()
    except Exception:
        return None


def speech_corpus(folder: Path, n_files: int, min_s: float, max_s: float, seed: int) -> float:
    """``n_files`` 16-bit WAV files of ``min_s``-``max_s`` s cut from the bundled example
    utterances played one after another (starting at a random one), at rates cycling over
    ``common.MIXED_RATES``; returns their total duration."""
    import soundfile as sf

    from common import MIXED_RATES
    from stylecheck.audio import load_audio

    examples = sorted((ROOT / "stylecheck" / "examples" / "audio").glob("*/*.flac"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    total = 0.0
    for i in range(n_files):
        sr = MIXED_RATES[i % len(MIXED_RATES)]
        n = int(float(rng.uniform(min_s, max_s)) * sr)
        parts, have, k = [], 0, int(rng.integers(len(examples)))
        while have < n:
            wave = load_audio(examples[k % len(examples)], sr).numpy()
            parts.append(wave)
            have += len(wave)
            k += 1
        sf.write(str(folder / f"utt_{i:05d}.wav"), np.concatenate(parts)[:n], sr, subtype="PCM_16")
        total += n / sr
    return total


def make_memory_folder(folder: Path, n_files: int, seed: int, base_files: int = 300) -> float:
    """``n_files`` short files: ``base_files`` generated ones repeated through symlinks, 100 to a
    subfolder. Returns the total audio duration."""
    base = folder.parent / (folder.name + "_base")
    speech_corpus(base, min(base_files, n_files), 1.0, 2.0, seed)
    import soundfile as sf

    originals = sorted(base.glob("*.wav"))
    durations = [sf.info(str(p)).duration for p in originals]
    total = 0.0
    for i in range(n_files):
        sub = folder / f"part_{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        k = i % len(originals)
        (sub / f"utt_{i:05d}.wav").symlink_to(originals[k])
        total += durations[k]
    return total


def _fmt(x, digits=1):
    return "" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{digits}f}"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--files", type=int, default=200, help="generated files of 1-20 s (default 200)")
    p.add_argument("--quick", action="store_true", help="40 files, for a fast check")
    p.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    p.add_argument("--threads", type=int, default=0, help="torch threads per arm (0: torch's default)")
    p.add_argument("--batch-size", type=int, default=0,
                   help="files per scoring batch (0, the default: score_directory's automatic choice)")
    p.add_argument("--memory-files", type=int, default=0, help="also score this many short files with the default model")
    p.add_argument("--skip-arms", action="store_true", help="only the --memory-files run")
    p.add_argument("--arms", default="", help="comma-separated arm names to run (default: all), e.g. "
                   "ge2e,ge2e-1t,mel80; the hubert/naive comparison needs both hubert and naive")
    p.add_argument("--no-single-thread-arms", dest="single_thread_arms", action="store_false",
                   help="skip the extra 1-thread runs of the pipeline arms (CPU only)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(ROOT / "reports"), help="folder for performance.md and the CSVs")
    p.add_argument("--workdir", default=None, help="keep generated audio and models here (default: a temp dir)")
    # internal: one arm in this process
    p.add_argument("--arm", choices=["pipeline", "naive"], help=argparse.SUPPRESS)
    p.add_argument("--audio", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--hubert", help=argparse.SUPPRESS)
    p.add_argument("--probs", help=argparse.SUPPRESS)
    p.add_argument("--precision", default="fp32", choices=["bf16", "fp32"], help=argparse.SUPPRESS)
    p.add_argument("--vad", default="on", choices=["on", "off"], help=argparse.SUPPRESS)
    p.add_argument("--measures", default="off", choices=["on", "off"], help=argparse.SUPPRESS)
    p.add_argument("--quality", default="off", choices=["on", "off"], help=argparse.SUPPRESS)
    p.add_argument("--n-expected", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)  # 0: score_directory's default
    args = p.parse_args(argv)
    if args.arm == "pipeline":
        return arm_pipeline(args)
    if args.arm == "naive":
        return arm_naive(args)
    run_benchmark(args, argv if argv is not None else sys.argv[1:])


def run_benchmark(args, argv: list[str]) -> None:
    from stylecheck.io import write_csv, write_text
    from stylecheck.scoring.pipeline import bf16_supported
    import pandas as pd

    device = resolve_device(args.device)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    n_files = 40 if args.quick else args.files
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="stylecheck-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    machine = machine_description(device)
    command = ("   .venv/bin/python benchmarks/score_throughput.py " + " ".join(argv)).rstrip()
    print(f"machine: {machine}", flush=True)
    common = ["--device", device, "--threads", str(args.threads), "--batch-size", str(args.batch_size)]
    rows: list[dict] = []
    try:
        default_dir = default_model_dir()
        models = {}
        if not args.skip_arms:
            ceiling = {"fp32": matmul_gflops(torch.float32, device), "bf16": matmul_gflops(torch.bfloat16, device)}
            print(f"matmul ceiling GFLOP/s: {ceiling}", flush=True)
            audio = work / "audio"
            if not audio.is_dir():
                speech_corpus(audio, n_files, 1.0, 20.0, args.seed)
            hubert_dir = work / "hubert-base-random"
            if not (hubert_dir / "config.json").is_file():
                make_hubert_base(hubert_dir)
            models["hubert"] = make_head(str(hubert_dir), work / "head-hubert", layer=SSL_LAYER)
            for name in STAND_INS:
                models[name] = make_head(name, work / f"head-{name}")
            from transformers import HubertConfig

            hub_cfg = HubertConfig.from_pretrained(hubert_dir)
            import soundfile as sf

            lengths = [int(round(sf.info(str(f)).duration * 16000)) for f in sorted(audio.glob("*.wav"))]
            flops_layer6 = sum(hubert_flops(n, hub_cfg, SSL_LAYER) for n in lengths)
            audio_total = sum(lengths) / 16000
            print(f"{n_files} files, {audio_total:.0f} s of audio; HuBERT-base to layer {SSL_LAYER}: "
                  f"{flops_layer6 / audio_total / 1e9:.2f} GFLOP per audio second", flush=True)

            # (name, kind, model folder, precision, threads, description)
            arms = [("hubert", "pipeline", models["hubert"], "fp32", args.threads, "HuBERT-base L6 + SpeechMLC, score_directory"),
                    ("naive", "naive", models["hubert"], "fp32", args.threads, "naive: 12 layers, hidden_states[6], batch 1, fp32")]
            if bf16_supported() or device.startswith("cuda"):
                arms.insert(1, ("hubert-bf16", "pipeline", models["hubert"], "bf16", args.threads, "HuBERT-base L6, --precision bf16"))
            single = args.single_thread_arms and device == "cpu" and torch.get_num_threads() > 1
            if single:
                arms.append(("hubert-1t", "pipeline", models["hubert"], "fp32", 1, "HuBERT-base L6, 1 thread"))
            candidates = ([("default", default_dir, f"bundled default model ({default_dir.name})")] if default_dir else [])
            candidates += [(name, models[name], f"SpeechMLC on {name} (stand-in for the default)") for name in STAND_INS]
            # The HuBERT arms are compared with the naive arm, which classifies whole files.
            workers, vad, measured = {}, {"hubert": "off", "hubert-bf16": "off", "hubert-1t": "off"}, {}
            for name, folder, what in candidates:
                arms.append((name, "pipeline", folder, "fp32", args.threads, what))
                if name == "default":
                    arms.append(("default-novad", "pipeline", folder, "fp32", args.threads, what + ", no speech check"))
                    vad["default-novad"] = "off"
                    # The signal measures and measured categories (issue 22) on top of the default.
                    arms.append(("default-measures", "pipeline", folder, "fp32", args.threads,
                                 what + ", with the signal measures"))
                    measured["default-measures"] = "on"
                    # --quality: DNSMOS per file and the quality guard (issue 23), off by default.
                    arms.append(("default-quality", "pipeline", folder, "fp32", args.threads, what + ", --quality (DNSMOS)"))
                if single:
                    arms.append((f"{name}-1t", "pipeline", folder, "fp32", 1, what + ", 1 thread"))
                    # The same threads as one worker: what side-by-side batches gain.
                    arms.append((f"{name}-1w", "pipeline", folder, "fp32", args.threads, what + ", 1 worker x all threads"))
                    workers[f"{name}-1w"] = 1
            if args.arms:
                wanted = set(args.arms.split(","))
                arms = [a for a in arms if a[0] in wanted]
            probs = {}
            for name, kind, model_dir, precision, threads, what in arms:
                pfile = work / f"probs-{name}.json"
                load_before = load_average()
                res = run_arm(SCRIPT, ["--arm", kind, "--audio", str(audio), "--model", str(model_dir),
                                       "--hubert", str(hubert_dir), "--probs", str(pfile), "--precision", precision,
                                       "--n-expected", str(n_files), *common, "--threads", str(threads),
                                       "--workers", str(workers.get(name, 0)), "--vad", vad.get(name, "on"),
                                       "--quality", "on" if name == "default-quality" else "off",
                                       "--measures", measured.get(name, "off")])
                probs[name] = json.loads(pfile.read_text())
                rtf = res["audio_s"] / res["wall_s"]
                row = {"arm": name, "what": what, "files": res["ok"], "audio_s": round(res["audio_s"], 1),
                       "wall_s": round(res["wall_s"], 2), "rtf": round(rtf, 2), "load_s": round(res["load_s"], 2),
                       "peak_rss_mib": round(res["peak_rss_mib"], 1), "precision": res["precision"],
                       "threads": res["threads"], "workers": res.get("workers", ""), "load_avg_before": load_before,
                       "vad": vad.get(name, "on"), "measures": measured.get(name, "off"),
                       "no_speech": res.get("no_speech", 0)}
                if "cpu_s" in res:
                    row["cpu_s"] = round(res["cpu_s"], 2)
                    row["audio_s_per_cpu_s"] = round(res["audio_s"] / res["cpu_s"], 1)
                if name.startswith(("hubert", "naive")):
                    achieved = flops_layer6 / res["wall_s"] / 1e9  # the naive arm: only the 6 layers' work counts
                    row["gflop_per_s"] = round(achieved, 1)
                    ceil = ceiling["bf16" if res["precision"] == "bf16" else "fp32"]
                    row["share_of_ceiling"] = round(achieved / ceil, 3)
                rows.append(row)
                print(row, flush=True)
            by = {r["arm"]: r for r in rows}
            for r in rows:
                if r["arm"] != "naive" and "naive" in by:  # the naive arm ran with the default thread setting
                    r["x_naive"] = round(r["rtf"] / by["naive"]["rtf"], 2)
            diffs = {}
            for name in ("hubert", "hubert-bf16", "hubert-1t"):
                if name in probs and "naive" in probs:
                    common_files = sorted(set(probs[name]) & set(probs["naive"]))
                    a = np.array([probs[name][f] for f in common_files])
                    b = np.array([probs["naive"][f] for f in common_files])
                    diffs[name] = float(np.abs(a - b).max())
                    by[name]["max_abs_diff_vs_naive"] = f"{diffs[name]:.2e}"
        memory = None
        if args.memory_files:
            mem_model = default_dir if default_dir is not None else make_head("ge2e", work / "head-ge2e-mem")
            folder = work / f"memory_{args.memory_files}"
            if not folder.is_dir():
                mem_audio = make_memory_folder(folder, args.memory_files, args.seed + 1)
            res = run_arm(SCRIPT, ["--arm", "pipeline", "--audio", str(folder), "--model", str(mem_model),
                                   "--precision", "fp32", "--n-expected", str(args.memory_files), *common])
            memory = {"arm": "memory", "what": f"{args.memory_files} files of 1-2 s, "
                      f"{'bundled default' if default_dir is not None else 'ge2e stand-in'}",
                      "files": res["ok"], "audio_s": round(res["audio_s"], 1), "wall_s": round(res["wall_s"], 2),
                      "rtf": round(res["audio_s"] / res["wall_s"], 2), "load_s": round(res["load_s"], 2),
                      "peak_rss_mib": round(res["peak_rss_mib"], 1), "precision": res["precision"],
                      "threads": res["threads"], "load_avg_before": load_average(),
                      "rss_trace": "; ".join(f"{n}: {m:.0f} MiB" for n, m in res["rss_trace"])}
            print(memory, flush=True)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    out = Path(args.out)
    md_path = out / "performance.md"
    text = md_path.read_text() if md_path.is_file() else "# Performance\n\nMeasured by `benchmarks/`; regenerate with the commands below.\n"
    header = [f"Command (from the repository root):\n\n{command}\n",
              f"Finished {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average (1/5/15 min) at the end: "
              f"{load_average()} on {machine['logical_cpus']} logical CPUs (the machine was shared with other work).\n",
              "Machine: " + ", ".join(f"{k} = {v}" for k, v in machine.items()) + "\n"]
    if rows:
        # A run of some arms only writes its own CSV, so it never replaces the full matrix's.
        csv_name = "performance_scoring.csv" if not args.arms else f"performance_scoring_{args.arms.replace(',', '_')}.csv"
        write_csv(out / csv_name, pd.DataFrame(rows))
        body = header + [f"Matrix-product ceiling measured in the same run (1024x1024, {torch.get_num_threads()} threads): "
                         f"fp32 {ceiling['fp32']:.0f} GFLOP/s, bf16 {ceiling['bf16']:.1f} GFLOP/s.\n"]
        body.append(f"Folder: {n_files} files of 1-20 s cut from the bundled example utterances at 16/22.05/24/44.1/48 kHz, {audio_total:.0f} s of audio "
                    f"(seed {args.seed}). HuBERT-base up to layer {SSL_LAYER}: {flops_layer6 / audio_total / 1e9:.2f} "
                    f"GFLOP per audio second (conv encoder, projection, positional conv, {SSL_LAYER} layers incl. attention). "
                    "rtf = audio seconds per wall second (model loading excluded, reported as load_s); share_of_ceiling = "
                    "those FLOPs per wall second over the matrix-product ceiling of the precision used (the naive arm's "
                    "figure counts only the 6 layers' work it needs, although it computes 12).\n")
        cols = ["arm", "what", "files", "no_speech", "vad", "measures", "audio_s", "wall_s", "rtf", "cpu_s", "audio_s_per_cpu_s", "x_naive", "peak_rss_mib", "precision", "threads", "workers",
                "gflop_per_s", "share_of_ceiling", "max_abs_diff_vs_naive", "load_s", "load_avg_before"]
        body.append(markdown_table(rows, cols))
        verdicts = []
        if "hubert" in diffs:
            hub = by["hubert"]
            limit = 1e-3 if hub["precision"] == "fp32" else 0.02
            verdicts += [f"- HuBERT pipeline vs naive: {hub['x_naive']}x (target >= 3x): "
                         f"{'met' if hub['x_naive'] >= 3 else 'NOT met'}.",
                         f"- hubert vs naive probabilities: largest difference {diffs['hubert']:.2e} "
                         f"({hub['precision']}; limit {limit:g}): {'ok' if diffs['hubert'] <= limit else 'FAILED'}."]
        if "default" in by and "default-novad" in by:
            cost = by["default-novad"]["rtf"] / by["default"]["rtf"]
            line = (f"- speech check (Silero VAD, batched, plus trimming): default {by['default']['rtf']}x vs "
                    f"default-novad {by['default-novad']['rtf']}x real time (wall): {100 * (1 - 1 / cost):.0f}% of the "
                    "wall time")
            if "cpu_s" in by["default"] and "cpu_s" in by["default-novad"]:
                line += (f"; CPU time {by['default']['cpu_s']} s vs {by['default-novad']['cpu_s']} s: "
                         f"{100 * (by['default']['cpu_s'] / by['default-novad']['cpu_s'] - 1):+.0f}%")
            verdicts.append(line + ".")
        if "default" in by and "default-measures" in by:
            d, m = by["default"], by["default-measures"]
            line = (f"- signal measures (issue 22): default-measures {m['rtf']}x vs default {d['rtf']}x real time "
                    f"(wall): the measures take {100 * (1 - m['rtf'] / d['rtf']):.0f}% of the wall time")
            if "cpu_s" in d and "cpu_s" in m:
                line += f"; CPU time {m['cpu_s']} s vs {d['cpu_s']} s ({100 * (m['cpu_s'] / d['cpu_s'] - 1):+.0f}%)"
            verdicts.append(line + f"; target >= 100x with the measures: {'met' if m['rtf'] >= 100 else 'NOT met'}.")
        for name in ("hubert-bf16", "hubert-1t"):
            if name in diffs:
                verdicts.append(f"- {name}: {by[name].get('x_naive', '')}x the naive arm; probabilities vs naive: "
                                f"{diffs[name]:.2e} (limit 1e-3 in fp32; bf16 is approximate).")
        for name in [n + t for n in ("default",) + STAND_INS for t in ("", "-1t", "-1w")]:
            if name in by:
                verdicts.append(f"- {name}: {by[name]['rtf']}x real time (target for the default, issue 15: "
                                f">= {DEFAULT_TARGET_RTF}x): {'met' if by[name]['rtf'] >= DEFAULT_TARGET_RTF else 'NOT met'}.")
        body.append("\n".join(verdicts) + "\n")
        # A run without the HuBERT arm gets its own section, so it never replaces the full matrix.
        title = ("Scoring throughput: HuBERT pipeline vs naive reference" if {"naive", "hubert"} <= set(by)
                 else "Scoring throughput: " + ", ".join(by))
        text = replace_section(text, title, "\n".join(body))
    if memory:
        write_csv(out / "performance_memory.csv", pd.DataFrame([memory]))
        body = header + [f"{memory['what']}, {memory['audio_s']:.0f} s of audio, {memory['rtf']}x real time, "
                         f"peak RSS of the scoring process {memory['peak_rss_mib']:.0f} MiB (target < 2048 MiB: "
                         f"{'met' if memory['peak_rss_mib'] < 2048 else 'NOT met'}). RSS after N files: {memory['rss_trace']}.\n"]
        text = replace_section(text, "Scoring memory", "\n".join(body))
    write_text(md_path, text)
    print(f"wrote {md_path}")


if __name__ == "__main__":
    main()
