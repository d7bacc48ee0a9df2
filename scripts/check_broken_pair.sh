#!/usr/bin/env bash
# Breaks the torch/torchaudio pair on purpose and shows that the set-up's check stops with one line.
# A scratch venv reuses .venv's packages through a path entry, then gets torchaudio 2.11.1 (built
# for a later torch) on top; scripts/check_env.py must exit 1 naming the pair and the fix.
# Usage: bash scripts/check_broken_pair.sh   (needs .venv from `make`, and PyPI for one wheel)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 -m venv --without-pip "$scratch/venv"
site=$("$scratch/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
.venv/bin/python -c "import sysconfig; print(sysconfig.get_paths()['purelib'])" > "$site/locked.pth"
"$scratch/venv/bin/python" -m pip install -q --no-deps "torchaudio==${TORCHAUDIO_MISMATCH:-2.11.1}"
if "$scratch/venv/bin/python" scripts/check_env.py; then
  echo "expected the check to fail on a mismatched torchaudio" >&2
  exit 1
fi
echo "ok: the check stopped the set-up with the line above"
