"""The Typer app every command registers on, its consoles, and the one place errors become
messages: any :class:`~stylecheck.errors.StylecheckError` a command raises ends as one line on
stderr and the error's exit code (2 for usage errors), never a traceback."""
from __future__ import annotations

from typing import Optional

import typer
from typer.core import TyperGroup
from rich.console import Console

from .._version import __version__
from ..errors import StylecheckError

console = Console(stderr=False)
err_console = Console(stderr=True)

class _ErrorHandlingGroup(TyperGroup):
    """The root command group; every command and sub-group runs inside its ``invoke``, so errors
    are turned into messages here once instead of in each command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except StylecheckError as exc:
            fail(str(exc), exc.exit_code)


app = typer.Typer(
    cls=_ErrorHandlingGroup,
    name="stylecheck",
    help="Check whether synthesized speech carries the speaking style it was asked for.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: it wraps long option names and defaults at any width, where rich's option
    # table cuts them with an ellipsis below about 100 columns (tests/test_cli_basic.py).
    rich_markup_mode=None,
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
