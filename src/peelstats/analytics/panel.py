"""The generic graded panel: one row per judgment of one entity on one theme.

Required columns: ``entity`` (str), ``theme`` (str), ``date`` (date or datetime),
``rank`` (int, 1 = worst). Optional: ``scale`` (str; a change of scale between two
judgments is a break), ``era`` (int/str; a change of era is a break, e.g. a new framework
on the same scale), ``scale_size`` (int, grades on the scale; else the largest rank seen on
that scale), ``carried`` (bool; a grade carried over, not a new judgment), ``order``
(sortable; orders judgments before ``date``), ``grade`` (str label). Other columns are
passed through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from peelstats.errors import InputError

if TYPE_CHECKING:
    from peelstats.package import Package

REQUIRED = ("entity", "theme", "date", "rank")
Frame = pl.DataFrame | pl.LazyFrame


def as_panel(frame: Frame, *, name: str = "panel") -> pl.LazyFrame:
    """Check a panel's columns and types and return it lazily, with defaults for optional columns.

    Raises InputError naming the first missing or mistyped column.
    """
    if not isinstance(frame, (pl.DataFrame, pl.LazyFrame)):
        raise InputError(f"{name}: expected a polars DataFrame or LazyFrame, got {type(frame).__name__}")
    lf = frame.lazy()
    schema = lf.collect_schema()
    for col in REQUIRED:
        if col not in schema:
            raise InputError(f"{name}: missing column '{col}' (a panel needs {', '.join(REQUIRED)})")
    if not schema["rank"].is_integer():
        raise InputError(f"{name}: column 'rank' must be integers (1 = worst), got {schema['rank']}")
    date_ok = schema["date"] == pl.Date() or isinstance(schema["date"], pl.Datetime)
    if not date_ok and "order" not in schema:
        raise InputError(f"{name}: column 'date' must be a date or datetime, got {schema['date']}")
    extra: list[pl.Expr] = []
    if "scale" not in schema:
        extra.append(pl.lit("default").alias("scale"))
    if "era" not in schema:
        extra.append(pl.lit(0).alias("era"))
    if "carried" not in schema:
        extra.append(pl.lit(False).alias("carried"))
    elif schema["carried"] != pl.Boolean():
        raise InputError(f"{name}: column 'carried' must be boolean, got {schema['carried']}")
    if extra:
        lf = lf.with_columns(extra)
    return lf


def sort_keys(schema_names: list[str] | set[str]) -> list[str]:
    """Keys that order a panel deterministically: entity, theme, then order/date, then rank."""
    keys = ["entity", "theme"]
    if "order" in schema_names:
        keys.append("order")
    keys += ["date", "rank", "scale"]
    return keys


def package_panel(pkg: Package) -> pl.DataFrame:
    """The package's gradings as a panel: one row per graded judgment with a theme.

    Columns: ``entity`` (= ``force_id``), ``force_id``, ``theme``, ``date`` (the
    inspection's publication date, null if unknown), ``order`` (the round's sequence),
    ``round_id``, ``area_id``, ``inspection_id``, ``grade`` (pl.Enum), ``rank`` (1 = worst
    on the round's scale), ``scale``, ``scale_size``, ``era`` (increments at every round the
    inspectorate says is not comparable with the previous one; an unknown comparability
    counts as a break), ``carried`` (bool), ``carried_from``.
    """
    rounds = pkg.rounds.sort("sequence").with_columns(
        era=(~pl.col("comparable_with_previous").fill_null(False)).cum_sum().cast(pl.Int64)
    )
    scale_size = pkg.scales.group_by("scale_id").agg(scale_size=pl.len().cast(pl.Int64))
    panel = (
        pkg.gradings.filter(pl.col("grade").is_not_null())
        .join(pkg.inspections.select("inspection_id", "force_id", "published"), on="inspection_id")
        .join(pkg.areas.select("area_id", "round_id", "theme_id"), on="area_id")
        .filter(pl.col("theme_id").is_not_null())
        .join(rounds.select("round_id", "sequence", "scale_id", "era"), on="round_id")
        .join(
            pkg.scales.select("scale_id", pl.col("grade").cast(pl.String), "rank"),
            left_on=["scale_id", pl.col("grade").cast(pl.String)],
            right_on=["scale_id", "grade"],
        )
        .join(scale_size, on="scale_id")
        .select(
            entity=pl.col("force_id"),
            force_id=pl.col("force_id"),
            theme=pl.col("theme_id").cast(pl.String),
            date=pl.col("published"),
            order=pl.col("sequence"),
            round_id=pl.col("round_id"),
            area_id=pl.col("area_id"),
            inspection_id=pl.col("inspection_id"),
            grade=pl.col("grade"),
            rank=pl.col("rank"),
            scale=pl.col("scale_id"),
            scale_size=pl.col("scale_size"),
            era=pl.col("era"),
            carried=pl.col("carried_from").is_not_null(),
            carried_from=pl.col("carried_from"),
        )
        .sort("entity", "theme", "order")
    )
    return panel
