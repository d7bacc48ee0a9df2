"""The figures a voice-conversion or TTS paper reports beside style, per system: speaker
similarity to the source and to the target reference, and audio quality (DNSMOS) with the
quality guard (adherence recomputed without the files DNSMOS rates as low quality).

Pure functions on the scores table; the columns come from :mod:`stylecheck.scoring.extras`.
Intervals are the cluster-robust t-intervals of :mod:`.similarity` (clusters: the speaker when
known, else the source recording for ``spk_sim_source``, else each file on its own).
"""
from __future__ import annotations

import pandas as pd

from ..measures.dnsmos import LOW_QUALITY_OVRL
from ..results import item_keys, listed_outputs, text_column
from ..styles.labels import LabelSet
from .adherence import adherence_table
from .similarity import clustered_mean_interval, similarity_comparison_table, system_similarity_table

SIMILARITY_MEASURES = {"spk_sim_source": "speaker similarity to the source",
                       "spk_sim_reference": "speaker similarity to the reference"}
QUALITY_MEASURES = ("dnsmos_ovrl", "dnsmos_sig", "dnsmos_bak", "dnsmos_p808")


def _cluster_column(scores: pd.DataFrame, measure: str) -> str | None:
    if (text_column(scores, "speaker") != "").any():
        return "speaker"
    if measure == "spk_sim_source" and (text_column(scores, "source") != "").any():
        return "source"
    return None


def similarity_table(scores: pd.DataFrame) -> pd.DataFrame | None:
    """Per measure and system: files, clusters, mean similarity with its 95% interval, median;
    None when the table has no similarity column."""
    outputs = listed_outputs(scores)
    parts = []
    for measure in SIMILARITY_MEASURES:
        if measure not in outputs:
            continue
        table = system_similarity_table(outputs.assign(system=text_column(outputs, "system")), measure,
                                        cluster_col=_cluster_column(outputs, measure))
        parts.append(table.assign(measure=measure))
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True)
    return table[["measure", *[c for c in table.columns if c != "measure"]]]


def similarity_comparison(scores: pd.DataFrame) -> pd.DataFrame | None:
    """Paired differences of similarity between every two systems, over the items both made
    (paired as the adherence comparison pairs them); None without similarity or pairing."""
    outputs = listed_outputs(scores)
    measures = [m for m in SIMILARITY_MEASURES if m in outputs]
    if not measures:
        return None
    keys, _ = item_keys(outputs)
    if keys is None:
        return None
    frame = outputs.assign(item=keys.to_numpy(), system=text_column(outputs, "system"))
    parts = [similarity_comparison_table(frame, m, "item", cluster_col=_cluster_column(frame, m)).assign(measure=m)
             for m in measures]
    table = pd.concat(parts, ignore_index=True)
    return table[["measure", *[c for c in table.columns if c != "measure"]]]


def quality_table(scores: pd.DataFrame) -> pd.DataFrame | None:
    """Per system and DNSMOS measure: files scored, mean with its 95% interval (clustered by
    speaker when known), and how many files fall under the quality guard; None without DNSMOS."""
    outputs = listed_outputs(scores)
    if "dnsmos_ovrl" not in outputs:
        return None
    system = text_column(outputs, "system")
    clusters = text_column(outputs, "speaker")
    rows = []
    for name, part in outputs.groupby(system, sort=False):
        low = text_column(part, "low_quality")
        for measure in QUALITY_MEASURES:
            values = pd.to_numeric(part[measure], errors="coerce").to_numpy(float)
            cl = clusters[part.index].tolist() if (clusters[part.index] != "").any() else None
            iv, note = clustered_mean_interval(values, cl, bounds=(1.0, 5.0))
            rows.append({"system": name, "measure": measure, "n_files": int((values == values).sum()),
                         "mean": iv.value, "lo": iv.lo, "hi": iv.hi, "note": note,
                         "n_low_quality": int((low == "true").sum()), "n_not_measured": int((low == "").sum())})
    return pd.DataFrame(rows, columns=["system", "measure", "n_files", "mean", "lo", "hi", "note",
                                       "n_low_quality", "n_not_measured"])


def low_quality_files(scores: pd.DataFrame) -> pd.DataFrame | None:
    """The listed outputs the quality guard flags (file, system, OVRL); None without DNSMOS."""
    outputs = listed_outputs(scores)
    if "low_quality" not in outputs:
        return None
    flagged = outputs[text_column(outputs, "low_quality") == "true"]
    return pd.DataFrame({"file": text_column(flagged, "file"), "system": text_column(flagged, "system"),
                         "dnsmos_ovrl": pd.to_numeric(flagged["dnsmos_ovrl"], errors="coerce")})


def adherence_without_low_quality(scores: pd.DataFrame, label_set: LabelSet, count_failed: bool = True
                                  ) -> pd.DataFrame | None:
    """Adherence as in the main table, leaving out the files the quality guard flags (a style
    judged on garbled audio is not evidence); None without DNSMOS."""
    if "low_quality" not in scores:
        return None
    kept = scores[text_column(scores, "low_quality") != "true"]
    return adherence_table(kept, label_set, count_failed=count_failed)


#: What a cosine of the GE2E embedding means on natural read speech (benchmarks/speaker_similarity.py,
#: reports/speaker_similarity.md: 497 files, 330 speakers of LibriSpeech, VCTK, LibriTTS-P extra):
#: the equal-error threshold between same- and different-speaker pairs (EER 0.052), and the 5th-95th
#: percentiles of each distribution. Above the threshold reads as "likely the same voice".
SAME_SPEAKER_THRESHOLD = 0.686
SAME_SPEAKER_RANGE = (0.684, 0.906)
DIFFERENT_SPEAKER_RANGE = (0.424, 0.688)
SIMILARITY_NOTE = (f"Cosine between GE2E speaker embeddings (the classifier's own; no extra model). On natural "
                   f"read speech, recordings of the same speaker give {SAME_SPEAKER_RANGE[0]:.2f}-"
                   f"{SAME_SPEAKER_RANGE[1]:.2f} and of different speakers {DIFFERENT_SPEAKER_RANGE[0]:.2f}-"
                   f"{DIFFERENT_SPEAKER_RANGE[1]:.2f} (5th-95th percentiles); the two are told apart best at "
                   f"{SAME_SPEAKER_THRESHOLD:.3f} (equal-error rate 5.2%): above it reads as likely the same "
                   "voice (reports/speaker_similarity.md). Intervals: 95%, clustered by speaker (or source).")
QUALITY_NOTE = (f"DNSMOS P.835 (SIG speech, BAK background, OVRL overall) and P.808, 1-5, of the whole file. The "
                f"quality guard flags a file whose OVRL is below {LOW_QUALITY_OVRL:g}: the point that best separates "
                "clean read speech (mean 3.27) from the same speech at 0-5 dB SNR on real recordings "
                "(reports/quality.md); adherence is shown with and without the flagged files.")
