"""The label set as data.

A model's label set is stored in its checkpoint, so nothing outside this module may assume the
paper's eight labels: code asks a :class:`LabelSet` for its labels and categories.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from ..errors import InvalidValueError, UnknownNameError


@dataclass(frozen=True)
class LabelSet:
    """Labels grouped into categories; within a category the labels are alternatives."""

    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for cat, labels in self.categories.items():
            if not labels:
                raise InvalidValueError(f"category {cat!r} has no labels")
            for lab in labels:
                if lab in seen:
                    raise InvalidValueError(f"label {lab!r} appears twice in the label set")
                seen.add(lab)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(lab for labels in self.categories.values() for lab in labels)

    def __len__(self) -> int:
        return len(self.labels)

    def __iter__(self):
        return iter(self.labels)

    def index(self, label: str) -> int:
        return self.labels.index(label)

    def category_of(self, label: str) -> str:
        for cat, labels in self.categories.items():
            if label in labels:
                return cat
        raise UnknownNameError(f"unknown label {label!r}; valid labels: {', '.join(self.labels)}")

    def canonical(self, name: str) -> str:
        """Return the label spelled as in the set, matching case-insensitively, or raise KeyError."""
        key = name.strip().lower()
        for lab in self.labels:
            if lab.lower() == key:
                return lab
        raise UnknownNameError(f"unknown label {name!r}; valid labels: {', '.join(self.labels)}")

    def to_dict(self) -> dict[str, list[str]]:
        return {cat: list(labels) for cat, labels in self.categories.items()}

    @classmethod
    def from_dict(cls, data: dict[str, list[str]]) -> "LabelSet":
        return cls({str(cat): tuple(str(x) for x in labels) for cat, labels in data.items()})


#: The paper's label set (SpeechMLC, section 4.1): senior is merged into Adult.
PAPER_LABELS = LabelSet(
    {
        "gender": ("Female", "Male"),
        "age": ("Adult", "Teenager"),
        "brightness": ("Dark", "Bright"),
        "roughness": ("Rough", "Smooth"),
    }
)

LABELS: tuple[str, ...] = PAPER_LABELS.labels
CATEGORIES: dict[str, tuple[str, ...]] = dict(PAPER_LABELS.categories)
