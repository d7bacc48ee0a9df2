"""Issue 21 items 5 and 6: every explanation of a decision uses the rule the model decided with
(the effective threshold of :func:`stylecheck.styles.decision.effective_thresholds`), uncertain
and no label are named apart, and the ``all`` row is weak only through categories it asked for."""
from __future__ import annotations

import re

from rich.console import Console

from helpers import report_summary
from scores_dummies import score_row, scores_frame
from stylecheck.analysis.adherence import adherence_table
from stylecheck.analysis.summary import summarize
from stylecheck.reporting import outputs
from stylecheck.reporting.html import report_html
from stylecheck.reporting.html_sections import mismatch_entry
from stylecheck.reporting.terminal import print_run_summary
from stylecheck.scoring.sources import attach_source_labels
from stylecheck.styles.labels import PAPER_LABELS

MARGINS = {"rule": "pairwise", "uncertain_margin": {"gender": 0.0, "age": 0.1, "brightness": 0.18, "roughness": 0.1}}
RELIABILITY = {"source": "unit test", "per_label": {
    "Female": {"f1": 0.98, "lo": 0.95, "hi": 1.0, "n_pos_speakers": 30},
    "Male": {"f1": 0.97, "lo": 0.93, "hi": 1.0, "n_pos_speakers": 30},
    "Adult": {"f1": 0.6, "lo": 0.4, "hi": 0.8, "n_pos_speakers": 12}}, "per_category": {}}
MODEL = {"name": "m", "version": "2", "decision": MARGINS, "reliability": RELIABILITY}
STORED = [0.5] * len(PAPER_LABELS.labels)


def dark_but_uncertain(file: str = "s/a.wav", system: str = "s"):
    """Asked for Dark, p(Dark) = 0.52: under margin 0.18 the model needs 0.59, so it says uncertain."""
    probs = {lab: 0.5 for lab in PAPER_LABELS.labels} | {"Dark": 0.52, "Bright": 0.48, "Female": 0.9, "Male": 0.1}
    row = score_row(file, system=system, expected={"gender": "Female", "brightness": "Dark"}, probs=probs)
    row.update(predicted_brightness="uncertain", match_brightness=False)
    return row


def test_mismatch_names_the_pairwise_rule_and_its_threshold():
    needed = summarize(scores_frame([dark_but_uncertain()]), PAPER_LABELS, STORED, decision=MARGINS).effective_thresholds
    text = mismatch_entry(dark_but_uncertain(), "brightness", ["Dark", "Bright"], needed, MARGINS)
    assert "expected Dark (p(Dark) = 0.52, needs 0.59)" in text
    assert '<span class="bad">uncertain</span>' in text and "margin 0.18" in text and "p \u2265 0.59" in text
    assert "no label" not in text and "threshold 0.50" not in text


def test_the_page_explains_decisions_with_the_effective_threshold(tmp_path):
    scores = scores_frame([dark_but_uncertain()])
    page = report_html(scores, report_summary(scores, MODEL), [], MODEL, tmp_path, tmp_path)
    mismatches = page[page.index('id="mismatches-section"'):page.index('id="files-section"')]
    assert "needs 0.59" in mismatches and "threshold 0.50" not in mismatches
    grid = page[page.index('<table id="grid"'):]
    assert "p(Dark) = 0.52, threshold 0.59" in grid[:grid.index("</table>")]  # the hover text
    model = page[page.index('id="model"'):]
    assert "brightness: a label&#x27;s probability must exceed the other&#x27;s by the margin 0.18, i.e. p \u2265 0.59" in model


def test_the_probability_plot_draws_the_effective_thresholds(tmp_path, monkeypatch):
    drawn = {}

    def record(scores, label_set, path, thresholds=None):
        drawn.update(thresholds)
        return None

    monkeypatch.setattr(outputs, "plot_expected_probability", record)
    scores = scores_frame([dark_but_uncertain()])
    summary = summarize(scores, PAPER_LABELS, STORED, decision=MARGINS)
    outputs.write_summary_outputs(tmp_path, scores, summary, MODEL, tmp_path)
    assert abs(drawn["Dark"] - 0.59) < 1e-9 and drawn["Female"] == 0.5


def test_leakage_and_confusion_name_uncertain_and_drop_the_impossible_no_label(tmp_path):
    rows = [score_row("src.wav", predicted={"gender": "Male", "brightness": "Bright"})]
    for i in range(3):
        rows.append(dark_but_uncertain(f"s/{i}.wav"))
    scores = scores_frame(rows).assign(role=["source"] + ["output"] * 3, source=[""] + ["src.wav"] * 3)
    scores = attach_source_labels(scores, PAPER_LABELS)
    page = report_html(scores, report_summary(scores, MODEL), [], MODEL, tmp_path, tmp_path)
    leakage = page[page.index('id="leakage"'):page.index('id="predicted"')]
    assert "<th>uncertain</th>" in leakage and "<th>no label</th>" not in leakage
    assert "No <code>no label</code> column: this model's pairwise rule always answers" in leakage
    confusion = page[page.index('id="confusion"'):]
    confusion = confusion[:confusion.index("<h2", 10)]
    assert "<th>no label</th>" not in confusion and "<th>uncertain</th>" in confusion
    assert "No <code>no label</code> column" in confusion


def gender_only_scores():
    return scores_frame([score_row(f"s/{i}.wav", system="s", expected={"gender": "Male"}, predicted={"gender": "Male"})
                         for i in range(3)])


def test_all_row_is_weak_only_through_the_categories_asked(tmp_path):
    """Issue 21 item 6: only gender was asked; age, brightness and roughness are weak but unasked."""
    scores = gender_only_scores()
    page = report_html(scores, report_summary(scores, MODEL, adherence=adherence_table(scores, PAPER_LABELS)),
                       [], MODEL, tmp_path, tmp_path)
    adherence = page[page.index('id="adherence"'):page.index('id="grid-section"')]
    all_row = re.search(r"<tr><td>s</td><td>all</td>.*?</tr>", adherence).group(0)
    assert "asked categories reliable" in all_row and "weak" not in all_row.lower()
    both = scores_frame([score_row("s/x.wav", system="s", expected={"gender": "Male", "age": "Adult"},
                                   predicted={"gender": "Male", "age": "Adult"})])
    page = report_html(both, report_summary(both, MODEL, adherence=adherence_table(both, PAPER_LABELS)),
                       [], MODEL, tmp_path, tmp_path)
    assert re.search(r"<tr><td>s</td><td>all</td>.*?WEAK: age</td></tr>", page)


def test_terminal_all_row_is_weak_only_through_the_categories_asked(tmp_path):
    scores = gender_only_scores()
    summary = summarize(scores, PAPER_LABELS, STORED, decision=MARGINS, reliability=RELIABILITY)
    outputs.write_summary_outputs(tmp_path, scores, summary, MODEL, tmp_path)
    console = Console(record=True, width=200)
    print_run_summary(tmp_path, console)
    text = console.export_text()
    all_line = [line for line in text.splitlines() if " all " in line]
    assert all_line and "WEAK" not in all_line[0] and "asked categories reliable" in all_line[0]
    assert "WEAK" not in text  # no row is weak, so no legend for the mark either
