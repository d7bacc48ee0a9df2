"""The errors stylecheck raises, under one base class.

Every error stylecheck raises derives from :class:`StylecheckError`, so a caller catches one
class and the CLI maps all of them to a one-line message and an exit code in one place
(``stylecheck.cli.app.handle_errors``). Each error also derives from the built-in exception a
caller would have caught before (``ValueError`` for a bad value, ``FileNotFoundError`` for a
missing path, ...), so code written against those keeps working.

The errors a user meets by name (a bad audio file, STYLES.csv, manifest, checkpoint, corpus
layout) are defined here, at the bottom of the package, so any layer can raise them without
importing the layer that reports them.
"""
from __future__ import annotations

import os
from pathlib import Path


class StylecheckError(Exception):
    """Base class of every error stylecheck raises.

    ``exit_code`` is what the CLI exits with: 2 for an error the user can fix in the input or
    the options (every error stylecheck raises today).
    """

    exit_code = 2


# Generic errors: a bad argument, a missing file or name, a missing optional dependency.
class InvalidValueError(StylecheckError, ValueError):
    """An argument or setting with a value stylecheck cannot use; the message says which and why."""


class MissingFileError(StylecheckError, FileNotFoundError):
    """A file or folder that should exist and does not; the message names it."""


class UnknownNameError(StylecheckError, KeyError):
    """A label, file key or registry name that is not known; the message lists what is."""

    def __str__(self) -> str:  # KeyError quotes its message; a user reads it as a sentence
        return str(self.args[0]) if self.args else ""


class WrongTypeError(StylecheckError, TypeError):
    """An argument of a type stylecheck cannot use."""


class MissingDependencyError(StylecheckError, ImportError):
    """An optional dependency (or its model files) that this use needs and that is not installed."""


class UnsupportedError(StylecheckError, NotImplementedError):
    """A combination of options this version does not support."""


# Errors of the inputs a user hands stylecheck, each naming the file and the reason.
class AudioError(StylecheckError):
    """A file that cannot be used as speech; the message names the file and the reason."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NoSpeechError(AudioError):
    """The voice-activity detector found less speech than the minimum: no style can be judged."""

    def __init__(self, path, speech_s: float, min_speech_s: float):
        self.speech_s = float(speech_s)
        super().__init__(path, f"no speech: {speech_s:.2f} s of speech detected "
                               f"(minimum {min_speech_s:g} s)")


class StylesError(StylecheckError):
    """A STYLES.csv that cannot be used; the message names the file and the reason."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ScoreError(StylecheckError):
    """A scoring run that cannot start (missing folder, bad STYLES.csv, shards that differ, ...)."""


class CheckpointError(StylecheckError):
    """A model folder that is missing, corrupt or of another format; names the folder and why."""


class ManifestError(StylecheckError):
    """A manifest that cannot be used; the message lists the bad rows (1-based CSV line numbers)."""


class SplitError(StylecheckError, ValueError):
    """Split sizes or split lists that cannot be used; the message says why."""


class CorpusLayoutError(StylecheckError, ValueError):
    """A folder that does not hold the corpus it was given as; the message names the folder and
    the naming that was expected."""


class RatingsError(StylecheckError, ValueError):
    """A ratings or votes file that cannot be used; the message names the file and line."""


class AnnotationError(StylecheckError, ValueError):
    """An annotation file that cannot be read; the message names the file and line."""


class AgreementError(StylecheckError, ValueError):
    """Inputs the agreement analysis cannot use; the message names the file and the reason."""


class ProbeError(StylecheckError, ValueError):
    """The probe cannot run as asked (a model without Dark/Bright, no usable files, bad option)."""


class AugmentError(StylecheckError, ValueError):
    """Settings or a manifest that cannot produce an augmentation; the message says why."""


class BackendUnavailable(StylecheckError, RuntimeError):
    """A voice-conversion backend whose model files cannot be found or loaded; the message says
    what to provide."""
