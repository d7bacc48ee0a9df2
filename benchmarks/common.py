"""Shared pieces of the throughput benchmarks: the machine's description, peak resident memory,
the machine's matrix-product ceiling, generated speech-like audio, and running one benchmark arm
in its own subprocess (so each arm's peak memory is its own)."""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MIXED_RATES = (16000, 22050, 24000, 44100, 48000)


# -- the machine ------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"
    except OSError:
        return "n/a"


def machine_description(device: str) -> dict:
    from stylecheck.scoring.pipeline import bf16_supported

    flags = cpu_flags()
    desc = {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "simd": " ".join(f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in flags) or "none listed",
        "bf16_native": bf16_supported(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "device": device,
        "load_average_1_5_15": load_average(),
    }
    if device.startswith("cuda") and torch.cuda.is_available():
        desc["gpu"] = torch.cuda.get_device_name(0)
        desc["cuda"] = torch.version.cuda
    return desc


def resolve_device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit(f"--device {name}: torch sees no CUDA device on this machine")
    return name


# -- memory -----------------------------------------------------------------------------------
def peak_rss_mib() -> float:
    """This process's peak resident set. Linux: ``VmHWM`` of /proc/self/status, the peak of this
    process's own memory map (``ru_maxrss`` would also count the parent's size at fork time).
    Elsewhere ``ru_maxrss`` (KiB on Linux, bytes on macOS)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mib() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return float("nan")


# -- the compute ceiling ----------------------------------------------------------------------
def matmul_gflops(dtype: torch.dtype, device: str = "cpu", n: int = 1024, seconds: float = 2.0) -> float:
    """Sustained GFLOP/s of square ``n x n`` matrix products in ``dtype`` (best of a few timed
    rounds, so a moment of load from other processes counts less)."""
    dev = torch.device(device)
    a = torch.randn(n, n, device=dev).to(dtype)
    b = torch.randn(n, n, device=dev).to(dtype)

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    with torch.inference_mode():
        for _ in range(3):
            a @ b
        sync()
        best = 0.0
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            reps = 0
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 0.25:
                a @ b
                reps += 1
                if dev.type == "cuda" and reps % 20 == 0:
                    sync()
            sync()
            dt = time.perf_counter() - t0
            best = max(best, 2 * n**3 * reps / dt / 1e9)
    return best


# -- generated audio --------------------------------------------------------------------------
def speech_like(seconds: float, sr: int, rng: np.random.Generator) -> np.ndarray:
    """A voiced, formant-shaped signal with syllable-rate amplitude modulation and pauses: cheap
    to make, and it gives every backbone real work (content does not change the speed)."""
    n = int(seconds * sr)
    t = np.arange(n) / sr
    f0 = rng.uniform(90, 260)
    phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.05 * np.sin(2 * np.pi * rng.uniform(3, 6) * t))) / sr
    formants = rng.uniform([500, 1200, 2300], [900, 2000, 3200])
    wave = np.zeros(n)
    for h in range(1, int(min(4000, sr / 2 - 200) / f0)):
        gain = sum(1.0 / (1 + ((h * f0 - fm) / 150) ** 2) for fm in formants) / h**0.5
        wave += gain * np.sin(h * phase)
    envelope = np.clip(np.sin(2 * np.pi * rng.uniform(2, 4) * t + rng.uniform(0, 6)), 0, None) ** 0.5
    wave = wave * envelope + 0.01 * rng.standard_normal(n)
    return (0.3 * wave / (np.abs(wave).max() + 1e-9)).astype(np.float32)


def generate_corpus(folder: Path, n_files: int, min_s: float, max_s: float, seed: int,
                    rates: tuple[int, ...] = MIXED_RATES) -> float:
    """Write ``n_files`` 16-bit WAV files of ``min_s``-``max_s`` seconds at rates cycling over
    ``rates``; returns their total duration in seconds."""
    import soundfile as sf

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    total = 0.0
    for i in range(n_files):
        sr = rates[i % len(rates)]
        seconds = float(rng.uniform(min_s, max_s))
        sf.write(str(folder / f"utt_{i:05d}.wav"), speech_like(seconds, sr, rng), sr, subtype="PCM_16")
        total += int(seconds * sr) / sr
    return total


# -- arms in subprocesses ---------------------------------------------------------------------
def run_arm(script: Path, args: list[str], env_extra: dict[str, str] | None = None, timeout: float | None = None) -> dict:
    """Run ``script --arm ...`` in a fresh interpreter; it prints one JSON line prefixed with
    ``RESULT `` as its last output. A failing arm stops the benchmark with its stderr."""
    env = dict(os.environ)
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"arm {args} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def emit_result(result: dict) -> None:
    print("RESULT " + json.dumps(result), flush=True)


def markdown_table(rows: list[dict], columns: list[str]) -> str:
    head = "| " + " | ".join(columns) + " |\n|" + "|".join("---" for _ in columns) + "|\n"
    body = "".join("| " + " | ".join(str(r.get(c, "")) for c in columns) + " |\n" for r in rows)
    return head + body


def replace_section(text: str, title: str, body: str) -> str:
    """Replace the ``## title`` section of a markdown document (or append it), so the two
    benchmarks can each rewrite their own part of reports/performance.md."""
    header = f"## {title}"
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == header), None)
    block = [header, "", *body.rstrip("\n").splitlines(), ""]
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        return "\n".join(lines + block) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[:start] + block + lines[end:]) + "\n"
