"""The ``stylecheck`` command line: a Typer app; each command module only parses options and
calls one library function."""
from __future__ import annotations

from .app import app, console

# Command modules register themselves on import.
from . import models as _models  # noqa: F401,E402

for _name in ("train", "score", "prepare", "report", "probe", "augment", "prompts"):
    try:
        __import__(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != f"{__name__}.{_name}":
            raise


def main() -> None:
    app()


__all__ = ["app", "console", "main"]
