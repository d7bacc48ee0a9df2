"""`pip wheel . --no-deps` gives a wheel that carries the bundled model and examples and scores
them when installed into a new virtual environment."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(cmd, **kw):
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert run.returncode == 0, f"{cmd}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools builds in the source tree (build/, *.egg-info).
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "stylecheck", src / "stylecheck", ignore=shutil.ignore_patterns("__pycache__"))
    # No build isolation: the build uses the locked setuptools of this environment, offline.
    _run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "-w", str(out)])
    (path,) = out.glob("stylecheck-*.whl")
    return path


def test_wheel_carries_the_bundled_model_and_examples(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    models = {n.split("/")[2] for n in names if n.startswith("stylecheck/pretrained/") and n.endswith("/config.json")}
    assert models, "no bundled model in the wheel"
    for model in models:
        for part in ("config.json", "model.safetensors", "MODEL_CARD.md"):
            assert f"stylecheck/pretrained/{model}/{part}" in names
    # The examples and the measures' norms files (natural-v2.json, NORMS.md) are package data.
    bundled = [*(ROOT / "stylecheck" / "examples").rglob("*"), *(ROOT / "stylecheck" / "measures" / "norms").rglob("*")]
    for path in bundled:
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"stylecheck/{path.relative_to(ROOT / 'stylecheck').as_posix()}" in names


def test_installed_wheel_scores_the_bundled_examples(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    py = venv / "bin" / "python"
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # The locked dependencies are those of this environment: reuse them (a second 5.5 GB install
    # proves nothing more) through a path entry, which does not carry this checkout's editable
    # stylecheck (that is hooked in by a .pth file, and .pth files are read only in site dirs).
    (site / "locked_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    _run([str(py), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], env=env)
    pkg = Path(_run([str(py), "-c", "import stylecheck, os; print(os.path.dirname(stylecheck.__file__))"],
                    env=env, cwd=tmp_path).stdout.strip())
    assert pkg == site / "stylecheck", f"stylecheck imported from {pkg}, not from the installed wheel"
    out = tmp_path / "out"
    _run([str(venv / "bin" / "stylecheck"), "score", str(pkg / "examples" / "audio"), "--expected",
          str(pkg / "examples" / "styles.csv"), "--out", str(out)], env=env, cwd=tmp_path)
    with open(out / "scores.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(pkg / "examples" / "styles.csv", newline="") as f:
        listed = list(csv.DictReader(f))
    assert len(rows) == len(listed) > 0
    assert {r["status"] for r in rows} == {"ok"}
