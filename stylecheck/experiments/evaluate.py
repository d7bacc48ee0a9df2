"""``evaluate_models``: the paper's Table 2 (per-label F1 and the average, one row per model) on
a test manifest, with speaker-bootstrap intervals, and per-file predictions for later analyses."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..audio import SpeechSettings
from ..data.manifest import read_manifest
from ..io import write_csv, write_text
from ..models.style_model import StyleModel
from ..styles.decision import per_label_decisions
from ..markdown import markdown_table
from ..training.cache import FeatureCache
from ..analysis.metrics import f1_table


def predict_manifest(model: StyleModel, paths: Sequence[str], cache_dir: str | None = None,
                     use_cache: bool = True, speech: SpeechSettings | None = None) -> np.ndarray:
    """Probabilities of each file through the feature cache; ``speech`` cuts each file to its
    speech first, as ``stylecheck score`` does (``None``: whole files)."""
    cache = FeatureCache(model.backbone, cache_dir, model.config.segment_s, enabled=use_cache, speech=speech)
    return model.probabilities_from_frames(cache.get(paths))


def model_display_name(model: StyleModel, folder: str | os.PathLike) -> str:
    return f"{model.config.name} ({Path(folder).name})" if model.config.name else Path(folder).name


def evaluate_models(model_dirs: Sequence[str | os.PathLike], manifest: str | os.PathLike, out_dir: str | os.PathLike,
                    device: str = "cpu", cache_dir: str | None = None, use_cache: bool = True,
                    n_resamples: int = 1000, skip_bad_rows: bool = False, trim_speech: bool = False,
                    include_training_speakers: bool = False) -> pd.DataFrame:
    """Evaluate each model on ``manifest``; writes f1.csv (long), f1.md (Table 2), predictions.csv.
    Returns the long table; ``attrs["training_speakers"]``: per model, what was done with the
    files of speakers it was trained on. ``trim_speech`` cuts each file to its speech first, as
    scoring does (use it for models trained with ``trim_speech``).

    Files of the speakers a model was trained on (its config's ``training_speakers``) are left
    out of its figures unless ``include_training_speakers``; then they are kept and the model's
    rows are marked ``[incl. training speakers]`` (predictions.csv: ``training_speaker``)."""
    out = Path(out_dir)
    tables, preds, notes = [], [], {}
    for folder in model_dirs:
        model = StyleModel.from_pretrained(folder, device=device)
        m = read_manifest(manifest, model.label_set, skip_bad_rows=skip_bad_rows)
        name = model_display_name(model, folder)
        m, seen, note = training_speaker_rows(m, model.config.training_speakers, include_training_speakers,
                                              f"{manifest}: {name}")
        notes[name] = note
        if include_training_speakers and seen.any():
            name += " [incl. training speakers]"
        probs = predict_manifest(model, m.paths, cache_dir, use_cache, SpeechSettings() if trim_speech else None)
        # Table 2 is per label, each against its own threshold (see styles/decision.py).
        decisions = per_label_decisions(probs, model.thresholds)
        t = f1_table(m.targets(), decisions.astype(float), model.labels,
                     m.speakers if "speaker" in m.frame else None, n_resamples=n_resamples)
        t.insert(0, "model", name)
        t["training_speakers"] = note["status"]
        tables.append(t)
        p = pd.DataFrame({"model": name, "path": m.paths, "speaker": m.speakers, "training_speaker": seen})
        for j, lab in enumerate(model.labels):
            p[f"p_{lab}"] = probs[:, j]
        for j, lab in enumerate(model.labels):
            p[f"pred_{lab}"] = decisions[:, j].astype(int)
        preds.append(p)
    long = pd.concat(tables, ignore_index=True)
    write_csv(out / "f1.csv", long)
    write_csv(out / "predictions.csv", pd.concat(preds, ignore_index=True))
    write_text(out / "f1.md", table2_markdown(long, Path(manifest)) + training_speakers_markdown(notes))
    long.attrs["training_speakers"] = notes
    return long


def training_speaker_rows(m, trained: dict | None, include: bool, where: str):
    """The manifest to evaluate, a per-row "seen in training" mask (of the rows kept) and a note
    ``{"status": dropped | included | unknown, "text": ..., counts}`` on the training speakers."""
    from ..errors import ManifestError
    from ..data.speakers import seen_in_training

    if not trained:
        text = "the model does not record its training speakers: every file kept (figures may include them)"
        return m, np.zeros(len(m), dtype=bool), {"status": "unknown", "text": text}
    if "speaker" not in m.frame:
        text = "the manifest has no speaker column, so its training speakers cannot be recognised: every file kept"
        return m, np.zeros(len(m), dtype=bool), {"status": "unknown", "text": text}
    seen = seen_in_training(m.frame, trained)
    n_files, n_spk = int(seen.sum()), int(m.frame.loc[seen, "speaker"].astype(str).nunique())
    counts = {"files": n_files, "speakers": n_spk, "of_files": len(m)}
    if include:
        text = (f"{n_files} file(s) of {n_spk} speaker(s) the model was trained on are included "
                "(marked [incl. training speakers]; predictions.csv: training_speaker)")
        return m, seen, {"status": "included", "text": text, **counts}
    if n_files == len(m):
        raise ManifestError(f"{where}: all {n_files} file(s) are of speakers the model was trained on, so none is "
                            "left to evaluate (--include-training-speakers scores them anyway, marked)")
    text = (f"dropped {n_files} of {len(m)} file(s), of {n_spk} speaker(s) the model was trained on "
            "(--include-training-speakers keeps them, marked)")
    kept = dataclasses.replace(m, frame=m.frame.loc[~seen].reset_index(drop=True))
    return kept, np.zeros(len(kept), dtype=bool), {"status": "dropped", "text": text, **counts}


def training_speakers_markdown(notes: dict) -> str:
    lines = ["## Training speakers", "",
             "Figures are for speakers each model never saw in training unless marked otherwise.", ""]
    lines += [f"- {name}: {note['text']}." for name, note in notes.items()]
    return "\n".join(lines) + "\n"


def table2_wide(long: pd.DataFrame, with_intervals: bool = True) -> pd.DataFrame:
    """One row per model, one column per label plus Average, like the paper's Table 2."""
    rows = []
    for model, t in long.groupby("model", sort=False):
        row = {"Model": model}
        for r in t.itertuples():
            if np.isnan(r.f1):
                row[r.label] = "n/a"
            elif with_intervals and not np.isnan(r.f1_lo):
                row[r.label] = f"{r.f1:.3f} [{r.f1_lo:.2f}, {r.f1_hi:.2f}]"
            else:
                row[r.label] = f"{r.f1:.3f}"
        rows.append(row)
    return pd.DataFrame(rows)


def table2_markdown(long: pd.DataFrame, manifest: Path) -> str:
    first = long[long["model"] == long["model"].iloc[0]]
    counts = pd.DataFrame([{"label": r.label, "known files": r.n_known, "positive files": r.n_pos,
                            "positive speakers": r.n_pos_speakers} for r in first.itertuples() if r.label != "Average"])
    thin = [r.label for r in first.itertuples() if r.label != "Average" and r.n_pos_speakers < 5]
    lines = [f"# F1 on `{manifest.name}`", "",
             "Per-label F1 at each model's stored thresholds, with 95% bootstrap intervals "
             "(resampling speakers when the manifest names them). `n/a`: no positive files.", "",
             markdown_table(table2_wide(long)), "", "## Test set", "", markdown_table(counts), ""]
    if thin:
        lines += [f"Fewer than 5 positive speakers: {', '.join(thin)}; these cells cannot be judged.", ""]
    return "\n".join(lines)
