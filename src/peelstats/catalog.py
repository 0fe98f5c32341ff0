"""What exists in a package: its forces, themes and rounds, and what each table's columns mean."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from peelstats.errors import InputError

if TYPE_CHECKING:
    from peelstats.package import Package


def _package(pkg: Package | None, fn: str) -> Package:
    from peelstats.package import Package, load

    if pkg is None:
        return load()
    if not isinstance(pkg, Package):
        raise InputError(f"{fn}: expected a loaded peelstats Package (ps.load()) or nothing, got {type(pkg).__name__}")
    return pkg


def forces(pkg: Package | None = None) -> pl.DataFrame:
    """Every force of the package (default: the bundled one), with the names it may be given by.

    Columns: ``force_id``, ``name`` (full name), ``also_accepted`` (list of text: the
    short forms :func:`peelstats.names.resolve_force` accepts besides the id and the full
    name, e.g. "Met", "MPS"; spelling, case and ``&``/"and" never matter), ``country``,
    ``region``. One row per force, ordered by ``force_id``.
    """
    from peelstats.names import ForceNames

    pkg = _package(pkg, "forces")
    index = ForceNames.of(pkg.forces)
    accepted = pl.DataFrame(
        {"force_id": list(index.aliases), "also_accepted": list(index.aliases.values())},
        schema={"force_id": pl.String, "also_accepted": pl.List(pl.String)},
    )
    return (
        pkg.forces.join(accepted, on="force_id", how="left")
        .select("force_id", "name", "also_accepted", "country", "region")
        .sort("force_id")
    )


def themes(pkg: Package | None = None) -> pl.DataFrame:
    """Every harmonised theme of the package (default: the bundled one) and where it is graded.

    Columns: ``theme_id``, ``kind`` (pillar or area), ``description`` (what it covers),
    ``areas`` (how many graded pillars, questions or areas of all rounds are crosswalked to
    it), ``first_round`` and ``last_round`` (round_id of the first and last round grading
    it; null when none does). One row per theme, in the vocabulary's order (pillars first).
    """
    pkg = _package(pkg, "themes")
    graded = (
        pkg.areas.filter(pl.col("graded_in_round") & pl.col("theme_id").is_not_null())
        .join(pkg.rounds.select("round_id", "sequence"), on="round_id")
        .group_by("theme_id")
        .agg(
            areas=pl.len().cast(pl.Int64),
            first_round=pl.col("round_id").sort_by("sequence").first(),
            last_round=pl.col("round_id").sort_by("sequence").last(),
        )
    )
    return (
        pkg.themes.join(graded, on="theme_id", how="left")
        .with_columns(pl.col("areas").fill_null(0))
        .sort("theme_id")
        .select("theme_id", "kind", "description", "areas", "first_round", "last_round")
    )


def rounds(pkg: Package | None = None) -> pl.DataFrame:
    """Every PEEL round of the package (default: the bundled one), in order.

    Columns: ``round_id``, ``title``, ``sequence`` (1 = first), ``years`` (publication
    years as text, e.g. "2015-2016"), ``start_year``, ``end_year``, ``framework`` (pillars
    or areas), ``levels`` (what the round grades: pillar, question, area, joined by ", ";
    null when no area of it is graded yet), ``scale_id``, ``scale`` (its grades worst to
    best, joined by " < "), ``comparable_with_previous`` (false at a break the inspectorate
    states; null where not known or for the first round) and ``break_note``.
    """
    pkg = _package(pkg, "rounds")
    scale = (
        pkg.scales.sort("rank")
        .group_by("scale_id", maintain_order=True)
        .agg(scale=pl.col("grade").cast(pl.String).str.join(" < "))
    )
    order = {lvl: i for i, lvl in enumerate(pkg.areas["level"].dtype.categories.to_list())}  # type: ignore[attr-defined]
    levels = (
        pkg.areas.filter(pl.col("graded_in_round"))
        .select("round_id", pl.col("level").cast(pl.String))
        .unique()
        .with_columns(_o=pl.col("level").replace_strict(order, return_dtype=pl.Int64))
        .sort("round_id", "_o")
        .group_by("round_id", maintain_order=True)
        .agg(levels=pl.col("level").str.join(", "))
    )
    years = (
        pl.when(pl.col("start_year") == pl.col("end_year"))
        .then(pl.col("start_year").cast(pl.String))
        .otherwise(pl.concat_str(pl.col("start_year"), pl.col("end_year"), separator="-"))
    )
    return (
        pkg.rounds.join(scale, on="scale_id", how="left")
        .join(levels, on="round_id", how="left")
        .with_columns(years=years, framework=pl.col("framework").cast(pl.String))
        .sort("sequence")
        .select(
            "round_id",
            "title",
            "sequence",
            "years",
            "start_year",
            "end_year",
            "framework",
            "levels",
            "scale_id",
            "scale",
            "comparable_with_previous",
            "break_note",
        )
    )


def describe(name: str, pkg: Package | None = None) -> pl.DataFrame:
    """The columns of table ``name`` as :mod:`peelstats.schema` defines them.

    Columns: ``column``, ``type`` (Table Schema type: string, integer, boolean, date),
    ``polars_type`` (the type the loaded table has; null when ``pkg`` is not given or lacks
    the table), ``required`` (bool), ``key`` (bool: part of the primary key),
    ``references`` (``table.column`` of a foreign key, or null), ``values`` (the
    vocabulary as a list of text, in order, or null) and ``description``. One row per
    column, in the table's order. An unknown table raises :class:`InputError` listing them.
    """
    from peelstats import schema

    if not isinstance(name, str) or name not in schema.RESOURCE_NAMES:
        raise InputError(f"describe: no table {name!r}; tables: {', '.join(schema.RESOURCE_NAMES)}")
    tbl = schema.table(name)
    refs = {col: f"{fk.table}.{ref}" for fk in tbl.foreign_keys for col, ref in zip(fk.fields, fk.reference, strict=True)}
    frame = None
    if pkg is not None and hasattr(pkg, "table"):
        frame = pkg.table(name)
    loaded = {c: str(t) for c, t in frame.schema.items()} if isinstance(frame, pl.DataFrame) else {}
    return pl.DataFrame(
        {
            "column": [f.name for f in tbl.fields],
            "type": [f.type for f in tbl.fields],
            "polars_type": [loaded.get(f.name) for f in tbl.fields],
            "required": [f.required for f in tbl.fields],
            "key": [f.name in tbl.primary_key for f in tbl.fields],
            "references": [refs.get(f.name) for f in tbl.fields],
            "values": [list(f.enum) if f.enum is not None else None for f in tbl.fields],
            "description": [f.description for f in tbl.fields],
        },
        schema={
            "column": pl.String,
            "type": pl.String,
            "polars_type": pl.String,
            "required": pl.Boolean,
            "key": pl.Boolean,
            "references": pl.String,
            "values": pl.List(pl.String),
            "description": pl.String,
        },
    )
