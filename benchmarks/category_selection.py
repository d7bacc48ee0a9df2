"""Checks of the per-category choice that do not judge it by the figures that chose it (issue 21, item 9).

    python benchmarks/category_selection.py --protocol reports/model_v2/protocol.csv \
        --manifests P/ls/all.csv P/lsx/all.csv P/vctk/all.csv --cache CACHE \
        --ravdess D/ravdess --emodb D/emodb --models OLD_MODEL_DIR NEW_MODEL_DIR \
        --out reports/model_v2/selection.md

1. **Each direction judged by the other's choice.** The per-category rule chooses on 'LOCO pooled',
   which holds the very test files it is then judged on. Here the rule is applied to one
   leave-one-corpus-out direction's figures and the candidate it picks is read in the other
   direction, whose test corpus played no part in that choice (it was only training data there).
2. **Held-out speakers of emotional corpora** (RAVDESS, EmoDB): speakers, corpora and speaking
   styles that no model here was trained, tuned or chosen on. Only what is known of them is scored:
   sex (gender) and age (every speaker an adult: the share answered ``Adult``; ``uncertain``
   counts as wrong). The GE2E probe is fitted on every protocol file; the models are the bundled
   checkpoints given with ``--models``.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from model_v2_protocol import COMBINABLE, category_f1  # noqa: E402

from stylecheck.experiments.baselines import linear_probe  # noqa: E402
from stylecheck.experiments.protocol import _Cfg, figure, score_answers  # noqa: E402
from stylecheck.experiments.protocol_data import add_cached_features, read_manifests  # noqa: E402
from stylecheck.io import write_csv, write_text  # noqa: E402
from stylecheck.markdown import markdown_table  # noqa: E402
from stylecheck.models import StyleModel  # noqa: E402
from stylecheck.styles.decision import decide_categories  # noqa: E402
from stylecheck.styles.labels import PAPER_LABELS  # noqa: E402

DIRECTIONS = ("LOCO LibriSpeech→VCTK", "LOCO VCTK→LibriSpeech")
PROBE = "GE2E probe, one answer"
RAVDESS_EMOTIONS = {"01": "neutral", "02": "calm", "03": "happy", "04": "sad", "05": "angry", "06": "fearful",
                    "07": "disgust", "08": "surprised"}
EMODB_EMOTIONS = {"W": "angry", "L": "bored", "E": "disgust", "A": "fearful", "F": "happy", "T": "sad", "N": "neutral"}
EMODB_SEX = {"03": "Male", "08": "Female", "09": "Female", "10": "Male", "11": "Male", "12": "Male", "13": "Female",
             "14": "Female", "15": "Male", "16": "Female"}


def cross_direction(results: pd.DataFrame, label_set=PAPER_LABELS) -> pd.DataFrame:
    """Per category and test direction: the candidate the rule picks on the other direction, its
    accuracy here, the candidate picked here (what the pooled rule sees), and the probe's."""
    rows = []
    for test in DIRECTIONS:
        other = next(d for d in DIRECTIONS if d != test)
        for cat, labels in label_set.categories.items():
            def pick(setting):
                scores = {m: category_f1(results, setting, m, labels) for m in COMBINABLE}
                ok = {m: v for m, v in scores.items() if np.isfinite(v)}
                return max(ok, key=ok.get) if ok else None
            by_other, by_self = pick(other), pick(test)
            acc = lambda m: figure(results, test, m, "accuracy", cat) if m else float("nan")  # noqa: E731
            rows.append({"test direction": test, "category": cat, "chosen on the other direction": by_other,
                         "its accuracy": acc(by_other), "chosen on this direction": by_self,
                         "its accuracy ": acc(by_self), "GE2E probe": acc(PROBE),
                         "files": int(results[(results["setting"] == test) & (results["metric"] == "accuracy")
                                              & (results["what"] == cat)]["n"].iloc[0])})
    return pd.DataFrame(rows)


def heldout_manifest(ravdess: Path | None, emodb: Path | None) -> pd.DataFrame:
    """One row per file of the emotional corpora: what is known of its speaker (sex; an adult)."""
    rows = []
    for f in sorted(ravdess.rglob("*.wav")) if ravdess else []:
        parts = f.stem.split("-")
        if len(parts) != 7 or parts[0] != "03":
            continue
        actor = int(parts[6])
        rows.append({"path": str(f.resolve()), "speaker": f"actor{actor:02d}", "corpus": "RAVDESS",
                     "emotion": RAVDESS_EMOTIONS.get(parts[2], parts[2]), "sex": "Male" if actor % 2 else "Female"})
    for f in sorted((emodb / "wav").glob("*.wav")) if emodb else []:
        m = re.fullmatch(r"(\d\d)[a-z]\d\d([A-Z])[a-z]", f.stem)
        if not m or m.group(1) not in EMODB_SEX:
            continue
        rows.append({"path": str(f.resolve()), "speaker": f"speaker{m.group(1)}", "corpus": "EmoDB",
                     "emotion": EMODB_EMOTIONS.get(m.group(2), m.group(2)), "sex": EMODB_SEX[m.group(1)]})
    df = pd.DataFrame(rows)
    for lab in PAPER_LABELS.labels:
        df[lab] = ""
    df["Female"] = (df["sex"] == "Female").astype(int)
    df["Male"] = (df["sex"] == "Male").astype(int)
    df["Adult"], df["Teenager"] = 1, 0
    return df


def answers_of(probs: np.ndarray, cfg) -> dict[str, list[str]]:
    return {cat: list(a) for cat, a in decide_categories(probs, cfg).items()}


def heldout_table(train, heldout, frame: pd.DataFrame, models: dict[str, StyleModel], n_resamples: int) -> pd.DataFrame:
    """Gender and age accuracy per model on every held-out file and on neutral/calm speech only."""
    answers = {PROBE: answers_of(linear_probe(train.features["ge2e"], train.targets, heldout.features["ge2e"]),
                                 _Cfg(PAPER_LABELS, None, {"rule": "pairwise", "uncertain_margin": 0.0}))}
    frames = [torch.from_numpy(v[None].astype(np.float32)) for v in heldout.features["fusion"]]
    for name, model in models.items():
        answers[name] = answers_of(model.probabilities_from_frames(frames), model.config)
    subsets = {"all files": np.arange(len(heldout))}
    for corpus in sorted(set(frame["corpus"])):
        subsets[f"{corpus}, all"] = np.nonzero((frame["corpus"] == corpus).to_numpy())[0]
    subsets["neutral or calm"] = np.nonzero(frame["emotion"].isin(["neutral", "calm"]).to_numpy())[0]
    rows = []
    for subset, idx in subsets.items():
        for name, ans in answers.items():
            figs = {(r["metric"], r["what"]): r for r in score_answers(heldout, idx, ans, n_resamples)}
            row = {"files": subset, "model": name, "n files": len(idx),
                   "speakers": len(set(heldout.speakers[idx]))}
            for cat in ("gender", "age"):
                r = figs[("accuracy", cat)]
                row[f"{cat} acc."] = f"{r['value']:.3f} [{r['lo']:.2f}, {r['hi']:.2f}]"
                row[f"{cat} uncertain"] = f"{figs[('uncertain rate', cat)]['value']:.2f}"
            rows.append(row)
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--protocol", type=Path, default=Path("reports/model_v2/protocol.csv"))
    ap.add_argument("--manifests", nargs="+", required=True)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--ravdess", type=Path, default=None)
    ap.add_argument("--emodb", type=Path, default=None)
    ap.add_argument("--models", nargs="+", type=Path, default=[], help="model folders (config.json + model.safetensors)")
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=Path("reports/model_v2/selection.md"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    results = pd.read_csv(args.protocol)
    cross = cross_direction(results)
    fmt = {c: (lambda v: f"{v:.3f}") for c in ("its accuracy", "its accuracy ", "GE2E probe")}
    parts = ["# The per-category choice, judged without the figures that made it\n\n" + __doc__.split("\n\n", 2)[2].strip(),
             "## 1. Each leave-one-corpus-out direction judged by the other direction's choice\n\n"
             f"Candidates: {', '.join(COMBINABLE)}. Accuracy counts `uncertain` as wrong; 'files' are the "
             "test files with a known label.\n\n" + markdown_table(cross.assign(**{c: cross[c].map(f) for c, f in fmt.items()}))]
    if args.ravdess or args.emodb:
        frame = heldout_manifest(args.ravdess, args.emodb)
        with tempfile.TemporaryDirectory() as tmp:  # machine paths stay out of reports/
            manifest = Path(tmp) / "heldout.csv"
            write_csv(manifest, frame)
            heldout = add_cached_features(read_manifests([manifest]), args.cache)
        train = add_cached_features(read_manifests(args.manifests), args.cache)
        models = {}
        for folder in args.models:
            model = StyleModel.from_pretrained(folder)
            models[f"{model.config.name} {model.config.version}"] = model
        table = heldout_table(train, heldout, frame, models, args.resamples)
        per = frame.groupby(["corpus", "speaker", "sex"]).size().rename("files").reset_index()
        parts.append("## 2. Held-out speakers of emotional corpora\n\n"
                     f"{len(frame)} files, {frame['speaker'].nunique()} speakers ("
                     + ", ".join(f"{r.corpus} {r.speaker} {r.sex} {r.files}" for r in per.itertuples())
                     + "); every speaker is an adult actor, so age accuracy is the share answered `Adult`. "
                     "95% speaker-bootstrap intervals: with this few speakers they are wide, and a "
                     "speaker-level effect cannot be told from a model's.\n\n" + markdown_table(table))
    parts.append("Command: `python benchmarks/category_selection.py " + " ".join(sys.argv[1:] if argv is None else argv) + "`")
    write_text(args.out, "\n\n".join(parts) + "\n")
    print("\n\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
