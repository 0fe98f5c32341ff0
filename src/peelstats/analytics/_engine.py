"""The one pairing engine: order each series, refuse ties, link every judgment to the previous one.

A *series* is one entity and theme. Rows are ordered by ``order`` (when present) then
``date``. Each usable judgment is linked to the previous usable judgment of its series;
the link records whether any missing judgment (status in :data:`MISSING`) lies between
them (a gap) and whether the two differ in scale, era or level (a break).

Everything is done on non-negative integer codes: order-preserving codes for the time
columns, codes for entity and theme (lexical for text, the value for integers, a dense
rank when a range is too wide) and for the payload (status, rank, scale, era, ...). When
all codes fit in 64 bits they are packed into one ``UInt64`` that is sorted as one column
and unpacked again; otherwise the code columns are sorted together. Ties are refused
before any pair is formed, so both give the same frame; a test holds them equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, overload

import polars as pl

from peelstats.analytics._codes import Code, code, top_of
from peelstats.analytics.panel import STATUSES
from peelstats.errors import InputError

_U64 = pl.UInt64
_FIRST_MISSING = STATUSES.index("no grade")  # statuses from here on are missing judgments
_CARRIED = STATUSES.index("carried")


def _bits(n: int) -> int:
    return max(1, int(n).bit_length())


def sort_series(
    frame: pl.DataFrame,
    time_cols: Sequence[str],
    payload: dict[str, pl.Series],
    *,
    packed: bool | None = None,
    series_codes: tuple[Code, Code] | None = None,
    keep_series: tuple[str, ...] = (),
) -> pl.DataFrame:
    """The ``payload`` codes sorted by series and time, with ``_s``: the series' ordinal (1, 2, ...).

    ``payload`` maps names to non-negative UInt64 codes that travel with each row. Raises
    InputError when two rows of one series share their time (or, with ``order``, one of
    two rows in the same ``order`` has no date). ``packed`` forces the single-key (True)
    or multi-column (False) sort; None picks the single key when every code fits.
    ``series_codes`` are the entity and theme codes when the caller has them already;
    ``keep_series`` names those of ``_e`` (entity) and ``_f`` (theme) to add, sorted, to the result.
    """
    ent, theme = series_codes or (code(frame["entity"]), code(frame["theme"]))
    keys: dict[str, pl.Series] = {"_e": ent.codes, "_f": theme.codes}
    for i, c in enumerate(time_cols):
        keys[f"_t{i}"] = code(frame[c]).codes
    parts = {**keys, **payload}
    widths = {n: _bits(top_of(s)) for n, s in parts.items()}
    fits = sum(widths.values()) <= 64
    kept = [k for k in ("_e", "_f") if k in keep_series]
    if (fits if packed is None else packed and fits) and frame.height:
        out = _packed(parts, widths, list(keys), list(payload), [*kept, *payload])
    else:
        out = (
            pl.DataFrame(parts)
            .lazy()
            .sort(list(keys))
            .select(
                _s=((pl.col("_e") != pl.col("_e").shift(1)) | (pl.col("_f") != pl.col("_f").shift(1)))
                .fill_null(True)
                .cum_sum()
                .cast(pl.UInt32),
                _tie=_tie_expr(time_cols),
                **{n: pl.col(n) for n in [*kept, *payload]},
            )
            .collect()
        )
    _refuse_ties(frame, out, time_cols)
    return out.drop("_tie")


def take_sorted(frame: pl.DataFrame, rows: pl.Series, decoded: dict[str, pl.Series]) -> pl.DataFrame:
    """``frame``'s rows in the order ``rows``, one column at a time; ``decoded`` columns are given already.

    A column is made contiguous before its gather (a gather across many chunks is several
    times slower) and only one such copy lives at a time, so the peak is the output plus
    one column. Text columns with few values are best passed in ``decoded``, rebuilt from
    their sorted codes: gathering from a handful of values is far cheaper than a random
    gather of text.
    """
    cols = [decoded[c] if c in decoded else frame[c].rechunk().gather(rows) for c in frame.columns]
    return pl.DataFrame(cols)


def decode(codes: pl.Series, c: Code, name: str) -> pl.Series | None:
    """The text values of ``codes`` (0 is null), or None when ``c`` is not a code of text."""
    if c.values is None or (c.values and not isinstance(c.values[0], str)):
        return None
    return pl.Series(name, [None, *c.values], dtype=pl.String).gather(codes)


def _tie_expr(time_cols: Sequence[str]) -> pl.Expr:
    def same(c: str) -> pl.Expr:
        return pl.col(c) == pl.col(c).shift(1)

    tie = same("_e") & same("_f") & same("_t0")
    if len(time_cols) == 2:
        tie = tie & (same("_t1") | (pl.col("_t1").shift(1) == 0))
    return tie.fill_null(False)


def _packed(
    parts: dict[str, pl.Series], widths: dict[str, int], keys: list[str], payload: list[str], out: list[str]
) -> pl.DataFrame:
    """Sort one packed UInt64 key: payload in the low bits, series and time above; unpack ``out`` with masks."""
    order = [*keys, *payload]
    shifts: dict[str, int] = {}
    shift = 0
    for n in reversed(order):
        shifts[n] = shift
        shift += widths[n]
    expr: pl.Expr | None = None
    for n in order:
        term = pl.col(n).cast(_U64) * (1 << shifts[n]) if shifts[n] else pl.col(n).cast(_U64)
        expr = term if expr is None else expr + term
    assert expr is not None
    # built in streaming batches (no full-width temporaries per term) and sorted in place
    key = pl.DataFrame(parts).lazy().select(k=expr).collect(engine="streaming")["k"]
    key.sort(in_place=True)
    k, prev = pl.col("k"), pl.col("k").shift(1)
    diff = k.xor(prev)
    low_series = shifts["_f"]  # bits below the series (time and payload)
    low_time = shifts[keys[2]]  # bits below the first time column (the payload, and a second time column)
    new_series = (diff >= (1 << low_series)).fill_null(True) if low_series < 64 else pl.lit(True)
    tie = (diff < (1 << shifts[keys[-1]])).fill_null(False)
    if len(keys) == 4:  # order and date: also a tie when the earlier of two rows in one order has no date
        t1_prev = (prev // (1 << shifts["_t1"])).and_(pl.lit((1 << widths["_t1"]) - 1, _U64))
        tie = tie | ((diff < (1 << low_time)) & (t1_prev == 0)).fill_null(False)

    def field(n: str) -> pl.Expr:
        mask = (1 << widths[n]) - 1
        return (k // (1 << shifts[n]) if shifts[n] else k).and_(pl.lit(mask, _U64)).cast(parts[n].dtype).alias(n)

    return (
        pl.DataFrame({"k": key})
        .lazy()
        .select(new_series.cum_sum().cast(pl.UInt32).alias("_s"), tie.alias("_tie"), *[field(n) for n in out])
        .collect()
    )


def _refuse_ties(frame: pl.DataFrame, out: pl.DataFrame, time_cols: Sequence[str]) -> None:
    n = int(out["_tie"].sum())
    if not n:
        return
    # find one example in the caller's frame: the first tied row's series and time
    ties = frame.with_columns(_c=pl.lit(1)).group_by("entity", "theme", *time_cols).agg(pl.len().alias("_n"))
    dup = ties.filter(pl.col("_n") > 1)
    if dup.height == 0 and len(time_cols) == 2:  # a row with no date beside another in the same order
        by_order = frame.group_by("entity", "theme", time_cols[0]).agg(pl.len().alias("_n"), pl.col(time_cols[1]).null_count())
        dup = by_order.filter((pl.col("_n") > 1) & (pl.col(time_cols[1]) > 0)).with_columns(pl.lit(None).alias(time_cols[1]))
    row = dup.sort(pl.all().exclude("_n"), nulls_last=True).row(0, named=True) if dup.height else {}
    when = ", ".join(f"{c}={row.get(c)!r}" for c in time_cols)
    raise InputError(
        f"{n} judgment(s) share their entity, theme and {'/'.join(time_cols)} with an earlier one, so their order is "
        f"ambiguous; e.g. entity={row.get('entity')!r}, theme={row.get('theme')!r}, {when}. "
        "Keep one judgment per date, or add an 'order' column"
    )


@overload
def link(
    ordered: pl.DataFrame, *, include_carried: bool, extra: Sequence[str] = ..., lazy: Literal[False] = ...
) -> pl.DataFrame: ...
@overload
def link(ordered: pl.DataFrame, *, include_carried: bool, extra: Sequence[str] = ..., lazy: Literal[True]) -> pl.LazyFrame: ...
def link(
    ordered: pl.DataFrame, *, include_carried: bool, extra: Sequence[str] = (), lazy: bool = False
) -> pl.DataFrame | pl.LazyFrame:
    """Link each usable judgment of a :func:`sort_series` frame to the previous usable judgment of its series.

    ``ordered`` has ``_s``, ``status`` (code: index in :data:`STATUSES` + 1), ``rank``,
    ``scale``, ``era`` and optionally ``level`` (codes). Returns the same rows with
    ``_usable``, ``_has_prev`` (a usable judgment with an earlier one in its series),
    ``prev_<col>`` for rank, scale, era, level and ``extra`` (the previous usable
    judgment's codes), ``_gap`` (a missing judgment lies between the two) and ``_break``
    (scale, era or level differ). Carried rows are usable only with ``include_carried``;
    otherwise they are neither judgments nor gaps. ``lazy`` returns the query uncollected.
    """
    status = pl.col("status") - 1
    usable = (status == 0) | ((status == _CARRIED) if include_carried else pl.lit(False))
    compare = ["rank", "scale", "era"] + (["level"] if "level" in ordered.columns else [])

    def before(c: str) -> pl.Expr:  # the value at the previous usable row
        return pl.when(pl.col("_usable")).then(pl.col(c)).forward_fill().shift(1)

    brk = pl.lit(False)
    for c in compare[1:]:
        brk = brk | (pl.col(c) != pl.col(f"prev_{c}"))
    query = (
        ordered.lazy()
        .with_columns(_usable=usable, _cm=(status >= _FIRST_MISSING).cast(pl.UInt32).cum_sum())
        .with_columns(
            _has_prev=(pl.col("_usable") & (before("_s") == pl.col("_s"))).fill_null(False),
            _prev_cm=before("_cm"),
            **{f"prev_{c}": before(c) for c in dict.fromkeys([*compare, *extra])},
        )
        .with_columns(_gap=pl.col("_cm") != pl.col("_prev_cm"), _break=brk.fill_null(False))
        .drop("_cm", "_prev_cm")
    )
    return query if lazy else query.collect()
