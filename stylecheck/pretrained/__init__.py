"""Models bundled inside the package, loadable by name (``load_model("stylecheck-ge2e-v1")``,
``stylecheck score --model stylecheck-ge2e-v1``)."""
from __future__ import annotations

from pathlib import Path

from ..errors import CheckpointError

#: The default model: GE2E embedding + voice parameters, one answer per category (issue 15).
DEFAULT_MODEL_NAME = "stylecheck-voice-v2"
BUNDLED = Path(__file__).parent


def bundled_model_path(name: str) -> Path | None:
    """The folder of the bundled model called ``name``, or None when no such model is bundled."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = BUNDLED / name
    return path if (path / "config.json").is_file() else None


def bundled_model_names() -> list[str]:
    return sorted(p.name for p in BUNDLED.iterdir() if (p / "config.json").is_file())


def default_model_path() -> Path:
    path = BUNDLED / DEFAULT_MODEL_NAME
    if not (path / "config.json").is_file():
        raise CheckpointError(
            f"the bundled default model is not installed ({path}); pass --model MODEL_DIR"
        )
    return path
