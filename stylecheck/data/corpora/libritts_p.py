"""LibriTTS-P speaker prompts -> per-speaker votes and labels -> manifests.

Input: one file per annotator (``df1_en.csv``, ``df2_en.csv``, ``df3_en.csv``), one line per
speaker, ``spk_id|kw1,kw2,...``; a keyword may carry ``slightly `` or ``very ``. The degree does
not change the vote: an annotator who wrote "slightly young" chose "young".

Labels: each annotator votes for a label when any of its keywords maps to it (once per label,
however many keywords map there), so ``agree_<Label>`` counts annotators, 0..3. A label is 1 when a
majority (2 of 3) chose it and it has more votes than the other label of its category, which is
then 0; no majority, or a tie at the top, leaves the category unknown (see :mod:`..votes`).

The keyword table (:data:`KEYWORD_LABELS`) was chosen to make the labels mean what DreamVoiceDB's
labels mean, because the bundled model trains on both. DreamVoiceDB's consensus labels 786 of the
LibriTTS-P speakers, so each candidate mapping was scored by how often its majority decision
matches DreamVoice's where both decide (``accuracy`` / speakers decided by both, full
``df*_en.csv`` files and ``merged_speaker_ratings.csv``):

==========================================  =====================  =====================
mapping                                     brightness             roughness / age
==========================================  =====================  =====================
dark, bright only                           0.81 / 113
+ thick -> Dark, thin -> Bright             0.94 / 200
+ muffled -> Dark, light -> Bright (final)  0.95 / 205
raspy -> Rough, soft -> Smooth                                     roughness 0.73 / 86
+ clear -> Smooth (final)                                          roughness 0.82 / 181
raspy only (no Smooth keyword)                                     roughness 0.37 / 46
young / adult-like, middle-aged, mature,                           age 0.88 / 774
old -> Teenager / Adult
same without adult-like (final)                                    age 0.94 / 285
==========================================  =====================  =====================

Within each gender, DreamVoice-Dark voices got "thick" and "muffled" more often and "light" and
"clear" less often than DreamVoice-Bright ones, which matches DreamVoice's own scale ends "Very
Dark (Rich)" and "Very Bright (Thin)". "adult-like" is the default keyword (67-87 % of each
annotator's lines); counting it called 83 of the 111 DreamVoice teenagers Adult, so it casts no
vote. Keywords about manner or personality (calm, friendly, powerful, cute, ...) carry no label.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...audio import find_audio_files
from ...io import read_csv_table
from ...styles.labels import LabelSet, PAPER_LABELS
from ...markdown import markdown_table
from ..prepare_report import PreparedCorpus
from ..votes import agree_column, labels_from_votes
from .librispeech import find_libri_audio, find_speakers_file, read_speakers_sex
from ...errors import AnnotationError, MissingFileError

CORPUS = "libritts_p"
DEGREES = ("slightly ", "very ")

#: keyword -> (label or None, why). None: the keyword says nothing about the eight labels.
KEYWORD_LABELS: dict[str, tuple[str | None, str]] = {
    "feminine": ("Female", "gender keyword"),
    "masculine": ("Male", "gender keyword"),
    "gender-neutral": (None, "neither gender: no gender vote"),
    "young": ("Teenager", "youngest age keyword; DreamVoice teenagers got it 4x as often as adults"),
    "middle-aged": ("Adult", "age keyword"),
    "mature": ("Adult", "age keyword"),
    "old": ("Adult", "senior voices are Adult (the paper merges Senior into Adult)"),
    "adult-like": (None, "default keyword; would call most DreamVoice teenagers Adult"),
    "dark": ("Dark", "brightness keyword"),
    "thick": ("Dark", "DreamVoice's 'Very Dark (Rich)'; matches DreamVoice Dark"),
    "muffled": ("Dark", "dull high frequencies; matches DreamVoice Dark"),
    "bright": ("Bright", "brightness keyword"),
    "thin": ("Bright", "DreamVoice's 'Very Bright (Thin)'"),
    "light": ("Bright", "light timbre; matches DreamVoice Bright"),
    "raspy": ("Rough", "DreamVoice's 'Rough (Raspy)'"),
    "soft": ("Smooth", "DreamVoice's 'Smooth (Mellow)'; without it the roughness labels fail"),
    "clear": ("Smooth", "free of hoarseness; matches DreamVoice Smooth"),
    **{kw: (None, "manner or personality, not a voice label") for kw in (
        "calm", "friendly", "intellectual", "lively", "fluent", "reassuring", "sincere", "tensed", "kind",
        "elegant", "powerful", "wild", "sexy", "cool", "unique", "refreshing", "sweet", "modest", "hard",
        "sharp", "intense", "strict", "weak", "cute", "relaxed", "halting", "nasal")},
}


@dataclass
class AnnotatorFile:
    path: Path
    keywords: dict[str, list[str]]  # speaker -> keywords without degree


def base_keyword(keyword: str) -> str:
    """'very Masculine ' -> 'masculine'."""
    kw = keyword.strip().lower()
    for degree in DEGREES:
        if kw.startswith(degree):
            return kw[len(degree):].strip()
    return kw


def read_annotator_file(path: str | os.PathLike) -> AnnotatorFile:
    """Read one ``spk_id|kw1,kw2,...`` file."""
    path = Path(path)
    if not path.is_file():
        raise AnnotationError(f"{path}: annotation file not found")
    out: dict[str, list[str]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        spk, sep, kws = line.partition("|")
        spk = spk.strip()
        if not sep or not spk.isdigit():
            raise AnnotationError(f"{path}: line {n}: expected 'speaker_id|keyword,keyword,...', got {line[:80]!r}")
        spk = str(int(spk))
        if spk in out:
            raise AnnotationError(f"{path}: line {n}: speaker {spk} appears twice")
        out[spk] = [base_keyword(k) for k in kws.split(",") if k.strip()]
    if not out:
        raise AnnotationError(f"{path}: no annotations")
    return AnnotatorFile(path, out)


def read_keyword_map(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS) -> dict[str, tuple[str | None, str]]:
    """A CSV ``keyword,label`` (label empty = no label) replacing :data:`KEYWORD_LABELS`."""
    frame = read_csv_table(path, ("keyword", "label"), "keyword map", AnnotationError)
    out = {}
    for i, row in frame.iterrows():
        label = row["label"].strip()
        try:
            label = label_set.canonical(label) if label else None
        except KeyError as exc:
            raise AnnotationError(f"{path}: line {i + 2}: {exc.args[0]}") from None
        out[base_keyword(row["keyword"])] = (label, f"from {path.name}")
    return out


def speaker_votes(files: list[AnnotatorFile], keyword_labels: dict[str, tuple[str | None, str]],
                  label_set: LabelSet = PAPER_LABELS) -> tuple[pd.DataFrame, Counter, Counter]:
    """Votes per speaker and label (annotators choosing it), ``n_annotators``, plus the counts of
    mapped keywords and of keywords outside the table (over all lines of all files)."""
    speakers = sorted({s for f in files for s in f.keywords}, key=int)
    rows = []
    used, unknown = Counter(), Counter()
    for spk in speakers:
        votes = dict.fromkeys(label_set.labels, 0)
        n = 0
        for f in files:
            if spk not in f.keywords:
                continue
            n += 1
            chosen = set()
            for kw in f.keywords[spk]:
                if kw in keyword_labels:
                    used[kw] += 1
                    if keyword_labels[kw][0] is not None:
                        chosen.add(keyword_labels[kw][0])
                else:
                    unknown[kw] += 1
            for lab in chosen & set(votes):
                votes[lab] += 1
        rows.append({"speaker": spk, **votes, "n_annotators": n})
    return pd.DataFrame(rows).set_index("speaker"), used, unknown


def prepare_libritts_p(annotations: list[str | os.PathLike], audio_root: str | os.PathLike,
                       excluded: str | os.PathLike | None = None, keyword_map: str | os.PathLike | None = None,
                       speakers_file: str | os.PathLike | None = None,
                       label_set: LabelSet = PAPER_LABELS) -> PreparedCorpus:
    """Labels from the annotator files, audio found under ``audio_root`` (LibriSpeech, LibriTTS or
    LibriTTS-R naming, any nesting), excluded and unmatched speakers reported."""
    if not annotations:
        raise AnnotationError("no annotation files given")
    files = [read_annotator_file(p) for p in annotations]
    table = read_keyword_map(keyword_map, label_set) if keyword_map else KEYWORD_LABELS
    votes, used, unknown = speaker_votes(files, table, label_set)
    min_votes = len(files) // 2 + 1
    labels, contested = labels_from_votes(votes, label_set, min_votes)

    excluded_ids: list[str] = []
    if excluded is not None:
        path = Path(excluded)
        if not path.is_file():
            raise AnnotationError(f"{path}: excluded-speaker list not found")
        excluded_ids = [str(int(t)) for t in path.read_text(encoding="utf-8").split() if t.isdigit()]
    audio = find_libri_audio(audio_root, find_audio_files(audio_root))
    if not audio:
        raise MissingFileError(f"{audio_root}: no LibriSpeech/LibriTTS audio "
                                "(<spk>-<chapter>-<utt>.flac or <spk>_<chapter>_<...>.wav) found")

    annotated, excl, with_audio = set(votes.index), set(excluded_ids), set(audio)
    dropped = {
        "on the excluded list (mixed-gender audio)": sorted(excl & (annotated | with_audio), key=int),
        "annotated, no audio found": sorted(annotated - excl - with_audio, key=int),
        "audio found, not annotated": sorted(with_audio - annotated - excl, key=int),
    }
    keep = sorted(annotated & with_audio - excl, key=int)
    records = []
    for spk in keep:
        base = {"speaker": spk, "corpus": CORPUS, **labels.loc[spk].to_dict(),
                **{agree_column(lab): int(votes.loc[spk, lab]) for lab in label_set.labels},
                "n_annotators": int(votes.loc[spk, "n_annotators"])}
        records += [{"path": str(Path(p).resolve()), **base} for p in audio[spk]]
    rows = pd.DataFrame(records, columns=["path", "speaker", "corpus", *label_set.labels,
                                          *[agree_column(lab) for lab in label_set.labels], "n_annotators"])

    sections = [("Labels from votes", _votes_section(votes.loc[keep], labels.loc[keep], contested, min_votes,
                                                     len(files), label_set)),
                ("Keyword mapping", _keyword_section(table, used, unknown))]
    sex_path = Path(speakers_file) if speakers_file else find_speakers_file(audio_root)
    if sex_path is not None:
        sections.append(("Annotated gender vs LibriSpeech SPEAKERS.TXT",
                         gender_check(labels.loc[keep], read_speakers_sex(sex_path), sex_path)))
    inputs = {f"annotator {i + 1}": str(f.path) for i, f in enumerate(files)}
    inputs.update({"audio root": str(audio_root),
                   "excluded list": f"{excluded} ({len(excl)} speakers)" if excluded else "none",
                   "keyword map": str(keyword_map) if keyword_map else "built-in (stylecheck.data.corpora.libritts_p)"})
    return PreparedCorpus(CORPUS, rows, label_set, inputs, len(annotated), dropped, sections)


def gender_check(labels: pd.DataFrame, sex: dict[str, str], source: Path) -> str:
    """Markdown: annotated gender (majority of annotators) against LibriSpeech's recorded sex."""
    def annotated(spk: str) -> str:
        f, m = labels.loc[spk, "Female"], labels.loc[spk, "Male"]
        return "Female" if f == 1 else "Male" if m == 1 else "undecided"

    rows = [{"speaker": s, "annotated": annotated(s), "recorded": {"F": "F", "M": "M"}.get(sex.get(s, ""), "not listed")}
            for s in labels.index]
    frame = pd.DataFrame(rows, columns=["speaker", "annotated", "recorded"])
    table = pd.crosstab(frame["annotated"], frame["recorded"]).reset_index()
    decided = frame[frame["annotated"].isin(["Female", "Male"]) & frame["recorded"].isin(["F", "M"])]
    match = (decided["annotated"].str[0] == decided["recorded"])
    mismatches = decided.loc[~match, "speaker"].tolist()
    text = [f"Source: `{source}`.", "", markdown_table(table), "",
            f"Agreement where both exist: {int(match.sum())} of {len(decided)} speakers"
            + (f" ({100 * match.mean():.1f} %)." if len(decided) else ".")]
    if mismatches:
        text.append(f"Speakers whose annotated gender differs from the recorded sex: {', '.join(mismatches)}.")
    return "\n".join(text)


def _votes_section(votes: pd.DataFrame, labels: pd.DataFrame, contested: dict[str, int], min_votes: int,
                   n_files: int, label_set: LabelSet) -> str:
    rows = []
    for lab in label_set.labels:
        dist = votes[lab].value_counts().reindex(range(n_files + 1), fill_value=0)
        rows.append({"label": lab, **{f"{k} votes": int(v) for k, v in dist.items()},
                     "positive": int((labels[lab] == 1).sum()), "negative": int((labels[lab] == 0).sum()),
                     "unknown": int(labels[lab].isna().sum())})
    return "\n".join([
        f"{n_files} annotator files; a label is positive with at least {min_votes} votes and more votes than "
        "the other label of its category (which is then negative); otherwise the category is unknown. "
        "Speakers per vote count (kept speakers):", "", markdown_table(pd.DataFrame(rows)), "",
        "Ties at the top with a majority (category left unknown, over all annotated speakers): "
        + ", ".join(f"{c} {n}" for c, n in contested.items()) + "."])


def _keyword_section(table: dict[str, tuple[str | None, str]], used: Counter, unknown: Counter) -> str:
    rows = [{"keyword": kw, "label": lab or "(none)", "why": why, "mentions": used.get(kw, 0)}
            for kw, (lab, why) in sorted(table.items(), key=lambda kv: (kv[1][0] is None, kv[1][0] or "", kv[0]))]
    text = ["Mentions count annotator lines over all speakers in the annotation files (any degree).", "",
            markdown_table(pd.DataFrame(rows))]
    if unknown:
        text += ["", "Keywords outside the mapping (ignored):", "",
                 markdown_table(pd.DataFrame([{"keyword": k, "mentions": n} for k, n in unknown.most_common()]))]
    else:
        text += ["", "Every keyword in the files is in the mapping."]
    return "\n".join(text)
