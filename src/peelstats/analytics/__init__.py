"""Analytics over the data package or any graded-inspection panel: pure functions, frame in, frame out."""

from peelstats.analytics.coverage import coverage, coverage_frame, coverage_inputs
from peelstats.analytics.panel import as_panel, package_panel
from peelstats.analytics.trajectories import trajectories, trajectory_summary
from peelstats.analytics.transitions import TransitionMatrix, Transitions, transition_matrix, transitions

__all__ = [
    "as_panel",
    "package_panel",
    "trajectories",
    "trajectory_summary",
    "transitions",
    "transition_matrix",
    "Transitions",
    "TransitionMatrix",
    "coverage",
    "coverage_frame",
    "coverage_inputs",
]
