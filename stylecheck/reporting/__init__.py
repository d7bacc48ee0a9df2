"""Reporting: summary tables (CSV, Markdown), plots (PNG) and the self-contained HTML report.

Modules: :mod:`.markdown` (the Markdown table formatter), :mod:`.tables` (summary.csv,
labels.csv, comparison.csv, summary.md), :mod:`.diagnostics` (reliability, leakage, confusion
and predicted-label tables), :mod:`.plots` (adherence bars, expected-label probabilities with
thresholds, predicted-label shares), :mod:`.html` (report.html), :mod:`.html_grid` (its prompt x
system grid and per-file table with their inline script), :mod:`.portable` (copying the audio the
page plays). Import the module you need; nothing is imported here, so
``import stylecheck.markdown`` stays free of matplotlib.
"""
