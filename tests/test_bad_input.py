"""Every public function, given bad input, raises one PeelstatsError line: never a raw Python or polars exception."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

import peelstats as ps
from peelstats.analytics import as_panel, coverage_frame

GOOD = pl.DataFrame({"entity": ["a", "a"], "theme": ["t", "t"], "date": [2020, 2021], "rank": [1, 2]})
BAD_FRAMES: list[Any] = [
    None,
    5,
    "panel.csv",
    [1, 2],
    pl.DataFrame({"x": [1]}),
    pl.DataFrame(),
    GOOD.with_columns(rank=pl.lit(1.5)),
    GOOD.with_columns(date=pl.lit("2020")),
    GOOD.with_columns(carried=pl.lit(None, pl.Boolean)),
    GOOD.with_columns(carried=pl.lit(1)),
    GOOD.with_columns(graded=pl.lit("yes")),
    GOOD.with_columns(scale_size=pl.lit("4")),
    GOOD.with_columns(grade=pl.lit(1.5)),
    GOOD.with_columns(rank=pl.lit(0)),
    GOOD.with_columns(pl.lit(2020).alias("date")),
    GOOD.with_columns(scale=pl.lit([1, 2])),
    GOOD.lazy().with_columns(rank=pl.col("rank").str.len_chars()),
]


def _calls(pkg: ps.Package) -> list[tuple[str, Callable[[Any], Any]]]:
    return [
        ("trajectories", lambda x: ps.trajectories(x)),
        ("trajectory_summary", lambda x: ps.trajectory_summary(x)),
        ("transitions", lambda x: ps.transitions(x)),
        ("transition_matrix", lambda x: ps.transition_matrix(x)),
        ("as_panel", lambda x: as_panel(x)),
        ("plot_trajectories", lambda x: ps.plot_trajectories(x)),
        ("plot_transitions", lambda x: ps.plot_transitions(x)),
        ("plot_coverage", lambda x: ps.plot_coverage(x)),
        ("coverage", lambda x: ps.coverage(x)),
        ("coverage_frame", lambda x: coverage_frame(x, x, x, x)),
    ]


def test_every_public_function_refuses_bad_frames_in_one_line(pkg: ps.Package) -> None:
    import matplotlib

    matplotlib.use("Agg")
    raised = 0
    for name, call in _calls(pkg):
        for bad in BAD_FRAMES:
            try:
                call(bad)
            except ps.PeelstatsError as exc:
                assert "\n" not in str(exc), (name, str(exc))
                raised += 1
            except Exception as exc:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{name}({bad!r:.60}) raised {type(exc).__name__}: {exc}")
    assert raised >= len(_calls(pkg)) * (len(BAD_FRAMES) - 3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda pkg: ps.transitions(pkg, force="nowhere"), "unknown force"),
        (lambda pkg: ps.transitions(pkg, theme=5), "unknown theme"),
        (lambda pkg: ps.transitions(pkg, level="national"), "unknown level"),
        (lambda pkg: ps.transitions(pkg, rounds=5), "must be a pair"),
        (lambda pkg: ps.transitions(pkg, mapping=[1]), "mapping must be a dict"),
        (lambda pkg: ps.transitions(pkg, mapping={"peel-4": {"great": 1}}), "not a grade of that scale"),
        (lambda pkg: ps.transitions(pkg, mapping={"peel-4": {1: "x"}}), "must be an integer rank"),
        (lambda pkg: ps.trajectories(pkg, level="x"), "unknown level"),
        (lambda pkg: ps.transition_matrix(ps.transitions(pkg), level="area"), "unknown level"),
        (lambda pkg: ps.coverage(pkg, by="galaxy"), "by must be one of"),
        (lambda pkg: ps.coverage(pkg, by=["nope"]), "cannot group by 'nope'"),
        (lambda pkg: ps.coverage(GOOD), "expected a loaded peelstats Package"),
        (lambda pkg: ps.load("/nonexistent/datapackage.json"), "datapackage"),
        (lambda pkg: ps.plot_trajectories(ps.trajectories(pkg, force="cleveland"), themes=["nope"]), "unknown theme"),
        (lambda pkg: ps.transitions(GOOD, rounds=("r1", "r2")), "needs a 'round_id' column"),
        (lambda pkg: ps.transitions(GOOD, level="pillar"), "needs a 'level' column"),
        (
            lambda pkg: ps.transitions(
                GOOD.with_columns(grade=pl.Series(["x", "y"]), rank=pl.Series([1, 1])).with_columns(date=pl.Series([1, 2]))
            ),
            "grade labels disagree",
        ),
        (lambda pkg: ps.transitions(GOOD.with_columns(graded=pl.lit(False))), "graded = false but have a rank"),
        (lambda pkg: ps.transitions(GOOD.with_columns(date=pl.lit(dt.date(2020, 1, 1)))), "ambiguous"),
    ],
)
def test_bad_arguments_are_one_clear_line(pkg: ps.Package, call: Callable[[ps.Package], Any], match: str) -> None:
    with pytest.raises(ps.PeelstatsError, match=match) as info:
        call(pkg)
    assert "\n" not in str(info.value)
