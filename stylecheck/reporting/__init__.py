"""Reporting: summary tables (CSV, Markdown), plots (PNG) and the self-contained HTML report.

Modules: :mod:`.markdown` (the Markdown table formatter), :mod:`.tables` (summary.csv,
labels.csv, comparison.csv, summary.md), :mod:`.plots` (adherence bars, expected-label
probabilities), :mod:`.html` (report.html). Import the module you need; nothing is imported
here, so ``import stylecheck.reporting.markdown`` stays free of matplotlib.
"""
