"""Where scoring time goes: the pieces behind reports/performance.md's explanations, measured.

    .venv/bin/python benchmarks/component_speed.py [--repeats 3] [--out reports]

In one process, alternating arms, median of ``--repeats``:

* GE2E per-frame LSTM on 32 random mel sequences of 1-20 s: packed sequences (the old path)
  against ``GE2ENetwork.frames`` (dense blocks), with the largest differences from packed
  sequences and from one unchunked dense pass;
* the same LSTM on 32 equal sequences of 10 s as 1 worker x all threads against one worker
  thread per core with one torch thread each (what ``stylecheck score --workers`` does);
* HuBERT-base (random weights, the real architecture) on one 15 s input: the full 12 layers with
  ``output_hidden_states`` (the naive reference), stylecheck's layer-6 backbone, and the
  convolutional feature encoder alone (work that any layer choice has to do).

Results go to the "Component timings" section of reports/performance.md.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, load_average, machine_description, markdown_table, replace_section  # noqa: E402


def median_seconds(fn, repeats: int) -> float:
    fn()  # warm-up: first-call allocations and kernel selection
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def lstm_rows(repeats: int) -> list[dict]:
    from stylecheck.features.ge2e import GE2ENetwork

    net = GE2ENetwork.pretrained()
    gen = torch.Generator().manual_seed(0)
    n_frames = torch.randint(100, 2001, (32,), generator=gen)
    mels = torch.rand(32, int(n_frames.max()), 40, generator=gen)
    audio_s = float(n_frames.sum()) / 100
    rows = []
    with torch.inference_mode():
        def packed():
            seq = nn.utils.rnn.pack_padded_sequence(mels, n_frames, batch_first=True, enforce_sorted=False)
            return nn.utils.rnn.pad_packed_sequence(net.lstm(seq)[0], batch_first=True, total_length=mels.shape[1])[0]

        real = torch.arange(mels.shape[1])[None, :, None] < n_frames[:, None, None]
        blocks = net.frames(mels, n_frames)
        diff = float(((packed() - blocks).abs() * real).max())
        # Blocks against one dense pass: isolates what carrying the state across blocks changes.
        diff_blocks = float(((net.frames(mels, n_frames, chunk=mels.shape[1]) - blocks).abs() * real).max())
        for name, fn in (("LSTM, packed sequences (before)", packed),
                         ("LSTM, dense blocks of 200 frames (GE2ENetwork.frames)", lambda: net.frames(mels, n_frames))):
            s = median_seconds(fn, repeats)
            rows.append({"what": name, "input": "32 sequences of 1-20 s", "seconds": round(s, 3),
                         "x_real_time": round(audio_s / s, 1), "threads": torch.get_num_threads(),
                         "note": (f"vs packed: max difference {diff:.1e}; vs one dense pass: {diff_blocks:.1e}"
                                  if "dense" in name else "")})

        equal = torch.rand(32, 1000, 40, generator=gen)
        threads = torch.get_num_threads()
        s = median_seconds(lambda: net.lstm(equal), repeats)
        rows.append({"what": "LSTM, 1 worker x all threads", "input": "32 sequences of 10 s", "seconds": round(s, 3),
                     "x_real_time": round(320 / s, 1), "threads": threads, "note": ""})
        if threads > 1:
            halves = equal.chunk(threads)

            def run(x):
                torch.set_num_threads(1)
                with torch.inference_mode():
                    return net.lstm(x)[0]

            with ThreadPoolExecutor(threads) as pool:
                s = median_seconds(lambda: list(pool.map(run, halves)), repeats)
            torch.set_num_threads(threads)
            rows.append({"what": f"LSTM, {threads} workers x 1 thread", "input": "32 sequences of 10 s",
                         "seconds": round(s, 3), "x_real_time": round(320 / s, 1), "threads": threads, "note": ""})
    return rows


def hubert_rows(repeats: int) -> list[dict]:
    from transformers import AutoModel, HubertConfig, HubertModel

    from stylecheck.features.ssl import SSLBackbone

    with tempfile.TemporaryDirectory() as folder:
        torch.manual_seed(0)
        HubertModel(HubertConfig()).eval().save_pretrained(folder)  # hubert-base's architecture
        full = AutoModel.from_pretrained(folder).eval()
        ours = SSLBackbone(folder, layer=6)
    wave = torch.randn(1, 15 * 16000) * 0.1
    lengths = torch.tensor([wave.shape[1]])
    arms = [("HuBERT-base, 12 layers, output_hidden_states (naive)", lambda: full(wave, output_hidden_states=True)),
            ("HuBERT-base to layer 6 (stylecheck's SSLBackbone.extract)", lambda: ours.extract(wave, lengths)),
            ("HuBERT-base conv feature encoder alone", lambda: full.feature_extractor(wave))]
    rows = []
    with torch.inference_mode():
        for name, fn in arms:
            s = median_seconds(fn, repeats)
            rows.append({"what": name, "input": "one 15 s input", "seconds": round(s, 3),
                         "x_real_time": round(15 / s, 1), "threads": torch.get_num_threads(), "note": ""})
    naive, ours_s, conv = (r["seconds"] for r in rows)
    rows[1]["note"] = f"{naive / ours_s:.2f}x the naive arm"
    rows[2]["note"] = f"{conv / ours_s:.0%} of the layer-6 time (done whichever layer is kept)"
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--out", default=str(ROOT / "reports"))
    args = p.parse_args(argv)
    from stylecheck.io import write_text

    machine = machine_description("cpu")
    load_before = load_average()
    rows = lstm_rows(args.repeats) + hubert_rows(args.repeats)
    for r in rows:
        print(r, flush=True)
    command = ("   .venv/bin/python benchmarks/component_speed.py " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    body = "\n".join([
        f"Command (from the repository root):\n\n{command}\n",
        f"Finished {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average (1/5/15 min) before: {load_before}, "
        f"after: {load_average()}.\n",
        "Machine: " + ", ".join(f"{k} = {v}" for k, v in machine.items()) + "\n",
        f"Median of {args.repeats} runs per arm after one warm-up; x_real_time = audio seconds per wall second.\n",
        markdown_table(rows, ["what", "input", "seconds", "x_real_time", "threads", "note"]),
    ])
    md = Path(args.out) / "performance.md"
    text = md.read_text() if md.is_file() else "# Performance\n"
    write_text(md, replace_section(text, "Component timings", body))
    print(f"wrote {md}")


if __name__ == "__main__":
    main()
