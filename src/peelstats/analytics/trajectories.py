"""Improvement trajectories: each entity's graded judgments per theme, in order, with the change."""

from __future__ import annotations

from typing import Any

import polars as pl

from peelstats.analytics._common import apply_filters, panel_of
from peelstats.analytics.panel import sort_keys

CHANGES: tuple[str, ...] = ("first", "improved", "unchanged", "declined", "not comparable")
CHANGE = pl.Enum(list(CHANGES))


def trajectories(data: Any, *, force: str | None = None, theme: str | None = None) -> pl.DataFrame:
    """Ordered grade history per entity (force) and theme, with the change vs the previous judgment.

    ``data`` is a loaded :class:`~peelstats.Package` or a panel frame (see
    :mod:`peelstats.analytics.panel`). ``force`` and ``theme`` filter (checked against the
    package when one is given).

    Returns one row per judgment, ordered by entity, theme and date (round order for the
    package), with the panel's columns plus:

    - ``position`` (float 0-1): (rank - 1) / (scale_size - 1), the place on its own scale
      (``scale_size`` defaults to the largest rank seen on the scale);
    - ``prev_rank`` (int, null for the first judgment);
    - ``change`` (pl.Enum): ``first``, ``improved``, ``unchanged``, ``declined``, or
      ``not comparable`` when the previous judgment is on another scale or era (a break);
    - ``carried`` (bool): the grade was carried over from an earlier round, not re-judged.

    For the package the rows also carry ``force_id``, ``round_id``, ``area_id``,
    ``inspection_id``, ``grade`` and ``carried_from``.
    """
    lf, pkg = panel_of(data, "trajectories")
    lf = apply_filters(lf, pkg, force=force, theme=theme, fn="trajectories")
    names = lf.collect_schema().names()
    if "scale_size" not in names:
        sizes = lf.group_by("scale").agg(scale_size=pl.col("rank").max())
        lf = lf.join(sizes, on="scale", how="left")
        names.append("scale_size")
    lf = lf.sort(sort_keys(names))
    same = (pl.col("entity") == pl.col("entity").shift(1)) & (pl.col("theme") == pl.col("theme").shift(1))
    brk = (pl.col("scale") != pl.col("scale").shift(1)) | (pl.col("era") != pl.col("era").shift(1))
    prev = pl.when(same).then(pl.col("rank").shift(1))
    change = (
        pl.when(~same.fill_null(False))
        .then(pl.lit("first"))
        .when(brk)
        .then(pl.lit("not comparable"))
        .when(pl.col("rank") > pl.col("rank").shift(1))
        .then(pl.lit("improved"))
        .when(pl.col("rank") < pl.col("rank").shift(1))
        .then(pl.lit("declined"))
        .otherwise(pl.lit("unchanged"))
        .cast(CHANGE)
    )
    size = pl.col("scale_size").cast(pl.Float64)
    position = pl.when(size > 1).then((pl.col("rank") - 1) / (size - 1)).otherwise(None)
    return lf.with_columns(prev_rank=prev, change=change, position=position).collect()


def trajectory_summary(traj: pl.DataFrame) -> pl.DataFrame:
    """Per entity (and theme) summary of a :func:`trajectories` frame.

    Columns: ``entity``, ``theme``, ``judgments``, ``first_grade``/``latest_grade``
    (``grade`` labels when present, else ranks as text), ``first_date``, ``latest_date``,
    ``best_position`` and ``worst_position`` (0-1, comparable across scales only as
    positions), ``best_grade``, ``worst_grade``, ``improvements``, ``declines``,
    ``not_comparable``.
    """
    label = pl.col("grade").cast(pl.String) if "grade" in traj.columns else pl.col("rank").cast(pl.String)
    t = traj.with_columns(_label=label)
    return (
        t.group_by("entity", "theme", maintain_order=True)
        .agg(
            judgments=pl.len().cast(pl.Int64),
            first_grade=pl.col("_label").first(),
            latest_grade=pl.col("_label").last(),
            first_date=pl.col("date").first(),
            latest_date=pl.col("date").last(),
            best_position=pl.col("position").max(),
            worst_position=pl.col("position").min(),
            best_grade=pl.col("_label").sort_by("position").last(),
            worst_grade=pl.col("_label").sort_by("position").first(),
            improvements=(pl.col("change") == "improved").sum().cast(pl.Int64),
            declines=(pl.col("change") == "declined").sum().cast(pl.Int64),
            not_comparable=(pl.col("change") == "not comparable").sum().cast(pl.Int64),
        )
        .sort("entity", "theme")
    )
