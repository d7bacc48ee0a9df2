"""Voice-conversion augmentation of a training manifest for rare labels (paper section 3.2).

``augment_manifest`` picks target speakers that carry a requested label, pairs source utterances
of other speakers with them deterministically for a seed until the requested hours (or number of
pairs) is planned, converts each pair with kNN-VC, and writes ``DIR/manifest.csv``,
``DIR/audio/<target>/*.wav`` (16 kHz) and ``DIR/augment_report.md``.

Labels. A converted file carries the *target* speaker's labels for every category (gender, age,
brightness, roughness): conversion replaces the voice and keeps only the words and their timing.
Its ``speaker`` is the target speaker, so a speaker-disjoint split stays disjoint: the converted
rows of a target belong to the target's split (the ``split`` column is copied when present). Only
augment from a TRAIN manifest, so neither the voices nor the words of validation or test speakers
leak into training.

Resuming. Every output is written to a temporary file and renamed, so a file at its final name is
complete; a rerun into the same folder converts only the pairs whose file is missing. The plan
depends only on the manifest, the seed and the settings, and the file names carry a digest of
the settings that shape the audio, so a resumed run writes the same manifest as an uninterrupted
one, and a run with other settings never reuses a file made with different ones.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import soundfile as sf

from ..audio import AudioError, load_audio
from ..audio.load import resample
from ..data.manifest import Manifest, read_manifest, write_manifest
from ..io import atomic_path
from .backend import Frames, VoiceConversionBackend, convert
from .pairs import SHORT_REFERENCE_S, Pair, TargetSpeaker
from .registry import build_backend
from ..errors import AugmentError, InvalidValueError

OUTPUT_SAMPLE_RATE = 16000
@dataclass
class AugmentResult:
    out_dir: Path
    manifest_path: Path
    report_path: Path
    chart_path: Path
    rows: pd.DataFrame
    pairs: list[Pair]
    targets: dict[str, TargetSpeaker]
    converted: int                     # files made by this run
    reused: int                        # files found complete from an earlier run
    failures: list[tuple[Pair, str]]
    warnings: list[str]


def speaker_label_table(manifest: Manifest) -> pd.DataFrame:
    """One row per speaker, one column per label: the value most of the speaker's rows give
    (labels are per speaker in DreamVoice and LibriTTS-P; a tie between 1 and 0 is unknown)."""
    frame = manifest.frame
    table = {}
    for speaker, rows in frame.groupby(frame["speaker"].astype(str), sort=True):
        values = {}
        for lab in manifest.labels:
            known = rows[lab].dropna()
            ones, zeros = int((known == 1).sum()), int((known == 0).sum())
            values[lab] = 1.0 if ones > zeros else 0.0 if zeros > ones else np.nan
        table[speaker] = values
    return pd.DataFrame.from_dict(table, orient="index", columns=list(manifest.labels))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "x"


def _digest(obj) -> str:
    return hashlib.sha1(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:10]


def plan_pairs(
    sources: pd.DataFrame,
    targets_by_label: dict[str, list[str]],
    seed: int,
    budget_s: float,
    max_pairs: int | None,
) -> tuple[list[tuple[int, str, str]], bool]:
    """Deterministic (source row, target speaker, label) triples.

    Labels take turns; within a label its targets take turns (in an order shuffled by the seed),
    so requested labels and their speakers get equal numbers of pairs. Sources are drawn from
    one seed-shuffled list with a moving pointer, so every source is used once before any is
    used twice; a pair never has the same speaker on both sides and never repeats. Stops when the
    planned duration reaches ``budget_s`` or ``max_pairs`` pairs are planned; returns whether
    that happened (False: every possible pair was used first).
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(sources)).tolist()
    speakers = sources["speaker"].astype(str).tolist()
    durations = sources["duration_s"].tolist()
    rotation = {lab: [ts[i] for i in rng.permutation(len(ts))] for lab, ts in targets_by_label.items()}
    turn = {lab: 0 for lab in rotation}
    used: set[tuple[int, str]] = set()
    pointer = 0
    planned: list[tuple[int, str, str]] = []
    total = 0.0
    labels = [lab for lab in targets_by_label if rotation[lab]]
    while labels:
        for lab in list(labels):
            if total >= budget_s or (max_pairs is not None and len(planned) >= max_pairs):
                return planned, True
            found = None
            while rotation[lab] and found is None:
                target = rotation[lab][turn[lab] % len(rotation[lab])]
                for step in range(len(order)):
                    row = order[(pointer + step) % len(order)]
                    if speakers[row] != target and (row, target) not in used:
                        found = (row, target)
                        pointer = (pointer + step + 1) % len(order)
                        break
                if found is None:  # this target has been paired with every source
                    rotation[lab].remove(target)
                else:
                    turn[lab] += 1
            if found is None:
                labels.remove(lab)
                continue
            used.add(found)
            planned.append((found[0], found[1], lab))
            total += durations[found[0]]
    return planned, False


def _readable_durations(paths: list[str]) -> tuple[dict[str, float], list[str]]:
    durations, problems = {}, []
    for p in paths:
        try:
            info = sf.info(p)
            durations[p] = info.frames / info.samplerate
        except Exception as exc:
            problems.append(f"{p}: not readable as audio ({type(exc).__name__}); left out")
    return durations, problems


def _complete(path: Path) -> bool:
    """A finished output: present (written by rename, so never half-written) and readable."""
    if not path.is_file():
        return False
    try:
        return sf.info(str(path)).frames > 0
    except Exception:
        return False


def augment_manifest(
    manifest: str | os.PathLike,
    labels: list[str],
    out_dir: str | os.PathLike,
    hours: float | None = None,
    backend: str | VoiceConversionBackend = "world",
    reference_seconds: float = 60.0,
    k: int = 4,
    seed: int = 0,
    max_pairs: int | None = None,
    force: bool = False,
    wavlm: str | None = None,
    hifigan: str | None = None,
    device: str = "cpu",
    world_options: dict | None = None,
    short_reference_s: float = SHORT_REFERENCE_S,
    progress: Callable[[str], None] | None = None,
) -> AugmentResult:
    """Convert source utterances into the voices of speakers carrying ``labels`` (see module doc).

    ``force`` reconverts pairs whose file already exists. ``wavlm``/``hifigan``: local model
    files for the ``wavlm-hifigan`` backend (else torch.hub); ``world_options``: keyword
    arguments of :class:`.world.WorldBackend` (e.g. ``{"f0_method": "dio"}``). ``progress`` receives one line per
    converted file.
    """
    say = progress or (lambda _msg: None)
    if hours is None and max_pairs is None:
        raise AugmentError("give --hours or --max-pairs (or both) to say how much audio to make")
    if hours is not None and not hours > 0:
        raise AugmentError(f"--hours must be positive, got {hours}")
    if max_pairs is not None and max_pairs < 1:
        raise AugmentError(f"--max-pairs must be at least 1, got {max_pairs}")
    if k < 1:
        raise AugmentError(f"--k must be at least 1, got {k}")
    if not reference_seconds > 0:
        raise AugmentError(f"--reference-seconds must be positive, got {reference_seconds}")
    train = read_manifest(manifest)
    if "speaker" not in train.frame:
        raise AugmentError(f"{manifest}: no 'speaker' column; targets are speakers, so it is required")
    try:
        requested = list(dict.fromkeys(train.label_set.canonical(lab) for lab in labels))
    except KeyError as exc:
        raise AugmentError(str(exc.args[0])) from None
    if not requested:
        raise AugmentError("no labels requested")
    out_dir = Path(out_dir)
    warnings = [f"{manifest}: {s}" for s in train.skipped]

    frame = train.frame.copy()
    frame["speaker"] = frame["speaker"].astype(str)
    durations, problems = _readable_durations(sorted(set(frame["path"])))
    warnings += problems
    frame = frame[frame["path"].isin(durations)].reset_index(drop=True)
    frame["duration_s"] = frame["path"].map(durations)
    speaker_labels = speaker_label_table(Manifest(frame, train.label_set))

    targets: dict[str, TargetSpeaker] = {}
    targets_by_label: dict[str, list[str]] = {}
    for lab in requested:
        # A row without a speaker cannot be a target: its "voice" would pool unrelated people.
        carriers = sorted(spk for spk in speaker_labels.index[speaker_labels[lab] == 1] if spk.strip())
        if not carriers:
            raise AugmentError(f"{manifest}: no speaker carries {lab} (=1); nothing to convert into")
        targets_by_label[lab] = carriers
        for spk in carriers:
            if spk not in targets:
                rows = frame[frame["speaker"] == spk].sort_values("path")
                total = float(rows["duration_s"].sum())
                targets[spk] = TargetSpeaker(spk, speaker_labels.loc[spk].to_dict(), rows["path"].tolist(),
                                             min(total, float(reference_seconds)))
            targets[spk].requested.append(lab)
    for t in targets.values():
        if t.is_short(short_reference_s):
            warnings.append(f"target {t.speaker}: only {t.reference_s:.1f} s of reference audio "
                            f"(< {short_reference_s:g} s); kNN-VC's conversions get worse with short matching sets")

    vc = backend if isinstance(backend, VoiceConversionBackend) else build_backend(
        backend, wavlm=wavlm, hifigan=hifigan, device=device, **(world_options or {}))
    budget_s = math.inf if hours is None else float(hours) * 3600.0
    sources = frame[["path", "speaker", "duration_s"]]
    planned, reached = plan_pairs(sources, targets_by_label, seed, budget_s, max_pairs)
    if not planned:
        raise AugmentError(f"{manifest}: no (source, target) pair possible: every utterance is by a target itself")
    if not reached:
        warnings.append(f"every possible (source, target) pair was used ({len(planned)}) before the requested amount")
    pairs = []
    for row, target, lab in planned:
        src = sources.iloc[row]
        key = {"source": src["path"], "target": target, "files": targets[target].files, "k": k,
               "reference_seconds": reference_seconds, "backend": vc.spec}
        name = f"{_safe(target)}__{_safe(Path(src['path']).stem)}__{_digest(key)}.wav"
        pairs.append(Pair(src["path"], src["speaker"], target, lab, float(src["duration_s"]),
                          f"audio/{_safe(target)}/{name}"))

    converted, reused, failures = _convert_pairs(vc, pairs, targets, out_dir, reference_seconds, k, force, say)
    reused_count = sum(1 for p in pairs if p.output in reused)

    rows = _augmented_rows(pairs, targets, frame, out_dir, vc, k, train.labels)
    from .report import write_augment_report  # matplotlib only when a report is written

    manifest_path = write_manifest(out_dir / "manifest.csv", rows, train.label_set)
    report_path, chart_path = write_augment_report(
        out_dir, train=frame, added=rows, labels=train.labels, requested=requested, targets=targets,
        pairs=pairs, failures=failures, warnings=warnings, settings={
            "manifest": str(manifest), "labels": ",".join(requested), "hours": hours, "max_pairs": max_pairs,
            "backend": vc.spec, "k": k, "reference_seconds": reference_seconds, "seed": seed},
        short_reference_s=short_reference_s,
    )
    return AugmentResult(out_dir, manifest_path, report_path, chart_path, rows, pairs, targets, converted,
                         reused_count, failures, warnings)


def _convert_pairs(vc: VoiceConversionBackend, pairs: list[Pair], targets: dict[str, TargetSpeaker], out_dir: Path,
                   reference_seconds: float, k: int, force: bool, say: Callable[[str], None]
                   ) -> tuple[int, set[str], list[tuple[Pair, str]]]:
    """Convert every pair whose output is missing, one target's matching set at a time."""
    done = {p.output for p in pairs if not force and _complete(out_dir / p.output)}
    pending: dict[str, list[Pair]] = {}
    for p in pairs:
        if p.output not in done:
            pending.setdefault(p.target, []).append(p)
    converted, failures = 0, []
    total = sum(len(v) for v in pending.values())
    for target, todo in pending.items():
        try:
            matching = _matching_set(vc, targets[target], reference_seconds)
        except (AudioError, ValueError) as exc:
            failures += [(p, f"target {target}: {exc}") for p in todo]
            continue
        for p in todo:
            try:
                source = load_audio(p.source, vc.sample_rate)
            except AudioError as exc:
                failures.append((p, str(exc)))
                continue
            try:
                wave = convert(vc, source, matching, k)
            except ValueError as exc:  # e.g. a source the analysis cannot handle; the run goes on
                failures.append((p, f"{p.source}: conversion failed ({exc})"))
                continue
            if vc.sample_rate != OUTPUT_SAMPLE_RATE:
                wave = resample(wave, vc.sample_rate, OUTPUT_SAMPLE_RATE)
            with atomic_path(out_dir / p.output) as tmp:
                sf.write(str(tmp), wave.numpy(), OUTPUT_SAMPLE_RATE, subtype="PCM_16")
            converted += 1
            say(f"[{converted}/{total}] {p.output}")
    return converted, done, failures


def _matching_set(vc: VoiceConversionBackend, target: TargetSpeaker, reference_seconds: float) -> Frames:
    """The target's frames from all their files in order, up to ``reference_seconds``; files are
    read only until that much audio is in hand."""
    waves, seconds = [], 0.0
    for path in target.files:
        try:
            waves.append(load_audio(path, vc.sample_rate))
        except AudioError:
            continue  # a bad reference file costs the matching set a little audio, not the target
        seconds += waves[-1].shape[-1] / vc.sample_rate
        if seconds >= reference_seconds:
            break
    if not waves:
        raise InvalidValueError("none of the target's files could be read")
    return vc.matching_set(waves, max_seconds=reference_seconds)


def _augmented_rows(pairs: list[Pair], targets: dict[str, TargetSpeaker], train: pd.DataFrame, out_dir: Path,
                    vc: VoiceConversionBackend, k: int, labels: tuple[str, ...]) -> pd.DataFrame:
    """One manifest row per finished output, in plan order, labelled as its target speaker."""
    split_of = {}
    if "split" in train:
        split_of = train.groupby("speaker")["split"].agg(lambda s: s.mode().iat[0] if len(s.mode()) else "").to_dict()
    records = []
    for p in pairs:
        path = out_dir / p.output
        if not _complete(path):
            continue
        info = sf.info(str(path))
        t = targets[p.target]
        rec = {"path": p.output, "speaker": p.target}
        rec.update({lab: t.labels.get(lab, np.nan) for lab in labels})
        rec.update({"source": p.source, "target": p.target, "backend": vc.name, "corpus": "knn-vc",
                    "duration_s": round(info.frames / info.samplerate, 3), "meta_k": k,
                    "meta_source_speaker": p.source_speaker, "meta_augmented_for": p.label,
                    "meta_reference_s": round(t.reference_s, 2)})
        if split_of:
            rec["split"] = split_of.get(p.target, "")
        records.append(rec)
    columns = ["path", "speaker", *labels, "source", "target", "backend", "corpus", "duration_s", "meta_k",
               "meta_source_speaker", "meta_augmented_for", "meta_reference_s"] + (["split"] if split_of else [])
    return pd.DataFrame.from_records(records, columns=columns)
