"""Errors the package raises for bad input: one line naming the file, entry and problem."""

from __future__ import annotations


class PeelstatsError(Exception):
    """Base class: the message is one line fit to show a user as it is."""


def one_line(text: str) -> str:
    """``text`` with every unprintable character (newlines, tabs, controls) escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class RecordError(PeelstatsError, ValueError):
    """A curated record (YAML under data/records/) is malformed. The message is always one line."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = one_line(where)
        self.problem = one_line(problem)
        super().__init__(f"{self.where}: {self.problem}")


class PackageError(PeelstatsError, ValueError):
    """A data package on disk is missing, modified or not what its descriptor says."""


class InputError(PeelstatsError, ValueError):
    """A frame or argument given to an analytics or plot function is unusable."""
