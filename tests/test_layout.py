"""The package's shape, checked (issue 20): one error base, a light root import, small modules.
The layers themselves are import-linter contracts (pyproject.toml), run by `make test`."""
from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
import subprocess
import sys
import warnings
from pathlib import Path

import stylecheck
from stylecheck.errors import StylecheckError

PACKAGE = Path(stylecheck.__file__).parent
# AttributeError is how a module's lazy __getattr__ says "no such name" (hasattr relies on it).
BUILTIN_ERRORS = {name for name, obj in vars(builtins).items()
                  if isinstance(obj, type) and issubclass(obj, BaseException)} - {"AttributeError"}
MAX_LINES = 450


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def test_no_module_raises_a_bare_builtin_exception():
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
                if node.exc.func.id in BUILTIN_ERRORS:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} raises {node.exc.func.id}")
    assert not found, "raise a StylecheckError subclass instead:\n" + "\n".join(found)


def test_every_exception_class_of_the_package_derives_from_stylecheck_error():
    bad = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for info in pkgutil.walk_packages([str(PACKAGE)], "stylecheck."):
            if info.name.startswith("stylecheck.cli"):
                continue  # importing the CLI registers commands; it defines no error class
            module = importlib.import_module(info.name)
            for name, obj in vars(module).items():
                if (inspect.isclass(obj) and issubclass(obj, Exception) and obj.__module__ == info.name
                        and not issubclass(obj, Warning) and not issubclass(obj, StylecheckError)):
                    bad.append(f"{info.name}.{name}")
    assert not bad, bad


def test_importing_the_package_loads_no_heavy_library():
    code = ("import sys, stylecheck; "
            "print([m for m in ('pandas', 'sklearn', 'scipy', 'matplotlib', 'torch') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert callable(stylecheck.load_model) and stylecheck.__version__  # names still resolve, lazily


def test_no_module_is_longer_than_the_limit():
    long = {str(p.relative_to(PACKAGE)): n for p in _sources() if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long


def test_no_module_imports_the_package_root():
    found = []
    for path in _sources():
        if path == PACKAGE / "__init__.py":
            continue
        depth = len(path.relative_to(PACKAGE).parts) - 1  # how many dots reach the root, less one
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                root = (node.level == depth + 1 and not node.module) or (node.level == 0 and node.module == "stylecheck")
                if root:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not found, found
