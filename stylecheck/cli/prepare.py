"""``stylecheck prepare libritts-p | dreamvoice | combine``: annotated corpora -> split manifests."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .app import app, check_can_write, console

prepare_app = typer.Typer(help="Turn annotated corpora into speaker-disjoint train/valid/test manifests.",
                          no_args_is_help=True,
                          rich_markup_mode=None)
app.add_typer(prepare_app, name="prepare")


# Options take one value each in click; the hidden trailing arguments collect the rest of
# "--annotations DF1 DF2 DF3" / "--inputs DIR1 DIR2", so both that and repeating the option work.


def _print_summary(summary) -> None:
    from rich.table import Table

    table = Table(title=f"positive / negative / unknown files per label ({summary.out_dir})")
    table.add_column("label")
    splits = ["train", "valid", "test", "all"]
    for s in splits:
        table.add_column(s, justify="right")
    for lab in summary.counts["label"].unique():
        cells = []
        for s in splits:
            c = summary.counts[(summary.counts["split"] == s) & (summary.counts["label"] == lab)].iloc[0]
            cells.append(f"{c['positive']} / {c['negative']} / {c['unknown']}")
        table.add_row(lab, *cells)
    console.print(table)
    console.print("speakers: " + ", ".join(f"{k} {v}" for k, v in summary.speakers.items()))
    for reason, n in summary.dropped.items():
        console.print(f"left out, {reason}: {n} speakers")
    console.print(f"report: {summary.files['report']}")


def _run(prepare, out: Path, force: bool, plan_kwargs: dict) -> None:
    from ..data.prepare_report import SplitPlan, write_prepared

    check_can_write(out, force)
    summary = write_prepared(prepare(), out, SplitPlan(**plan_kwargs))
    _print_summary(summary)


@prepare_app.command("libritts-p")
def libritts_p(
    annotations: List[Path] = typer.Option(..., "--annotations", help="Annotator files: --annotations df1_en.csv "
                                           "df2_en.csv df3_en.csv", exists=True, dir_okay=False),
    more_annotations: Optional[List[Path]] = typer.Argument(None, hidden=True, exists=True, dir_okay=False,
                                                            metavar="MORE_FILES"),
    audio_root: Path = typer.Option(..., "--audio-root", help="LibriSpeech / LibriTTS(-R) audio, any nesting.",
                                    exists=True, file_okay=False),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    excluded: Optional[Path] = typer.Option(None, "--excluded", help="excluded_spk_list.txt", exists=True,
                                            dir_okay=False),
    keyword_map: Optional[Path] = typer.Option(None, "--keyword-map", help="CSV keyword,label replacing the "
                                               "built-in keyword table.", exists=True, dir_okay=False),
    speakers_file: Optional[Path] = typer.Option(None, "--speakers-file", help="LibriSpeech SPEAKERS.TXT for the "
                                                 "gender sanity check (default: found beside the audio).",
                                                 exists=True, dir_okay=False),
    splits: Optional[Path] = typer.Option(None, "--splits", help="Folder with fixed train.txt/valid.txt/test.txt "
                                          "speaker lists (e.g. configs/splits/libritts_p).", file_okay=False),
    seed: int = typer.Option(0, "--seed", help="Seed of the split draw."),
    valid_fraction: float = typer.Option(0.1, "--valid-fraction"),
    test_fraction: float = typer.Option(0.1, "--test-fraction"),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
) -> None:
    """LibriTTS-P: majority of 3 annotators per label; speakers split 80/10/10."""
    from ..data.corpora.libritts_p import prepare_libritts_p

    _run(lambda: prepare_libritts_p([*annotations, *(more_annotations or [])], audio_root, excluded, keyword_map, speakers_file), out, force,
         dict(lists=splits, seed=seed, valid_fraction=valid_fraction, test_fraction=test_fraction))


@prepare_app.command("dreamvoice")
def dreamvoice(
    annotations: Path = typer.Option(..., "--annotations", help="merged_speaker_ratings.csv", exists=True,
                                     dir_okay=False),
    audio_root: Path = typer.Option(..., "--audio-root", help="LibriTTS-R and/or VCTK audio, any nesting.",
                                    exists=True, file_okay=False),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    votes: Optional[Path] = typer.Option(None, "--votes", help="Per-annotator votes CSV: speaker, annotator, "
                                         "category, keyword.", exists=True, dir_okay=False),
    test_speakers: int = typer.Option(20, "--test-speakers", help="Unseen test speakers (the paper: 20)."),
    agreement_threshold: int = typer.Option(5, "--agreement-threshold", help="With --votes: test labels need "
                                            "this many agreeing annotators (the paper: 5 of 8)."),
    splits: Optional[Path] = typer.Option(None, "--splits", help="Folder with fixed speaker lists.",
                                          file_okay=False),
    seed: int = typer.Option(0, "--seed"),
    valid_fraction: float = typer.Option(0.1, "--valid-fraction", help="Share of non-test speakers for valid."),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
) -> None:
    """DreamVoiceDB: consensus labels (Senior -> Adult, Ambiguous gender unknown), N unseen test speakers."""
    from ..data.corpora.dreamvoice import prepare_dreamvoice

    _run(lambda: prepare_dreamvoice(annotations, audio_root, votes), out, force,
         dict(lists=splits, seed=seed, valid_fraction=valid_fraction, test_fraction=None,
              test_speakers=test_speakers, test_min_agreement=agreement_threshold))


@prepare_app.command("combine")
def combine(
    inputs: List[Path] = typer.Option(..., "--inputs", help="Prepared folders (each with train/valid/test.csv): "
                                      "--inputs DIR1 DIR2", exists=True, file_okay=False),
    more_inputs: Optional[List[Path]] = typer.Argument(None, hidden=True, exists=True, file_okay=False,
                                                       metavar="MORE_DIRS"),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    force: bool = typer.Option(False, "--force", help="Overwrite a non-empty output folder."),
) -> None:
    """Concatenate prepared corpora split by split (labels one corpus lacks stay empty)."""
    from ..data.prepare_report import combine_prepared
    from ..styles.labels import PAPER_LABELS

    check_can_write(out, force)
    summary = combine_prepared([*inputs, *(more_inputs or [])], out, PAPER_LABELS)
    _print_summary(summary)
