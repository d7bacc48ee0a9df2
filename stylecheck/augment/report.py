"""``augment_report.md`` and its before/after bar chart (``label_counts.png``)."""
from __future__ import annotations

import json
from pathlib import Path
import numpy as np
import pandas as pd

from ..io import write_figure, write_text
from ..markdown import markdown_table
from .pairs import Pair, TargetSpeaker


def label_counts(train: pd.DataFrame, added: pd.DataFrame, labels: tuple[str, ...]) -> pd.DataFrame:
    """Rows labelled 1 per label in the training manifest, in the augmentation, and in both,
    with the hours each side holds."""
    def ones(frame: pd.DataFrame, lab: str) -> int:
        return int((pd.to_numeric(frame[lab], errors="coerce") == 1).sum()) if lab in frame and len(frame) else 0

    def hours(frame: pd.DataFrame, lab: str) -> float:
        if not len(frame) or lab not in frame or "duration_s" not in frame:
            return 0.0
        mask = pd.to_numeric(frame[lab], errors="coerce") == 1
        return float(pd.to_numeric(frame.loc[mask, "duration_s"], errors="coerce").sum()) / 3600.0

    rows = []
    for lab in labels:
        before, extra = ones(train, lab), ones(added, lab)
        rows.append({"label": lab, "before": before, "added": extra, "after": before + extra,
                     "hours_before": round(hours(train, lab), 3), "hours_added": round(hours(added, lab), 3)})
    return pd.DataFrame(rows)


def _chart(counts: pd.DataFrame, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.arange(len(counts))
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(counts)), 3.6))
    ax.bar(x - 0.2, counts["before"], 0.4, label="before")
    ax.bar(x + 0.2, counts["after"], 0.4, label="after augmentation")
    ax.set_xticks(x, counts["label"])
    ax.set_ylabel("files labelled 1")
    ax.set_title("Label counts before and after voice-conversion augmentation")
    ax.legend()
    return write_figure(path, fig)


def write_augment_report(out_dir: Path, train: pd.DataFrame, added: pd.DataFrame, labels: tuple[str, ...],
                         requested: list[str], targets: dict[str, TargetSpeaker], pairs: list[Pair],
                         failures: list[tuple[Pair, str]], warnings: list[str], settings: dict,
                         short_reference_s: float) -> tuple[Path, Path]:
    counts = label_counts(train, added, labels)
    chart = _chart(counts, out_dir / "label_counts.png")
    per_target = pd.DataFrame([
        {"target": t.speaker, "carries": ",".join(t.requested), "files": len(t.files),
         "matching_set_s": round(t.reference_s, 1),
         "pairs": sum(1 for p in pairs if p.target == t.speaker),
         "warning": f"short (< {short_reference_s:g} s)" if t.is_short(short_reference_s) else ""}
        for t in targets.values()
    ])
    added_hours = float(pd.to_numeric(added.get("duration_s", pd.Series(dtype=float))).sum()) / 3600.0
    n_short = int(sum(t.is_short(short_reference_s) for t in targets.values()))
    lines = [
        "# Voice-conversion augmentation",
        "",
        f"kNN-VC conversions of source utterances into the voices of speakers labelled "
        f"{', '.join(requested)}. Each converted file carries its target speaker's labels for every "
        "category and the target as its speaker.",
        "",
        "## Settings",
        "",
        "```json",
        json.dumps(settings, indent=2, default=str),
        "```",
        "",
        f"Planned pairs: {len(pairs)}; files in the manifest: {len(added)} ({added_hours:.3f} h); "
        f"failed: {len(failures)}.",
        "",
        "## Label counts (files labelled 1)",
        "",
        markdown_table(counts, floatfmt="g"),
        "",
        f"![label counts before and after]({chart.name})",
        "",
        "## Target speakers and their matching sets",
        "",
        f"{n_short} of {len(targets)} targets have less than {short_reference_s:g} s of reference audio"
        + (" (the paper used 60 s)." if n_short else "."),
        "",
        markdown_table(per_target, floatfmt="g") if len(per_target) else "(none)",
        "",
    ]
    if failures:
        lines += ["## Failed pairs", ""] + [f"- {p.source} -> {p.target}: {err}" for p, err in failures] + [""]
    if warnings:
        lines += ["## Warnings", ""] + [f"- {w}" for w in warnings] + [""]
    report = write_text(out_dir / "augment_report.md", "\n".join(lines))
    return report, chart
