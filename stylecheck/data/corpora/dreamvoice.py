"""DreamVoiceDB speaker ratings -> labels (and, with per-annotator votes, agreement) -> manifests.

The consensus file (``merged_speaker_ratings.csv``) has one row per speaker: ``speaker_id``,
``gender`` (Male / Female / Ambiguous), ``age`` (Adult / Teenager / Senior), ``dark_bright``
(Dark / Bright / blank), ``rough_smooth`` (Rough / Smooth / blank). The paper's rules (SpeechMLC,
section 4.1): Senior counts as Adult; Ambiguous gender is left out of gender training (unknown);
within a category the chosen label is 1 and the other 0. A blank cell means the annotators did
not agree, so the category is unknown, not negative.

Per-annotator votes are not in the public file. When a long-form votes file is given
(``speaker, annotator, category, keyword``), ``agree_<Label>`` counts the annotators who chose
the label and ``n_annotators`` the annotators of the speaker; the test split then keeps only
decisions that at least ``--agreement-threshold`` annotators shared (the paper: 5 of 8).

Speaker ids: LibriTTS-R ids are numbers (``126``), VCTK ids ``p225`` (and ``s5``). Audio is
matched by canonical id (see :func:`.vctk.vctk_speaker_id`); a numeric id without LibriTTS-R
audio is also tried as VCTK ``p<id>``, but only when the ratings contain no prefixed VCTK id at
all (a copy that drops the ``p``): DreamVoiceDB has LibriTTS-R speakers 240, 288, ... beside VCTK's
p240, p288, ..., so in the real file a bare number is always LibriTTS-R.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ...audio import find_audio_files
from ...io import read_csv_table
from ...styles.labels import LabelSet, PAPER_LABELS
from ...markdown import markdown_table
from ..prepare_report import PreparedCorpus
from ..votes import agree_column
from .librispeech import find_libri_audio
from .vctk import find_vctk_audio, vctk_speaker_id
from ...errors import RatingsError

CORPUS = "dreamvoice"

#: ratings column -> label category
CATEGORY_COLUMNS = {"gender": "gender", "age": "age", "dark_bright": "brightness", "rough_smooth": "roughness"}
#: other spellings of a category accepted in the votes file
CATEGORY_ALIASES = {"gender": "gender", "age": "age", "dark_bright": "brightness", "brightness": "brightness",
                    "rough_smooth": "roughness", "roughness": "roughness"}
#: DreamVoice keyword -> label (None: a valid answer that carries no label)
KEYWORD_LABELS: dict[str, str | None] = {
    "male": "Male", "female": "Female", "ambiguous": None,
    "adult": "Adult", "senior": "Adult", "teenager": "Teenager",
    "dark": "Dark", "bright": "Bright", "rough": "Rough", "smooth": "Smooth",
}


def canonical_speaker(raw: str) -> str | None:
    """'126' -> '126' (LibriTTS-R); 'p225' / 'P225' -> 'p225'; 's5' -> 's5'; else None."""
    s = str(raw).strip()
    if s.isdigit():
        return str(int(s))
    return vctk_speaker_id(s)


def _keyword_label(keyword: str, category: str, label_set: LabelSet, where: str) -> str | None:
    kw = keyword.strip().lower()
    if kw not in KEYWORD_LABELS:
        raise RatingsError(f"{where}: unknown {category} keyword {keyword!r} "
                           f"(expected one of {', '.join(sorted(KEYWORD_LABELS))})")
    label = KEYWORD_LABELS[kw]
    if label is not None and label_set.category_of(label) != category:
        raise RatingsError(f"{where}: keyword {keyword!r} is not a {category} keyword")
    return label


def read_ratings(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS) -> pd.DataFrame:
    """Speaker (canonical id) -> 1 / 0 / NaN per label from the consensus file."""
    path = Path(path)
    raw = read_csv_table(path, ("speaker_id", *CATEGORY_COLUMNS), "ratings file", RatingsError)
    rows = {}
    for i, rec in raw.iterrows():
        line = i + 2
        spk = canonical_speaker(rec["speaker_id"])
        if spk is None:
            raise RatingsError(f"{path}: line {line}: speaker_id {rec['speaker_id']!r} is neither a LibriTTS-R "
                               "number nor a VCTK id like p225")
        if spk in rows:
            raise RatingsError(f"{path}: line {line}: speaker {spk} appears twice")
        values = dict.fromkeys(label_set.labels, np.nan)
        for column, category in CATEGORY_COLUMNS.items():
            if not rec[column].strip():
                continue  # annotators did not agree: unknown
            label = _keyword_label(rec[column], category, label_set, f"{path}: line {line}")
            if label is None:
                continue  # Ambiguous gender: unknown
            for lab in label_set.categories[category]:
                values[lab] = float(lab == label)
        rows[spk] = values
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(label_set.labels))


def read_votes(path: str | os.PathLike, label_set: LabelSet = PAPER_LABELS) -> pd.DataFrame:
    """Long-form votes -> speaker (canonical id) x (agree_<Label>..., n_annotators)."""
    path = Path(path)
    raw = read_csv_table(path, ("speaker", "annotator", "category", "keyword"), "votes file", RatingsError,
                         hint="one row per annotator and category")
    records = []
    for i, rec in raw.iterrows():
        where = f"{path}: line {i + 2}"
        spk = canonical_speaker(rec["speaker"])
        category = CATEGORY_ALIASES.get(rec["category"].strip().lower())
        if spk is None:
            raise RatingsError(f"{where}: bad speaker {rec['speaker']!r}")
        if category is None:
            raise RatingsError(f"{where}: unknown category {rec['category']!r} "
                               f"(expected one of {', '.join(sorted(CATEGORY_ALIASES))})")
        label = _keyword_label(rec["keyword"], category, label_set, where) if rec["keyword"].strip() else None
        records.append((spk, rec["annotator"].strip(), label))
    frame = pd.DataFrame(records, columns=["speaker", "annotator", "label"])
    n_annotators = frame.groupby("speaker")["annotator"].nunique()
    chosen = frame.dropna(subset=["label"]).drop_duplicates()
    counts = chosen.groupby(["speaker", "label"])["annotator"].nunique().unstack(fill_value=0)
    out = pd.DataFrame(0, index=n_annotators.index, columns=[agree_column(lab) for lab in label_set.labels])
    for lab in label_set.labels:
        if lab in counts:
            out[agree_column(lab)] = counts[lab].reindex(out.index, fill_value=0).astype(int)
    out["n_annotators"] = n_annotators.astype(int)
    return out


def prepare_dreamvoice(annotations: str | os.PathLike, audio_root: str | os.PathLike,
                       votes: str | os.PathLike | None = None,
                       label_set: LabelSet = PAPER_LABELS) -> PreparedCorpus:
    """Labels from the consensus ratings, audio found under ``audio_root`` (LibriTTS-R and VCTK
    layouts, any nesting), vote counts when given; speakers without audio are reported."""
    labels = read_ratings(annotations, label_set)
    vote_table = read_votes(votes, label_set) if votes is not None else None
    files = find_audio_files(audio_root)
    libri = find_libri_audio(audio_root, files)
    vctk = find_vctk_audio(audio_root, files)

    records, no_audio, via_fallback = [], [], []
    bare_vctk_ids = not any(not spk.isdigit() for spk in labels.index)
    for spk in labels.index:
        if spk in libri:
            paths, source = libri[spk], "libritts_r"
        elif spk in vctk:
            paths, source = vctk[spk], "vctk"
        elif bare_vctk_ids and f"p{spk}" in vctk:
            paths, source = vctk[f"p{spk}"], "vctk"
            via_fallback.append(spk)
        else:
            no_audio.append(spk)
            continue
        base = {"speaker": spk, "corpus": CORPUS, "meta_audio_corpus": source, **labels.loc[spk].to_dict()}
        if vote_table is not None:
            votes_row = vote_table.loc[spk].to_dict() if spk in vote_table.index else {}
            base.update({c: votes_row.get(c, np.nan) for c in vote_table.columns})
        records += [{"path": str(Path(p).resolve()), **base} for p in paths]
    columns = ["path", "speaker", "corpus", "meta_audio_corpus", *label_set.labels]
    if vote_table is not None:
        columns += list(vote_table.columns)
    rows = pd.DataFrame(records, columns=columns)

    dropped = {"annotated, no audio found": no_audio}
    sections = [("Consensus labels", _ratings_section(labels, rows, label_set))]
    if via_fallback:
        sections.append(("Speaker ids matched as VCTK",
                         f"The ratings have no prefixed VCTK ids, so numeric ids without LibriTTS-R audio were "
                         f"tried as VCTK p<id>: {len(via_fallback)} matched: {', '.join(via_fallback)}."))
    if vote_table is not None:
        sections.append(("Annotator votes", _votes_section(labels, vote_table, rows, label_set)))
    inputs = {"ratings": str(annotations), "audio root": str(audio_root), "votes": str(votes) if votes else "none"}
    return PreparedCorpus(CORPUS, rows, label_set, inputs, len(labels), dropped, sections)


def _ratings_section(labels: pd.DataFrame, rows: pd.DataFrame, label_set: LabelSet) -> str:
    kept = labels.loc[rows["speaker"].unique()] if len(rows) else labels.iloc[:0]
    table = pd.DataFrame([{"label": lab,
                           "positive (all rated)": int((labels[lab] == 1).sum()),
                           "unknown (all rated)": int(labels[lab].isna().sum()),
                           "positive (with audio)": int((kept[lab] == 1).sum()),
                           "negative (with audio)": int((kept[lab] == 0).sum()),
                           "unknown (with audio)": int(kept[lab].isna().sum())} for lab in label_set.labels])
    by_source = rows.groupby("meta_audio_corpus")["speaker"].nunique().to_dict() if len(rows) else {}
    return "\n".join([
        "Senior counts as Adult; Ambiguous gender and blank cells (no annotator agreement) are unknown. "
        "Speakers:", "", markdown_table(table), "",
        "Speakers with audio by source: " + (", ".join(f"{k} {v}" for k, v in by_source.items()) or "none") + "."])


def _votes_section(labels: pd.DataFrame, votes: pd.DataFrame, rows: pd.DataFrame, label_set: LabelSet) -> str:
    unknown_speakers = sorted(set(votes.index) - set(labels.index))
    without_votes = sorted(set(rows["speaker"]) - set(votes.index))
    disagree = {}
    for cat, labs in label_set.categories.items():
        common = labels.index.intersection(votes.index)
        chosen = labels.loc[common, list(labs)]
        counts = votes.loc[common, [agree_column(lab) for lab in labs]].to_numpy(dtype=float)
        decided = chosen.notna().all(axis=1).to_numpy()
        top = counts.argmax(axis=1)
        cons = chosen.to_numpy().argmax(axis=1)
        disagree[cat] = int((decided & (top != cons)).sum())
    text = [f"Votes for {len(votes)} speakers; annotators per speaker: "
            + ", ".join(f"{int(k)}: {int(v)}" for k, v in votes["n_annotators"].value_counts().sort_index().items()) + ".",
            "Consensus label differing from the most-voted label, per category: "
            + ", ".join(f"{c} {n}" for c, n in disagree.items()) + "."]
    if unknown_speakers:
        text.append(f"{len(unknown_speakers)} voted speaker(s) are not in the ratings and were ignored: "
                    f"{', '.join(unknown_speakers[:50])}.")
    if without_votes:
        text.append(f"{len(without_votes)} speaker(s) with audio have no votes (their agreement is unknown, so the "
                    f"test filter clears their labels): {', '.join(without_votes[:50])}.")
    return "\n".join(text)
