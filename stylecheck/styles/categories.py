"""The categories a run judged, learned and measured together, for the tables that treat every
category alike (adherence, comparison, confusion, per-level P/R/F1).

A :class:`~stylecheck.styles.labels.LabelSet` needs every label unique across categories (a
label names its category); measured levels repeat (``normal`` is a pitch, rate and loudness
level), so the tables take this lighter set: category -> levels, nothing more."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .labels import LabelSet
from .measured_expectations import MEASURED_CATEGORIES


@dataclass(frozen=True)
class CategorySet:
    """category -> its levels (labels), in order."""

    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(lab for levels in self.categories.values() for lab in levels)

    def __len__(self) -> int:
        return len(self.categories)


def judged_categories(label_set: LabelSet, columns: Iterable[str] = (),
                      measured: Mapping[str, tuple[str, ...]] = MEASURED_CATEGORIES) -> CategorySet:
    """The learned categories of ``label_set`` and the measured ones a scores table has a
    ``predicted_<category>`` column for (``columns``)."""
    present = set(columns)
    cats = dict(label_set.categories)
    cats.update({c: tuple(levels) for c, levels in measured.items() if f"predicted_{c}" in present and c not in cats})
    return CategorySet(cats)


__all__ = ["CategorySet", "judged_categories"]
