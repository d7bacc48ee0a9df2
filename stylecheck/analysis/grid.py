"""The prompt x system grid: which file each system made for each item, as one table.

The report's grid (players and labels) and ``grid.csv`` (a sheet for a listening test: one row
per item, one column per system holding that system's file) are both built from
:func:`item_grid`, so they always show the same rows.

Only the outputs STYLES.csv lists take part (:func:`stylecheck.results.listed_outputs`): a
recording found in the folder but listed nowhere was asked for nothing, so it is in no row,
and a source recording is shown beside the item (its own column), never as a system. Neither can
therefore stop the listed files from pairing. A bad STYLES.csv row is left out too: its file
cell may not even be a path. What was left out is counted in :attr:`ItemGrid.left_out`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..results import (
    BAD_ROW_STATUS, NO_SYSTEM, ROLE_SOURCE, folder_of, item_keys, listed_outputs, natural_key, text_column,
)

#: The first columns of ``grid.csv``; ``source`` only when some output names a source.
GRID_LEAD_COLUMNS = ["item", "prompt", "source"]


@dataclass(frozen=True)
class ItemGrid:
    """``rows``: the outputs in the grid with their ``item`` key (column ``item``); ``items`` in
    natural order (``2`` before ``10``); ``systems`` in the order they first appear; ``paired``:
    whether the files could be paired across systems (else each file is an item of its own and
    ``how`` says why); ``left_out``: what is not in the grid -> how many (``unlisted in gt/``,
    ``bad STYLES.csv rows``)."""

    rows: pd.DataFrame
    items: list[str]
    systems: list[str]
    paired: bool
    how: str
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def has_sources(self) -> bool:
        return bool((text_column(self.rows, "source") != "").any())


def item_grid(scores: pd.DataFrame) -> ItemGrid:
    """The grid of a scores table (see the module docstring)."""
    outputs = listed_outputs(scores)
    status = text_column(outputs, "status")
    bad = (status == BAD_ROW_STATUS).to_numpy()
    rows = outputs[~bad].reset_index(drop=True)
    left_out = {f"unlisted in {folder}": n for folder, n in _unlisted(scores, outputs).items()}
    if bad.any():
        left_out["bad STYLES.csv rows"] = int(bad.sum())
    system = text_column(rows, "system")
    systems = list(dict.fromkeys(system))
    file = text_column(rows, "file")
    if len(systems) <= 1:
        prefix = f"{systems[0]}/" if systems and systems[0] else ""
        keys = file.map(lambda f: f[len(prefix):] if prefix and f.startswith(prefix) else f)
        paired, how = True, "one system: one row per file"
    else:
        found, how = item_keys(rows)
        paired = found is not None
        keys = found.astype(str) if paired else file
        if not paired:
            how = how[0].upper() + how[1:] + "; so each file has a row of its own"
    rows = rows.assign(item=keys.to_numpy())
    items = sorted(dict.fromkeys(keys), key=natural_key)
    return ItemGrid(rows, items, systems, paired, how, left_out)


def _unlisted(scores: pd.DataFrame, outputs: pd.DataFrame) -> dict[str, int]:
    """Folder -> unlisted outputs not in ``outputs`` (none when every output was kept)."""
    status = text_column(scores, "status")
    role = text_column(scores, "role")
    gone = (status == "unlisted") & (role != ROLE_SOURCE) & ~scores.index.isin(outputs.index)
    counts = text_column(scores[gone.to_numpy()], "file").map(folder_of).value_counts().to_dict()
    return {k: int(counts[k]) for k in sorted(counts, key=natural_key)}


def system_column(system: str) -> str:
    """A system's column name in ``grid.csv``."""
    return system or NO_SYSTEM


def grid_table(grid: ItemGrid) -> pd.DataFrame:
    """``grid.csv``: ``item``, ``prompt``, ``source`` (when any output names one), then one
    column per system holding that system's file for the item, empty where it has none. A cell
    that would hold several values (two prompts for one item) joins them with `` | ``. The
    pairing rule is in ``attrs["pairing"]``."""
    rows = grid.rows
    columns = ["item", "prompt"] + (["source"] if grid.has_sources else [])
    columns += [system_column(s) for s in grid.systems]
    cells: dict[str, dict[str, list[str]]] = {}
    for item, system, file, prompt, source in zip(
            rows["item"], text_column(rows, "system"), text_column(rows, "file"),
            text_column(rows, "prompt"), text_column(rows, "source")):
        entry = cells.setdefault(item, {})
        for column, value in (("prompt", prompt), ("source", source), (system_column(system), file)):
            if value and value not in entry.setdefault(column, []):
                entry[column].append(value)
    table = pd.DataFrame([{"item": item, **{c: " | ".join(cells[item].get(c, [])) for c in columns[1:]}}
                          for item in grid.items], columns=columns)
    table.attrs["pairing"] = grid.how
    return table


__all__ = ["GRID_LEAD_COLUMNS", "ItemGrid", "grid_table", "item_grid", "system_column"]
