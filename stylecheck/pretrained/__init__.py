"""Models bundled inside the package."""
from __future__ import annotations

from pathlib import Path

DEFAULT_MODEL_NAME = "stylecheck-ge2e-v1"


def default_model_path() -> Path:
    path = Path(__file__).parent / DEFAULT_MODEL_NAME
    if not (path / "config.json").is_file():
        from ..models import CheckpointError

        raise CheckpointError(
            f"the bundled default model is not installed ({path}); pass --model MODEL_DIR"
        )
    return path
