"""Coverage of the grading data: how many force x graded-area cells are known per round."""

from __future__ import annotations

import polars as pl

from peelstats.package import Package

CELL_STATUSES: tuple[str, ...] = ("known", "not graded", "unknown")


def cell_status() -> pl.Expr:
    """A graded cell's status from its ``grade`` and ``graded`` columns (pl.Enum of :data:`CELL_STATUSES`):
    ``known`` when a grade is stated, ``not graded`` when a source says so, else ``unknown``."""
    return (
        pl.when(pl.col("grade").is_not_null())
        .then(pl.lit("known"))
        .when(pl.col("graded") == False)  # noqa: E712 - null-aware comparison
        .then(pl.lit("not graded"))
        .otherwise(pl.lit("unknown"))
        .cast(pl.Enum(list(CELL_STATUSES)))
    )


def grading_cells(pkg: Package) -> pl.DataFrame:
    """Every force x graded area of every round, with its status: every cell known or explicitly unknown.

    Columns: ``force_id``, ``round_id``, ``area_id``, ``level``, ``theme_id``, ``status``
    (``known``, ``not graded`` or ``unknown``), ``grade`` (null unless known), ``carried_from``,
    ``source_id`` (null when unknown).
    """
    areas = pkg.areas.filter(pl.col("graded_in_round")).select("area_id", "round_id", "level", "theme_id")
    cells = pkg.forces.select("force_id").join(areas, how="cross")
    judged = pkg.gradings.join(pkg.inspections.select("inspection_id", "force_id"), on="inspection_id").select(
        "force_id", "area_id", "grade", "graded", "carried_from", "source_id"
    )
    return (
        cells.join(judged, on=["force_id", "area_id"], how="left")
        .with_columns(status=cell_status())
        .select("force_id", "round_id", "area_id", "level", "theme_id", "status", "grade", "carried_from", "source_id")
        .sort("force_id", "round_id", "area_id")
    )


def _per_force(pkg: Package) -> pl.DataFrame:
    """Per round, level and force: the counts of known, not graded and unknown cells of :func:`grading_cells`."""
    status = pl.col("status")
    return (
        grading_cells(pkg)
        .group_by("round_id", "level", "force_id")
        .agg(
            known=(status == "known").sum(),
            not_graded=(status == "not graded").sum(),
            unknown=(status == "unknown").sum(),
        )
    )


def coverage_table(pkg: Package, level: str | None = None) -> pl.DataFrame:
    """Per round, the force x graded-area cells that are known, not graded, or unknown.

    A cell is one force and one area that the round grades (``areas.graded_in_round``); the
    cells are those of :func:`grading_cells`. ``level`` limits to ``pillar``, ``question`` or
    ``area`` rows of ``areas``.

    Columns: ``round_id``, ``level``, ``cells`` (forces x areas), ``known`` (a grade is
    recorded), ``not_graded`` (a source says not graded), ``unknown`` (neither),
    ``known_share`` (known / cells), ``forces_with_none`` (forces with no known grade at that
    round and level).
    """
    per_force = _per_force(pkg)
    if level is not None:
        per_force = per_force.filter(pl.col("level") == level)
    out = (
        per_force.group_by("round_id", "level")
        .agg(
            pl.col("known", "not_graded", "unknown").sum(),
            forces_with_none=(pl.col("known") == 0).sum(),
        )
        .with_columns(cells=pl.col("known") + pl.col("not_graded") + pl.col("unknown"))
        .with_columns(known_share=(pl.col("known") / pl.col("cells")).round(3))
        .join(pkg.rounds.select("round_id", "sequence"), on="round_id")
        .sort("sequence", "level")
        .select("round_id", "level", "cells", "known", "not_graded", "unknown", "known_share", "forces_with_none")
    )
    return out.with_columns(pl.col("cells", "known", "not_graded", "unknown", "forces_with_none").cast(pl.Int64))


def forces_without_grades(pkg: Package) -> pl.DataFrame:
    """The forces with no known grade at a round and level (the ``forces_with_none`` of :func:`coverage_table`).

    Columns: ``round_id``, ``level``, ``force_id``, ``name`` (the force's name), ``not_graded``
    (cells a source states were not graded), ``unknown`` (cells no source states), sorted by
    round, level and force.
    """
    return (
        _per_force(pkg)
        .filter(pl.col("known") == 0)
        .join(pkg.forces.select("force_id", "name"), on="force_id", how="left")
        .join(pkg.rounds.select("round_id", "sequence"), on="round_id")
        .sort("sequence", "level", "force_id")
        .select("round_id", "level", "force_id", "name", pl.col("not_graded", "unknown").cast(pl.Int64))
    )


def dating_table(pkg: Package) -> pl.DataFrame:
    """Per round, how many inspections have a publication date and how precise it is.

    Inspections outside a round (revisit letters, accelerated causes of concern) form the row
    with a null ``round_id``, last. Columns: ``round_id``, ``inspections``, ``dated``
    (``published`` is known), ``to_the_day``, ``month_or_year`` (``published_precision`` is
    ``month`` or ``year``), ``dated_share`` (dated / inspections).
    """
    ins = pkg.inspections
    out = (
        ins.group_by("round_id")
        .agg(
            inspections=pl.len(),
            dated=pl.col("published").is_not_null().sum(),
            to_the_day=(pl.col("published").is_not_null() & (pl.col("published_precision") == "day")).sum(),
            month_or_year=(pl.col("published").is_not_null() & pl.col("published_precision").is_in(["month", "year"])).sum(),
        )
        .with_columns(dated_share=(pl.col("dated") / pl.col("inspections")).round(3))
        .join(pkg.rounds.select("round_id", "sequence"), on="round_id", how="left")
        .sort("sequence", nulls_last=True)
        .drop("sequence")
    )
    return out.with_columns(pl.col("inspections", "dated", "to_the_day", "month_or_year").cast(pl.Int64))


def coverage_markdown(pkg: Package) -> str:
    """The :func:`coverage_table` as a Markdown table (the one the README shows)."""
    table = coverage_table(pkg)
    lines = [
        "| round | level | cells | known | not graded | unknown | known share | forces with none known |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in table.iter_rows(named=True):
        lines.append(
            f"| {r['round_id']} | {r['level']} | {r['cells']} | {r['known']} | {r['not_graded']} | {r['unknown']} "
            f"| {r['known_share']:.1%} | {r['forces_with_none']} |"
        )
    dates = dating_table(pkg)
    total, dated = int(dates["inspections"].sum()), int(dates["dated"].sum())
    rough = int(dates["month_or_year"].sum())
    lines += [
        "",
        f"Inspections with a publication date: {dated} of {total} ({dated / total:.1%}); "
        f"{rough} of them known only to the month or year.",
    ]
    return "\n".join(lines)
