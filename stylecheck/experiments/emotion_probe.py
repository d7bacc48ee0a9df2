"""The cross-corpus probe of the paper's section 5.3 / Figure 4.

Emotional-speech corpora carry no Dark / Bright annotation, so the paper uses "happy" and "sad"
utterances as stand-ins and reports how often the model detects Dark and Bright in each. This
module reads the corpora (ESD split into its English and Mandarin halves, RAVDESS with strong
intensity by default as the paper chose, EmoDB), scores the happy and sad files, and summarises
per corpus and emotion with intervals that resample speakers: a corpus has only a handful of
voices (RAVDESS 24, ESD 10 per language, EmoDB 10), and files of one voice are not independent
evidence.

Every table is also split by the speakers' sex (from the corpus readers' speaker lists), with
pooled rows marked ``all``: Bright partly tracks a female voice, so a happy - sad gap pooled over
the sexes can come from one sex alone and must be read within sex.

The statistics (:func:`stylecheck.analysis.emotion_probe.summarize_probe`) take a per-file table
of probabilities, so they can be checked on hand-made numbers without a model.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..audio import AudioError, load_audio
from ..data.corpora.emodb import read_emodb
from ..data.corpora.esd import read_esd
from ..data.corpora.ravdess import read_ravdess
from ..io import write_csv, write_figure, write_text
from ..models import StyleModel
from ..markdown import format_p_value, markdown_table
from ..analysis.bootstrap import DEFAULT_RESAMPLES, Interval
from ..analysis.emotion_probe import ALL_SEXES, PROBED_LABELS, prob_column, summarize_probe
from ..errors import CheckpointError, ProbeError

#: Corpus readers by the name callers use for a corpus folder (``--esd``, ``--ravdess``, ``--emodb``).
CORPUS_READERS: dict[str, Callable[..., pd.DataFrame]] = {"esd": read_esd, "ravdess": read_ravdess, "emodb": read_emodb}
RAVDESS_INTENSITIES = ("strong", "all")
#: Below this many speakers a speaker bootstrap has too few distinct resamples to be trusted.
FEW_SPEAKERS = 5

Progress = Callable[[int, int], None]


@dataclass
class ProbeResult:
    """Everything the probe computed; the tables are the ones written to ``out_dir``."""

    summary: pd.DataFrame  # probe.csv: one row per corpus, emotion and sex (``all``: pooled)
    speakers: pd.DataFrame  # probe_speakers.csv: one row per corpus, emotion and speaker
    files: pd.DataFrame  # probe_files.csv: one row per scored file, with status and error
    differences: pd.DataFrame  # probe_contrast.csv: the happy-vs-sad contrast per corpus and sex
    inventory: pd.DataFrame  # per corpus folder: files found, not following the naming, selected
    unmatched: dict[str, list[str]]  # per corpus folder: audio files that do not follow the naming
    model_name: str
    outputs: dict[str, Path] = field(default_factory=dict)

    @property
    def unreadable(self) -> pd.DataFrame:
        return self.files[self.files["status"] != "ok"]


# -- model labels ----------------------------------------------------------------------------
def probe_label_columns(labels: Sequence[str], probed: Sequence[str] = PROBED_LABELS) -> dict[str, int]:
    """Index of each probed label in ``labels`` (matched by name, case-insensitively)."""
    index = {lab.lower(): i for i, lab in enumerate(labels)}
    missing = [lab for lab in probed if lab.lower() not in index]
    if missing:
        raise ProbeError(
            f"the model has no label {', '.join(repr(m) for m in missing)} (its labels: {', '.join(labels)}); "
            f"the emotion-corpora probe needs {' and '.join(probed)}"
        )
    return {lab: index[lab.lower()] for lab in probed}


def model_description(model: StyleModel) -> str:
    from ..pretrained import bundled_model_path

    cfg = model.config
    bundled = bundled_model_path(cfg.name)
    # A bundled model is named as such: its folder is wherever this machine installed the package.
    if model.path is not None and bundled is not None and Path(model.path).resolve() == bundled.resolve():
        return f"{cfg.name} v{cfg.version} (bundled)"
    where = f" ({model.path})" if model.path is not None else ""
    return f"{cfg.name} v{cfg.version}{where}"


def plot_title(model: StyleModel) -> str:
    """The model as the figure names it: its folder's name, not the machine's absolute path."""
    cfg = model.config
    where = f" ({Path(model.path).name})" if model.path is not None else ""
    return f"{cfg.name} v{cfg.version}{where}"


# -- files -----------------------------------------------------------------------------------
def collect_probe_files(corpora: dict[str, str | os.PathLike], emotions: Sequence[str] = ("happy", "sad"),
                        ravdess_intensity: str = "strong") -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """Read each corpus folder and keep the files of ``emotions``.

    Returns (files, inventory, unmatched): the selected files (path, corpus, speaker, emotion and
    the corpus's own fields), a table of what each folder held, and per folder the audio files
    that do not follow the corpus's naming.
    """
    if ravdess_intensity not in RAVDESS_INTENSITIES:
        raise ProbeError(f"ravdess_intensity must be one of {', '.join(RAVDESS_INTENSITIES)}, not {ravdess_intensity!r}")
    unknown = sorted(set(corpora) - set(CORPUS_READERS))
    if unknown:
        raise ProbeError(f"unknown corpus {', '.join(unknown)}; known: {', '.join(CORPUS_READERS)}")
    if not corpora:
        raise ProbeError(f"no corpus folder given; give at least one of: {', '.join(CORPUS_READERS)}")
    wanted = [e.lower() for e in emotions]
    frames, inventory, unmatched = [], [], {}
    for key, folder in corpora.items():
        table = CORPUS_READERS[key](folder)
        unmatched[key] = list(table.attrs.get("unmatched", []))
        keep = table["emotion"].isin(wanted)
        note = ""
        if key == "ravdess" and ravdess_intensity == "strong":
            keep &= table["intensity"] == "strong"
            note = "strong intensity only"
        if table.attrs.get("song_files"):
            note = "; ".join(filter(None, [note, f"{table.attrs['song_files']} song files left out"]))
        inventory.append({"corpus_folder": key, "path": str(folder), "files": len(table),
                          "not_following_naming": len(unmatched[key]), "selected": int(keep.sum()), "note": note})
        # Nullable integers, so a corpus's integer fields stay integers beside the other corpora's gaps.
        frames.append(table[keep].astype({c: "Int64" for c in table.select_dtypes("integer").columns}))
    files = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if files.empty:
        raise ProbeError(f"no {' or '.join(wanted)} files in {', '.join(str(f) for f in corpora.values())}")
    return files, pd.DataFrame(inventory), unmatched


def score_probe_files(files: pd.DataFrame, model: StyleModel, batch_size: int = 16,
                      progress: Progress | None = None) -> pd.DataFrame:
    """``files`` with one probability column per model label (``p_<label>``), ``status`` and ``error``.

    Files are loaded one by one so an unreadable file (``AudioError``) is recorded with its reason
    and leaves the rest of its batch alone; the readable ones go to ``model.predict`` in batches.
    """
    n = len(files)
    probs = np.full((n, len(model.labels)), np.nan)
    errors = [""] * n
    paths = files["path"].tolist()
    for start in range(0, n, batch_size):
        rows, waves = [], []
        for i in range(start, min(start + batch_size, n)):
            try:
                waves.append(load_audio(paths[i], model.sample_rate))
                rows.append(i)
            except AudioError as exc:
                errors[i] = exc.reason
        if waves:
            # Whole recordings, as the paper's probe (and reports/probe) measured them; the speech
            # check of `stylecheck score` is not applied here.
            probs[rows] = model.predict(waves, batch_size=batch_size, speech=None)
        if progress is not None:
            progress(min(start + batch_size, n), n)
    scored = files.reset_index(drop=True).copy()
    for k, label in enumerate(model.labels):
        scored[prob_column(label)] = probs[:, k]
    scored["status"] = ["error" if e else "ok" for e in errors]
    scored["error"] = errors
    return scored


def _bars(ax, groups: list[str], series: list[str], cell, colours: list[str]) -> None:
    """Grouped bars: ``cell(group, item)`` gives (value, lo, hi); no error bar where the interval
    is undefined (a single speaker)."""
    width = 0.8 / len(series)
    for k, item in enumerate(series):
        v, lo, hi = np.array([cell(g, item) for g in groups], dtype=float).reshape(-1, 3).T
        err = np.nan_to_num(np.vstack([v - lo, hi - v]), nan=0.0)
        ax.bar(np.arange(len(groups)) + (k - (len(series) - 1) / 2) * width, np.nan_to_num(v), width, yerr=err,
               capsize=3, label=item.capitalize() if item.islower() else item, color=colours[k % len(colours)])
    ax.set_ylim(0, 1)
    ax.grid(axis="y", alpha=0.3)


def plot_probe(summary: pd.DataFrame, labels: Sequence[str] = PROBED_LABELS, title: str = "",
               differences: pd.DataFrame | None = None):
    """Figure 4's layout on the pooled rows: one panel per corpus, emotions on the x axis, a bar
    per label with its 95% interval. With rows per sex, a second row shows P(last label) per sex
    and emotion, and with ``differences`` a last row the happy - sad contrast pooled and per sex."""
    from matplotlib.figure import Figure

    table = summary if "sex" in summary.columns else summary.assign(sex=ALL_SEXES)
    sexes = [x for x in dict.fromkeys(table["sex"]) if x != ALL_SEXES]
    gaps = differences is not None and not differences.empty
    corpora, emotions = list(dict.fromkeys(table["corpus"])), list(dict.fromkeys(table["emotion"]))
    n_rows = 1 + bool(sexes) + gaps
    fig = Figure(figsize=(2.6 * max(1, len(corpora)) + 0.6, 3.2 * n_rows))
    grid = fig.subplots(n_rows, max(1, len(corpora)), squeeze=False)
    index = table.set_index(["corpus", "sex", "emotion"])

    def sexes_of(corpus):
        return [sx for sx in sexes if ((table["corpus"] == corpus) & (table["sex"] == sx)).any()]

    def cell(corpus, sex, emotion, col):
        row = index.loc[(corpus, sex, emotion)] if (corpus, sex, emotion) in index.index else None
        return (np.nan,) * 3 if row is None else (row[col], row[f"{col}_lo"], row[f"{col}_hi"])

    for ax, corpus in zip(grid[0], corpora):
        _bars(ax, emotions, list(labels), lambda e, lab: cell(corpus, ALL_SEXES, e, prob_column(lab)),
              ["#3b3b58", "#f2b134"])
        ax.set_title(corpus)
        ax.set_xticks(range(len(emotions)), [e.capitalize() for e in emotions])
    grid[0, 0].set_ylabel("Mean detection probability")
    grid[0, -1].legend(loc="upper right", frameon=False)
    if sexes:
        col = prob_column(labels[-1])
        for ax, corpus in zip(grid[1], corpora):
            own = sexes_of(corpus)
            _bars(ax, own, emotions, lambda sx, e: cell(corpus, sx, e, col), ["#6a8caf", "#c7522a"])
            in_corpus = table[table["corpus"] == corpus]
            speakers = [int(in_corpus.loc[in_corpus["sex"] == sx, "n_speakers"].max()) for sx in own]
            ax.set_xticks(range(len(own)), [f"{sx}\n({n} spk)" for sx, n in zip(own, speakers)])
            ax.set_title(f"{corpus}: P({labels[-1]}) by sex")
        grid[1, 0].set_ylabel(f"Mean P({labels[-1]})")
        grid[1, -1].legend(loc="upper right", frameon=False)
    if gaps:
        d = differences if "sex" in differences.columns else differences.assign(sex=ALL_SEXES)
        for ax, corpus in zip(grid[-1], corpora):
            part = d[d["corpus"] == corpus].set_index("sex").reindex([ALL_SEXES] + sexes_of(corpus))
            v, lo, hi = (part[c].to_numpy(dtype=float) for c in ("difference", "difference_lo", "difference_hi"))
            ax.errorbar(np.arange(len(part)), v, yerr=np.nan_to_num(np.vstack([v - lo, hi - v]), nan=0.0),
                        fmt="o", capsize=4, color="#3b3b58")
            ax.axhline(0, color="grey", lw=0.8)
            ax.set_xticks(range(len(part)), [f"{sx}\n({int(np.nan_to_num(n))} spk)"
                                             for sx, n in zip(part.index, part["n_speakers"])])
            ax.set_xlim(-0.6, len(part) - 0.4)
            ax.set_title(f"{corpus}: {' - '.join(emotions[:2])}")
            ax.grid(axis="y", alpha=0.3)
        grid[-1, 0].set_ylabel(f"gap in P({labels[-1]}) - P({labels[0]})")
    if title:
        fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def _fmt(frame: pd.DataFrame, col: str) -> list[str]:
    return [Interval(v, lo, hi).fmt() for v, lo, hi in zip(frame[col], frame[f"{col}_lo"], frame[f"{col}_hi"])]


def probe_markdown(result: ProbeResult, labels: Sequence[str] = PROBED_LABELS, n_resamples: int = DEFAULT_RESAMPLES,
                   max_listed: int = 50) -> str:
    s, d = result.summary, result.differences
    cols = [prob_column(lab) for lab in labels]
    by_sex = "sex" in s.columns and (s["sex"] != ALL_SEXES).any()
    means = pd.DataFrame({"corpus": s["corpus"], "emotion": s["emotion"],
                          **({"sex": s["sex"]} if by_sex else {}), "files": s["n_files"],
                          "speakers": s["n_speakers"], **{f"P({lab})": _fmt(s, c) for lab, c in zip(labels, cols)}})
    lines = [
        "# Emotion-corpora probe (paper section 5.3, Figure 4)", "",
        f"Model: {result.model_name}", "",
        f"Mean probability that the model detects {' and '.join(labels)} in each corpus's "
        f"{' and '.join(s['emotion'].unique())} utterances, with 95% bootstrap intervals that resample speakers "
        f"({n_resamples} resamples). Figure: probe.png. Per-file probabilities: probe_files.csv.", "",
    ]
    if by_sex:
        lines += [f"Rows are given within each sex of speaker as well as pooled (`{ALL_SEXES}`): the model's "
                  f"{labels[-1]} partly tracks a female voice, so a difference pooled over the sexes can come from "
                  "one sex alone; read it within sex. With a single speaker in a row there is no interval over "
                  "speakers.", ""]
    lines += ["## Mean probabilities", "", markdown_table(means), ""]
    if not d.empty:
        a_col, b_col = [c for c in d.columns if c.startswith("bright_minus_dark_")]
        contrast = pd.DataFrame({
            "corpus": d["corpus"], **({"sex": d["sex"]} if by_sex and "sex" in d else {}),
            "speakers": d["n_speakers"],
            a_col.replace("bright_minus_dark_", "B-D "): [Interval(v, np.nan, np.nan).fmt() for v in d[a_col]],
            b_col.replace("bright_minus_dark_", "B-D "): [Interval(v, np.nan, np.nan).fmt() for v in d[b_col]],
            "difference [95% CI]": _fmt(d, "difference"),
            "p": [format_p_value(v, resolution=2 / n_resamples if n_resamples else 0.0) for v in d["p_value"]],
        })
        lines += ["## Happy vs sad" + (" within sex" if by_sex else ""), "",
                  f"[P({labels[-1]}) - P({labels[0]})] in {d['contrast'].iloc[0].replace(' - ', ' minus the same in ')}, "
                  "from speaker means over the speakers who have both; interval and p-value from a bootstrap "
                  f"over speakers ({n_resamples} resamples, so a p-value below 2/{n_resamples} prints as "
                  "a bound). A positive difference means the model hears the first emotion as brighter.", "",
                  markdown_table(contrast), ""]
        few = d[(d["n_speakers"] < FEW_SPEAKERS) & ((d["sex"] == ALL_SEXES) if "sex" in d else True)]
        if len(few):
            lines += [f"With fewer than {FEW_SPEAKERS} speakers ({', '.join(f'{c}: {n}' for c, n in zip(few['corpus'], few['n_speakers']))}) "
                      "a bootstrap over speakers understates the uncertainty: read those intervals and p-values "
                      "as descriptive only" + (" (within sex, every row of these corpora)." if by_sex else "."), ""]
    if not result.speakers.empty:
        lines += ["## Per speaker", "", markdown_table(result.speakers), ""]
    inv = result.inventory
    lines += ["## Files", "", markdown_table(inv.rename(columns={"not_following_naming": "not following the naming"})), ""]
    bad = result.unreadable
    lines += [f"Unreadable files: {len(bad)} of {len(result.files)} selected."]
    if len(bad):
        lines += [""] + [f"- `{p}`: {e}" for p, e in zip(bad["path"][:max_listed], bad["error"][:max_listed])]
        if len(bad) > max_listed:
            lines.append(f"- ... and {len(bad) - max_listed} more (see probe_files.csv)")
    for key, paths in result.unmatched.items():
        if paths:
            lines += ["", f"Audio files in the {key} folder that do not follow its naming ({len(paths)}):", ""]
            lines += [f"- `{p}`" for p in paths[:max_listed]]
            if len(paths) > max_listed:
                lines.append(f"- ... and {len(paths) - max_listed} more")
    return "\n".join(lines) + "\n"


# -- the probe -------------------------------------------------------------------------------
def probe_emotion_corpora(corpora: dict[str, str | os.PathLike], model: StyleModel | str | os.PathLike | None,
                          out_dir: str | os.PathLike, emotions: Sequence[str] = ("happy", "sad"),
                          ravdess_intensity: str = "strong", batch_size: int = 16,
                          n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0, device: str = "cpu",
                          progress: Progress | None = None) -> ProbeResult:
    """Score the happy and sad files of each corpus and write the probe's tables and figure.

    ``corpora`` maps ``esd`` / ``ravdess`` / ``emodb`` to their folders. ``model`` is a loaded
    model, a model folder or hub id, or ``None`` for the bundled model (``CheckpointError`` when it
    is not installed). Writes probe.csv, probe_speakers.csv, probe_contrast.csv, probe_files.csv,
    probe.md and probe.png into ``out_dir``, each atomically.
    """
    if not isinstance(model, StyleModel):
        from ..models import load_model

        try:
            model = load_model(model, device=device)
        except CheckpointError as exc:
            raise CheckpointError(f"cannot load the model: {exc}") from exc
    # Fails before any corpus is read when the model has no Dark / Bright.
    labels = [model.labels[i] for i in probe_label_columns(model.labels).values()]
    emotions = tuple(e.lower() for e in emotions)
    files, inventory, unmatched = collect_probe_files(corpora, emotions, ravdess_intensity)
    scored = score_probe_files(files, model, batch_size=batch_size, progress=progress)
    summary, speakers, differences = summarize_probe(scored, emotions, labels, n_resamples, seed)
    result = ProbeResult(summary, speakers, scored, differences, inventory, unmatched, model_description(model))

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result.outputs = {
        "probe.csv": write_csv(out / "probe.csv", summary),
        "probe_speakers.csv": write_csv(out / "probe_speakers.csv", speakers),
        "probe_contrast.csv": write_csv(out / "probe_contrast.csv", differences),
        "probe_files.csv": write_csv(out / "probe_files.csv", scored),
        "probe.md": write_text(out / "probe.md", probe_markdown(result, labels, n_resamples)),
        "probe.png": write_figure(out / "probe.png", plot_probe(summary, labels, title=plot_title(model),
                                                                differences=differences)),
    }
    return result
