#!/usr/bin/env python3
"""Regenerate the bundled demo audio in ``stylecheck/examples/`` from open speech synthesizers.

Three toy "systems" each render the same five items (``utt01`` .. ``utt05``); every item carries
the style the system was asked for (a label list or a free-text prompt). Each system picks the voice
and settings it has that come closest to the request, and some requests it cannot meet (Festival
has one female voice, flite cannot sound old, eSpeak is always buzzy), so the demo shows both
matches and failures.

Synthesizers (needed only to regenerate; stylecheck itself never uses them), all from Debian and
all under licences that let the project redistribute what they produce:

* ``flite``    - CMU Flite 2.2 (package ``flite``): CMU ARCTIC voices slt, rms, awb and the kal16 diphone voice.
* ``espeak``   - eSpeak NG 1.51 (package ``espeak-ng``): formant synthesis with voice variants.
* ``festival`` - Festival 2.5 (packages ``festival festvox-kallpc16k festvox-kdlpc16k
  festvox-us-slt-hts``): kal and ked diphone voices, the slt ARCTIC HTS voice.

Every rendering is trimmed of leading/trailing silence, resampled to 16 kHz mono, peak-normalised
and written as 16-bit FLAC. All three synthesizers are deterministic, so with the same package
versions the script regenerates byte-identical files; check with ``--out /tmp/examples-check``
and ``diff -r``.

Usage (from the repository root)::

    apt-get install flite espeak-ng festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts
    .venv/bin/python scripts/make_examples.py
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile as sf
from scipy.signal import resample_poly

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from stylecheck.io import atomic_path, write_csv  # noqa: E402

TARGET_SR = 16000
PEAK = 0.7  # -3 dBFS: loud enough to hear, with headroom so no sample clips after resampling
TRIM_DB = -40.0  # 10 ms frames quieter than this (relative to the loudest) at either end are silence
TRIM_MARGIN_S = 0.1  # silence kept before the first and after the last loud frame
MIN_S, MAX_S = 2.0, 6.0  # short enough to judge at once, long enough for a style model's window

#: Debian packages that provide each system, for the version record and the install hint.
PACKAGES = {
    "flite": ("flite",),
    "espeak": ("espeak-ng", "espeak-ng-data"),
    "festival": ("festival", "festvox-kallpc16k", "festvox-kdlpc16k", "festvox-us-slt-hts"),
}
EXECUTABLES = {"flite": "flite", "espeak": "espeak-ng", "festival": "text2wave"}


# --------------------------------------------------------------------------- what is asked


@dataclass(frozen=True)
class Item:
    """One request sent to every system: the text to speak and the style asked for."""

    name: str
    text: str
    styles: str = ""  # ';'-separated labels, or empty when the request is a free-text prompt
    prompt: str = ""


ITEMS = [
    Item("utt01", "The morning train leaves at seven, so please be on time.", styles="Female;Adult;Smooth"),
    Item("utt02", "I have lived by this river for seventy years.",
         prompt="an elderly man with a deep, gravelly voice"),
    Item("utt03", "Oh my gosh, you have to come and see this, it is amazing!",
         prompt="a bright, excited teenage girl"),
    Item("utt04", "In the quiet hours before dawn, the city slowly begins to wake.",
         styles="Male;Adult;Dark;Smooth"),
    Item("utt05", "Hey, wait up! Can I borrow your bike after school today?", styles="Male;Teenager;Bright"),
]


# --------------------------------------------------------------------------- how each system answers
# Each engine turns a UTF-8 text file into a WAV file with one command line.


@dataclass(frozen=True)
class Flite:
    voice: str
    setf: tuple[tuple[str, float], ...] = ()  # flite --setf features, e.g. int_f0_target_mean

    system = "flite"

    def command(self, text_file: Path, out: Path) -> list[str]:
        cmd = ["flite", "-voice", self.voice]
        for key, value in self.setf:
            cmd += ["--setf", f"{key}={value:g}"]
        return cmd + ["-f", str(text_file), "-o", str(out)]

    def describe(self) -> str:
        return " ".join([f"voice={self.voice}"] + [f"{k}={v:g}" for k, v in self.setf])


@dataclass(frozen=True)
class Espeak:
    voice: str  # language + variant, e.g. en-us+f3
    pitch: int = 50  # espeak-ng -p, 0..99
    speed: int = 175  # espeak-ng -s, words per minute

    system = "espeak"

    def command(self, text_file: Path, out: Path) -> list[str]:
        return ["espeak-ng", "-v", self.voice, "-p", str(self.pitch), "-s", str(self.speed),
                "-f", str(text_file), "-w", str(out)]

    def describe(self) -> str:
        return f"voice={self.voice} pitch={self.pitch} speed={self.speed}"


@dataclass(frozen=True)
class Festival:
    voice: str  # the Scheme voice function without its "voice_" prefix
    # Diphone voices only (the HTS voice makes its own F0 and durations and ignores these):
    f0_mean: int | None = None  # target mean F0 (Hz) of the linear-regression intonation model
    f0_std: int | None = None
    duration_stretch: float | None = None  # > 1 speaks slower

    system = "festival"

    def command(self, text_file: Path, out: Path) -> list[str]:
        cmd = ["text2wave", "-eval", f"(voice_{self.voice})"]
        if self.f0_mean is not None:
            # The same form the diphone voices use for their own defaults (kal: 105/14 over 170/34).
            cmd += ["-eval", f"(set! int_lr_params '((target_f0_mean {self.f0_mean}) "
                             f"(target_f0_std {self.f0_std}) (model_f0_mean 170) (model_f0_std 34)))"]
        if self.duration_stretch is not None:
            cmd += ["-eval", f"(Parameter.set 'Duration_Stretch {self.duration_stretch:g})"]
        return cmd + [str(text_file), "-o", str(out)]

    def describe(self) -> str:
        parts = [f"voice={self.voice}"]
        if self.f0_mean is not None:
            parts.append(f"target_f0_mean={self.f0_mean} target_f0_std={self.f0_std}")
        if self.duration_stretch is not None:
            parts.append(f"Duration_Stretch={self.duration_stretch:g}")
        return " ".join(parts)


@dataclass(frozen=True)
class Rendering:
    """One system's answer to one item, and whether the chosen voice was *meant* to fit the request."""

    item: str
    engine: Flite | Espeak | Festival
    aims_to_match: str  # "yes", "partly" or "no"; the reason is in ``note``
    note: str


RENDERINGS = [
    # flite: one female voice (slt) and three male ones; pitch and pace are adjustable.
    Rendering("utt01", Flite("slt"), "yes", "slt is a US adult female voice, smooth"),
    Rendering("utt02", Flite("kal16", (("int_f0_target_mean", 80), ("duration_stretch", 1.15))), "partly",
              "low, slow male diphone voice; flite has no way to sound old or gravelly"),
    Rendering("utt03", Flite("slt", (("int_f0_target_mean", 250), ("int_f0_target_stddev", 40),
                                     ("duration_stretch", 0.9))), "yes",
              "slt raised to 250 Hz with livelier pitch and a faster pace, to sound young and bright"),
    Rendering("utt04", Flite("rms"), "yes", "rms is a US adult male voice with a low, even pitch"),
    Rendering("utt05", Flite("awb", (("int_f0_target_mean", 165), ("duration_stretch", 0.9))), "partly",
              "adult Scottish male voice raised to 165 Hz; still an adult timbre"),
    # espeak: formant synthesis, always buzzy; variants change pitch range, formants and flutter.
    Rendering("utt01", Espeak("en-us+f3", pitch=50, speed=160), "partly",
              "female variant, but eSpeak's formant voice is buzzy rather than smooth"),
    Rendering("utt02", Espeak("en-us+croak", pitch=15, speed=140), "yes",
              "'croak' variant (pitch flutter, shifted formants) at very low pitch, slow"),
    Rendering("utt03", Espeak("en-us+f4", pitch=85, speed=185), "yes", "female variant at high pitch, fast"),
    Rendering("utt04", Espeak("en-us+m3", pitch=30, speed=150), "partly",
              "male variant at low pitch; buzzy rather than smooth"),
    Rendering("utt05", Espeak("en-us+m1", pitch=90, speed=180), "partly",
              "male variant at high pitch; eSpeak cannot make a voice sound young"),
    # festival: two male diphone voices (pitch and pace adjustable) and one female HTS voice (fixed).
    Rendering("utt01", Festival("cmu_us_slt_arctic_hts"), "yes", "slt HTS voice: US adult female, even"),
    Rendering("utt02", Festival("ked_diphone", f0_mean=85, f0_std=10, duration_stretch=1.2), "partly",
              "low, slow male diphone voice; cannot sound old or gravelly"),
    Rendering("utt03", Festival("cmu_us_slt_arctic_hts"), "no",
              "the only female voice is an adult one whose pitch cannot be changed"),
    Rendering("utt04", Festival("kal_diphone"), "yes", "kal diphone voice: US adult male at 105 Hz"),
    Rendering("utt05", Festival("ked_diphone", f0_mean=160, f0_std=20, duration_stretch=0.9), "partly",
              "adult male diphone voice raised to 160 Hz, faster; still an adult timbre"),
]


# --------------------------------------------------------------------------- synthesis and clean-up


def synthesize(rendering: Rendering, text: str, workdir: Path) -> tuple[np.ndarray, int]:
    """Run the synthesizer into a scratch WAV and return its samples (float64, mono) and rate."""
    stem = f"{rendering.engine.system}-{rendering.item}"
    text_file = workdir / f"{stem}.txt"
    text_file.write_text(text + "\n", encoding="utf-8")
    raw = workdir / f"{stem}.wav"
    cmd = rendering.engine.command(text_file, raw)
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0 or not raw.exists() or raw.stat().st_size == 0:
        raise SystemExit(f"{stem}: `{' '.join(cmd)}` failed (exit {result.returncode}):\n{result.stderr.strip()}")
    wave, sr = sf.read(str(raw), dtype="float64", always_2d=True)
    return wave.mean(axis=1), sr


def trim_silence(wave: np.ndarray, sr: int) -> np.ndarray:
    """Cut leading/trailing silence (10 ms frames below TRIM_DB re. the loudest), keeping a margin."""
    frame = int(0.01 * sr)
    n = len(wave) // frame
    energy = np.sqrt(np.mean(wave[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-20)
    loud = np.flatnonzero(20 * np.log10(energy / energy.max()) > TRIM_DB)
    margin = int(TRIM_MARGIN_S * sr)
    start = max(0, loud[0] * frame - margin)
    stop = min(len(wave), (loud[-1] + 1) * frame + margin)
    return wave[start:stop]


def to_target(wave: np.ndarray, sr: int) -> np.ndarray:
    """Resample to TARGET_SR (polyphase, exact ratio) and scale the peak to PEAK."""
    if sr != TARGET_SR:
        g = gcd(sr, TARGET_SR)
        wave = resample_poly(wave, TARGET_SR // g, sr // g)
    return wave * (PEAK / np.abs(wave).max())


def median_f0(wave: np.ndarray, sr: int) -> float:
    """Median F0 of voiced frames (Praat's autocorrelation): a quick record of how high a voice is."""
    import parselmouth

    pitch = parselmouth.Sound(wave, sampling_frequency=sr).to_pitch(pitch_floor=60, pitch_ceiling=600)
    f0 = pitch.selected_array["frequency"]
    return float(np.median(f0[f0 > 0]))


# --------------------------------------------------------------------------- tools and versions


def check_tools() -> None:
    for system, exe in EXECUTABLES.items():
        if shutil.which(exe) is None:
            raise SystemExit(f"{exe} not found: install it with `apt-get install {' '.join(PACKAGES[system])}`")


def synthesizer_versions() -> dict[str, str]:
    """The Debian package versions behind each system (what exact regeneration depends on)."""
    versions = {}
    for system, packages in PACKAGES.items():
        parts = []
        for pkg in packages:
            out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
            parts.append(f"{pkg} {out.stdout.strip() if out.returncode == 0 else 'unknown'}")
        versions[system] = "; ".join(parts)
    return versions


# --------------------------------------------------------------------------- main


def make_examples(out_dir: Path) -> pd.DataFrame:
    """Write ``audio/<system>/<item>.flac``, ``styles.csv`` and ``provenance.csv`` under ``out_dir``."""
    check_tools()
    versions = synthesizer_versions() if shutil.which("dpkg-query") else {s: "unknown" for s in PACKAGES}
    items = {item.name: item for item in ITEMS}
    rows = []
    with tempfile.TemporaryDirectory(prefix="stylecheck-examples-") as tmp:
        for r in RENDERINGS:
            item = items[r.item]
            wave, sr = synthesize(r, item.text, Path(tmp))
            wave = to_target(trim_silence(wave, sr), sr)
            duration = len(wave) / TARGET_SR
            rel = f"{r.engine.system}/{r.item}.flac"
            if not MIN_S <= duration <= MAX_S:
                raise SystemExit(f"{rel}: {duration:.2f} s is outside {MIN_S}-{MAX_S} s; change its text or pace")
            target = out_dir / "audio" / rel
            with atomic_path(target) as tmp_flac:
                sf.write(str(tmp_flac), wave, TARGET_SR, format="FLAC", subtype="PCM_16")
            rows.append({
                "file": rel,
                "system": r.engine.system,
                "prompt": item.prompt,
                "styles": item.styles,
                "text": item.text,
                "settings": r.engine.describe(),
                "aims_to_match": r.aims_to_match,
                "note": r.note,
                "native_sample_rate": sr,
                "duration_s": round(duration, 3),
                "median_f0_hz": round(median_f0(wave, TARGET_SR)),
                "packages": versions[r.engine.system],
                "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
            })
            print(f"{rel:20s} {duration:5.2f} s  {r.engine.describe()}")
    table = pd.DataFrame(rows)
    stale = sorted(set((out_dir / "audio").rglob("*.flac")) - {out_dir / "audio" / f for f in table["file"]})
    if stale:  # left from an older set; they have no row in styles.csv, so the demo would flag them
        print("warning: not part of this set, delete them:", *map(str, stale), sep="\n  ", file=sys.stderr)
    write_csv(out_dir / "styles.csv", table[["file", "system", "prompt", "styles"]])
    write_csv(out_dir / "provenance.csv", table.drop(columns=["prompt", "styles"]))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "stylecheck" / "examples",
                        help="folder to write audio/, styles.csv and provenance.csv into "
                             "(default: stylecheck/examples)")
    args = parser.parse_args()
    table = make_examples(args.out)
    total_bytes = sum((args.out / "audio" / f).stat().st_size for f in table["file"])
    print(json.dumps({"files": len(table), "total_bytes": total_bytes,
                      "total_seconds": round(float(table["duration_s"].sum()), 2)}))


if __name__ == "__main__":
    main()
