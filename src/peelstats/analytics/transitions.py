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
    frame = lf.collect()  # a projection of an in-memory frame: no copy
    carried_count = 0 if include_carried else int(frame["carried"].sum())
    raw = _pair_counts_packed(frame, include_carried, has_grade) if rounds is None else None
    if raw is None:
        kept = frame.lazy() if include_carried else frame.lazy().filter(~pl.col("carried"))
        raw = _pair_counts_sorted(kept, names, has_grade, rounds)
    keys = ["from_scale", "to_scale", "from_rank", "to_rank"] + (["from_grade", "to_grade"] if has_grade else [])
    if mapping is None:
        excluded = int(raw.filter(pl.col("_break"))["count"].sum())
        raw = raw.filter(~pl.col("_break")).with_columns(from_cmp=pl.col("from_rank"), to_cmp=pl.col("to_rank"))
    else:
        excluded = 0
        raw = _apply_mapping(raw, mapping, has_grade)
    direction = (
        pl.when(pl.col("to_cmp") > pl.col("from_cmp"))
        .then(pl.lit("improved"))
        .when(pl.col("to_cmp") < pl.col("from_cmp"))
        .then(pl.lit("declined"))
        .otherwise(pl.lit("unchanged"))
        .cast(DIRECTION)
    )
    counts = raw.with_columns(direction=direction).group_by([*keys, "direction"]).agg(pl.col("count").sum())
    if has_grade:
        counts = counts.with_columns(pl.col("from_grade", "to_grade").cast(pl.Enum(list(GRADES))))
    counts = counts.sort(keys + ["direction"]).select([*keys, "direction", pl.col("count").cast(pl.Int64)])
    return Transitions(
        counts=counts,
        comparable_pairs=int(counts["count"].sum()),
        excluded_breaks=excluded,
        excluded_carried=carried_count,
        mapped=mapping is not None,
    )


def _apply_mapping(raw: pl.DataFrame, mapping: Mapping[str, Mapping[Any, int]], has_grade: bool) -> pl.DataFrame:
    """Comparable ranks (from_cmp, to_cmp) for every pair end, from the caller's mapping."""
    mframe = _mapping_frame(mapping, has_grade)
    by_rank = {(r["scale"], r["rank"]): r["cmp"] for r in mframe.filter(pl.col("rank").is_not_null()).iter_rows(named=True)}
    by_grade = {(r["scale"], r["grade"]): r["cmp"] for r in mframe.filter(pl.col("grade").is_not_null()).iter_rows(named=True)}
    ends = []
    for side in ("from", "to"):
        cols = [f"{side}_scale", f"{side}_rank"] + ([f"{side}_grade"] if has_grade else [])
        ends.append(raw.select(cols).unique().rows())
    lookup: dict[tuple[Any, ...], int] = {}
    for rows in ends:
        for row in rows:
            scale, rank = row[0], row[1]
            value = by_rank.get((scale, rank))
            if value is None and has_grade:
                value = by_grade.get((scale, row[2]))
            if value is None:
                raise InputError(f"transitions: mapping has no comparable rank for scale {scale!r}, rank {rank}")
            lookup[tuple(row)] = value

    def cmp(side: str) -> list[int]:
        cols = [f"{side}_scale", f"{side}_rank"] + ([f"{side}_grade"] if has_grade else [])
        return [lookup[tuple(r)] for r in raw.select(cols).rows()]

    return raw.with_columns(from_cmp=pl.Series(cmp("from"), dtype=pl.Int64), to_cmp=pl.Series(cmp("to"), dtype=pl.Int64))


def _pair_counts_sorted(lf: pl.LazyFrame, names: list[str], has_grade: bool, rounds: tuple[str, str] | None) -> pl.DataFrame:
    """Pairs of neighbours after a multi-column sort (general path: any key types, round filter)."""
    cols = ["entity", "theme", "rank", "scale", "era"] + (["grade"] if has_grade else [])
    cols += [c for c in ("order", "date") if c in names]
    if rounds is not None:
        cols.append("round_id")
    lf = lf.select(cols)
    if has_grade:
        lf = lf.with_columns(pl.col("grade").cast(pl.String))
    lf = lf.sort([*sort_keys([c for c in names if c in cols]), "era"])
    same = (pl.col("entity") == pl.col("entity").shift(1)) & (pl.col("theme") == pl.col("theme").shift(1))
    pairs = lf.with_columns(
        _same=same.fill_null(False),
        from_rank=pl.col("rank").shift(1),
        from_scale=pl.col("scale").shift(1),
        from_era=pl.col("era").shift(1),
        **({"from_grade": pl.col("grade").shift(1)} if has_grade else {}),
        **({"from_round": pl.col("round_id").shift(1)} if rounds is not None else {}),
    ).filter(pl.col("_same"))
    if rounds is not None:
        pairs = pairs.filter((pl.col("from_round") == rounds[0]) & (pl.col("round_id") == rounds[1]))
    keys = ["from_scale", "to_scale", "from_rank", "to_rank"] + (["from_grade", "to_grade"] if has_grade else [])
    return (
        pairs.with_columns(
            _break=(pl.col("scale") != pl.col("from_scale")) | (pl.col("era") != pl.col("from_era")),
            to_scale=pl.col("scale"),
            to_rank=pl.col("rank"),
            **({"to_grade": pl.col("grade")} if has_grade else {}),
        )
        .group_by([*keys, "_break"])
        .agg(count=pl.len().cast(pl.Int64))
        .collect()
    )


def _bits(n: int) -> int:
    return max(1, int(n).bit_length())


def _pair_counts_packed(frame: pl.DataFrame, include_carried: bool, has_grade: bool) -> pl.DataFrame | None:
    """Pairs of neighbours from one sorted UInt64 key (fast path), or None when the key does not fit.

    Each judgment is packed into one integer: the group (entity, theme) in the high bits,
    then order/date, rank, scale and era codes. Sorting that single column orders every
    group's judgments exactly as the multi-column sort does (ties broken by rank, scale,
    era, whose codes follow their sorted values); groups may come in any order, which does
    not change the counts. A pair is then read from two neighbouring keys, so no other
    column is moved or copied.
    """
    time_cols = [c for c in ("order", "date") if c in frame.columns]
    for c in time_cols:
        if not (frame[c].dtype.is_integer() or frame[c].dtype == pl.Date()):
            return None
    if frame.height == 0:
        return None
    used = ["entity", "theme", *time_cols, "rank", "scale", "era"]
    if any(frame[c].null_count() for c in used):
        return None

    def code(col: str, ordered: bool) -> tuple[pl.Series, int, list[Any] | None]:
        s = frame[col]
        if s.dtype == pl.Date():
            s = s.to_physical()
        if s.dtype.is_integer():
            lo, hi = s.min(), s.max()
            assert isinstance(lo, int) and isinstance(hi, int)
            return (s - lo).cast(pl.UInt64), hi - lo, None
        if not ordered:  # identity is all that matters: dictionary codes in any order
            cat = s.cast(pl.String).cast(pl.Categorical).to_physical().cast(pl.UInt64)
            hi = cat.max()
            assert isinstance(hi, int)
            return cat, hi, None
        values = s.cast(pl.String).unique().sort().to_list()
        codes = s.cast(pl.String).replace_strict({v: i for i, v in enumerate(values)}, return_dtype=pl.UInt64)
        return codes, len(values) - 1, values

    specs = [("entity", False), ("theme", False), *[(c, True) for c in time_cols], ("rank", True), ("scale", True), ("era", True)]
    widths: list[int] = []
    key: pl.Series | None = None
    scale_values: list[Any] | None = None
    for col, ordered in specs:
        series, hi, values = code(col, ordered)
        width = _bits(hi)
        widths.append(width)
        if sum(widths) > 63:
            return None
        key = series if key is None else key * (1 << width) + series
        if col == "scale":
            scale_values = values
    assert key is not None
    if not include_carried:
        key = key.filter(~frame["carried"])
    rank_lo = frame["rank"].min()
    assert isinstance(rank_lo, int)
    grade_of: dict[tuple[Any, Any], Any] = {}
    if has_grade:
        combos = frame.select(pl.col("scale").cast(pl.String), "rank", pl.col("grade").cast(pl.String)).unique()
        if combos.select("scale", "rank").unique().height != combos.height:
            return None  # a (scale, rank) with two labels: use the general path
        grade_of = {(r[0], r[1]): r[2] for r in combos.rows()}
    sorted_keys = key.sort()
    del key

    w_rank, w_scale, w_era = widths[-3], widths[-2], widths[-1]
    low_bits = w_rank + w_scale + w_era
    group_div = 1 << (sum(widths) - widths[0] - widths[1])
    low = 1 << low_bits
    k, prev = pl.col("k"), pl.col("prev")
    codes = (
        pl.DataFrame({"k": sorted_keys})
        .lazy()
        .with_columns(prev=k.shift(1))  # the neighbour before any filtering
        .filter((k // group_div) == (prev // group_div))
        .group_by(code=(prev % low) * low + k % low)
        .agg(count=pl.len().cast(pl.Int64))
        .collect()
    )
    del sorted_keys

    def split(lowcode: int) -> tuple[Any, int, int]:
        era = lowcode % (1 << w_era)
        scale = (lowcode >> w_era) % (1 << w_scale)
        rank = (lowcode >> (w_era + w_scale)) + rank_lo
        name = scale_values[scale] if scale_values is not None else scale
        return name, rank, era

    rows = []
    for c, n in codes.iter_rows():
        fs, fr, fe = split(c // low)
        ts, tr, te = split(c % low)
        row: dict[str, Any] = {
            "from_scale": str(fs),
            "to_scale": str(ts),
            "from_rank": fr,
            "to_rank": tr,
            "_break": fs != ts or fe != te,
            "count": n,
        }
        if has_grade:
            row["from_grade"] = grade_of[(str(fs), fr)]
            row["to_grade"] = grade_of[(str(ts), tr)]
        rows.append(row)
    schema_out: dict[str, Any] = {
        "from_scale": pl.String,
        "to_scale": pl.String,
        "from_rank": pl.Int64,
        "to_rank": pl.Int64,
        "_break": pl.Boolean,
        "count": pl.Int64,
    }
    if has_grade:
        schema_out |= {"from_grade": pl.String, "to_grade": pl.String}
    return pl.DataFrame(rows, schema=schema_out)


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
