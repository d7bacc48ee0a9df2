"""Joining the parts of a sharded run (``--shard I/N`` or torchrun ranks) into one output."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..io import write_csv, write_json
from ..results import SCORED_STATUSES, status_counts, text_column
from ..styles.labels import LabelSet
from .extras import SIMILARITY_COLUMNS, add_speaker_similarity
from .results_log import ResultsLog
from .score import ScoreError
from .sources import attach_source_labels


def _similarity_across_shards(scores: pd.DataFrame, parts, key: str | None) -> pd.DataFrame:
    """Speaker similarity computed again from every shard's embeddings: an output's source or
    reference may have been scored in another shard, where its shard could not see it."""
    results: dict[str, dict] = {}
    for d in parts:
        for log in sorted(Path(d).glob("results.shard-*-of-*.jsonl")):
            results.update({f: r for f, r in ResultsLog(log).read().items() if r.get("key") == key})
    scored = scores["file"][text_column(scores, "status").isin(SCORED_STATUSES).to_numpy()]
    missing = set(scored) - set(results)
    if missing:
        raise ScoreError(f"{len(missing)} scored file(s) have no record in the shards' results.shard-*.jsonl "
                         f"(e.g. {sorted(missing)[0]}): merge the shards' output folders as they were written")
    return add_speaker_similarity(scores.drop(columns=[c for c in SIMILARITY_COLUMNS if c in scores]), results)


def merge_score_parts(parts: Sequence[str | os.PathLike], out_dir: str | os.PathLike,
                      write_summary: bool = True, copy_audio: bool = False) -> pd.DataFrame:
    """Concatenate ``scores.shard-*.csv`` from the given folders (each may hold several shards)
    into ``out_dir/scores.csv`` and write the summary. Checks that every shard of the run is
    present exactly once and that no file appears twice."""
    shard_files: list[Path] = []
    for d in parts:
        shard_files += sorted(Path(d).glob("scores.shard-*-of-*.csv"))
    if not shard_files:
        raise ScoreError(f"no scores.shard-*-of-*.csv files in {', '.join(map(str, parts))}")
    counts = {f.name.split("-of-")[1].split(".")[0] for f in shard_files}
    if len(counts) != 1:
        raise ScoreError(f"shards from runs with different shard counts: {sorted(counts)}")
    n = int(counts.pop())
    indices = sorted(int(f.name.split("shard-")[1].split("-of")[0]) for f in shard_files)
    if indices != list(range(n)):
        missing = sorted(set(range(n)) - set(indices))
        dup = sorted({i for i in indices if indices.count(i) > 1})
        raise ScoreError(f"incomplete or duplicated shards: missing {missing}, duplicated {dup}")
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in shard_files]
    scores = pd.concat(frames, ignore_index=True)
    for col in scores.columns:
        if col.startswith("p_") or col in ("duration_s", "speech_s"):
            scores[col] = pd.to_numeric(scores[col].replace("", np.nan))
    dup = scores["file"][scores["file"].duplicated()].tolist()
    if dup:
        raise ScoreError(f"files scored in more than one shard: {dup[:5]}")
    scores = scores.sort_values("file", kind="stable").reset_index(drop=True)
    out = Path(out_dir)
    metas = [json.loads(f.with_name(f.name.replace("scores.", "run.").replace(".csv", ".json")).read_text())
             for f in shard_files if f.with_name(f.name.replace("scores.", "run.").replace(".csv", ".json")).is_file()]
    keys = {m.get("resume_key") for m in metas}
    if len(keys) > 1:
        raise ScoreError("shards were scored with different settings (model, precision or speech check; "
                         "see run.shard-*.json 'resume_key'): rescore them with the same options")
    if metas and "source" in scores.columns:
        # A source may have been scored in another shard than the files made from it.
        scores = attach_source_labels(scores, LabelSet.from_dict(metas[0]["model"]["label_set"]))
    if metas and ("source" in scores.columns or "reference" in scores.columns):
        scores = _similarity_across_shards(scores, parts, metas[0].get("resume_key"))
    write_csv(out / "scores.csv", scores)
    meta = dict(metas[0]) if metas else {}
    meta["counts"] = status_counts(scores)
    meta["merged_shards"] = n
    write_json(out / "run.json", meta)
    if write_summary and metas:
        from .summary import write_summary_outputs

        label_set = LabelSet.from_dict(meta["model"]["label_set"])
        summary = write_summary_outputs(scores, label_set, np.asarray(meta["model"]["thresholds"]), out,
                                       Path(meta["audio_dir"]), meta, count_failed=meta.get("count_failed", True),
                                       copy_audio=copy_audio)
        meta.update(summary.run_notes())
        write_json(out / "run.json", meta)
    return scores
