"""How each row of STYLES.csv was read, phrase by phrase (``stylecheck prompts``)."""
from __future__ import annotations

import pandas as pd

from ..styles.measured_expectations import explain_reading
from ..styles.prompts import Match


def explain_table(expected) -> pd.DataFrame:
    """The table of an :class:`~stylecheck.scoring.expected.ExpectedStyles` plus ``matched``:
    ``phrase -> label``, ``phrase -> category=level`` or ``phrase: reason``, one per line."""
    table = expected.table.copy()
    readings = expected.readings or (None,) * len(table)
    table["matched"] = ["\n".join([*(explain_reading(r) if r is not None else []), *map(_explain_match, parse.matched)])
                        for parse, r in zip(expected.parses, readings)]
    return table


def _explain_match(match: Match) -> str:
    if match.label is None:
        return f"{match.phrase}: {match.reason}"
    plain = match.reason in (f"a word for {match.label}", "label name", "the label's name")
    return f"{match.phrase} -> {match.label}" + ("" if plain else f" ({match.reason})")


__all__ = ["explain_table"]
