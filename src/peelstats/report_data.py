"""The tables behind the national report, built on the flat grades view (:func:`peelstats.grades`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from peelstats.coverage_report import cell_status
from peelstats.grades_view import grades

if TYPE_CHECKING:
    from peelstats.package import Package

PILLAR_ROUNDS = ("peel-2014", "peel-2015", "peel-2016", "peel-2017", "peel-2018-19")


def graded_cells(pkg: Package, *, force: str | None = None) -> pl.DataFrame:
    """Every force x area a round grades (``areas.graded_in_round``), known or not.

    Columns: those of :func:`peelstats.grades` plus ``sequence`` (the round's order),
    ``seq`` (the area's order within its round), ``framework`` (pillars/areas) and
    ``status`` (``known``, ``not graded`` or ``unknown``).
    """
    areas = pkg.areas.filter(pl.col("graded_in_round")).select("area_id", "seq")
    rounds = pkg.rounds.select("round_id", "sequence", pl.col("framework").cast(pl.String))
    return (
        grades(pkg, force=force)
        .join(areas, on="area_id")
        .join(rounds, on="round_id")
        .with_columns(status=cell_status())
        .sort("force_name", "sequence", "seq")
    )


def latest_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """For each force, the headline cells of the latest round in which it has a known grade.

    Headline cells are the pillars in the pillar rounds (2014 to 2018/19) and the areas from
    2021/22. Same columns as :func:`graded_cells`; a force with no known grade at all keeps
    one row with null ``round_id``.
    """
    headline = cells.filter((pl.col("level") == "pillar") | (pl.col("framework") == "areas"))
    latest = headline.filter(pl.col("status") == "known").group_by("force_id").agg(pl.col("sequence").max())
    rows = headline.join(latest, on=["force_id", "sequence"])
    forces = cells.select("force_id", "force_name").unique()
    none = forces.join(latest, on="force_id", how="anti")
    return pl.concat([rows, none], how="diagonal_relaxed").sort("force_name", "sequence", "seq", nulls_last=True)


def distribution(cells: pl.DataFrame) -> pl.DataFrame:
    """Grade counts per round and level, unknown and not-graded cells included.

    Columns: ``round_id``, ``round_title``, ``sequence``, ``level``, ``outcome`` (a grade, or
    ``not graded`` / ``unknown``), ``cells`` (force x area cells with that outcome), ``total``
    (cells in the round and level) and ``share`` (cells / total).
    """
    outcome = pl.coalesce(pl.col("grade").cast(pl.String), pl.col("status").cast(pl.String))
    return (
        cells.with_columns(outcome=outcome, level=pl.col("level").cast(pl.String))
        .group_by("round_id", "round_title", "sequence", "level", "outcome")
        .agg(cells=pl.len())
        .with_columns(total=pl.col("cells").sum().over("round_id", "level"))
        .with_columns(share=pl.col("cells") / pl.col("total"))
        .sort("sequence", "level", "outcome")
    )


def engage_events(pkg: Package) -> pl.DataFrame:
    """Engage (enhanced monitoring) events, one row per force, date and event, sources merged.

    Two sources reporting the same event at the same date and precision are one row with
    both sources. Columns: ``force_id``, ``force_name``, ``date``, ``date_precision``,
    ``event`` (entered/remains/exited), ``sources`` (list of structs ``url``, ``kind``,
    ``title``), ``notes`` (list of text).
    """
    src = pkg.sources.select("source_id", url="url", kind=pl.col("kind").cast(pl.String), title="title")
    return (
        pkg.monitoring.filter(pl.col("phase") == "engage")
        .join(pkg.forces.select("force_id", force_name="name"), on="force_id")
        .join(src, on="source_id", how="left")
        .group_by("force_id", "force_name", "date", "date_precision", "event", maintain_order=True)
        .agg(sources=pl.struct("url", "kind", "title"), notes=pl.col("note").drop_nulls())
        .sort("force_name", "date")
    )


def round_breaks(pkg: Package) -> pl.DataFrame:
    """Rounds with their comparability note. Columns: ``round_id``, ``title``,
    ``comparable_with_previous``, ``break_note``, ``url`` and ``source_title`` of the note's source."""
    return (
        pkg.rounds.join(
            pkg.sources.select("source_id", "url", source_title="title"),
            left_on="break_source_id",
            right_on="source_id",
            how="left",
        )
        .sort("sequence")
        .select("round_id", "title", "comparable_with_previous", "break_note", "url", "source_title")
    )
