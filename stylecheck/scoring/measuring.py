"""The signal measures of each scored file (:func:`stylecheck.measures.measure.measure_speech`),
made once per file right after the speech check, on the untrimmed wave and the check's regions.

The voice's gender picks the F0 search range and the pitch norm: the gender STYLES.csv expects,
else the model's prediction (recorded in the file's record as ``gender`` and ``gender_source``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..errors import ScoreError
from ..measures.measure import MEASURE_NAMES, measure_speech
from ..styles.decision import decide_categories

#: Bumped when what is measured changes, so results logged before are measured again.
MEASURES_VERSION = 1
GENDERS = ("Female", "Male")


@dataclass(frozen=True)
class MeasureHints:
    """Per file (scoring's key): the expected gender and the words spoken, where STYLES.csv gives them."""

    gender: Mapping[str, str] = field(default_factory=dict)
    text: Mapping[str, str] = field(default_factory=dict)

    def inputs_for(self, key: str) -> dict:
        """What, besides the audio, a file's measures depend on (compared on resume)."""
        return {"gender": self.gender.get(key, "") or "", "text": self.text.get(key, "") or ""}

    @classmethod
    def from_items(cls, items) -> "MeasureHints":
        """From planned rows with ``expected_gender`` and ``text`` columns (either may be absent)."""
        records = items.to_dict("records")
        gender = {r["file"]: r["expected_gender"] for r in records if r.get("expected_gender") in GENDERS}
        text = {r["file"]: str(r["text"]) for r in records if isinstance(r.get("text"), str) and r["text"].strip()}
        return cls(gender, text)


def predicted_genders(model, probs: np.ndarray) -> list[str | None]:
    """The model's gender answer per row of ``probs`` (None where it has no gender category or
    gives no level)."""
    if "gender" not in model.label_set.categories or len(probs) == 0:
        return [None] * len(probs)
    answers = decide_categories(np.asarray(probs, float), model.config)["gender"]
    return [a if a in GENDERS else None for a in answers]


def measure_files(keys: Sequence[str], waves, cuts, sr: int, predicted: Sequence[str | None],
                  hints: MeasureHints) -> list[dict]:
    """One measures record per file: the :class:`~stylecheck.measures.measure.Measurements` as a
    dict plus the gender used, its source and the inputs it was measured with."""
    out = []
    for key, wave, cut, guess in zip(keys, waves, cuts, predicted):
        inputs = hints.inputs_for(key)
        gender = inputs["gender"] or guess
        regions = cut.regions if cut.regions is not None else [(0, int(wave.shape[-1]))]
        try:
            m = measure_speech(wave, sr, regions, text=inputs["text"] or None, gender=gender).to_dict()
        except Exception as exc:  # a measure that breaks leaves the file's learned categories judged
            m = {**dict.fromkeys(MEASURE_NAMES), "reasons": dict.fromkeys(MEASURE_NAMES, f"measure failed: "
                                                                          f"{type(exc).__name__}: {exc}")}
        out.append({**m, "gender": gender, "inputs": inputs,
                    "gender_source": "expected" if inputs["gender"] else ("predicted" if guess else "unknown")})
    return out


def resolve_norms(norms, out_dir=None):
    """A :class:`~stylecheck.measures.norms.Norms` from what was given: one already, None (the
    bundled default), a bundled label, a norms JSON, or a folder of reference recordings (norms
    computed from it, one value per file, and saved as ``out_dir/norms.json``)."""
    from ..measures.norms import Norms, NormsError, load_norms, norms_from_folder

    if isinstance(norms, Norms):
        return norms
    if norms is not None and Path(norms).is_dir():
        try:
            made = norms_from_folder(Path(norms), name=f"folder-{Path(norms).resolve().name}")
        except NormsError as exc:
            raise ScoreError(f"--norms {norms}: {exc}") from None
        if out_dir is not None:
            made.to_json(Path(out_dir) / "norms.json")
        return made
    try:
        return load_norms(norms)
    except NormsError as exc:
        raise ScoreError(f"--norms {norms}: {exc}") from None


__all__ = ["MEASURES_VERSION", "MeasureHints", "measure_files", "predicted_genders", "resolve_norms"]
