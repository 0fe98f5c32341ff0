"""Improvement trajectories: each entity's judgments per theme, in order, with the change."""

from __future__ import annotations

import warnings
from typing import Any

import polars as pl

from peelstats.analytics._codes import rank_codes, row_index, top_of
from peelstats.analytics._common import apply_filters, is_package, panel_of
from peelstats.analytics._engine import code, decode, link, sort_series, take_sorted
from peelstats.analytics.panel import with_scale_size
from peelstats.errors import InputError

CHANGES: tuple[str, ...] = ("first", "improved", "unchanged", "declined", "not comparable")
CHANGE = pl.Enum(list(CHANGES))


_LOOKUP_LIMIT = 1 << 16  # entries of the position table; beyond it (huge ranks) position is computed


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
    checked against the package or the panel; on the package ``force`` may be named as
    people write it ("Cleveland Police", "GMP", "the Met": :func:`peelstats.names.resolve_force`),
    on a panel the entity is matched exactly. Positions use the scale size of the whole
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
    ent, theme_code = code(frame["entity"]), code(frame["theme"])
    srt = sort_series(
        frame,
        panel.time_cols,
        {"_row": row_index(n), "_scale": frame["_scale"]},
        series_codes=(ent, theme_code),
        keep_series=tuple(k for k, c in (("_e", "entity"), ("_f", "theme")) if frame.schema[c] == pl.String()),
    )
    # text columns with codes are rebuilt from their sorted codes; the rest are gathered
    text = {c: (srt[k], c_code) for k, c, c_code in (("_e", "entity", ent), ("_f", "theme", theme_code)) if k in srt.columns}
    decoded = {c: d for c, (codes, c_code) in text.items() if (d := decode(codes, c_code, c)) is not None}
    if frame.schema["scale"] == pl.String():
        decoded["scale"] = pl.Series("scale", panel.scale_values, dtype=pl.String).gather(srt["_scale"])
    decoded["_scale"] = srt["_scale"]
    sizes = panel.sizes
    given_sizes = "scale_size" in frame.columns
    frame = with_scale_size(take_sorted(frame, srt["_row"], decoded), sizes)
    run = srt["_s"]
    del panel, decoded, text, ent, theme_code, srt  # the unsorted frame and the sort's codes are no longer needed
    codes: dict[str, pl.Series] = {
        "_s": run,
        "status": (frame["status"].to_physical() + 1).cast(pl.UInt8),
        "rank": rank_codes(frame["rank"]),
        "scale": frame["_scale"],
        "era": code(frame["era"]).codes,
    }
    if "level" in frame.columns:
        codes["level"] = code(frame["level"]).codes
    ordered = pl.DataFrame(codes)
    del codes, run
    # position from a small (scale x rank) table when every size is its scale's and the table stays small
    top_rank = top_of(ordered["rank"])
    lookup = not given_sizes and len(sizes or [None]) * (top_rank + 1) <= _LOOKUP_LIMIT
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
    computed = linked.select(
        prev_rank=pl.when(pl.col("_has_prev")).then(pl.col("prev_rank").cast(pl.Int64)),
        change=pl.when(pl.col("_usable")).then(change),
        gap_before=pl.col("_has_prev") & pl.col("_gap"),
        **({"position": _position_of_codes(sizes, top_rank)} if lookup else {}),
    ).collect(engine="streaming")
    del linked, ordered
    if not lookup:
        size = pl.col("scale_size").cast(pl.Float64)
        computed = computed.with_columns(frame.select(position=pl.when(size > 1).then((pl.col("rank") - 1) / (size - 1))))
    out = frame.drop("_scale").with_columns(computed)
    if is_package(data):
        grades = pkg.scales["grade"].dtype
        out = out.with_columns(pl.col("grade").cast(grades))
    return out


def _position_of_codes(sizes: list[int | None], top_rank: int) -> pl.Expr:
    """``position`` from the scale and rank codes when every row's size is its scale's: a lookup, not arithmetic.

    Entry ``scale * (top_rank + 1) + rank`` of a small table holds (rank - 1) / (size - 1),
    null for a null rank (code 0), a scale without a size or a one-grade scale.
    """
    width = top_rank + 1
    table: list[float | None] = []
    for size in sizes or [None]:
        for rank in range(width):
            ok = size is not None and size > 1 and rank >= 1
            table.append((rank - 1) / (size - 1) if ok and size is not None else None)
    index = pl.col("scale").cast(pl.UInt32) * width + pl.col("rank").cast(pl.UInt32)
    return pl.lit(pl.Series(table, dtype=pl.Float64)).gather(index)


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
