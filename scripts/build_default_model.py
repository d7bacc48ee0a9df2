"""Package a trained model as the bundled default, with its model card and reliability diagrams.

    python scripts/build_default_model.py --model TRAINED_DIR --data PREPARED_DIR \
        --out stylecheck/pretrained/stylecheck-ge2e-v1

Copies config.json + model.safetensors (name and version set), measures calibration on the
held-out test split (expected calibration error before and after the stored Platt scaling, per
label, with reliability diagrams) and writes MODEL_CARD.md from measured figures only.
"""
from __future__ import annotations

import argparse
import copy
import json
import datetime as dt
import shutil
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

from stylecheck.experiments.evaluate import predict_manifest  # noqa: E402
from stylecheck.analysis.metrics import f1_table  # noqa: E402
from stylecheck.data.manifest import read_manifest  # noqa: E402
from stylecheck.io import write_figure, write_json, write_text  # noqa: E402
from stylecheck.models import StyleModel  # noqa: E402
from stylecheck.styles.reliability import reliability_from_test_metrics  # noqa: E402
from stylecheck.markdown import markdown_table  # noqa: E402
from stylecheck.training import FeatureCache  # noqa: E402
from stylecheck.training.calibration import calibrate_model, expected_calibration_error  # noqa: E402
from stylecheck.styles.decision import per_label_decisions  # noqa: E402
from stylecheck.analysis.metrics import reliability_bins  # noqa: E402


def reliability_diagrams(probs_before, probs_after, targets, labels, path: Path, n_bins: int = 10) -> Path:
    fig, axes = plt.subplots(2, 4, figsize=(13, 6.5), sharex=True, sharey=True)
    for j, (ax, lab) in enumerate(zip(axes.ravel(), labels)):
        known = ~np.isnan(targets[:, j])
        y = targets[known, j]
        for probs, name, style in ((probs_before, "before", "o--"), (probs_after, "after", "s-")):
            p = probs[known, j]
            xs, ys, _ = reliability_bins(p, y, n_bins)
            ece = expected_calibration_error(p, y, n_bins)
            ax.plot(xs, ys, style, label=f"{name} (ECE {ece:.3f})", ms=4)
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
        ax.set_title(f"{lab} (n={int(known.sum())})")
        ax.legend(fontsize=7, loc="upper left")
    for ax in axes[-1]:
        ax.set_xlabel("predicted probability")
    for ax in axes[:, 0]:
        ax.set_ylabel("observed frequency")
    fig.suptitle("Reliability on the held-out test speakers (before / after Platt scaling)")
    return write_figure(path, fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("stylecheck/pretrained/stylecheck-ge2e-v1"))
    ap.add_argument("--cache", default=None)
    ap.add_argument("--name", default="stylecheck-ge2e-v1")
    ap.add_argument("--version", default="1.0")
    ap.add_argument("--experiment", default=None, help="Row name of this model in test_f1.csv")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    model = StyleModel.from_pretrained(args.model)
    model.config.name, model.config.version = args.name, args.version
    # Refit calibration and thresholds with the current rules (validation speakers only).
    valid = read_manifest(args.data / "valid.csv", model.label_set)
    frames = FeatureCache(model.backbone, args.cache, model.config.segment_s).get(valid.paths)
    calibrate_model(model, frames, valid.targets())
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out)
    model = StyleModel.from_pretrained(args.out)

    test = read_manifest(args.data / "test.csv", model.label_set)
    y = test.targets()
    after = predict_manifest(model, test.paths, args.cache)
    raw = copy.deepcopy(model)
    raw.config.calibration = None
    before = predict_manifest(raw, test.paths, args.cache)
    labels = list(model.labels)
    cal = pd.DataFrame({"label": labels,
                        "ECE before": [expected_calibration_error(before[:, j], y[:, j]) for j in range(8)],
                        "ECE after": [expected_calibration_error(after[:, j], y[:, j]) for j in range(8)],
                        "Platt scale": model.config.calibration["scale"], "Platt bias": model.config.calibration["bias"],
                        "threshold": model.thresholds})
    reliability_diagrams(before, after, y, labels, args.out / "reliability.png")

    exp = args.experiment or json.loads((args.model / "config.json").read_text())["name"]
    mine = f1_table(y, per_label_decisions(after, model.thresholds).astype(float), labels, test.speakers)
    rows = []
    for r in mine.itertuples():
        judged = "yes" if (r.label == "Average" or r.n_pos_speakers >= 5) else "no (<5 positive speakers)"
        rows.append({"label": r.label, "F1": r.f1, "95% interval": f"[{r.f1_lo:.2f}, {r.f1_hi:.2f}]",
                     "precision": r.precision, "recall": r.recall,
                     "positive files": r.n_pos, "positive speakers": "" if r.label == "Average" else int(r.n_pos_speakers),
                     "judgeable": judged})
    gender_acc = gender_accuracy(after, y, labels, model.thresholds)
    cfg = model.config
    tr = cfg.training
    card = MODEL_CARD.format(
        name=args.name, version=args.version, date=dt.date.today().isoformat(), experiment=exp,
        backbone=cfg.backbone, window=cfg.window_s, n_train=tr["n_train_files"], n_train_spk=tr["n_train_speakers"],
        n_valid=tr["n_valid_files"], n_valid_spk=tr["n_valid_speakers"], n_test=len(test),
        n_test_spk=len(set(test.speakers)), f1_table=markdown_table(pd.DataFrame(rows)),
        gender_acc=gender_acc, cal_table=markdown_table(cal), options=tr["options"], best_epoch=tr["best_epoch"],
        positives=", ".join(f"{k} {v}" for k, v in tr["train_positives"].items()),
    )
    write_text(args.out / "MODEL_CARD.md", card)
    metrics = {"gender_accuracy": gender_acc, "f1": mine.to_dict("records"), "calibration": cal.to_dict("records")}
    write_json(args.out / "test_metrics.json", metrics)
    # The config carries the held-out figures so every report can show them beside adherence.
    cfg.reliability = reliability_from_test_metrics(metrics, model.label_set, RELIABILITY_SOURCE)
    write_json(args.out / "config.json", cfg.to_dict())
    print(card)
    return 0


RELIABILITY_SOURCE = ("held-out test speakers of configs/splits (104 files, 45 speakers): "
                      "test_metrics.json and MODEL_CARD.md beside this config")


def gender_accuracy(probs, targets, labels, thresholds) -> float:
    """Share of test files with a known gender whose more probable gender label is right."""
    f, m = labels.index("Female"), labels.index("Male")
    known = ~np.isnan(targets[:, f])
    pred_female = probs[known, f] >= probs[known, m]
    return float(np.mean(pred_female == (targets[known, f] == 1)))


MODEL_CARD = """# {name} (version {version})

The default model of stylecheck: `stylecheck score` and `stylecheck.load_model()` use it when no
model is given. Built {date} by `scripts/build_default_model.py` from the experiment
"{experiment}" of `reports/table2.md`; every figure below was measured on held-out speakers.

## What it is

* **Architecture:** SpeechMLC (Kim et al.): one learnable style query per label cross-attends to
  frozen speech features in a transformer decoder; a per-label linear layer gives one logit each.
* **Encoder: GE2E, not the paper's HuBERT.** No pretrained self-supervised speech weights can be
  had offline here; the one real pretrained speech encoder available is the GE2E speaker encoder
  shipped in the `resemblyzer` package (a 3-layer LSTM over 40-band mels, trained for speaker
  verification). Backbone spec: `{backbone}`. Its weights are referenced, not copied: they load
  from the installed `resemblyzer` package.
* **Input:** any speech file; mono 16 kHz after conversion; {window} s windows (longer files are
  averaged over windows, weighted by the seconds each adds).
* **Labels:** Female, Male, Adult, Teenager, Dark, Bright, Rough, Smooth, with per-label decision
  thresholds and Platt calibration fitted on the validation speakers.

## Training data

* LibriSpeech train-clean-100 (one utterance per speaker) labelled from the three LibriTTS-P
  annotators: a label is positive when at least 2 of 3 annotators chose it (keyword mapping in
  `stylecheck/data/corpora/libritts_p.py`; chosen by measured agreement with DreamVoice's labels
  on the 786 speakers both rate).
* VCTK utterances of the 54 DreamVoiceDB-annotated speakers available here, labelled from
  DreamVoiceDB's consensus ratings the paper's way (Senior -> Adult; Ambiguous gender unknown;
  blank brightness / roughness unknown and masked out of the loss).
* Speaker-disjoint splits (`configs/splits/`): train {n_train} files / {n_train_spk} speakers,
  validation {n_valid} / {n_valid_spk}, test {n_test} files / {n_test_spk} speakers. Positive training
  files per label: {positives}. Best validation epoch: {best_epoch}.
* Training options: `{options}`.

## Accuracy on the held-out test speakers

Gender accuracy (the more probable of Female / Male against the label, files with known gender):
**{gender_acc:.3f}**.

{f1_table}

Intervals are 95% bootstrap intervals resampling speakers. The test set is small (see the
positive-speaker counts): a label with fewer than 5 positive test speakers cannot be judged, and
even the others have wide intervals. Cross-validated figures over all speakers are in
`reports/table2.md`.

## Calibration

Per-label Platt scaling (`p = sigmoid(scale * logit + bias)`) fitted on the validation speakers,
evaluated on the test speakers: expected calibration error (10 equal-width bins) before and after.

{cal_table}

![reliability diagrams](reliability.png)

## Known limits

* **Gender** is what this model judges well. **Age, brightness and roughness are weak:** the
  labels come from few speakers with noisy, subjective annotations (LibriTTS-P's three
  annotators often disagree; DreamVoice leaves many cells blank), and the test intervals are wide.
  Treat Teenager, Dark, Bright, Rough and Smooth outputs as indications, not verdicts.
* **It does not beat a linear probe.** A logistic regression on the mean GE2E embedding scores
  about the same on the test split and better in 5-fold speaker cross-validation (macro-F1 0.816
  against 0.788 for SpeechMLC on GE2E partials; `reports/table2.md`): with about 300 labelled
  speakers the transformer head overfits. SpeechMLC is kept for the paper's architecture and for
  backbones (HuBERT) whose frames carry more than one embedding can.
* The encoder is GE2E, trained to tell speakers apart; it encodes voice timbre well but was never
  trained on these labels, and it is not the paper's HuBERT, so figures are not comparable with
  the paper's Table 2.
* Trained on read English audiobook and VCTK speech; synthetic speech, other languages, strong
  emotion, noise and children's voices are outside its training data.
* Probabilities are calibrated on a few dozen validation files; expect residual miscalibration.

## Licences

* Weights derived from LibriSpeech (CC BY 4.0), LibriTTS-P annotations (CC BY 4.0), VCTK
  (CC BY 4.0) and DreamVoiceDB ratings (from a DreamVoice co-author's public repository).
* GE2E encoder weights: `resemblyzer` (Apache-2.0), not redistributed here.
"""

if __name__ == "__main__":
    sys.exit(main())
