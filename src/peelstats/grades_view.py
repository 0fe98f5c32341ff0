"""The flat grades view: "what grade did force X get for Y in round Z?" in one table, no joins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from peelstats.errors import InputError
from peelstats.names import resolve_force
from peelstats.schema import table as schema_table

if TYPE_CHECKING:
    from peelstats.package import Package

#: The view's columns: those of the shipped ``grades`` resource, declared once in ``peelstats.schema``.
COLUMNS: tuple[str, ...] = tuple(schema_table("grades").columns)


def _pick(value: Any, known: list[str], what: str) -> Any:
    if value is None:
        return None
    if value not in known:
        raise InputError(f"grades: unknown {what} {value!r} (known: {', '.join(known)})")
    return value


def grades(
    pkg: Package,
    *,
    force: str | None = None,
    round: str | None = None,  # noqa: A002 - the public name analysts use
    level: str | None = None,
    theme: str | None = None,
    wide: bool = False,
) -> pl.DataFrame:
    """One row per force x round x graded area, known or not, with everything needed to read it.

    Columns: ``force_id``, ``force_name``, ``round_id``, ``round_title``, ``level``
    (pillar/question/area), ``area_id``, ``area_title`` (the round's own wording),
    ``theme_id``, ``grade`` (ordered ``pl.Enum``, worst first; null when unknown or not
    graded), ``rank`` (1 = worst on the round's scale), ``graded`` (false where a source says
    the area was not graded; null when nothing is known), ``carried_from``,
    ``inspection_id``, ``published`` with ``published_precision``, and the grade's source:
    ``source_kind``, ``source_title``, ``source_url``. Every area a round grades has a row for
    every force, so unknown cells are visible rather than missing. Rows are ordered by force,
    round, level (pillars first) and the area's order in its round.

    The same table, unfiltered, ships in the data package as the ``grades`` resource
    (``data/grades.csv``, ``pkg.grades_table``).

    Filters: ``force`` (a force id, name or short form: ``"Cleveland Police"``, ``"GMP"``,
    ``"the Met"``; see :func:`peelstats.names.resolve_force`), ``round``, ``level``, ``theme``.
    ``wide=True`` returns one row per force and round with a column per area (the area id
    without its round prefix) holding the grade as text.
    """
    from peelstats.package import Package

    if not isinstance(pkg, Package):
        raise InputError(f"grades: expected a loaded peelstats Package (ps.load()), got {type(pkg).__name__}")
    if force is not None:
        force = resolve_force(force, pkg.forces, fn="grades")
    round_id = _pick(round, pkg.rounds.sort("sequence")["round_id"].to_list(), "round")
    level = _pick(level, [str(v) for v in pkg.areas["level"].dtype.categories.to_list()], "level")  # type: ignore[attr-defined]
    theme = _pick(theme, sorted(pkg.themes["theme_id"].cast(pl.String).to_list()), "theme")

    judged = pkg.gradings.join(pkg.inspections.select("inspection_id", "force_id"), on="inspection_id")
    cells = (
        pkg.forces.select("force_id")
        .join(pkg.areas.filter(pl.col("graded_in_round")).select("area_id"), how="cross")
        .join(judged.select("force_id", "area_id"), on=["force_id", "area_id"], how="anti")
    )
    rows = pl.concat([judged, cells], how="diagonal_relaxed")
    ranks = pkg.scales.select("scale_id", pl.col("grade").cast(pl.String).alias("_g"), "rank")
    out = (
        rows.join(pkg.areas.select("area_id", "round_id", "level", "title", "theme_id", "seq"), on="area_id")
        .join(pkg.rounds.select("round_id", round_title="title", sequence="sequence", scale_id="scale_id"), on="round_id")
        .join(pkg.forces.select("force_id", force_name="name"), on="force_id")
        .join(pkg.inspections.select("inspection_id", "published", "published_precision"), on="inspection_id", how="left")
        .join(
            pkg.sources.select("source_id", source_kind="kind", source_title="title", source_url="url"),
            on="source_id",
            how="left",
        )
        .join(ranks, left_on=["scale_id", pl.col("grade").cast(pl.String)], right_on=["scale_id", "_g"], how="left")
        .rename({"title": "area_title"})
        .sort("force_id", "sequence", "level", "seq", "area_id", "inspection_id", nulls_last=True, maintain_order=True)
    )
    conds = []
    if force is not None:
        conds.append(pl.col("force_id") == force)
    if round_id is not None:
        conds.append(pl.col("round_id") == round_id)
    if level is not None:
        conds.append(pl.col("level") == level)
    if theme is not None:
        conds.append(pl.col("theme_id") == theme)
    if conds:
        out = out.filter(pl.all_horizontal(conds))
    out = out.select(*COLUMNS, "sequence")
    if not wide:
        return out.drop("sequence")
    twice = out.filter(pl.struct("force_id", "area_id").is_duplicated())
    if twice.height:
        f, a = twice.row(0, named=True)["force_id"], twice.row(0, named=True)["area_id"]
        raise InputError(f"grades: {f} has more than one judgment of {a} (e.g. a pilot's initial and revisit); use the long form")
    short = pl.col("area_id").str.replace(r"^peel-\d{4}(-\d{2})?-", "")
    areas = out.with_columns(_area=short).select("_area").unique(maintain_order=True)["_area"].to_list()
    table = out.with_columns(_area=short, _grade=pl.col("grade").cast(pl.String)).pivot(
        on="_area", index=["force_id", "force_name", "round_id", "round_title", "sequence"], values="_grade"
    )
    keep = [a for a in areas if a in table.columns]
    return table.sort("force_id", "sequence").select("force_id", "force_name", "round_id", "round_title", *keep)
