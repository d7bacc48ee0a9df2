"""Package ``__init__`` files that import their members on first use (PEP 562), so importing a
package costs nothing until a name is used: ``import stylecheck`` loads neither torch nor pandas,
and the CLI can read a registry without loading the models it lists."""
from __future__ import annotations

import importlib
from typing import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``exports`` maps each public name to the
    module (relative to ``package``, e.g. ``".models.style_model"``) that defines it."""

    def __getattr__(name: str) -> object:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(importlib.import_module(module, package), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
