#!/usr/bin/env python3
"""Check that the environment stylecheck runs in is the one it was tested in.

Run by ``make`` right after installing (and by the tests). Two checks, each ending in one line
that names the package and the fix instead of a traceback from deep inside a command:

* every compiled dependency imports and works (torch and torchaudio are ABI-coupled: a
  torchaudio built against another torch fails to load its library, as torchaudio 2.11.1 does
  beside torch 2.11.0);
* with ``--lock FILE``, the installed distributions are exactly those pinned in the lock.

This script must not import stylecheck: it runs before anyone knows whether stylecheck can load.
"""
from __future__ import annotations

import argparse
import re
import sys
import sysconfig
import warnings
from importlib import metadata
from pathlib import Path

FIX = "rm -rf .venv && make test  (reinstalls from requirements/lock.txt)"

#: import name -> (distribution, a small call that exercises its compiled code).
COMPILED = {
    "torch": ("torch", "import torch; torch.ones(2) @ torch.ones(2)"),
    "torchaudio": ("torchaudio", "import torch, torchaudio; torchaudio.functional.resample(torch.zeros(1, 160), 16000, 8000)"),
    "numpy": ("numpy", "import numpy; numpy.linalg.norm(numpy.ones(3))"),
    "scipy": ("scipy", "import scipy.signal; scipy.signal.butter(2, 0.5)"),
    "sklearn": ("scikit-learn", "from sklearn.linear_model import LogisticRegression"),
    "pandas": ("pandas", "import pandas; pandas.DataFrame({'a': [1]}).to_csv()"),
    "matplotlib": ("matplotlib", "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot"),
    "soundfile": ("soundfile", "import soundfile; soundfile.available_formats()"),
    "soxr": ("soxr", "import soxr"),
    "pyworld": ("pyworld", "import pyworld"),
    "parselmouth": ("praat-parselmouth", "import parselmouth; parselmouth.Sound([0.0] * 160, 16000)"),
    "safetensors": ("safetensors", "import safetensors.torch"),
    "tokenizers": ("tokenizers", "import tokenizers"),
    "webrtcvad": ("webrtcvad", "import webrtcvad"),
    "resemblyzer": ("resemblyzer", "import resemblyzer"),
    "silero_vad": ("silero-vad", "import silero_vad"),
}

#: When the first member fails, the second is usually the one it was built against.
COUPLED = {"torchaudio": "torch"}


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _first_line(exc: BaseException) -> str:
    line = (f"{type(exc).__name__}: {exc}".strip().splitlines() or [type(exc).__name__])[0]
    # A loader error names the library; the undefined symbol that tells why is often only in
    # the exception it was raised from.
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(str(seen))
        seen = seen.__cause__ or seen.__context__
    match = re.search(r"undefined symbol: \S+", " ".join(chain))
    if match and match.group(0) not in line:
        line += f" ({match.group(0)})"
    return line[:300]


def check_imports(modules: dict[str, tuple[str, str]] = COMPILED) -> list[str]:
    """One message per compiled dependency that fails to import or run."""
    problems = []
    for module, (dist, snippet) in modules.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecation chatter is not a broken install
                exec(snippet, {})  # noqa: S102 - fixed snippets above, not user input
        except BaseException as exc:  # an ABI break can surface as OSError, ImportError, RuntimeError
            partner = COUPLED.get(module)
            if partner:
                pair = (f"{dist} {_version(dist)} does not load with {partner} {_version(partner)}; "
                        f"the tested pair is in requirements/lock.txt")
            else:
                pair = f"{dist} {_version(dist)} does not load"
            problems.append(f"{pair} [{_first_line(exc)}]; fix: {FIX}")
    return problems


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, str]:
    pins = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        if not sep:
            raise SystemExit(f"{path}: not an exact pin: {raw!r}")
        pins[_normalise(name)] = version.strip()
    return pins


def installed() -> dict[str, str]:
    """Distributions installed in this environment's site-packages (not ones vendored inside
    other packages, which appear on sys.path once e.g. pkg_resources is imported)."""
    paths = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    out = {}
    for dist in metadata.distributions(path=paths):
        name = dist.metadata["Name"]
        if name:
            out[_normalise(name)] = dist.version
    return out


def compare_with_lock(lock: dict[str, str], have: dict[str, str], ignore=("stylecheck",)) -> list[str]:
    """Differences between the environment and the lock, as short phrases."""
    diffs = []
    for name, version in sorted(lock.items()):
        if name not in have:
            diffs.append(f"{name} missing (lock {version})")
        elif have[name] != version:
            diffs.append(f"{name} {have[name]} (lock {version})")
    for name in sorted(set(have) - set(lock) - {_normalise(i) for i in ignore}):
        diffs.append(f"{name} {have[name]} not in the lock")
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, help="also require exactly the versions pinned in this file")
    args = parser.parse_args(argv)
    problems = []
    if args.lock is not None:
        diffs = compare_with_lock(read_lock(args.lock), installed())
        if diffs:
            shown = "; ".join(diffs[:10]) + (f"; and {len(diffs) - 10} more" if len(diffs) > 10 else "")
            problems.append(f"the environment differs from {args.lock}: {shown}; fix: {FIX}")
    problems += check_imports()
    for line in problems:
        print(f"setup check failed: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
