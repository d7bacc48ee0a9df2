"""``score_directory``: score a folder of generated speech against the styles it was asked for.

One row per input, always: every audio file found under the folder and every file listed in
STYLES.csv appears exactly once in ``scores.csv`` with a status (``ok``, ``error``, ``missing``:
listed but absent, ``unlisted``: found but not listed, still scored).
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .. import __version__
from ..audio import find_audio_files
from ..io import write_csv, write_json
from ..models.decision import UNCERTAIN, decide_categories
from ..models.style_model import StyleModel
from .pipeline import FileResult, bf16_supported, content_hash, model_fingerprint, score_files
from .results_log import ResultsLog

RESULTS_LOG = "results.jsonl"


class ScoreError(Exception):
    """A usage error: the run cannot start (missing folder, bad STYLES.csv, ...)."""


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


def plan_items(audio_dir: Path, expected: pd.DataFrame | None) -> pd.DataFrame:
    """The union of found and listed files with their status-before-scoring and system."""
    found = {_posix(p.relative_to(audio_dir)): p for p in find_audio_files(audio_dir)}
    rows = []
    listed = set()
    if expected is not None:
        for rec in expected.to_dict("records"):
            f = rec["file"]
            listed.add(f)
            rows.append({**rec, "status": "pending" if f in found else "missing"})
    for f in found:
        if f not in listed:
            rows.append({"file": f, "status": "unlisted" if expected is not None else "pending"})
    items = pd.DataFrame(rows)
    if items.empty:
        items = pd.DataFrame(columns=["file", "status"])
    for col in ("system", "speaker", "prompt", "expected"):
        if col not in items:
            items[col] = ""
        items[col] = items[col].fillna("").astype(str)
    # Without a system column, first-level subfolders are systems when there are several.
    if not (items["system"] != "").any():
        tops = {f.split("/", 1)[0] for f in items["file"] if "/" in f}
        if len(tops) > 1:
            items["system"] = [f.split("/", 1)[0] if "/" in f else "" for f in items["file"]]
    items["path"] = [str(audio_dir / f) for f in items["file"]]
    return items.sort_values("file", kind="stable").reset_index(drop=True)


def load_expected(expected_csv: Path | None, model: StyleModel) -> pd.DataFrame | None:
    if expected_csv is None:
        return None
    from .expected import StylesError, read_expected_styles

    try:
        table = read_expected_styles(expected_csv, model.label_set)
    except StylesError as exc:
        raise ScoreError(str(exc)) from None
    return table.table


def _result_columns(items: pd.DataFrame, results: dict[str, dict], model: StyleModel) -> pd.DataFrame:
    labels = model.labels
    label_set = model.label_set
    out = items.copy()
    status, error, duration = [], [], []
    probs = np.full((len(out), len(labels)), np.nan)
    for i, rec in enumerate(out.to_dict("records")):
        r = results.get(rec["file"])
        if rec["status"] == "missing":
            status.append("missing"), error.append("listed in STYLES.csv but not found"), duration.append(np.nan)
            continue
        if r is None:
            status.append("error"), error.append("not scored (run interrupted?)"), duration.append(np.nan)
            continue
        if r["status"] == "ok":
            status.append("unlisted" if rec["status"] == "unlisted" else "ok")
            error.append("")
            probs[i] = r["probs"]
        else:
            status.append("error"), error.append(r["error"])
        duration.append(r.get("duration_s", np.nan))
    out["status"], out["error"], out["duration_s"] = status, error, duration
    for j, lab in enumerate(labels):
        out[f"p_{lab}"] = probs[:, j]
    # One answer per category from the model's decision rule (stylecheck.models.decision):
    # a label, "uncertain", or "" when nothing was judged.
    answers = decide_categories(probs, model.config)
    for cat in label_set.categories:
        col = f"expected_{cat}"
        if col not in out:
            out[col] = ""
        out[col] = out[col].fillna("").astype(str)
    out["predicted"] = [";".join(answers[cat][i] for cat in label_set.categories
                                 if answers[cat][i] not in ("", UNCERTAIN)) for i in range(len(out))]
    for cat in label_set.categories:
        col = f"expected_{cat}"
        pred = answers[cat]
        out[f"predicted_{cat}"] = pred
        match = []
        for e, pr, p in zip(out[col], pred, probs):
            match.append("" if (not e or not np.isfinite(p).all()) else ("true" if pr == e else "false"))
        out[f"match_{cat}"] = match
    lead = ["file", "system", "speaker", "status", "error", "duration_s", "prompt"]
    rest = [f"p_{lab}" for lab in labels] + ["predicted", "expected"]
    cats = [f"{k}_{cat}" for cat in label_set.categories for k in ("expected", "predicted", "match")]
    return out[lead + rest + cats]


def score_directory(audio_dir: str | os.PathLike, expected: str | os.PathLike | None = None,
                    model: StyleModel | str | os.PathLike | None = None, out_dir: str | os.PathLike | None = None,
                    force: bool = False, shard: Shard | None = None, batch_size: int = 32, device: str = "cpu",
                    bf16: bool | None = None, group_by_speaker: bool = False, write_summary: bool = True,
                    progress: Callable[[int, int, float], None] | None = None,
                    workers: int | None = None) -> pd.DataFrame:
    """Score every audio file under ``audio_dir``; returns the per-file scores table.

    With ``out_dir``, results are streamed to ``results.jsonl`` as they are produced (a rerun skips
    files already scored by the same model, unless ``force``) and the outputs are written there:
    ``scores.csv``, ``summary.csv``/``summary.md``, plots, ``report.html``, ``run.json``.
    ``workers`` batches are scored side by side (default: one per CPU thread, up to 4; 1 on a
    GPU); results do not depend on it.
    """
    from .. import load_model

    audio_dir = Path(audio_dir)
    if not audio_dir.is_dir():
        raise ScoreError(f"{audio_dir}: audio folder not found")
    if not isinstance(model, StyleModel):
        model = load_model(model, device=device)
    expected_df = load_expected(Path(expected) if expected is not None else None, model)
    items = plan_items(audio_dir, expected_df)
    shard = shard or Shard(0, 1)
    mine = pd.DataFrame(shard.take(items.to_dict("records")), columns=items.columns)
    use_bf16 = bf16_supported() if bf16 is None else bf16
    fingerprint = model_fingerprint(model)

    log = ResultsLog(Path(out_dir) / f"results{shard.suffix}.jsonl") if out_dir is not None else None
    done: dict[str, dict] = {}
    if log is not None:
        if force:
            log.reset()
        else:
            done = {f: r for f, r in log.read().items() if r.get("model") == fingerprint}
    todo: list[tuple[str, Path]] = []
    hashes: dict[str, str] = {}
    for rec in mine.to_dict("records"):
        if rec["status"] == "missing":
            continue
        path = Path(rec["path"])
        try:
            hashes[rec["file"]] = content_hash(path)
        except OSError:
            hashes[rec["file"]] = ""
        prev = done.get(rec["file"])
        if prev is not None and prev.get("hash") == hashes[rec["file"]]:
            continue
        todo.append((rec["file"], path))
    mine_files = set(mine["file"])
    results = {f: r for f, r in done.items() if f in mine_files}
    n_total, n_done = len(todo), 0
    audio_seconds = 0.0
    try:
        for batch in score_files(model, todo, batch_size=batch_size, bf16=use_bf16, workers=workers):
            recs = [{"file": r.file, "status": r.status, "error": r.error, "duration_s": r.duration_s,
                     "probs": r.probs, "hash": hashes.get(r.file, ""), "model": fingerprint} for r in batch]
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
    scores = _result_columns(mine, results, model)
    if out_dir is not None:
        out = Path(out_dir)
        write_csv(out / f"scores{shard.suffix}.csv", scores)
        meta = run_metadata(model, audio_dir, expected, use_bf16, scores)
        write_json(out / f"run{shard.suffix}.json", meta)
        if write_summary and shard.count == 1:
            from .summary import write_summary_outputs

            write_summary_outputs(scores, model.label_set, model.thresholds, out, audio_dir, meta,
                                  group_by_speaker=group_by_speaker)
    return scores


def run_metadata(model: StyleModel, audio_dir: Path, expected, bf16: bool, scores: pd.DataFrame) -> dict:
    return {
        "stylecheck_version": __version__,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "model": {"name": model.config.name, "version": model.config.version,
                  "path": str(model.path) if model.path else None, "backbone": model.config.backbone,
                  "labels": list(model.labels), "label_set": model.label_set.to_dict(), "thresholds": [float(t) for t in model.thresholds]},
        "audio_dir": str(audio_dir.resolve()),
        "expected": str(expected) if expected is not None else None,
        "device": str(model.device), "precision": "bf16" if bf16 else "fp32",
        "counts": scores["status"].value_counts().to_dict(),
    }
