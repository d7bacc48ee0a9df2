"""``score_directory``: score a folder of generated speech against the styles it was asked for.

One row per input, always: every audio file found under the folder and every file listed in
STYLES.csv appears exactly once in ``scores.csv`` with a status (``ok``, ``error``, ``missing``:
listed but absent, ``unlisted``: found but listed nowhere, still scored, ``no_speech``: the voice
activity detector found less speech than the minimum, so no style is judged, ``bad_row``: its
STYLES.csv row could not be read and was skipped with ``skip_bad_rows``). A recording named only
in STYLES.csv's ``source`` column is listed as a source: ``role`` source, scored like the rest,
in no system (``system`` empty), as is an unlisted file outside the systems' folders.

Usage errors are raised as :class:`ScoreError` (or the model's ``CheckpointError``) before anything
is written or scored: an ``--out`` that is a file, a CUDA device that is not there, no audio in
the folder and a missing STYLES.csv before the model is loaded (:func:`check_usage`); a missing
model when loading it; bad STYLES.csv rows right after (they are read with its label set).
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .._version import __version__
from ..audio import AUDIO_EXTENSIONS, SpeechSettings, find_audio_files
from ..io import write_csv, write_json
from ..models.style_model import DEFAULT_SPEECH, StyleModel
from .extras import add_quality_columns, add_speaker_similarity
from .judges import MeasureJudge, ModelJudge
from .measuring import MeasureHints, resolve_norms
from .rows import result_rows
from .pipeline import content_hash, result_key, result_settings, score_files, uses_bf16
from .results_log import ResultsLog
from ..results import ROLE_REFERENCE
from .sources import ROLE_OUTPUT, ROLE_SOURCE, source_key, source_path
from ..errors import ScoreError
from ..results import status_counts

RESULTS_LOG = "results.jsonl"


@dataclass(frozen=True)
class Shard:
    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        try:
            i, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise ScoreError(f"--shard must look like I/N (e.g. 0/4), got {text!r}") from None
        if not (n >= 1 and 0 <= i < n):
            raise ScoreError(f"--shard {text}: need 0 <= I < N")
        return cls(i, n)

    @property
    def suffix(self) -> str:
        return "" if self.count == 1 else f".shard-{self.index:03d}-of-{self.count:03d}"

    def take(self, items: Sequence) -> list:
        # Round-robin over the sorted list: deterministic, and long/short files spread evenly.
        return [x for i, x in enumerate(items) if i % self.count == self.index]


def _posix(rel: Path) -> str:
    return rel.as_posix()


def check_device(device: str) -> None:
    """``auto``, ``cpu`` or a CUDA device that this machine has; :class:`ScoreError` otherwise."""
    import torch

    text = str(device)
    if text == "auto":
        return
    try:
        torch.device(text)
    except RuntimeError:
        raise ScoreError(f"--device {text}: not a device; use auto, cpu or cuda") from None
    if text.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ScoreError(f"--device {text}: no CUDA GPU is available here "
                             "(torch.cuda.is_available() is False); use --device cpu or auto")
        index = text.split(":", 1)[1] if ":" in text else "0"
        if not index.isdigit() or int(index) >= torch.cuda.device_count():
            raise ScoreError(f"--device {text}: this machine has {torch.cuda.device_count()} CUDA device(s)")


def check_usage(audio_dir: Path, out_dir: str | os.PathLike | None, device: str,
                expected: str | os.PathLike | None = None) -> list[Path]:
    """Everything that can be checked without the model: the audio folder holds audio, ``out_dir``
    is (or can become) a folder, the device exists, the STYLES.csv file exists. Returns the
    audio files found; raises :class:`ScoreError` with a one-line reason otherwise. Writes
    nothing."""
    if not audio_dir.is_dir():
        raise ScoreError(f"{audio_dir}: audio folder not found" if not audio_dir.exists()
                         else f"{audio_dir}: not a folder (give the folder that holds the audio)")
    if out_dir is not None:
        out = Path(out_dir)
        if out.exists() and not out.is_dir():
            raise ScoreError(f"--out {out}: is a file, not a folder; give a folder for the outputs")
        ancestor = next(p for p in [out, *out.absolute().parents] if p.exists())
        if not ancestor.is_dir():
            raise ScoreError(f"--out {out}: {ancestor} is a file, so the output folder cannot be made")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise ScoreError(f"--out {out}: no permission to write in {ancestor}")
    check_device(device)
    if expected is not None and not Path(expected).is_file():
        raise ScoreError(f"--expected {expected}: no such file")
    found = find_audio_files(audio_dir)
    if not found:
        raise ScoreError(f"{audio_dir}: no audio files found (looked for {', '.join(AUDIO_EXTENSIONS)} "
                         "in the folder and its subfolders)")
    return found


def plan_items(audio_dir: Path, expected: pd.DataFrame | None, found: Sequence[Path] | None = None,
               bad_rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """The union of found, listed and bad-row files with their status-before-scoring and system.

    ``found`` is the audio under ``audio_dir`` (searched when None). A file whose STYLES.csv row
    was bad is one ``bad_row`` item with the reason in ``error``, even when it exists: it was
    listed, so it is not scored as unlisted either."""
    found_files = {_posix(p.relative_to(audio_dir)): p
                   for p in (find_audio_files(audio_dir) if found is None else found)}
    rows = []
    listed = set()
    if expected is not None:
        for rec in expected.to_dict("records"):
            f = rec["file"]
            listed.add(f)
            # The reader's "source" says whether styles or prompt was read; here "source" names
            # the source recording (filled from "source_file" below), so the former is dropped.
            rec.pop("source", None)
            rows.append({**rec, "status": "pending" if f in found_files else "missing"})
    if bad_rows is not None:
        for rec in bad_rows.to_dict("records"):
            listed.add(rec["file"])
            rows.append({"file": rec["file"], "system": rec["system"], "speaker": rec["speaker"],
                         "prompt": rec["prompt"], "status": "bad_row",
                         "error": f"STYLES.csv line {rec['line']}: {rec['reason']}"})
    for f in found_files:
        if f not in listed:
            rows.append({"file": f, "status": "unlisted" if expected is not None else "pending"})
    rows += _input_rows(audio_dir, rows, found_files, "source", ROLE_SOURCE)
    rows += _input_rows(audio_dir, rows, found_files, "reference", ROLE_REFERENCE)
    items = pd.DataFrame(rows)
    if items.empty:
        items = pd.DataFrame(columns=["file", "status"])
    for col in ("system", "speaker", "prompt", "expected", "error"):
        if col not in items:
            items[col] = ""
        items[col] = items[col].fillna("").astype(str)
    is_source = items["role"].isin((ROLE_SOURCE, ROLE_REFERENCE)).to_numpy() if "role" in items else np.zeros(len(items), bool)
    # Without a system column, first-level subfolders are systems when there are several. Only
    # listed outputs make a folder a system: a folder of sources or of unlisted recordings (gt/)
    # is none, though an unlisted file inside a system's folder is still that system's.
    if not (items["system"] != "").any():
        unlisted = (items["status"] == "unlisted").to_numpy()
        tops = {f.split("/", 1)[0] for f, src, un in zip(items["file"], is_source, unlisted)
                if "/" in f and not src and not un}
        if len(tops) > 1:
            items["system"] = ["" if src or "/" not in f or f.split("/", 1)[0] not in tops else f.split("/", 1)[0]
                               for f, src in zip(items["file"], is_source)]
    items["path"] = [str(source_path(f, audio_dir)) for f in items["file"]]
    return items.sort_values("file", kind="stable").reset_index(drop=True)


def _input_rows(audio_dir: Path, rows: list[dict], found: dict, column: str, role: str) -> list[dict]:
    """Give each planned row its resolved ``column`` keys (STYLES.csv ``source``: one recording per
    output; ``reference``: one or more, ``;``-separated, joined by ``;``) and return the rows to
    add for the recordings that are not already inputs. A recording found under the audio folder
    but not listed is named in STYLES.csv after all: it is scored as an input (``role``), not as
    unlisted."""
    cell = f"{column}_file"
    if not any(r.get(cell) for r in rows):
        for r in rows:
            r.pop(cell, None)
        return []
    by_file = {r["file"]: r for r in rows}
    added: dict[str, dict] = {}
    for r in list(rows):
        text = r.pop(cell, "") or ""
        pieces = text.split(";") if column == "reference" else [text]
        keys = [source_key(t, audio_dir) for t in pieces if t.strip()]
        r.setdefault("role", ROLE_OUTPUT)
        r[column] = ";".join(keys)
        for key in keys:
            if key in by_file:
                if by_file[key]["status"] == "unlisted":
                    by_file[key]["role"] = role
                    by_file[key]["status"] = "pending"
            elif key not in added:
                exists = key in found or source_path(key, audio_dir).is_file()
                added[key] = {"file": key, "status": "pending" if exists else "missing", "role": role, column: "",
                              "error": "" if exists else f"{column} listed in STYLES.csv but not found"}
    return list(added.values())


def load_expected(expected_csv: Path | None, model: StyleModel, audio_root: Path | None = None,
                  skip_bad_rows: bool = False):
    """The STYLES.csv table, its bad rows and its warnings (``(None, None, [])`` without a
    STYLES.csv); a :class:`ScoreError` naming every bad row unless ``skip_bad_rows``."""
    if expected_csv is None:
        return None, None, []
    from .expected import StylesError, read_expected_styles

    try:
        table = read_expected_styles(expected_csv, model.label_set, audio_root=audio_root,
                                     skip_bad_rows=skip_bad_rows)
    except StylesError as exc:
        raise ScoreError(str(exc)) from None
    warning = table.duplicate_warning()
    return table.table, table.bad_rows, [warning] if warning else []


def score_directory(audio_dir: str | os.PathLike, expected: str | os.PathLike | None = None,
                    model: StyleModel | str | os.PathLike | None = None, out_dir: str | os.PathLike | None = None,
                    force: bool = False, shard: Shard | None = None, batch_size: int | None = None, device: str = "cpu",
                    bf16: bool = False, group_by_speaker: bool = False, write_summary: bool = True,
                    progress: Callable[[int, int, float], None] | None = None,
                    workers: int | None = None, copy_audio: bool = False, skip_bad_rows: bool = False,
                    count_failed: bool = True, speech: SpeechSettings | None = DEFAULT_SPEECH,
                    quality: bool = False, measures: bool = True, norms=None) -> pd.DataFrame:
    """Score every audio file under ``audio_dir``; returns the per-file scores table.

    With ``out_dir``, results are streamed to ``results.jsonl`` as they are produced and the
    outputs are written there: ``scores.csv``, ``summary.csv``/``summary.md``, plots,
    ``report.html``, ``run.json``. A rerun skips a file only when its content and everything that
    changes its probabilities (model and weights, precision, speech settings, window settings:
    :func:`~stylecheck.scoring.pipeline.result_settings`) are the same; otherwise, or with
    ``force``, it is rescored. ``workers`` batches are scored side by side (default: one per CPU
    thread, up to 4; 1 on a GPU); results do not depend on it, nor on ``batch_size`` (default:
    :func:`~stylecheck.scoring.pipeline.auto_batch_size`).
    ``quality`` adds DNSMOS scores and the quality guard (``low_quality``) per file (about 4x
    real time per CPU thread: off by default). Speaker similarity to ``source`` and
    ``reference`` recordings is always computed, from the classifier's own frames.
    ``copy_audio`` copies the audio the report plays into ``out_dir/audio``, so the output folder
    can be moved or zipped on its own. ``skip_bad_rows`` scores the usable rows of a STYLES.csv
    with bad ones and lists those as ``bad_row``; ``count_failed`` (default) counts listed files
    that could not be judged as not adhering in the summary, False rates judged files only.

    ``speech``: the speech check (default :data:`~stylecheck.models.style_model.DEFAULT_SPEECH`:
    Silero VAD, at least 0.5 s of speech, leading and trailing non-speech trimmed); ``None``
    classifies whole files without it. ``bf16``: the classifier in bfloat16, approximate; the
    default fp32 gives the same probabilities on every machine. ``measures`` (default on): the
    signal measures of every file and the measured categories (pitch, variation, rate, loudness,
    noise), judged against ``norms`` (a :class:`~stylecheck.measures.norms.Norms`, a bundled label
    or a norms JSON path; default the bundled natural-speech norms).
    """
    from ..models import load_model

    audio_dir = Path(audio_dir)
    found = check_usage(audio_dir, out_dir, device if not isinstance(model, StyleModel) else str(model.device),
                        expected)
    if not isinstance(model, StyleModel):
        model = load_model(model, device=device)
    expected_df, bad_rows, styles_warnings = load_expected(Path(expected) if expected is not None else None, model,
                                          audio_root=audio_dir, skip_bad_rows=skip_bad_rows)
    items = plan_items(audio_dir, expected_df, found, bad_rows)
    shard = shard or Shard(0, 1)
    mine = pd.DataFrame(shard.take(items.to_dict("records")), columns=items.columns)
    use_bf16 = uses_bf16(model, bf16)
    settings = result_settings(model, use_bf16, speech, quality, measures=measures)
    key = result_key(settings)
    hints = MeasureHints.from_items(mine) if measures else None
    if measures:
        norms = resolve_norms(norms, out_dir)

    log = ResultsLog(Path(out_dir) / f"results{shard.suffix}.jsonl") if out_dir is not None else None
    done: dict[str, dict] = {}
    if log is not None:
        if force:
            log.reset()
        else:
            # Only results computed under the same settings are reused: another model, precision
            # or speech check rescores the file (its new record then wins in the log).
            done = {f: r for f, r in log.read().items() if r.get("key") == key}
    todo: list[tuple[str, Path]] = []
    hashes: dict[str, str] = {}
    for rec in mine.to_dict("records"):
        if rec["status"] in ("missing", "bad_row"):
            continue
        path = Path(rec["path"])
        try:
            hashes[rec["file"]] = content_hash(path)
        except OSError:
            hashes[rec["file"]] = ""
        prev = done.get(rec["file"])
        if prev is not None and prev.get("hash") == hashes[rec["file"]] and (
                hints is None or prev.get("status") != "ok" or (prev.get("measures") or {}).get("inputs")
                == hints.inputs_for(rec["file"])):  # measured for another gender or text: again
            continue
        todo.append((rec["file"], path))
    mine_files = set(mine["file"])
    results = {f: r for f, r in done.items() if f in mine_files}
    reused = len(hashes) - len(todo)
    n_total, n_done = len(todo), 0
    audio_seconds = 0.0
    try:
        for batch in score_files(model, todo, batch_size=batch_size, bf16=use_bf16, workers=workers, speech=speech,
                                 quality=quality, measures=hints):
            recs = [{"file": r.file, "status": r.status, "error": r.error, "duration_s": r.duration_s,
                     "speech_s": r.speech_s, "probs": r.probs, "embedding": r.embedding, "quality": r.quality,
                     "measures": r.measures, "hash": hashes.get(r.file, ""), "model": settings["model"],
                     "key": key} for r in batch]
            if log is not None:
                log.append(recs)
            for rec in recs:
                results[rec["file"]] = rec
            n_done += len(batch)
            audio_seconds += sum(r.duration_s for r in batch if np.isfinite(r.duration_s))
            if progress is not None:
                progress(n_done, n_total, audio_seconds)
    finally:
        if log is not None:
            log.close()
    judges = [ModelJudge(model)] + ([MeasureJudge(norms)] if measures else [])
    scores = add_speaker_similarity(result_rows(mine, results, judges, model.label_set), results)
    if quality:
        scores = add_quality_columns(scores, results)
    # Said by the CLI: a rerun into the same --out takes earlier results without scoring again.
    scores.attrs["reuse"] = {"reused": reused, "scored": len(todo)}
    if out_dir is not None:
        out = Path(out_dir)
        write_csv(out / f"scores{shard.suffix}.csv", scores)
        meta = run_metadata(model, audio_dir, expected, settings, key, scores)
        meta["count_failed"] = bool(count_failed)
        meta["skip_bad_rows"] = bool(skip_bad_rows)
        meta.update(scores.attrs["reuse"])
        meta["styles_warnings"] = styles_warnings
        meta["measures"] = ({"on": True, "norms": norms.label, "norms_provenance": norms.provenance}
                            if measures else {"on": False})
        if write_summary and shard.count == 1:
            from .summary import write_summary_outputs

            summary = write_summary_outputs(scores, model.label_set, model.thresholds, out, audio_dir, meta,
                                           group_by_speaker=group_by_speaker, count_failed=count_failed,
                                           copy_audio=copy_audio, norms=norms if measures else None)
            meta.update(summary.run_notes())
        write_json(out / f"run{shard.suffix}.json", meta)
    return scores


def run_metadata(model: StyleModel, audio_dir: Path, expected, settings: dict, key: str, scores: pd.DataFrame) -> dict:
    """What the run used: ``precision``, ``speech`` and ``window`` are the settings every result
    in ``scores.csv`` was computed with (``resume_key`` is their hash in ``results.jsonl``)."""
    return {
        "stylecheck_version": __version__,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "model": {"name": model.config.name, "version": model.config.version,
                  "path": str(model.path) if model.path else None, "backbone": model.config.backbone,
                  "labels": list(model.labels), "label_set": model.label_set.to_dict(), "thresholds": [float(t) for t in model.thresholds],
                  "decision": model.config.decision, "reliability": model.config.reliability},
        "audio_dir": str(audio_dir.resolve()),
        "expected": str(expected) if expected is not None else None,
        "device": str(model.device), "precision": settings["precision"],
        "speech": settings["speech"],
        "window": {"window_s": settings["window_s"], "segment_s": settings["segment_s"]},
        "model_fingerprint": settings["model"], "resume_key": key,
        "counts": status_counts(scores),
    }
