"""A model's config for people (``stylecheck info``): name and version, labels per category, the
speech encoder, the decision rule with its margins or thresholds, and where the classifier's
reliability figures come from, with the figures. ``stylecheck info --json`` prints the raw
config instead."""
from __future__ import annotations

from typing import Any, Mapping

from ..markdown import format_cell
from ..styles.labels import LabelSet
from ..styles.reliability import weak_categories
from .diagnostics import label_reliability

#: Width of the first column of :func:`model_info_lines`.
KEY_WIDTH = 14


def plain(value: Any) -> str:
    """A config value as text: mappings as ``key value`` pairs, nested ones in parentheses."""
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            if item in (None, "", {}, []):
                continue
            text = plain(item)
            parts.append(f"{key} ({text})" if isinstance(item, Mapping) else f"{key} {text}")
        return ", ".join(parts)
    if isinstance(value, (list, tuple)):
        return ", ".join(plain(v) for v in value)
    return format_cell(value)


def decision_text(config: Mapping[str, Any], label_set: LabelSet) -> str:
    """The rule that turns the model's probabilities into one answer per category."""
    decision = config.get("decision")
    if decision:
        margin = decision.get("uncertain_margin", 0.0)
        margins = (", ".join(f"{c} {float(m):.2f}" for c, m in margin.items()) if isinstance(margin, Mapping)
                   else f"{float(margin):.2f} in every category")
        return (f"{decision.get('rule')}: per category the more probable of its labels; 'uncertain' when it "
                f"leads the other by less than the margin ({margins})")
    thresholds = config.get("thresholds")
    if thresholds:
        pairs = ", ".join(f"{lab} {float(t):.2f}" for lab, t in zip(label_set.labels, thresholds))
        return ("per category the most probable label at or above its threshold, no label when none "
                f"reaches it (thresholds: {pairs})")
    return "per category the most probable label at or above 0.5 (no thresholds stored)"


def model_info_lines(config: Mapping[str, Any], where: str = "") -> list[str]:
    """The readable summary of a model config (``config``: its ``config.json`` as a dict;
    ``where``: the folder, and whether it is the bundled default)."""
    label_set = LabelSet.from_dict(config["labels"])
    reliability = config.get("reliability") or {}
    weak = weak_categories(reliability or None, label_set)

    def row(key: str, lines: list[str]) -> list[str]:
        return [f"{key if i == 0 else '':<{KEY_WIDTH}}{line}" for i, line in enumerate(lines)]

    title = " ".join(str(config[k]) for k in ("name", "version") if config.get(k)) or "unnamed model"
    out = [title + (f"  ({where})" if where else "")]
    out += row("architecture", [str(config.get("arch", "unknown"))])
    out += row("labels", [f"{c}: {', '.join(labels)}" + (" (weak)" if c in weak else "")
                          for c, labels in label_set.categories.items()])
    out += row("backbone", [plain(config.get("backbone")) or "unknown"])
    out += row("decision", [decision_text(config, label_set)])
    source = reliability.get("source") or "no held-out figures stored with this model"
    out += row("reliability", [f"measured on: {source}"]
               + [f"{lab}: {label_reliability(reliability, lab)}" for lab in label_set.labels])
    if weak:
        out += row("weak", [f"{c}: {why}" for c, why in weak.items()])
    return out


__all__ = ["decision_text", "model_info_lines", "plain"]
