"""The expected-styles table (``STYLES.csv``) that ``stylecheck score`` joins with its audio.

A UTF-8 file (a byte-order mark is fine) with a header row, comma-separated or, as Excel writes
CSV where the decimal mark is a comma, ``;``-separated (tab-separated works too): the delimiter
is the one that makes a ``file`` column appear in the header. Column names are matched
case-insensitively; other columns are ignored.

``file`` (required)
    The audio file's path relative to the audio folder (``a/b.wav``; ``./a/b.wav`` and
    ``a\\b.wav`` mean the same). Absolute paths are refused unless ``audio_root`` is given and
    they lie inside it; paths that climb out of the folder with ``..`` are refused.
``styles``
    Label names separated by ``;`` or ``,`` in any case (``Female;Teenager;Bright``), read by
    :func:`stylecheck.styles.prompts.parse_style_list`, and measured levels as ``category=level``
    (``pitch=high;rate=slow``): unknown names and two labels of one category are errors.
``prompt``
    The free-text prompt the audio was generated from: the measured-category words first, then
    the learned labels from the rest (:func:`stylecheck.styles.measured_expectations.read_style_prompt`;
    never an error; doubts become warnings; phrases stylecheck does not judge go to ``unjudged``).
``text`` (optional)
    The words spoken, for the speaking rate (syllables from the text rather than the signal).
``system``, ``speaker`` (optional)
    Which generator made the file and for which speaker (per-system tables, speaker clusters).
``source`` (optional)
    The recording the file was made from (voice conversion, zero-shot TTS), kept as written
    (``\\`` as ``/``) in ``source_file``; scoring scores it (:mod:`stylecheck.scoring.sources`).
``reference`` (optional)
    The target speaker's recording(s) a zero-shot TTS or VC output should sound like, several
    separated by ``;``; kept as written in ``reference_file``. Scoring scores each once and gives
    every output its speaker similarity to them (``spk_sim_reference``).

At least one of ``styles`` and ``prompt`` must be present; a row's ``styles`` cell wins where
it is not empty. A row with neither expects nothing (with a warning). Cells are stripped; blank
rows are skipped; whether the files exist is scoring's business.

A file listed on several lines with identical cells is read once (named in
:attr:`ExpectedStyles.duplicates`, a warning). Bad rows (wrong number of cells, an unusable
``file`` cell, unknown or conflicting labels, a file listed twice with different cells) are all
named in one error (the first 20 and a count), with the closest label for a misspelt one. With
``skip_bad_rows`` they go to :attr:`ExpectedStyles.bad_rows` and the other rows are read.
"""
from __future__ import annotations

import csv
import difflib
import io
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from ..styles.labels import PAPER_LABELS, LabelSet
from ..styles.measured_expectations import MEASURED_CATEGORIES, read_style_prompt, split_measured_tokens
from ..styles.prompts import FALLBACKS, PromptParse, parse_style_list
from ..errors import InvalidValueError, StylesError, UnknownNameError

#: Columns the reader understands (lower case).
KNOWN_COLUMNS = ("file", "styles", "prompt", "system", "speaker", "source", "reference", "text")
#: Delimiters tried on the header, in order; the first that yields a ``file`` column is used.
DELIMITERS = (",", ";", "\t")
#: How many bad rows one error message lists before it only counts the rest.
MAX_LISTED_BAD_ROWS = 20
#: Columns of :attr:`ExpectedStyles.bad_rows`.
BAD_ROW_COLUMNS = ["file", "line", "system", "speaker", "styles", "prompt", "reason"]
#: Columns of :attr:`ExpectedStyles.duplicates`.
DUPLICATE_COLUMNS = ["file", "lines"]


@dataclass(frozen=True)
class ExpectedStyles:
    """One row per audio file, in the order of the CSV.

    ``table`` columns: ``file``, ``line`` (where the row starts in the CSV), ``system``,
    ``speaker``, ``styles`` and ``prompt`` (the cells as written, empty where the column is
    absent), ``source`` (which of the two was read: ``styles``, ``prompt`` or empty),
    ``expected_<category>`` for each category of the label set (the label, or empty) and each
    measured category (the level, or empty), ``expected`` (the labels joined by ``;``), ``open``
    (open categories joined by ``;``), ``unjudged`` (phrases not judged, joined by ``"; "``),
    ``text`` (the words spoken, or empty) and ``warnings`` (joined by ``"; "``); ``source_file`` (the source recording as written) only when
    the CSV has a ``source`` column.

    ``duplicates``: the files listed on several lines with identical cells (``file``, ``lines``):
    they mean one thing, so they are read as one row (with :meth:`duplicate_warning` to say so).

    ``bad_rows`` (read with ``skip_bad_rows``): one row per file whose STYLES.csv row(s) could
    not be used, with the columns :data:`BAD_ROW_COLUMNS`; ``file`` is the normalised path, or
    the cell as written (``line N`` when empty) where it is not a usable path, and ``line`` the
    first line it was listed on.
    """

    path: Path
    label_set: LabelSet
    table: pd.DataFrame
    parses: tuple[PromptParse, ...]
    bad_rows: pd.DataFrame = None  # type: ignore[assignment]
    duplicates: pd.DataFrame = None  # type: ignore[assignment]
    readings: tuple = ()  # per row: the AttributeReading of its prompt, or None

    def __post_init__(self) -> None:
        if self.bad_rows is None:
            object.__setattr__(self, "bad_rows", pd.DataFrame(columns=BAD_ROW_COLUMNS))
        if self.duplicates is None:
            object.__setattr__(self, "duplicates", pd.DataFrame(columns=DUPLICATE_COLUMNS))

    def duplicate_warning(self) -> str:
        """One sentence naming the files listed more than once with identical rows (merged into
        one), or ``""``."""
        if self.duplicates.empty:
            return ""
        named = "; ".join(f"{f} (lines {lines})" for f, lines in self.duplicates.head(5).itertuples(index=False))
        more = len(self.duplicates) - 5
        return (f"{self.path}: {len(self.duplicates)} file(s) listed more than once with identical rows, "
                f"each read once: {named}" + (f"; and {more} more" if more > 0 else ""))

    def __len__(self) -> int:
        return len(self.table)

    @property
    def files(self) -> list[str]:
        return self.table["file"].tolist()

    def expected_for(self, file: str) -> dict[str, str]:
        """category -> expected label for one file (``file`` as normalised by
        :func:`normalise_file_key`); KeyError for a file not in the table."""
        index = {f: i for i, f in enumerate(self.table["file"])}.get(normalise_file_key(file))
        if index is None:
            raise UnknownNameError(f"{file!r} is not listed in {self.path}")
        return dict(self.parses[index].expected)


_DRIVE = re.compile(r"^[A-Za-z]:/")


def normalise_file_key(file: str, audio_root: str | os.PathLike | None = None) -> str:
    """The posix path relative to the audio folder that identifies a file: backslashes become
    ``/``, ``.`` parts and repeated slashes go, ``a/../b`` becomes ``b``. Raises ValueError for
    an empty path, a path that climbs out of the folder, or an absolute path (unless it lies
    inside ``audio_root``, which it is then made relative to)."""
    text = file.strip().replace("\\", "/")
    if not text:
        raise InvalidValueError("empty file path")
    if text.startswith("/") or _DRIVE.match(text):
        if audio_root is None:
            raise InvalidValueError(f"absolute path {file!r}: give paths relative to the audio folder")
        roots = dict.fromkeys(r.as_posix().rstrip("/") for r in (Path(audio_root).absolute(),
                                                                   Path(audio_root).resolve()))
        inside = [r for r in roots if text.startswith(r + "/")]
        if not inside:
            raise InvalidValueError(f"absolute path {file!r} is not inside the audio folder {next(iter(roots))}")
        text = text[len(inside[0]) + 1 :]
    if ".." in PurePosixPath(text).parts:
        resolved = posixpath.normpath(text)
        if resolved == ".." or resolved.startswith("../"):
            raise InvalidValueError(f"path {file!r} climbs out of the audio folder")
    text = posixpath.normpath(text)
    if text in (".", ""):
        raise InvalidValueError(f"path {file!r} names the audio folder itself, not a file")
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
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


def _delimiter(text: str) -> str:
    """``,`` unless only another delimiter of :data:`DELIMITERS` gives the header a ``file``
    column (a ``;``-separated file as Excel saves it in much of Europe)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    for delimiter in DELIMITERS:
        try:
            names = next(csv.reader([header], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if "file" in (n.strip().lower() for n in names):
            return delimiter
    return ","


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        raise StylesError(path, f"column(s) {', '.join(duplicates)} appear more than once in the header")
    columns = {n: i for i, n in enumerate(names) if n in KNOWN_COLUMNS}
    if "file" not in columns:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
            hint = " (the header has one column; STYLES.csv must be separated by commas, ';' or tabs)"
        raise StylesError(path, f"no 'file' column; the header is {', '.join(map(repr, header))}{hint}")
    if "styles" not in columns and "prompt" not in columns:
        raise StylesError(path, "needs a 'styles' column (label names) or a 'prompt' column (free text), or both")
    return columns


def suggest_label(name: str, label_set: LabelSet) -> str | None:
    """The valid label closest in spelling to ``name`` (case-insensitive), or None."""
    names = {lab.lower(): lab for lab in label_set.labels}
    names.update({k.lower(): v for k, v in FALLBACKS.items() if v in label_set.labels})
    close = difflib.get_close_matches(name.strip().lower(), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


def _known_names(label_set: LabelSet) -> frozenset[str]:
    """Lower-case names a styles cell may use: the labels and the merged names (Senior)."""
    labels = label_set.labels
    return frozenset([lab.lower() for lab in labels] + [k.lower() for k, v in FALLBACKS.items() if v in labels])


def _parse_styles(styles: str, label_set: LabelSet, known: frozenset[str]) -> PromptParse:
    """:func:`parse_style_list`, with unknown names reported with the closest valid label
    (``known``: :func:`_known_names`, computed once per file)."""
    unknown = [n.strip() for n in re.split(r"[;,]", styles) if n.strip() and n.strip().lower() not in known]
    if unknown:
        hints = []
        for name in unknown:
            guess = suggest_label(name, label_set)
            hints.append(f"unknown style label {name!r}" + (f" (did you mean {guess}?)" if guess else ""))
        raise InvalidValueError("; ".join(hints))
    return parse_style_list(styles, label_set)


def _bad_rows_message(bad: list[dict], label_set: LabelSet, skip_hint: bool) -> str:
    """One message for every bad row: the first :data:`MAX_LISTED_BAD_ROWS` and a count."""
    lines = [f"line {b['line']}: {b['reason']}" for b in bad[:MAX_LISTED_BAD_ROWS]]
    if len(bad) > MAX_LISTED_BAD_ROWS:
        lines.append(f"... and {len(bad) - MAX_LISTED_BAD_ROWS} more bad row(s)")
    footer = []
    if any("unknown style label" in b["reason"] for b in bad):
        footer.append(f"valid labels: {', '.join(label_set.labels)}")
    if skip_hint:
        footer.append("pass --skip-bad-rows to score the other rows and list these as bad_row")
    if len(bad) == 1:
        return "; ".join(lines + footer)
    return f"{len(bad)} bad rows:\n  " + "\n  ".join(lines) + "".join(f"\n{f}" for f in footer)


def read_expected_styles(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS,
                         audio_root: str | os.PathLike | None = None,
                         skip_bad_rows: bool = False) -> ExpectedStyles:
    """Read STYLES.csv (see the module docstring) into one row per file.

    Raises :class:`StylesError` naming the file and the reason for a file that is not a usable
    table (unreadable or non-UTF-8 file, malformed CSV, missing columns) and, unless
    ``skip_bad_rows``, for bad rows: every one of them in one message, each with its line.
    ``audio_root`` lets absolute paths inside that folder through (made relative to it).
    """
    path = Path(path)
    header, body = _records(path)
    columns = _columns(path, header)
    width = len(header)

    known = _known_names(label_set)
    rows: list[dict[str, str]] = []
    parses: list[PromptParse] = []
    readings: list = []
    bad: list[dict] = []
    lines_of: dict[str, list[int]] = {}
    signature_of: dict[str, tuple] = {}
    merged: dict[str, list[int]] = {}
    for line, cells in body:
        def cell(name: str) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        context = {"line": line, "system": cell("system"), "speaker": cell("speaker"),
                   "styles": cell("styles"), "prompt": cell("prompt")}
        raw_file = cell("file")
        try:
            file = normalise_file_key(raw_file, audio_root)
        except ValueError as exc:
            bad.append({**context, "file": raw_file or f"line {line}", "reason": f"'file' cell: {exc}"})
            continue
        # What the row says besides its file; a row that repeats another exactly says nothing new.
        signature = (len(cells), *(cell(name) for name in KNOWN_COLUMNS if name != "file"))
        if file in signature_of and signature_of[file] == signature and len(lines_of[file]) == 1:
            merged.setdefault(file, [lines_of[file][0]]).append(line)
            continue
        signature_of.setdefault(file, signature)
        lines_of.setdefault(file, []).append(line)
        if len(lines_of[file]) > 1:
            continue  # reported once below, with every line it is on
        if len(cells) != width:
            bad.append({**context, "file": file, "reason": f"{len(cells)} cells, but the header has {width}"})
            continue

        styles, prompt = context["styles"], context["prompt"]
        reading, measured, unjudged, extra = None, {}, (), ()
        if styles:
            source = "styles"
            try:
                labels_text, measured = split_measured_tokens(styles)
                parse = _parse_styles(labels_text, label_set, known)
            except ValueError as exc:
                bad.append({**context, "file": file, "reason": f"'styles' cell {styles!r}: {exc}"})
                continue
        elif prompt:
            source = "prompt"
            parse, reading, ask = read_style_prompt(prompt, label_set)
            measured, unjudged, extra = ask.levels, ask.unjudged, ask.warnings
        else:
            source = ""
            parse = PromptParse(warnings=("no styles or prompt given: nothing is expected",))
        row = {"file": file, "line": line, "system": context["system"], "speaker": context["speaker"],
               "styles": styles, "prompt": prompt, "source": source}
        for category in label_set.categories:
            row[f"expected_{category}"] = parse.expected.get(category, "")
        for category in MEASURED_CATEGORIES:
            row[f"expected_{category}"] = measured.get(category, "")
        row["expected"] = ";".join(parse.expected.values())
        row["open"] = ";".join(parse.open_categories)
        row["unjudged"] = "; ".join(unjudged)
        row["text"] = cell("text")
        row["warnings"] = "; ".join((*parse.warnings, *extra))
        if "source" in columns:
            row["source_file"] = cell("source").replace("\\", "/")
        if "reference" in columns:
            row["reference_file"] = cell("reference").replace("\\", "/")
        rows.append(row)
        parses.append(parse)
        readings.append(reading)

    repeated = {f: lines for f, lines in lines_of.items() if len(lines) > 1}
    for f in repeated:  # an exact repeat of a row that conflicts with another is part of the conflict
        repeated[f] = sorted(repeated[f] + merged.pop(f, [])[1:])
    if repeated:
        # Which of the rows was meant is unknown, so none of them is used.
        first = {f: next((r for r in rows if r["file"] == f), None) for f in repeated}
        keep = [i for i, r in enumerate(rows) if r["file"] not in repeated]
        rows, parses, readings = [rows[i] for i in keep], [parses[i] for i in keep], [readings[i] for i in keep]
        bad = [b for b in bad if b["file"] not in repeated]
        for f, lines in repeated.items():
            r = first[f] or {}
            bad.append({"file": f, "line": lines[0], "system": r.get("system", ""), "speaker": r.get("speaker", ""),
                        "styles": r.get("styles", ""), "prompt": r.get("prompt", ""),
                        "reason": f"{f!r} on lines {', '.join(map(str, lines))}: listed more than once"})
    bad.sort(key=lambda b: b["line"])
    if bad and not skip_bad_rows:
        raise StylesError(path, _bad_rows_message(bad, label_set, skip_hint=True))

    columns_out = ["file", "line", "system", "speaker", "styles", "prompt", "source",
                   *(f"expected_{c}" for c in (*label_set.categories, *MEASURED_CATEGORIES)), "expected", "open",
                   "unjudged", "text", "warnings"]
    if "source" in columns:
        columns_out.append("source_file")
    if "reference" in columns:
        columns_out.append("reference_file")
    table = pd.DataFrame(rows, columns=columns_out)
    table["line"] = table["line"].astype(int)
    bad_rows = pd.DataFrame(bad, columns=BAD_ROW_COLUMNS)
    # Two unusable file cells can read the same ("line N" keys differ; equal raw text may not).
    bad_rows = bad_rows.groupby("file", sort=False, as_index=False).agg(
        {c: ("first" if c != "reason" else "; ".join) for c in BAD_ROW_COLUMNS if c != "file"})
    bad_rows = bad_rows[BAD_ROW_COLUMNS].sort_values("line", kind="stable").reset_index(drop=True)
    read = set(table["file"])  # identical copies of a bad row are that bad row, nothing to merge
    duplicates = pd.DataFrame([{"file": f, "lines": ", ".join(map(str, lines))} for f, lines in merged.items()
                               if f in read], columns=DUPLICATE_COLUMNS)
    return ExpectedStyles(path, label_set, table, tuple(parses), bad_rows, duplicates, tuple(readings))


def explain_expected_styles(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS) -> pd.DataFrame:
    """How each row of STYLES.csv was read (see :mod:`.explain_styles`)."""
    from .explain_styles import explain_table

    return explain_table(read_expected_styles(path, label_set))


__all__ = ["BAD_ROW_COLUMNS", "ExpectedStyles", "StylesError", "explain_expected_styles", "normalise_file_key",
           "read_expected_styles", "suggest_label"]
