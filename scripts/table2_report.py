"""Write reports/table2.md from the outputs of scripts/table2.py.

    python scripts/table2_report.py --runs reports/table2 --data PREPARED_DIR --out reports/table2.md

Reloads every trained model of the split experiments (``RUNS/models/*``) to get per-file
decisions, recomputes their F1 table (written to ``RUNS/test_f1.csv``), and reports each idea's effect is reported as a paired difference in macro-F1 against the base recipe on the same test
files, with a speaker-bootstrap interval.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from stylecheck.experiments.baselines import always_positive
from stylecheck.analysis.bootstrap import bootstrap
from stylecheck.experiments.evaluate import predict_manifest, table2_wide
from stylecheck.analysis.metrics import f1_table, macro_f1
from stylecheck.data.manifest import read_manifest
from stylecheck.io import write_text
from stylecheck.styles.labels import PAPER_LABELS
from stylecheck.models import StyleModel
from stylecheck.markdown import markdown_table
from stylecheck.styles.decision import per_label_decisions

sys.path.insert(0, str(Path(__file__).parent))
from table2 import AUGMENTED, EXPERIMENTS, linear_probe_probs  # noqa: E402

BASE = "SpeechMLC / GE2E partials"


def decisions_by_model(runs: Path, data: Path, cache: str | None) -> tuple[dict[str, np.ndarray], object]:
    test = read_manifest(data / "test.csv", PAPER_LABELS)
    train = read_manifest(data / "train.csv", PAPER_LABELS)
    out = {"Always positive": always_positive(len(test), 8),
           "Linear probe (GE2E mean)": (linear_probe_probs(train, test, cache) >= 0.5).astype(float)}
    found = {}
    for folder in sorted((runs / "models").iterdir()):
        model = StyleModel.from_pretrained(folder)
        probs = predict_manifest(model, test.paths, cache)
        found[model.config.name] = per_label_decisions(probs, model.thresholds).astype(float)
    order = [*EXPERIMENTS, AUGMENTED]
    for name in sorted(found, key=lambda n: order.index(n) if n in order else len(order)):
        out[name] = found[name]
    return out, test


def paired_macro_f1(y, a, b, speakers, n_resamples=1000):
    return bootstrap(lambda idx: macro_f1(y[idx], a[idx]) - macro_f1(y[idx], b[idx]), len(y), speakers,
                     n_resamples=n_resamples)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=Path, default=Path("reports/table2"))
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("reports/table2.md"))
    ap.add_argument("--cache", default=None)
    ap.add_argument("--commands", type=Path, default=None, help="text file with the commands that made the runs")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    decisions, test = decisions_by_model(args.runs, args.data, args.cache)
    y = test.targets()
    spk = test.speakers
    tables = []
    for name, d in decisions.items():
        t = f1_table(y, d, test.labels, spk)
        t.insert(0, "model", name)
        tables.append(t)
    test_f1 = pd.concat(tables, ignore_index=True)
    test_f1.to_csv(args.runs / "test_f1.csv", index=False)
    effects = []
    for name, d in decisions.items():
        if name == BASE or BASE not in decisions:
            continue
        iv = paired_macro_f1(y, d, decisions[BASE], spk)
        effects.append({"model": name, f"macro-F1 minus {BASE}": iv.value, "95% interval": f"[{iv.lo:+.3f}, {iv.hi:+.3f}]",
                        "clearly different": "yes" if (iv.lo > 0 or iv.hi < 0) else "no"})
    counts = test_f1[test_f1.model == test_f1.model.iloc[0]]
    count_row = pd.DataFrame([{"label": r.label, "positive test files": r.n_pos,
                               "positive test speakers": int(r.n_pos_speakers)}
                              for r in counts.itertuples() if r.label != "Average"])
    thin = [r.label for r in counts.itertuples() if r.label != "Average" and r.n_pos_speakers < 5]
    parts = [
        "# Table 2 on real data: SpeechMLC and baselines on held-out speakers", "",
        "Every number here was measured by the commands at the end of this page on the data in "
        "`../shared/data` (LibriSpeech + LibriTTS-P labels, VCTK + DreamVoiceDB labels; speaker-"
        "disjoint splits in `configs/splits/`). F1 per label at each model's stored thresholds; "
        "`Average` is the macro average over the 8 labels. Brackets: 95% bootstrap intervals "
        "resampling test speakers.", "",
        "**The paper's HuBERT could not be run here** (no pretrained self-supervised weights offline): "
        "the GE2E speaker encoder from `resemblyzer` stands in for it, so these figures are not "
        "comparable with the paper's. Mel80 and ResNet-34 rows follow the paper's baselines.", "",
        "## Held-out test speakers", "",
        markdown_table(table2_wide(test_f1)), "",
        "Test set size per label (the test set is small; intervals are wide):", "",
        markdown_table(count_row), "",
    ]
    if thin:
        parts += [f"Labels with fewer than 5 positive test speakers cannot be judged: {', '.join(thin)}.", ""]
    if effects:
        parts += ["## Effect of each change against the base recipe (paired, same test files)", "",
                  markdown_table(pd.DataFrame(effects)), ""]
    cv = args.runs / "cv_f1.csv"
    if cv.is_file():
        cvt = pd.read_csv(cv)
        parts += ["## 5-fold cross-validation over speakers (all data tested once)", "",
                  "Each fold's models are trained on the other four folds (10% of their speakers held out "
                  "for early stopping, thresholds and calibration) and predict the held-out fold; the pooled "
                  "predictions are scored once.", "",
                  markdown_table(table2_wide(cvt)), ""]
    timings = args.runs / "timings.json"
    if timings.is_file():
        t = json.loads(timings.read_text())
        parts += ["## Training time (2-core CPU, shared with other jobs)", "",
                  markdown_table(pd.DataFrame([{"model": k, "seconds": v} for k, v in t.items()])), ""]
    if args.commands and args.commands.is_file():
        parts += ["## Commands", "", "```sh", args.commands.read_text().strip(), "```", ""]
    write_text(args.out, "\n".join(parts))
    print("\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
