"""The set-up's environment check (scripts/check_env.py) and the committed lock."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
CHECK = ROOT / "scripts" / "check_env.py"


def _load_check_env():
    spec = importlib.util.spec_from_file_location("check_env", CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_env = _load_check_env()


def test_every_compiled_dependency_loads():
    assert check_env.check_imports() == []


def test_lock_pins_the_abi_coupled_pair_as_pyproject_does():
    pins = check_env.read_lock(LOCK)
    assert pins["torch"] == pins["torchaudio"], "torch and torchaudio must be locked as one tested pair"
    pyproject = (ROOT / "pyproject.toml").read_text()
    for name in ("torch", "torchaudio"):
        assert f'"{name}=={pins[name]}"' in pyproject, f"pyproject.toml must pin {name}=={pins[name]} exactly"


def test_lock_lists_exact_versions_only():
    lines = [ln for ln in LOCK.read_text().splitlines() if ln and not ln.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-!]+", ln) for ln in lines)
    assert not any(ln.lower().startswith("stylecheck==") for ln in lines)


def test_drift_from_the_lock_is_named():
    diffs = check_env.compare_with_lock({"torch": "2.11.0", "numpy": "2.4.6"},
                                        {"torch": "2.11.0", "numpy": "2.5.0", "extra-pkg": "1.0", "stylecheck": "0.1"})
    assert diffs == ["numpy 2.5.0 (lock 2.4.6)", "extra-pkg 1.0 not in the lock"]


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
                    reason="not running in the project's .venv (the one `make` builds from the lock)")
def test_project_venv_holds_exactly_the_locked_versions():
    diffs = check_env.compare_with_lock(check_env.read_lock(LOCK), check_env.installed())
    assert diffs == []


def test_a_mismatched_torchaudio_stops_the_setup_with_one_line(tmp_path):
    # A torchaudio built against another torch fails to load its library at import time, as
    # torchaudio 2.11.1 does beside torch 2.11.0. Shadow the real one with such a package.
    fake = tmp_path / "torchaudio"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "raise OSError('Could not load this library: libtorchaudio.so: "
        "undefined symbol: torch_exception_get_what_without_backtrace')\n")
    info = tmp_path / "torchaudio-2.11.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: torchaudio\nVersion: 2.11.1\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    run = subprocess.run([sys.executable, str(CHECK)], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    torch_version = check_env._version("torch")
    assert f"torchaudio 2.11.1 does not load with torch {torch_version}" in lines[0]
    assert "undefined symbol: torch_exception_get_what_without_backtrace" in lines[0]
    assert "fix: rm -rf .venv && make test" in lines[0]
