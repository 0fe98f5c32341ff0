"""Grade transitions between consecutive known judgments of the same entity and theme.

What counts as a pair: two usable judgments of one entity and theme with no usable
judgment between them (carried-over grades are left out unless asked for). Missing
judgments (unknown grade, not graded, null scale or era) are never paired; a pair with one
between its ends *spans a gap*, is counted (``across_gap``) unless ``across_gaps=False``,
and is reported. A pair whose ends differ in scale, era or level crosses a *break* and is
left out unless a ``mapping`` makes the two scales comparable.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from peelstats.analytics._codes import rank_codes, top_of
from peelstats.analytics._common import apply_filters, check_known, is_package, merged_order, panel_of
from peelstats.analytics._engine import code, link, sort_series
from peelstats.analytics.panel import MISSING, Panel
from peelstats.errors import InputError

DIRECTIONS: tuple[str, ...] = ("improved", "unchanged", "declined")
DIRECTION = pl.Enum(list(DIRECTIONS))
_EMPTY_LEFT = pl.DataFrame(schema={"reason": pl.String, "rows": pl.Int64})


@dataclass(frozen=True)
class Transitions:
    """Result of :func:`transitions`.

    ``counts``: one row per observed kind of pair, with ``level`` (the panel's level of the
    later judgment, when it has levels), ``from_round``/``to_round`` (when it has
    ``round_id``), ``from_scale``, ``to_scale``, ``from_rank``, ``to_rank``, ``from_grade``,
    ``to_grade`` (the panel's own labels), ``across_gap`` (a missing judgment lies between
    the two), ``direction`` (improved/unchanged/declined) and ``count``.

    ``comparable_pairs``: pairs counted. ``excluded_breaks``: pairs across a scale, era or
    level break left out (0 with a ``mapping``). ``excluded_gaps``: pairs spanning a gap
    left out (only with ``across_gaps=False``). ``spanning_gaps``: counted pairs that span
    a gap. ``excluded_carried``: carried-over rows left out before pairing. ``left_out``:
    rows that are not usable judgments, by reason (``no grade``, ``not graded``, ``no
    scale``, ``no era``, ``carried``, and ``no entity``/``no theme``/``no date`` for rows
    that could not be placed).
    """

    counts: pl.DataFrame
    comparable_pairs: int
    excluded_breaks: int
    excluded_carried: int
    mapped: bool
    excluded_gaps: int = 0
    spanning_gaps: int = 0
    left_out: pl.DataFrame = field(default_factory=lambda: _EMPTY_LEFT)
    labels: dict[str, list[str]] = field(default_factory=dict)
    levels: tuple[str, ...] = ()
    round_order: tuple[str, ...] = ()

    def by_level(self) -> pl.DataFrame:
        """Pairs per level (or one row, level null, for a panel without levels): level, pairs, improved, unchanged, declined."""
        return _by(self.counts, ["level"] if "level" in self.counts.columns else [])

    def by_round_pair(self) -> pl.DataFrame:
        """Pairs per level and round pair (needs ``round_id`` in the panel).

        Columns: [level], from_round, to_round, ``rounds_skipped`` (rounds of the panel
        between the two), pairs, ``across_gap`` (pairs with a missing judgment between
        them), improved, unchanged, declined.
        """
        if "from_round" not in self.counts.columns:
            raise InputError("by_round_pair: the panel had no 'round_id' column")
        keys = (["level"] if "level" in self.counts.columns else []) + ["from_round", "to_round"]
        out = _by(self.counts, keys)
        pos = {r: i for i, r in enumerate(self.round_order)}
        skipped = [pos[b] - pos[a] - 1 if a in pos and b in pos else None for a, b in out.select("from_round", "to_round").rows()]
        out = out.with_columns(rounds_skipped=pl.Series(skipped, dtype=pl.Int64))
        return out.select(*keys, "rounds_skipped", pl.exclude(*keys, "rounds_skipped"))

    def __repr__(self) -> str:
        lines = [
            f"Transitions: {self.comparable_pairs} pairs counted"
            + (f" (levels: {', '.join(self.levels)})" if self.levels else "")
            + (", scales mapped" if self.mapped else ""),
            f"  left out: {self.excluded_breaks} across a break, {self.excluded_gaps} spanning a gap, "
            f"{self.excluded_carried} carried-over rows",
            f"  counted pairs spanning a missing judgment: {self.spanning_gaps}",
        ]
        if self.left_out.height:
            lines.append("  rows not usable: " + ", ".join(f"{r} {n}" for r, n in self.left_out.rows()))
        for row in self.by_level().iter_rows(named=True):
            lvl = f"{row['level']}: " if "level" in row else ""
            lines.append(
                f"  {lvl}{row['pairs']} pairs: {row['improved']} improved, "
                f"{row['unchanged']} unchanged, {row['declined']} declined"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<li>{html.escape(line.strip())}</li>" for line in repr(self).splitlines()[1:])
        title = html.escape(repr(self).splitlines()[0])
        return f"<div><strong>{title}</strong><ul>{head}</ul>{_html_table(self.by_level())}</div>"


@dataclass(frozen=True)
class TransitionMatrix:
    """From x to matrix of counts and row shares, with totals by direction.

    ``counts``: column ``from`` (grade labels of the earlier judgment, worst first) then one
    column per label of the later judgment; ``shares``: each row divided by its total (0
    for a row with no pairs).
    """

    counts: pl.DataFrame
    shares: pl.DataFrame
    improved: int
    unchanged: int
    declined: int
    level: str | None = None

    @property
    def total(self) -> int:
        return self.improved + self.unchanged + self.declined

    def __repr__(self) -> str:
        lvl = f" ({self.level})" if self.level else ""
        return (
            f"TransitionMatrix{lvl}: {self.total} pairs, {self.improved} improved, {self.unchanged} unchanged, "
            f"{self.declined} declined\n{self.counts}"
        )

    def _repr_html_(self) -> str:
        lvl = f" ({html.escape(self.level)})" if self.level else ""
        return (
            f"<div><strong>Transition matrix{lvl}</strong>: {self.total} pairs; {self.improved} improved, "
            f"{self.unchanged} unchanged, {self.declined} declined{_html_table(self.counts)}</div>"
        )


def _html_table(frame: pl.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in frame.rows())
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _by(counts: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    c = pl.col("count")
    aggs = [
        c.sum().alias("pairs"),
        c.filter(pl.col("across_gap")).sum().alias("across_gap"),
        *[c.filter(pl.col("direction") == d).sum().alias(d) for d in DIRECTIONS],
    ]
    if not keys:
        return counts.select(aggs).with_columns(pl.all().cast(pl.Int64))
    return counts.group_by(keys).agg(aggs).with_columns(pl.exclude(keys).cast(pl.Int64)).sort(keys)


def _check_rounds(rounds: Any, panel: Panel, pkg: Any) -> tuple[str, str]:
    if isinstance(rounds, str) or not isinstance(rounds, (tuple, list)) or len(rounds) != 2:
        raise InputError(f"transitions: rounds must be a pair (from_round, to_round), got {rounds!r}")
    a, b = (str(r) for r in rounds)
    if "round_id" not in panel.frame.columns:
        raise InputError("transitions: rounds=... needs a 'round_id' column in the panel")
    if pkg is not None:
        seq = dict(pkg.rounds.select("round_id", "sequence").rows())
        check_known(a, seq, "round", "transitions")
        check_known(b, seq, "round", "transitions")
        if seq[a] >= seq[b]:
            raise InputError(f"transitions: rounds=({a!r}, {b!r}) is not in time order; the earlier round comes first")
    else:
        known = panel.frame["round_id"].unique().to_list()
        check_known(a, known, "round", "transitions")
        check_known(b, known, "round", "transitions")
        tcol = panel.time_cols[0]
        first = panel.frame.group_by("round_id").agg(pl.col(tcol).min())
        when = dict(first.rows())
        if when[a] is not None and when[b] is not None and when[a] >= when[b]:
            raise InputError(f"transitions: rounds=({a!r}, {b!r}) is not in time order; the earlier round comes first")
    return a, b


def _mapping_lookup(mapping: Any, labels: dict[str, list[str]]) -> dict[tuple[str, int], int]:
    if not isinstance(mapping, Mapping):
        raise InputError(
            f"transitions: mapping must be a dict of scale -> {{rank or grade: comparable rank}}, got {type(mapping).__name__}"
        )
    out: dict[tuple[str, int], int] = {}
    for scale, table in mapping.items():
        if not isinstance(table, Mapping):
            raise InputError(f"transitions: mapping[{scale!r}] must map ranks or grades to comparable ranks")
        labs = labels.get(str(scale), [])
        for key, value in table.items():
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"transitions: mapping[{scale!r}][{key!r}] must be an integer rank, got {value!r}")
            if isinstance(key, str):
                if key not in labs:
                    raise InputError(f"transitions: mapping[{scale!r}] names grade {key!r}, not a grade of that scale")
                out[(str(scale), labs.index(key) + 1)] = value
            elif isinstance(key, int) and not isinstance(key, bool):
                out[(str(scale), key)] = value
            else:
                raise InputError(f"transitions: mapping[{scale!r}] keys must be ranks (int) or grade names (str)")
    return out


def transitions(
    data: Any,
    *,
    theme: Any = None,
    force: Any = None,
    level: str | None = None,
    rounds: tuple[str, str] | None = None,
    include_carried: bool = False,
    across_gaps: bool = True,
    mapping: Mapping[str, Mapping[Any, int]] | None = None,
) -> Transitions:
    """Count grade transitions between consecutive known judgments of the same entity and theme.

    ``data`` is a loaded :class:`~peelstats.Package` or a panel (polars, pandas or Arrow;
    see :mod:`peelstats.analytics.panel` for the columns). Filters, each checked: ``force``
    (the entity; on the package a force id, name or short form such as "GMP" or "the Met",
    see :func:`peelstats.names.resolve_force`), ``theme``, ``level`` (pillar/question/area
    for the package) and
    ``rounds=(from_round, to_round)`` (panels with ``round_id``; the earlier round first).

    Pairs crossing a break (a change of ``scale``, ``era`` or ``level``; for the package,
    every round the inspectorate says is not comparable with the one before) are left out
    and counted in ``excluded_breaks``, unless ``mapping`` gives, for every scale, a dict
    from rank (int) or grade name to a common comparable rank, e.g.
    ``{"peel-4": {"good": 3, ...}, "peel-5": {"good": 3, "adequate": 3, ...}}``.
    Carried-over grades are not new judgments: left out unless ``include_carried``.
    Pairs spanning a missing judgment are counted and flagged; ``across_gaps=False``
    leaves them out (``excluded_gaps``). Levels are never pooled: ``counts`` keeps them
    apart and :func:`transition_matrix` asks which one.

    Returns a :class:`Transitions`.
    """
    panel, pkg = panel_of(data, "transitions")
    panel = apply_filters(panel, pkg, force=force, theme=theme, level=level, fn="transitions")
    span = _check_rounds(rounds, panel, pkg) if rounds is not None else None
    if mapping is not None:
        lookup = _mapping_lookup(mapping, panel.labels)
    frame = panel.frame
    has_level = "level" in frame.columns
    has_round = "round_id" in frame.columns
    decode: dict[str, list[Any]] = {}
    payload: dict[str, pl.Series] = {
        "status": (frame["status"].to_physical() + 1).cast(pl.UInt8),
        "rank": rank_codes(frame["rank"]),
    }
    payload["scale"] = frame["_scale"]
    decode["scale"] = panel.scale_values
    for col, name in (("era", "era"), ("level", "level"), ("round_id", "round")):
        if col in frame.columns:
            c = code(frame[col])
            payload[name] = c.codes
            decode[name] = [None, *(c.values or [])]
    tops = {name: top_of(series) for name, series in payload.items()}
    ordered = sort_series(frame, panel.time_cols, payload)
    del payload
    pairs = link(ordered, include_carried=include_carried, extra=("round",) if has_round else (), lazy=True)
    pairs = pairs.filter(pl.col("_has_prev"))  # usable judgments with an earlier one
    if span is not None:
        codes = {v: k for k, v in enumerate(decode["round"]) if v is not None}
        pairs = pairs.filter((pl.col("prev_round") == codes[span[0]]) & (pl.col("round") == codes[span[1]]))

    status_counts = dict(frame.group_by("status").len().select(pl.col("status").cast(pl.String), "len").rows())
    carried_rows = 0 if include_carried else int(status_counts.get("carried", 0))
    reasons = [(r, int(status_counts.get(r, 0))) for r in MISSING] + [("carried", carried_rows)]
    reasons += list(panel.left_out.items())
    left_out = pl.DataFrame([r for r in reasons if r[1]], schema={"reason": pl.String, "rows": pl.Int64}, orient="row")

    keys = (["level"] if has_level else []) + (["from_round", "to_round"] if has_round else [])
    keys += ["from_scale", "to_scale", "from_rank", "to_rank"]
    fields = {
        **({"level": (pl.col("level"), tops["level"])} if has_level else {}),
        **(
            {"from_round": (pl.col("prev_round"), tops["round"]), "to_round": (pl.col("round"), tops["round"])}
            if has_round
            else {}
        ),
        "from_scale": (pl.col("prev_scale"), tops["scale"]),
        "to_scale": (pl.col("scale"), tops["scale"]),
        "from_rank": (pl.col("prev_rank"), tops["rank"]),
        "to_rank": (pl.col("rank"), tops["rank"]),
        "across_gap": (pl.col("_gap"), 1),
        "_break": (pl.col("_break"), 1),
    }
    grouped = _count_pairs(pairs, fields).with_columns(
        pl.col("from_rank", "to_rank").cast(pl.Int64), pl.col("across_gap", "_break").cast(pl.Boolean)
    )
    excluded_breaks = 0
    if mapping is None:
        excluded_breaks = int(grouped.filter(pl.col("_break"))["count"].sum())
        grouped = grouped.filter(~pl.col("_break"))
    excluded_gaps = 0
    if not across_gaps:
        excluded_gaps = int(grouped.filter(pl.col("across_gap"))["count"].sum())
        grouped = grouped.filter(~pl.col("across_gap"))
    grouped = grouped.group_by([*keys, "across_gap"]).agg(pl.col("count").sum())

    def text(col: str, table: str) -> pl.Expr:
        return pl.col(col).cast(pl.Int64).replace_strict(dict(enumerate(decode[table])), return_dtype=pl.String)

    grouped = grouped.with_columns(
        *([text("level", "level")] if has_level else []),
        *([text("from_round", "round"), text("to_round", "round")] if has_round else []),
        text("from_scale", "scale"),
        text("to_scale", "scale"),
    )
    if mapping is None:
        grouped = grouped.with_columns(_fc=pl.col("from_rank"), _tc=pl.col("to_rank"))
    else:
        ends = pl.concat(
            [grouped.select(s=pl.col("from_scale"), r=pl.col("from_rank")), grouped.select(s="to_scale", r="to_rank")]
        )
        for sc, r in ends.unique().sort("s", "r").rows():
            if (sc, r) not in lookup:
                raise InputError(f"transitions: mapping has no comparable rank for scale {sc!r}, rank {r}")
        keyed = pl.DataFrame(
            [(sc, r, v) for (sc, r), v in lookup.items()], schema={"_s": pl.String, "_r": pl.Int64, "_v": pl.Int64}, orient="row"
        )
        grouped = grouped.join(
            keyed.rename({"_v": "_fc"}), left_on=["from_scale", "from_rank"], right_on=["_s", "_r"], how="left"
        ).join(keyed.rename({"_v": "_tc"}), left_on=["to_scale", "to_rank"], right_on=["_s", "_r"], how="left")
    direction = (
        pl.when(pl.col("_tc") > pl.col("_fc"))
        .then(pl.lit("improved"))
        .when(pl.col("_tc") < pl.col("_fc"))
        .then(pl.lit("declined"))
        .otherwise(pl.lit("unchanged"))
        .cast(DIRECTION)
    )
    counts = grouped.with_columns(direction=direction).drop("_fc", "_tc")
    counts = _with_labels(counts, panel.labels).sort([*keys, "across_gap", "direction"])
    cols = [
        *keys[:-4],
        "from_scale",
        "to_scale",
        "from_rank",
        "to_rank",
        "from_grade",
        "to_grade",
        "across_gap",
        "direction",
        "count",
    ]
    counts = counts.select(cols)
    levels = tuple(sorted(counts["level"].unique().to_list())) if has_level else ()
    round_order: tuple[str, ...] = ()
    if has_round:
        firsts = frame.filter(pl.col("round_id").is_not_null()).group_by("round_id").agg(pl.col(panel.time_cols[0]).min())
        round_order = tuple(firsts.sort(panel.time_cols[0], "round_id")["round_id"].to_list())
    return Transitions(
        counts=counts,
        comparable_pairs=int(counts["count"].sum()),
        excluded_breaks=excluded_breaks,
        excluded_carried=carried_rows,
        mapped=mapping is not None,
        excluded_gaps=excluded_gaps,
        spanning_gaps=int(counts.filter(pl.col("across_gap"))["count"].sum()),
        left_out=left_out,
        labels=panel.labels,
        levels=levels,
        round_order=round_order,
    )


def _count_pairs(pairs: pl.LazyFrame, fields: dict[str, tuple[pl.Expr, int]]) -> pl.DataFrame:
    """Count pairs by small non-negative code ``fields`` (expression, largest value): one packed UInt64 key when they fit."""
    widths = [max(1, int(top).bit_length()) for _, top in fields.values()]
    codes = pairs.select(**{n: e.cast(pl.UInt64) for n, (e, _) in fields.items()})
    if sum(widths) > 64:
        return codes.group_by(list(fields)).agg(count=pl.len().cast(pl.Int64)).collect()
    shifts, shift = [], sum(widths)
    for w in widths:
        shift -= w
        shifts.append(shift)
    key = pl.sum_horizontal([pl.col(n) * (1 << sh) for n, sh in zip(fields, shifts, strict=True)])
    counted = codes.group_by(key.alias("_k")).agg(count=pl.len().cast(pl.Int64)).collect()
    return counted.select(
        *[((pl.col("_k") // (1 << sh)) % (1 << w)).alias(n) for n, sh, w in zip(fields, shifts, widths, strict=True)],
        "count",
    )


def _label_dtype(labels: dict[str, list[str]]) -> pl.DataType:
    order = merged_order(labels.values())
    return pl.Enum(order) if order else pl.String()


def _with_labels(counts: pl.DataFrame, labels: dict[str, list[str]]) -> pl.DataFrame:
    rows = [(s, i + 1, g) for s, labs in labels.items() for i, g in enumerate(labs)]
    table = pl.DataFrame(rows, schema={"_s": pl.String, "_r": pl.Int64, "_g": pl.String}, orient="row")
    dtype = _label_dtype(labels)
    out = counts.join(table, left_on=["from_scale", "from_rank"], right_on=["_s", "_r"], how="left").rename({"_g": "from_grade"})
    out = out.join(table, left_on=["to_scale", "to_rank"], right_on=["_s", "_r"], how="left").rename({"_g": "to_grade"})
    return out.with_columns(
        pl.coalesce("from_grade", pl.col("from_rank").cast(pl.String)).cast(dtype),
        pl.coalesce("to_grade", pl.col("to_rank").cast(pl.String)).cast(dtype),
    )


def transition_matrix(
    result: Transitions | pl.DataFrame, *, level: str | None = None, pool_levels: bool = False
) -> TransitionMatrix:
    """The from x to matrix of a :class:`Transitions` (or its ``counts``), with row shares.

    Labels are the panel's grade labels, worst first (every grade of the scales involved,
    observed or not), else ranks. Levels are never pooled silently: when the counts span
    several levels, pass ``level=`` (or ``pool_levels=True``).
    """
    if isinstance(result, Transitions):
        counts, labels = result.counts, result.labels
    elif isinstance(result, pl.DataFrame):
        counts, labels = result, {}
    else:
        raise InputError(
            f"transition_matrix: expected the result of transitions() or its counts frame, got {type(result).__name__}"
            + ("; call transition_matrix(transitions(pkg))" if is_package(result) else "")
        )
    need = ("from_rank", "to_rank", "direction", "count")
    for c in need:
        if c not in counts.columns:
            raise InputError(f"transition_matrix: the counts frame is missing column '{c}'")
    if "level" in counts.columns:
        present = sorted(counts["level"].drop_nulls().unique().to_list())
        if level is not None:
            check_known(level, present, "level", "transition_matrix")
            counts = counts.filter(pl.col("level") == level)
        elif len(present) > 1 and not pool_levels:
            raise InputError(
                f"transition_matrix: the counts span levels {', '.join(present)}; "
                "pass level=... (or pool_levels=True to pool them)"
            )
        elif len(present) == 1:
            level = present[0]
    elif level is not None:
        raise InputError("transition_matrix: level=... needs counts with a 'level' column")

    def side_labels(side: str) -> list[str]:
        if f"{side}_grade" not in counts.columns:
            return [str(r) for r in sorted(set(counts[f"{side}_rank"].to_list()))]
        scales = sorted(set(counts[f"{side}_scale"].to_list())) if f"{side}_scale" in counts.columns else []
        lists = [labels[s] for s in scales if s in labels]
        order = merged_order(lists) if lists else None
        if order is None:
            dtype = counts[f"{side}_grade"].dtype
            seen = counts.select(pl.col(f"{side}_grade").unique().sort())[f"{side}_grade"].cast(pl.String).to_list()
            order = [str(c) for c in dtype.categories.to_list() if c in seen] if isinstance(dtype, pl.Enum) else seen
        return order

    def key(side: str) -> pl.Expr:
        return pl.col(f"{side}_grade" if f"{side}_grade" in counts.columns else f"{side}_rank").cast(pl.String)

    rows_l, cols_l = side_labels("from"), side_labels("to")
    long = counts.group_by(key("from").alias("f"), key("to").alias("t")).agg(pl.col("count").sum())
    lookup = {(f, t): int(c) for f, t, c in long.iter_rows()}
    data: dict[str, list[Any]] = {"from": rows_l}
    for t in cols_l:
        data[t] = [lookup.get((f, t), 0) for f in rows_l]
    square = pl.DataFrame(data, schema={"from": pl.String, **{t: pl.Int64 for t in cols_l}})
    by_dir = {d: int(counts.filter(pl.col("direction").cast(pl.String) == d)["count"].sum()) for d in DIRECTIONS}
    if cols_l:
        totals = square.select(pl.sum_horizontal(cols_l)).to_series()
        shares = square.with_columns([(pl.col(t) / totals).fill_nan(0.0).fill_null(0.0).alias(t) for t in cols_l])
    else:
        shares = square
    return TransitionMatrix(
        counts=square,
        shares=shares,
        improved=by_dir["improved"],
        unchanged=by_dir["unchanged"],
        declined=by_dir["declined"],
        level=level,
    )
