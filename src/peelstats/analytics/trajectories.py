"""Improvement trajectories: each entity's judgments per theme, in order, with the change."""

from __future__ import annotations

import warnings
from typing import Any

import polars as pl

from peelstats.analytics._codes import narrow, rank_codes
from peelstats.analytics._common import apply_filters, is_package, panel_of
from peelstats.analytics._engine import code, link, sort_series
from peelstats.errors import InputError

CHANGES: tuple[str, ...] = ("first", "improved", "unchanged", "declined", "not comparable")
CHANGE = pl.Enum(list(CHANGES))


class LeftOutWarning(UserWarning):
    """Rows of a panel were left out of an analytic; the message counts them by reason."""


def trajectories(
    data: Any,
    *,
    force: Any = None,
    theme: Any = None,
    level: str | None = None,
    include_carried: bool = False,
) -> pl.DataFrame:
    """Ordered grade history per entity (force) and theme, with the change vs the previous judgment.

    ``data`` is a loaded :class:`~peelstats.Package` or a panel (polars, pandas or Arrow;
    see :mod:`peelstats.analytics.panel`). ``force``, ``theme`` and ``level`` filter, each
    checked against the package or the panel. Positions use the scale size of the whole
    panel, so filtering never changes them.

    Returns one row per placed row, ordered by entity, theme and ``order``/``date``, with
    the panel's columns plus:

    - ``status`` (pl.Enum): ``judgment``; ``carried`` (a grade carried over, not a new
      judgment); or why the row is not a usable judgment: ``no grade``, ``not graded``,
      ``no scale``, ``no era``;
    - ``change`` (pl.Enum) for usable judgments, null otherwise: ``first`` (no earlier
      judgment), ``improved``/``unchanged``/``declined`` vs the previous usable judgment,
      or ``not comparable`` when that one is on another scale, era or level (a break);
    - ``prev_rank`` (int, null without a previous judgment) and ``gap_before`` (bool: a
      missing judgment lies between this judgment and the previous one);
    - ``position`` (float 0-1): (rank - 1) / (scale_size - 1), the place on its own scale;
      null without a rank or on a one-grade scale.

    Carried-over grades are usable judgments only with ``include_carried`` (as in
    :func:`transitions`). Rows that cannot be placed (null entity, theme or date/order)
    are left out with a :class:`LeftOutWarning` counting them.
    """
    panel, pkg = panel_of(data, "trajectories")
    if panel.left_out:
        detail = ", ".join(f"{n} with {r}" for r, n in panel.left_out.items())
        warnings.warn(
            f"trajectories: left out {sum(panel.left_out.values())} row(s) that cannot be placed: {detail}",
            LeftOutWarning,
            stacklevel=2,
        )
    panel = apply_filters(panel, pkg, force=force, theme=theme, level=level, fn="trajectories")
    frame = panel.frame
    n = frame.height
    srt = sort_series(frame, panel.time_cols, {"_row": narrow(pl.int_range(n, dtype=pl.UInt64, eager=True), n)})
    frame = frame[srt["_row"]]
    del panel  # the unsorted frame is no longer needed
    codes: dict[str, pl.Series] = {
        "_s": srt["_s"],
        "status": (frame["status"].to_physical() + 1).cast(pl.UInt8),
        "rank": rank_codes(frame["rank"]),
        "scale": frame["_scale"],
        "era": code(frame["era"]).codes,
    }
    if "level" in frame.columns:
        codes["level"] = code(frame["level"]).codes
    ordered = pl.DataFrame(codes)
    del codes, srt
    linked = link(ordered, include_carried=include_carried, lazy=True)
    change = (
        pl.when(~pl.col("_has_prev"))
        .then(pl.lit(0, pl.UInt8))
        .when(pl.col("_break"))
        .then(pl.lit(4, pl.UInt8))
        .when(pl.col("rank") > pl.col("prev_rank"))
        .then(pl.lit(1, pl.UInt8))
        .when(pl.col("rank") < pl.col("prev_rank"))
        .then(pl.lit(3, pl.UInt8))
        .otherwise(pl.lit(2, pl.UInt8))
        .replace_strict(dict(enumerate(CHANGES)), return_dtype=CHANGE)
    )
    size = pl.col("scale_size").cast(pl.Float64)
    computed = linked.select(
        prev_rank=pl.when(pl.col("_has_prev")).then(pl.col("prev_rank").cast(pl.Int64)),
        change=pl.when(pl.col("_usable")).then(change),
        gap_before=pl.col("_has_prev") & pl.col("_gap"),
    ).collect()
    del linked, ordered
    out = frame.drop("_scale").with_columns(
        computed.to_series(0),
        computed.to_series(1),
        computed.to_series(2),
        position=pl.when(size > 1).then((pl.col("rank") - 1) / (size - 1)),
    )
    if is_package(data):
        grades = pkg.scales["grade"].dtype
        out = out.with_columns(pl.col("grade").cast(grades))
    return out


def trajectory_summary(traj: Any) -> pl.DataFrame:
    """Per entity and theme summary of a :func:`trajectories` frame (a package or panel is first passed to it).

    Columns: ``entity``, ``theme``, ``judgments`` (usable judgments), ``missing`` (rows with
    no usable judgment: unknown, not graded, no scale or era), ``first_grade``/
    ``latest_grade`` (grade labels when present, else ranks as text), ``first_date``,
    ``latest_date``, ``best_grade``/``worst_grade`` with ``best_position``/
    ``worst_position`` (0-1 on the judgment's own scale; across a break only the position
    is comparable), ``improvements``, ``declines``, ``not_comparable``.
    """
    if is_package(traj) or (isinstance(traj, pl.DataFrame) and "change" not in traj.columns):
        traj = trajectories(traj)
    if not isinstance(traj, pl.DataFrame):
        raise InputError(f"trajectory_summary: expected a trajectories() frame, got {type(traj).__name__}")
    for c in ("entity", "theme", "change", "position", "date"):
        if c not in traj.columns:
            raise InputError(f"trajectory_summary: the frame is missing column '{c}'; pass the result of trajectories()")
    label = pl.col("grade").cast(pl.String) if "grade" in traj.columns else pl.col("rank").cast(pl.String)
    usable = pl.col("change").is_not_null()
    t = traj.with_columns(_label=label, _u=usable)
    j = t.filter(pl.col("_u"))
    summary = j.group_by("entity", "theme", maintain_order=True).agg(
        judgments=pl.len().cast(pl.Int64),
        first_grade=pl.col("_label").first(),
        latest_grade=pl.col("_label").last(),
        first_date=pl.col("date").first(),
        latest_date=pl.col("date").last(),
        best_grade=pl.col("_label").sort_by("position").last(),
        best_position=pl.col("position").max(),
        worst_grade=pl.col("_label").sort_by("position").first(),
        worst_position=pl.col("position").min(),
        improvements=(pl.col("change") == "improved").sum().cast(pl.Int64),
        declines=(pl.col("change") == "declined").sum().cast(pl.Int64),
        not_comparable=(pl.col("change") == "not comparable").sum().cast(pl.Int64),
    )
    missing = (
        t.filter(~pl.col("_u") & (pl.col("status") != "carried") if "status" in t.columns else ~pl.col("_u"))
        .group_by("entity", "theme")
        .agg(missing=pl.len().cast(pl.Int64))
    )
    out = summary.join(missing, on=["entity", "theme"], how="left").with_columns(pl.col("missing").fill_null(0))
    cols = ["entity", "theme", "judgments", "missing", *[c for c in summary.columns if c not in ("entity", "theme", "judgments")]]
    return out.select(cols).sort("entity", "theme")
