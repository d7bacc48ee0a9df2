"""Per-file results streamed to a JSON-lines file as they are produced.

Each line is one complete JSON object, flushed and fsynced per batch. A run killed midway
(SIGKILL included) leaves at most one truncated last line, which the reader ignores, so a rerun
with the same output folder skips every file already scored by the same model and content.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable


class ResultsLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._fh = None

    def read(self) -> dict[str, dict]:
        """Valid records by file (the last one wins)."""
        out: dict[str, dict] = {}
        if not self.path.is_file():
            return out
        with open(self.path, "rb") as f:
            for raw in f:
                try:
                    rec = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    continue  # a line cut short by a kill
                if isinstance(rec, dict) and "file" in rec:
                    out[rec["file"]] = rec
        return out

    def reset(self) -> None:
        if self.path.exists():
            self.path.unlink()

    def append(self, records: Iterable[dict]) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A kill may have left a last line without its newline: start on a fresh line.
            needs_newline = self.path.is_file() and self.path.stat().st_size > 0 and not self._ends_with_newline()
            self._fh = open(self.path, "ab")
            if needs_newline:
                self._fh.write(b"\n")
        for rec in records:
            self._fh.write((json.dumps(rec, allow_nan=True) + "\n").encode("utf-8"))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
