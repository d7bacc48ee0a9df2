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
