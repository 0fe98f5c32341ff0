"""Errors the package raises for bad input: one line naming the file, entry and problem."""

from __future__ import annotations


class PeelstatsError(Exception):
    """Base class: the message is one line fit to show a user as it is."""


class RecordError(PeelstatsError, ValueError):
    """A curated record (YAML under data/records/) is malformed."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class PackageError(PeelstatsError, ValueError):
    """A data package on disk is missing, modified or not what its descriptor says."""


class InputError(PeelstatsError, ValueError):
    """A frame or argument given to an analytics or plot function is unusable."""
