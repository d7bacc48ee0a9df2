"""The command line's skeleton: help, version, and no unsafe torch.load anywhere in the package."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import stylecheck
from stylecheck.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_help_lists_the_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and "--version" in result.output
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert "info" in names
    for name in names:
        assert re.search(rf"\b{re.escape(name)}\b", result.output), f"{name} missing from --help"


def test_no_arguments_shows_help_not_a_traceback():
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_version_option_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"stylecheck {stylecheck.__version__}"


def test_installed_console_script_prints_the_version():
    script = REPO / ".venv" / "bin" / "stylecheck"
    command = [str(script)] if script.exists() else [sys.executable, "-c", "from stylecheck.cli import main; main()"]
    proc = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"stylecheck {stylecheck.__version__}"


def test_info_shows_a_model_config_and_rejects_a_non_model(tiny_model_dir, tmp_path):
    result = runner.invoke(app, ["info", str(tiny_model_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert '"arch": "speechmlc"' in result.output and '"Female"' in result.output
    readable = runner.invoke(app, ["info", str(tiny_model_dir)])
    assert readable.exit_code == 0, readable.output
    assert "architecture  speechmlc" in readable.output and "gender: Female, Male" in readable.output
    assert "{" not in readable.output
    bad = runner.invoke(app, ["info", str(tmp_path)])
    assert bad.exit_code != 0
    assert "config.json is missing" in bad.output  # click >= 8.2 mixes stderr into output


def test_info_without_a_model_describes_the_bundled_default_readably():
    from stylecheck.pretrained import DEFAULT_MODEL_NAME

    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(DEFAULT_MODEL_NAME) and "bundled default" in lines[0]
    text = " ".join(result.output.split())
    for expected in ("labels gender: Female, Male", "age: Adult, Teenager", "backbone kind fusion",
                     "decision pairwise", "brightness 0.18", "reliability measured on:", "Teenager: F1 "):
        assert expected in text, expected
    assert '"' not in result.output and "{" not in result.output  # no raw JSON


def _command_paths():
    import typer

    def walk(command, path):
        yield path, command
        for name, sub in (getattr(command, "commands", None) or {}).items():
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), []))


def test_help_at_80_columns_shows_every_option_name_whole():
    for path, command in _command_paths():
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80"})
        assert result.exit_code == 0, (path, result.output)
        names = [opt for param in command.params for opt in (*param.opts, *param.secondary_opts)
                 if opt.startswith("--")]
        for name in names:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", result.output), (path, name)
        assert "\u2026" not in result.output, path  # rich cuts with an ellipsis
        assert max(map(len, result.output.splitlines())) <= 80, path


def test_every_torch_load_in_the_package_uses_weights_only():
    offenders = []
    for path in sorted((REPO / "stylecheck").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"torch\.load\(", text):
            # The call's arguments: up to the matching closing parenthesis.
            depth, end = 0, match.end() - 1
            for end in range(match.end() - 1, len(text)):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                if depth == 0:
                    break
            call = text[match.start() : end + 1]
            if not re.search(r"weights_only\s*=\s*True", call):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(REPO)}:{line}: {call}")
    assert not offenders, "torch.load without weights_only=True:\n" + "\n".join(offenders)


def test_the_weights_only_check_catches_an_unsafe_call(tmp_path, monkeypatch):
    # The scanner above, run over a planted unsafe call, must flag it.
    fake = tmp_path / "stylecheck"
    fake.mkdir()
    call = "torch." + "load("  # split so repository-wide greps for unsafe loads do not flag this test
    (fake / "bad.py").write_text(f"import torch\nstate = {call}\n    'x.pt', map_location='cpu')\n")
    (fake / "good.py").write_text("import torch\nstate = torch.load('x.pt', weights_only=True)\n")
    monkeypatch.setattr(sys.modules[__name__], "REPO", tmp_path)
    try:
        test_every_torch_load_in_the_package_uses_weights_only()
    except AssertionError as exc:
        assert "bad.py:2" in str(exc) and "good.py" not in str(exc)
    else:
        raise AssertionError("the scanner missed an unsafe torch.load")
