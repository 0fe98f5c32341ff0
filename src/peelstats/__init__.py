"""peelstats: HMICFRS PEEL inspection outcomes for the police forces of England and Wales.

>>> import peelstats as ps
>>> pkg = ps.load()                     # the bundled, versioned data package
>>> traj = ps.trajectories(pkg, force="cleveland")
>>> ps.cite()                           # cite the dataset version you used

Importing this module does no work and no I/O; matplotlib is imported only when a plot
function is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peelstats.errors import InputError, PackageError, PeelstatsError, RecordError
from peelstats.package import Package, load

if TYPE_CHECKING:  # pragma: no cover
    from peelstats.analytics.coverage import coverage
    from peelstats.analytics.trajectories import trajectories, trajectory_summary
    from peelstats.analytics.transitions import TransitionMatrix, Transitions, transition_matrix, transitions
    from peelstats.catalog import forces, rounds, themes
    from peelstats.grades_view import grades
    from peelstats.plots import plot_coverage, plot_trajectories, plot_transitions

_LAZY = {
    "trajectories": "peelstats.analytics",
    "trajectory_summary": "peelstats.analytics",
    "transitions": "peelstats.analytics",
    "transition_matrix": "peelstats.analytics",
    "coverage": "peelstats.analytics",
    "Transitions": "peelstats.analytics",
    "TransitionMatrix": "peelstats.analytics",
    "grades": "peelstats.grades_view",
    "forces": "peelstats.catalog",
    "themes": "peelstats.catalog",
    "rounds": "peelstats.catalog",
    "plot_trajectories": "peelstats.plots",
    "plot_transitions": "peelstats.plots",
    "plot_coverage": "peelstats.plots",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("peelstats")
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'peelstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})


def cite(format: str = "text", package: Package | None = None) -> str:  # noqa: A002 - public API name
    """Citation of the dataset version: ``format`` is ``"text"`` or ``"bibtex"``.

    Cites the bundled package unless a loaded ``package`` is given.
    """
    pkg = package if package is not None else load()
    return pkg.cite(format)


__all__ = [
    "Package",
    "load",
    "cite",
    "grades",
    "forces",
    "themes",
    "rounds",
    "trajectories",
    "trajectory_summary",
    "transitions",
    "transition_matrix",
    "coverage",
    "Transitions",
    "TransitionMatrix",
    "plot_trajectories",
    "plot_transitions",
    "plot_coverage",
    "PeelstatsError",
    "RecordError",
    "PackageError",
    "InputError",
]
