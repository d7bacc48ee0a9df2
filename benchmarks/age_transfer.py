"""Why version 2.2's age head transferred worse across corpora than the plain GE2E probe: the
gap taken apart step by step, leave-one-corpus-out (both directions pooled), age only.

From the probe (logistic regression per label on the GE2E embedding, C = 1, balanced classes,
no margin) to version 2.2's age head (GE2E embedding alone, channel-augmented copies, C chosen
on training-speaker folds, uncertain margin), one change at a time. Step 3 is version 2.3's age
head (the protocol's candidate "GE2E linear + channel aug., probe's C, no margin", chosen for
age by the per-category rule):

1. the probe itself;
2. the head on the same columns with the probe's regularisation (C = 1 on the unscaled embedding
   is C = s^2 on the head's scaled input, s the shared scale) and no margin: the same model;
3. + channel-augmented copies (version 2.3's age head);
4. + C chosen by out-of-fold log loss (the head's grid);
5. + the uncertain margin: version 2.2's age head.

Accuracy counts ``uncertain`` as wrong (as the protocol does); the table also gives the share
answered and the accuracy on answered files. Diagnostic only: nothing here chooses the model.

    python benchmarks/age_transfer.py --manifests P/ls/all.csv P/lsx/all.csv P/vctk/all.csv \
        --cache CACHE --aug-store WORK/aug.npz --out reports/model_v2/age_transfer.md
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stylecheck.experiments.protocol import (  # noqa: E402
    evaluate_protocol, ge2e_probe, linear_candidate, run_candidate, setting_splits,
)
from stylecheck.experiments.protocol_data import add_augmented_features, add_cached_features, read_manifests  # noqa: E402
from stylecheck.io import write_text  # noqa: E402
from stylecheck.styles.decision import UNCERTAIN  # noqa: E402
from stylecheck.markdown import markdown_table  # noqa: E402
from stylecheck.training.linear import category_targets  # noqa: E402

GE2E = slice(0, 256)
LOCO = ("LOCO LibriSpeech→VCTK", "LOCO VCTK→LibriSpeech")


STEPS = {
    "1. GE2E probe (C = 1, no margin)": lambda: ge2e_probe(one_answer=True),
    "2. head on GE2E, probe's C, no margin": lambda: linear_candidate("fusion", columns=GE2E, shared_scale=GE2E,
                                                                       probe_c=True, uncertain=False),
    "3. + channel aug. (version 2.3's age head)": lambda: linear_candidate("fusion", columns=GE2E, augmented=True,
                                                                            shared_scale=GE2E, probe_c=True,
                                                                            uncertain=False),
    "4. + C chosen on training folds": lambda: linear_candidate("fusion", columns=GE2E, augmented=True,
                                                                 uncertain=False, shared_scale=GE2E),
    "5. + uncertain margin (version 2.2's age head)": lambda: linear_candidate("fusion", columns=GE2E, augmented=True,
                                                                          shared_scale=GE2E),
}


def answered(data, cand) -> tuple[float, float]:
    """Share of age-labelled LOCO test files answered, and accuracy on those."""
    splits = setting_splits(data)
    y = category_targets(data.targets, data.label_set)["age"]
    labels = data.label_set.categories["age"]
    said, right = [], []
    for s in LOCO:
        _, ans = run_candidate(data, cand, splits[s])
        rows = np.unique(np.concatenate([te for _, te in splits[s]]))
        for r in rows:
            if y[r] >= 0:
                said.append(ans["age"][r] != UNCERTAIN)
                right.append(ans["age"][r] == labels[y[r]])
    said, right = np.array(said), np.array(right)
    return float(said.mean()), float(right[said].mean()) if said.any() else float("nan")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--manifests", nargs="+", required=True)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--aug-store", required=True)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=Path("reports/model_v2/age_transfer.md"))
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    data = add_cached_features(read_manifests(args.manifests), args.cache)
    add_augmented_features(data, args.aug_store)
    cands = {name: make() for name, make in STEPS.items()}
    res = evaluate_protocol(data, cands, n_resamples=args.resamples, log=lambda s: print(s, flush=True),
                            settings_of={name: set(LOCO) for name in cands})
    res = res[res["setting"] == "LOCO pooled"]
    rows = []
    for name, cand in cands.items():
        part = res[res["model"] == name]

        def fig(metric, what):
            r = part[(part["metric"] == metric) & (part["what"] == what)].iloc[0]
            return f"{r.value:.3f} [{r.lo:.2f}, {r.hi:.2f}]"

        share, acc = answered(data, cand)
        f1 = part[(part["metric"] == "F1") & part["what"].isin(["Adult", "Teenager"])]["value"].mean()
        rows.append({"step": name, "age accuracy": fig("accuracy", "age"), "F1 Adult": fig("F1", "Adult"),
                     "F1 Teenager": fig("F1", "Teenager"), "mean F1": f"{f1:.3f}", "answered": f"{share:.2f}",
                     "accuracy when answered": f"{acc:.3f}", "AUC": fig("AUC", "age")})
    text = ("# Age across corpora: the age heads of versions 2.2 and 2.3 against the GE2E probe, step by step\n\n"
            + __doc__.split("\n\n", 1)[1].split("    python")[0].strip() + "\n\n"
            + f"Leave-one-corpus-out, both directions pooled; {len(data)} files, {len(set(data.speakers))} speakers; "
              f"95% speaker-bootstrap intervals ({args.resamples} draws).\n\n"
            + markdown_table(pd.DataFrame(rows)) + "\n\nCommand: `python benchmarks/age_transfer.py --manifests "
              "P/ls/all.csv P/lsx/all.csv P/vctk/all.csv --cache CACHE --aug-store WORK/aug.npz` "
              "(reports/model_v2/README.md).\n")
    write_text(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
