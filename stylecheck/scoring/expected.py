"""The expected-styles table (``STYLES.csv``) that ``stylecheck score`` joins with its audio.

A comma-separated UTF-8 file (a byte-order mark is fine) with a header row. Column names are
matched case-insensitively; other columns are ignored.

``file`` (required)
    The audio file's path relative to the audio folder (``a/b.wav``; ``./a/b.wav`` and
    ``a\\b.wav`` mean the same). Absolute paths are refused unless ``audio_root`` is given and
    they lie inside it; paths that climb out of the folder with ``..`` are refused.
``styles``
    Label names separated by ``;`` or ``,`` in any case (``Female;Teenager;Bright``), read by
    :func:`stylecheck.prompts.parse_style_list`: unknown names and two labels of one category
    are errors.
``prompt``
    The free-text prompt the audio was generated from, read by
    :func:`stylecheck.prompts.parse_style_prompt` (never an error; doubts become warnings).
``system``, ``speaker`` (optional)
    Which generator made the file and for which speaker, for per-system tables and the bootstrap
    over speakers.
``source`` (optional)
    The source or reference recording the file was made from (voice conversion, zero-shot TTS):
    a path relative to the audio folder or absolute, kept as written (backslashes become ``/``)
    in the table's ``source_file`` column; scoring resolves and scores it (see
    :mod:`stylecheck.scoring.sources`).

At least one of ``styles`` and ``prompt`` must be present. When both are, a row's ``styles``
cell is used where it is not empty and its ``prompt`` otherwise, so a few prompts can be
corrected by hand without losing the rest. A row with neither expects nothing (with a warning).
Cells are stripped of surrounding spaces; blank lines and rows of empty cells are skipped. The
reader does not check that the files exist: scoring reports missing audio per row.

Why the ``csv`` module rather than ``pandas.read_csv``: error messages need the line each row
starts on (quoted cells may span lines) and rows with too few cells must be refused, and
``pandas.read_csv`` neither reports line numbers nor notices short rows. Every cell is kept as
text (no NA guessing), the same as ``read_csv(dtype=str, keep_default_na=False)``.
"""
from __future__ import annotations

import csv
import io
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from ..labels import PAPER_LABELS, LabelSet
from ..prompts import Match, PromptParse, parse_style_list, parse_style_prompt

#: Columns the reader understands (lower case).
KNOWN_COLUMNS = ("file", "styles", "prompt", "system", "speaker", "source")


class StylesError(Exception):
    """A STYLES.csv that cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class ExpectedStyles:
    """One row per audio file, in the order of the CSV.

    ``table`` columns: ``file``, ``line`` (where the row starts in the CSV), ``system``,
    ``speaker``, ``styles`` and ``prompt`` (the cells as written, empty where the column is
    absent), ``source`` (which of the two was read: ``styles``, ``prompt`` or empty),
    ``expected_<category>`` for each category of the label set (the label, or empty),
    ``expected`` (the labels joined by ``;``), ``open`` (open categories joined by ``;``) and
    ``warnings`` (joined by ``"; "``); ``source_file`` (the source recording as written) only when
    the CSV has a ``source`` column.
    """

    path: Path
    label_set: LabelSet
    table: pd.DataFrame
    parses: tuple[PromptParse, ...]

    def __len__(self) -> int:
        return len(self.table)

    @property
    def files(self) -> list[str]:
        return self.table["file"].tolist()

    def expected_for(self, file: str) -> dict[str, str]:
        """category -> expected label for one file (``file`` as normalised by
        :func:`normalise_file_key`); KeyError for a file not in the table."""
        key = normalise_file_key(file)
        index = self._index().get(key)
        if index is None:
            raise KeyError(f"{file!r} is not listed in {self.path}")
        return dict(self.parses[index].expected)

    def _index(self) -> dict[str, int]:
        return {f: i for i, f in enumerate(self.table["file"])}


_DRIVE = re.compile(r"^[A-Za-z]:/")


def normalise_file_key(file: str, audio_root: str | os.PathLike | None = None) -> str:
    """The posix path relative to the audio folder that identifies a file: backslashes become
    ``/``, ``.`` parts and repeated slashes go, ``a/../b`` becomes ``b``. Raises ValueError for
    an empty path, a path that climbs out of the folder, or an absolute path (unless it lies
    inside ``audio_root``, which it is then made relative to)."""
    text = file.strip().replace("\\", "/")
    if not text:
        raise ValueError("empty file path")
    if text.startswith("/") or _DRIVE.match(text):
        if audio_root is None:
            raise ValueError(f"absolute path {file!r}: give paths relative to the audio folder")
        root = Path(audio_root).absolute().as_posix().rstrip("/")
        if not (text == root or text.startswith(root + "/")):
            raise ValueError(f"absolute path {file!r} is not inside the audio folder {root}")
        text = text[len(root) + 1 :]
    if ".." in PurePosixPath(text).parts:
        resolved = posixpath.normpath(text)
        if resolved == ".." or resolved.startswith("../"):
            raise ValueError(f"path {file!r} climbs out of the audio folder")
    text = posixpath.normpath(text)
    if text in (".", ""):
        raise ValueError(f"path {file!r} names the audio folder itself, not a file")
    return text


def _records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) of each non-blank row; StylesError for an unusable file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StylesError(path, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StylesError(path, f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8") from None
    if "\x00" in text:
        raise StylesError(path, "contains NUL bytes: not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if any(c.strip() for c in cells):
                rows.append((start, cells))
    except csv.Error as exc:
        raise StylesError(path, f"malformed CSV near line {reader.line_num}: {exc}") from None
    if not rows:
        raise StylesError(path, "empty: expected a header row with a 'file' column")
    (_, header), body = rows[0], rows[1:]
    return header, body


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        raise StylesError(path, f"column(s) {', '.join(duplicates)} appear more than once in the header")
    columns = {n: i for i, n in enumerate(names) if n in KNOWN_COLUMNS}
    if "file" not in columns:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
            hint = " (the header has one column; STYLES.csv must be comma-separated)"
        raise StylesError(path, f"no 'file' column; the header is {', '.join(map(repr, header))}{hint}")
    if "styles" not in columns and "prompt" not in columns:
        raise StylesError(path, "needs a 'styles' column (label names) or a 'prompt' column (free text), or both")
    return columns


def read_expected_styles(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS,
                         audio_root: str | os.PathLike | None = None) -> ExpectedStyles:
    """Read STYLES.csv (see the module docstring) into one row per file.

    Raises :class:`StylesError` naming the file, the line and the reason for anything that is not
    a usable table: unreadable or non-UTF-8 file, malformed CSV, rows of the wrong width, missing
    columns, empty or unsafe ``file`` cells, duplicate files, unknown or conflicting labels in
    ``styles``.
    """
    path = Path(path)
    header, body = _records(path)
    columns = _columns(path, header)
    width = len(header)

    rows: list[dict[str, str]] = []
    parses: list[PromptParse] = []
    first_line: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    for line, cells in body:
        if len(cells) != width:
            raise StylesError(path, f"line {line}: {len(cells)} cells, but the header has {width}")

        def cell(name: str) -> str:
            return cells[columns[name]].strip() if name in columns else ""

        try:
            file = normalise_file_key(cells[columns["file"]], audio_root)
        except ValueError as exc:
            raise StylesError(path, f"line {line}: 'file' cell: {exc}") from None
        if file in first_line:
            duplicates.setdefault(file, [first_line[file]]).append(line)
            continue
        first_line[file] = line

        styles, prompt = cell("styles"), cell("prompt")
        if styles:
            source = "styles"
            try:
                parse = parse_style_list(styles, label_set)
            except ValueError as exc:
                raise StylesError(path, f"line {line}: 'styles' cell {styles!r}: {exc}") from None
        elif prompt:
            source = "prompt"
            parse = parse_style_prompt(prompt, label_set)
        else:
            source = ""
            parse = PromptParse(warnings=("no styles or prompt given: nothing is expected",))
        row = {"file": file, "line": line, "system": cell("system"), "speaker": cell("speaker"),
               "styles": styles, "prompt": prompt, "source": source}
        for category in label_set.categories:
            row[f"expected_{category}"] = parse.expected.get(category, "")
        row["expected"] = ";".join(parse.expected.values())
        row["open"] = ";".join(parse.open_categories)
        row["warnings"] = "; ".join(parse.warnings)
        if "source" in columns:
            row["source_file"] = cell("source").replace("\\", "/")
        rows.append(row)
        parses.append(parse)
    if duplicates:
        listed = "; ".join(f"{f!r} on lines {', '.join(map(str, lines))}" for f, lines in duplicates.items())
        raise StylesError(path, f"files listed more than once: {listed}")

    columns_out = ["file", "line", "system", "speaker", "styles", "prompt", "source",
                   *(f"expected_{c}" for c in label_set.categories), "expected", "open", "warnings"]
    if "source" in columns:
        columns_out.append("source_file")
    table = pd.DataFrame(rows, columns=columns_out)
    table["line"] = table["line"].astype(int)
    return ExpectedStyles(path, label_set, table, tuple(parses))


def explain_expected_styles(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS) -> pd.DataFrame:
    """How each row of STYLES.csv was read: the expectations plus what matched and why
    (column ``matched``: ``phrase -> label`` or ``phrase: reason``, one per line)."""
    expected = read_expected_styles(path, label_set)
    table = expected.table.copy()
    table["matched"] = ["\n".join(map(_explain_match, parse.matched)) for parse in expected.parses]
    return table


def _explain_match(match: Match) -> str:
    if match.label is None:
        return f"{match.phrase}: {match.reason}"
    plain = match.reason in (f"a word for {match.label}", "label name", "the label's name")
    return f"{match.phrase} -> {match.label}" + ("" if plain else f" ({match.reason})")


__all__ = ["ExpectedStyles", "StylesError", "explain_expected_styles", "normalise_file_key", "read_expected_styles"]
