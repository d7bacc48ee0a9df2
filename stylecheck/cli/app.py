from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.console import Console

from .. import __version__

console = Console(stderr=False)
err_console = Console(stderr=True)

app = typer.Typer(
    name="stylecheck",
    help="Check whether synthesized speech carries the speaking style it was asked for.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"stylecheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Print the version and exit."),
) -> None:
    pass


def fail(message: str, code: int = 2) -> None:
    """Print a usage error and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def check_can_write(path, force: bool) -> None:
    """Refuse to overwrite an existing output without --force (encodec's rule)."""
    from pathlib import Path

    p = Path(path)
    if p.exists() and not force and (p.is_file() or any(p.iterdir())):
        fail(f"{p} already exists; pass --force to overwrite")
