"""The errors stylecheck raises on purpose, under one base class.

Every error a user can cause (a bad file, a bad STYLES.csv, a missing model, a corpus laid out
otherwise than expected) derives from :class:`StylecheckError`, so a caller catches one class and
the CLI maps all of them to a one-line message and an exit code in one place
(``stylecheck.cli.errors``). Subclasses that also derive from ``ValueError`` or ``RuntimeError``
keep doing so, for callers that caught those before.
"""
from __future__ import annotations


class StylecheckError(Exception):
    """Base class of every error stylecheck raises on purpose.

    ``exit_code`` is what the CLI exits with: 2 for a usage error (the user can fix the input),
    which is every error stylecheck raises today.
    """

    exit_code = 2
