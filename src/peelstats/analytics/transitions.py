"""Grade transitions between consecutive graded judgments of the same entity and theme."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from peelstats.analytics._common import apply_filters, panel_of
from peelstats.analytics.panel import sort_keys
from peelstats.errors import InputError
from peelstats.vocab import GRADES

DIRECTIONS: tuple[str, ...] = ("improved", "unchanged", "declined")
DIRECTION = pl.Enum(list(DIRECTIONS))


@dataclass(frozen=True)
class Transitions:
    """Result of :func:`transitions`.

    ``counts`` has one row per observed transition: ``from_scale``, ``to_scale``,
    ``from_rank``, ``to_rank`` (and ``from_grade``, ``to_grade`` when the panel has grade
    labels), ``direction`` (improved/unchanged/declined), ``count``.
    ``comparable_pairs`` is the number of pairs counted; ``excluded_breaks`` the pairs left
    out because they cross a scale or era break (0 when a ``mapping`` is given);
    ``excluded_carried`` the carried-over judgments left out before pairing.
    """

    counts: pl.DataFrame
    comparable_pairs: int
    excluded_breaks: int
    excluded_carried: int
    mapped: bool


@dataclass(frozen=True)
class TransitionMatrix:
    """Square from x to matrix of counts and row shares, with totals by direction."""

    counts: pl.DataFrame
    shares: pl.DataFrame
    improved: int
    unchanged: int
    declined: int


def _mapping_frame(mapping: Mapping[str, Mapping[Any, int]], has_grade: bool) -> pl.DataFrame:
    rows = []
    for scale, table in mapping.items():
        if not isinstance(table, Mapping):
            raise InputError(f"transitions: mapping[{scale!r}] must map ranks or grades to comparable ranks")
        for key, value in table.items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"transitions: mapping[{scale!r}][{key!r}] must be an integer rank, got {value!r}")
            if isinstance(key, str):
                if not has_grade:
                    raise InputError("transitions: mapping by grade name needs a 'grade' column in the panel")
                rows.append({"scale": str(scale), "rank": None, "grade": key, "cmp": value})
            elif isinstance(key, int) and not isinstance(key, bool):
                rows.append({"scale": str(scale), "rank": key, "grade": None, "cmp": value})
            else:
                raise InputError(f"transitions: mapping[{scale!r}] keys must be ranks (int) or grade names (str)")
    schema = {"scale": pl.String, "rank": pl.Int64, "grade": pl.String, "cmp": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


def transitions(
    data: Any,
    *,
    theme: str | None = None,
    force: str | None = None,
    rounds: tuple[str, str] | None = None,
    include_carried: bool = False,
    mapping: Mapping[str, Mapping[Any, int]] | None = None,
) -> Transitions:
    """Count grade transitions between consecutive judgments of the same entity and theme.

    ``data`` is a loaded :class:`~peelstats.Package` or a panel frame (``entity``,
    ``theme``, ``date``, ``rank`` and optional ``scale``, ``era``, ``carried``, ``order``,
    ``grade``). Filters: ``theme``, ``force`` (entity) and ``rounds=(from_round, to_round)``
    (panels with a ``round_id`` column).

    Pairs crossing a break (a change of ``scale`` or ``era``; for the package, every round
    the inspectorate says is not comparable with the one before) are excluded and counted
    in ``excluded_breaks``. To compare across breaks, pass ``mapping``: for every scale, a
    dict from rank (int) or grade name to a common comparable rank, e.g.
    ``{"peel-4": {"good": 3, ...}, "peel-5": {"good": 3, "adequate": 3, ...}}``.
    Carried-over grades are not new judgments and are left out unless ``include_carried``.

    Returns a :class:`Transitions`; see its ``counts`` columns.
    """
    lf, pkg = panel_of(data, "transitions")
    lf = apply_filters(lf, pkg, force=force, theme=theme, fn="transitions")
    names = lf.collect_schema().names()
    has_grade = "grade" in names
    if rounds is not None:
        if "round_id" not in names:
            raise InputError("transitions: rounds=... needs a 'round_id' column in the panel")
        if pkg is not None:
            known = set(pkg.rounds["round_id"])
            for r in rounds:
                if r not in known:
                    raise InputError(f"transitions: unknown round {r!r}")
    carried_count = 0
    if not include_carried:
        carried_count = int(lf.select(pl.col("carried").sum()).collect().item() or 0)
        lf = lf.filter(~pl.col("carried"))

    cols = ["entity", "theme", "rank", "scale", "era"] + (["grade"] if has_grade else [])
    cols += [c for c in ("order", "date") if c in names]
    if rounds is not None:
        cols.append("round_id")
    lf = lf.select(cols)
    if has_grade:
        lf = lf.with_columns(pl.col("grade").cast(pl.String))
    if mapping is not None:
        mframe = _mapping_frame(mapping, has_grade).lazy()
        by_rank = mframe.filter(pl.col("rank").is_not_null()).select("scale", "rank", cmp_rank="cmp")
        lf = lf.join(by_rank, on=["scale", "rank"], how="left")
        if has_grade:
            by_grade = mframe.filter(pl.col("grade").is_not_null()).select("scale", "grade", cmp_grade="cmp")
            lf = lf.join(by_grade, on=["scale", "grade"], how="left").with_columns(cmp=pl.coalesce("cmp_rank", "cmp_grade"))
        else:
            lf = lf.with_columns(cmp=pl.col("cmp_rank"))
        unmapped = lf.filter(pl.col("cmp").is_null()).select("scale", "rank").head(1).collect()
        if unmapped.height:
            s, r = unmapped.row(0)
            raise InputError(f"transitions: mapping has no comparable rank for scale {s!r}, rank {r}")
    else:
        lf = lf.with_columns(cmp=pl.col("rank"))
    # joins do not keep row order: sort last, just before pairing neighbours
    lf = lf.sort(sort_keys([c for c in names if c in cols or c in ("order", "date")]))

    same = (pl.col("entity") == pl.col("entity").shift(1)) & (pl.col("theme") == pl.col("theme").shift(1))
    pairs = lf.with_columns(
        _same=same.fill_null(False),
        from_rank=pl.col("rank").shift(1),
        from_scale=pl.col("scale").shift(1),
        from_era=pl.col("era").shift(1),
        from_cmp=pl.col("cmp").shift(1),
        **({"from_grade": pl.col("grade").shift(1)} if has_grade else {}),
        **({"from_round": pl.col("round_id").shift(1)} if rounds is not None else {}),
    ).filter(pl.col("_same"))
    if rounds is not None:
        pairs = pairs.filter((pl.col("from_round") == rounds[0]) & (pl.col("round_id") == rounds[1]))
    is_break = (pl.col("scale") != pl.col("from_scale")) | (pl.col("era") != pl.col("from_era"))
    direction = (
        pl.when(pl.col("cmp") > pl.col("from_cmp"))
        .then(pl.lit("improved"))
        .when(pl.col("cmp") < pl.col("from_cmp"))
        .then(pl.lit("declined"))
        .otherwise(pl.lit("unchanged"))
    )
    keys = ["from_scale", "to_scale", "from_rank", "to_rank"] + (["from_grade", "to_grade"] if has_grade else [])
    agg = (
        pairs.with_columns(
            _break=is_break,
            direction=direction,
            to_scale=pl.col("scale"),
            to_rank=pl.col("rank"),
            **({"to_grade": pl.col("grade")} if has_grade else {}),
        )
        .group_by([*keys, "direction", "_break"])
        .agg(count=pl.len().cast(pl.Int64))
        .collect()
    )
    if mapping is None:
        excluded = int(agg.filter(pl.col("_break"))["count"].sum())
        agg = agg.filter(~pl.col("_break"))
    else:
        excluded = 0
    counts = agg.drop("_break").with_columns(pl.col("direction").cast(DIRECTION))
    if has_grade:
        counts = counts.with_columns(pl.col("from_grade", "to_grade").cast(pl.Enum(list(GRADES))))
    counts = counts.sort(keys + ["direction"]).select([*keys, "direction", "count"])
    return Transitions(
        counts=counts,
        comparable_pairs=int(counts["count"].sum()),
        excluded_breaks=excluded,
        excluded_carried=carried_count,
        mapped=mapping is not None,
    )


def transition_matrix(counts: pl.DataFrame | Transitions) -> TransitionMatrix:
    """The square from x to matrix of a transitions ``counts`` frame, with row shares.

    Labels are grade names when present (all five PEEL grades, worst first), else ranks.
    ``counts`` of the result: column ``from`` then one column per ``to`` label;
    ``shares``: the same with each row divided by its total (rows with no pairs are 0).
    """
    if isinstance(counts, Transitions):
        counts = counts.counts
    if "from_grade" in counts.columns:
        labels = list(GRADES)
        frm, to = pl.col("from_grade").cast(pl.String), pl.col("to_grade").cast(pl.String)
    else:
        ranks = sorted(set(counts["from_rank"].to_list()) | set(counts["to_rank"].to_list()))
        labels = [str(r) for r in ranks]
        frm, to = pl.col("from_rank").cast(pl.String), pl.col("to_rank").cast(pl.String)
    long = counts.group_by(frm.alias("from"), to.alias("to")).agg(pl.col("count").sum())
    lookup = {(f, t): c for f, t, c in long.iter_rows()}
    data: dict[str, list[Any]] = {"from": labels}
    for t in labels:
        data[t] = [int(lookup.get((f, t), 0)) for f in labels]
    square = pl.DataFrame(data, schema={"from": pl.String, **{t: pl.Int64 for t in labels}})
    if not labels:
        return TransitionMatrix(counts=square, shares=square, improved=0, unchanged=0, declined=0)
    totals = square.select(pl.sum_horizontal(labels)).to_series()
    shares = square.with_columns([(pl.col(t) / totals).fill_nan(0.0).fill_null(0.0).alias(t) for t in labels])
    by_dir = {d: int(counts.filter(pl.col("direction") == d)["count"].sum()) for d in DIRECTIONS}
    return TransitionMatrix(
        counts=square,
        shares=shares,
        improved=by_dir["improved"],
        unchanged=by_dir["unchanged"],
        declined=by_dir["declined"],
    )
