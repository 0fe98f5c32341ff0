"""Coverage of the grading data: how many force x graded-area cells are known per round."""

from __future__ import annotations

import polars as pl

from peelstats.package import Package


def coverage_table(pkg: Package, level: str | None = None) -> pl.DataFrame:
    """Per round, the force x graded-area cells that are known, not graded, or unknown.

    A cell is one force and one area that the round grades (``areas.graded_in_round``).
    ``level`` limits to ``pillar``, ``question`` or ``area`` rows of ``areas``.

    Columns: ``round_id``, ``level``, ``cells`` (forces x areas), ``known`` (a grade is
    recorded), ``not_graded`` (a source says not graded), ``unknown`` (neither),
    ``known_share`` (known / cells).
    """
    areas = pkg.areas.filter(pl.col("graded_in_round"))
    if level is not None:
        areas = areas.filter(pl.col("level") == level)
    forces = pkg.forces.select("force_id")
    cells = forces.join(areas.select("area_id", "round_id", "level"), how="cross")
    judged = pkg.gradings.join(pkg.inspections.select("inspection_id", "force_id"), on="inspection_id").select(
        "force_id",
        "area_id",
        known=pl.col("grade").is_not_null(),
        not_graded=~pl.col("graded"),
    )
    joined = cells.join(judged, on=["force_id", "area_id"], how="left").with_columns(
        pl.col("known").fill_null(False), pl.col("not_graded").fill_null(False)
    )
    out = (
        joined.group_by("round_id", "level")
        .agg(
            cells=pl.len(),
            known=pl.col("known").sum(),
            not_graded=pl.col("not_graded").sum(),
        )
        .with_columns(unknown=pl.col("cells") - pl.col("known") - pl.col("not_graded"))
        .with_columns(known_share=(pl.col("known") / pl.col("cells")).round(3))
        .join(pkg.rounds.select("round_id", "sequence"), on="round_id")
        .sort("sequence", "level")
        .drop("sequence")
    )
    return out.with_columns(pl.col("cells", "known", "not_graded", "unknown").cast(pl.Int64))


def coverage_markdown(pkg: Package) -> str:
    """The :func:`coverage_table` as a Markdown table (the one the README shows)."""
    table = coverage_table(pkg)
    lines = [
        "| round | level | cells | known | not graded | unknown | known share |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in table.iter_rows(named=True):
        lines.append(
            f"| {r['round_id']} | {r['level']} | {r['cells']} | {r['known']} | {r['not_graded']} | {r['unknown']} "
            f"| {r['known_share']:.1%} |"
        )
    return "\n".join(lines)
