"""Atomic file writing: every output is written to a temporary file beside it, then renamed.

The temporary file is created private (mode 0600, as ``tempfile.mkstemp`` must), so before the
rename it is given the mode a plain ``open()`` would have given it (0666 less the umask): a
colleague on a shared server can then read a report that the user's umask lets them read.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator, Sequence

from .errors import StylecheckError


def current_umask() -> int:
    """The process umask, read without changing it where Linux reports it (``/proc``); elsewhere
    set and restored at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto ``path`` on success.

    The temporary file keeps the target's suffix so libraries that pick a format from the file
    name (matplotlib, soundfile) still do the right thing.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=suffix if suffix is not None else path.suffix, dir=path.parent
    )
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~current_umask())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: str | os.PathLike, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_json(path: str | os.PathLike, obj: Any) -> Path:
    return write_text(path, json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")


def write_csv(path: str | os.PathLike, frame) -> Path:
    """Write a pandas DataFrame as CSV atomically."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)
    return Path(path)


def write_figure(path: str | os.PathLike, fig, **kwargs) -> Path:
    """Save a matplotlib figure atomically (PNG by the file's suffix) and close it."""
    import matplotlib.pyplot as plt

    kwargs.setdefault("dpi", 120)
    kwargs.setdefault("bbox_inches", "tight")
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, **kwargs)
    finally:
        plt.close(fig)
    return Path(path)


def file_hash(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes: the key of cached features and of reusable scoring results."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def read_csv_table(path: str | os.PathLike, required: Sequence[str], what: str = "file",
                   error: type[StylecheckError] = StylecheckError, hint: str = ""):
    """A CSV file as a DataFrame of text cells (no NA guessing: an empty cell is ``""``), or
    ``error`` naming the file and what is wrong: not found, not readable as CSV, or lacking one
    of the ``required`` columns (``hint`` says what was expected). The one preamble of every CSV
    input stylecheck reads (manifests, ratings, votes, keyword maps)."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: {what} not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises several types for a file that is not CSV
        raise error(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise error(f"{path}: missing column(s) {', '.join(missing)} (has {', '.join(map(str, frame.columns))})"
                    + (f"; {hint}" if hint else ""))
    return frame
