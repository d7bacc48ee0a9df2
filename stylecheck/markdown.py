"""Markdown tables without extra dependencies.

``DataFrame.to_markdown`` needs ``tabulate``, which is not a dependency, so this is the one
Markdown table formatter of the package (also importable from :mod:`stylecheck.reporting.tables`).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd


def format_cell(value, floatfmt: str = ".3f") -> str:
    """Text of one table cell: floats by ``floatfmt``, missing values empty, booleans yes/no."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else format(float(value), floatfmt)
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def format_p_value(p, resolution: float = 0.0, digits: int = 3) -> str:
    """Text of a p-value: ``0.037``, or ``< 0.001`` below what ``digits`` decimals show (never
    ``0.000``), empty when missing.

    ``resolution`` is the smallest p the method can tell from 0: a bootstrap p-value from B
    resamples is 0 whenever no resample crosses 0, which says only p < 2/B, so it prints as
    ``< 0.002`` for B = 1000. Every p-value the package writes goes through here."""
    if p is None or p is pd.NA:
        return ""
    p = float(p)
    if math.isnan(p):
        return ""
    # The bound is rounded up to the digits shown, so "< bound" never claims more than is known.
    scale = 10.0 ** digits
    floor = max(1.0, math.ceil(float(resolution) * scale - 1e-9)) / scale
    if p < floor:
        return f"< {floor:.{digits}f}"
    return f"{min(p, 1.0):.{digits}f}"


def _escape_markdown(text: str) -> str:
    # A pipe would end the cell and a newline the row; backslash-escape the pipe, flatten lines.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_table(df: pd.DataFrame, floatfmt: str = ".3f") -> str:
    """A GitHub-flavoured Markdown table of ``df`` (index not shown), numeric columns right-aligned.

    An empty frame gives a header-only table, so a document keeps its structure.
    """
    columns = [str(c) for c in df.columns]
    if not columns:
        return ""
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
               for c in df.columns]
    header = "| " + " | ".join(_escape_markdown(c) for c in columns) + " |"
    rule = "|" + "|".join("---:" if num else "---" for num in numeric) + "|"
    body = ["| " + " | ".join(_escape_markdown(format_cell(v, floatfmt)) for v in row) + " |"
            for row in df.itertuples(index=False, name=None)]
    return "\n".join([header, rule, *body])
