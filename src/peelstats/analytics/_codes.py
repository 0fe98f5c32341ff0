"""Integer codes of a column: order-preserving, 0 for null, decodable for text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

_U64 = pl.UInt64


@dataclass(frozen=True)
class Code:
    """Codes of one column: 0 for null, 1.. in the column's order; ``values[k - 1]`` decodes text codes."""

    codes: pl.Series
    top: int
    values: list[Any] | None = None


def _dtype_for(top: int) -> pl.UInt8 | pl.UInt16 | pl.UInt32 | pl.UInt64:
    for dtype, limit in ((pl.UInt8(), 2**8), (pl.UInt16(), 2**16), (pl.UInt32(), 2**32)):
        if top < limit:
            return dtype
    return pl.UInt64()


def narrow(codes: pl.Series, top: int) -> pl.Series:
    """``codes`` (0..top) in the smallest unsigned integer type that holds ``top``."""
    return codes.cast(_dtype_for(top))


def code(s: pl.Series) -> Code:
    """Order-preserving non-negative codes of ``s`` (null is 0), in the smallest unsigned type that holds them.

    Computed in that type directly, so no full-width temporary is made for a small range.
    """
    if s.dtype == pl.Date() or isinstance(s.dtype, (pl.Datetime, pl.Duration)):
        s = s.to_physical()
    n = s.len()
    if s.dtype == pl.Null() or s.null_count() == n:
        return Code(pl.zeros(n, dtype=pl.UInt8, eager=True), 0, [])
    if s.dtype == pl.Boolean():
        return Code((s.cast(pl.UInt8) + 1).fill_null(0), 2, [False, True])
    if s.dtype.is_integer():
        lo, hi = s.min(), s.max()
        assert isinstance(lo, int) and isinstance(hi, int)
        span = hi - lo + 1
        if span < 2**62:
            dtype = _dtype_for(span)
            col = pl.col(s.name)
            shifted = (col - lo) if s.dtype != _U64 else (col - pl.lit(lo, _U64))
            expr = (shifted.cast(dtype) + pl.lit(1, dtype)).fill_null(pl.lit(0, dtype))
            return Code(s.to_frame().select(expr).to_series(), span)
    elif isinstance(s.dtype, pl.Enum):
        cats = s.dtype.categories.to_list()
        dtype = _dtype_for(len(cats))
        return Code((s.to_physical().cast(dtype) + 1).cast(dtype).fill_null(0), len(cats), cats)
    elif s.dtype == pl.String() or isinstance(s.dtype, pl.Categorical):
        values = s.cast(pl.String).drop_nulls().unique().sort()
        dtype = _dtype_for(values.len())
        # computed as an expression so the codes keep the column's chunks: a Series cast to
        # Enum is one chunk, and adding a differently chunked column to a frame copies it whole
        col = pl.col(s.name).cast(pl.String).cast(pl.Enum(values)).to_physical().cast(dtype)
        codes = s.to_frame().select((col + pl.lit(1, dtype)).fill_null(pl.lit(0, dtype))).to_series()
        return Code(codes, values.len(), values.to_list())
    dense = s.rank("dense")
    top = dense.max()
    top_int = int(top) if isinstance(top, int) else 0
    return Code(narrow(dense.fill_null(0), top_int), top_int)


def row_index(n: int) -> pl.Series:
    """0 .. n - 1 in the smallest unsigned type that holds them, made in that type directly."""
    return pl.int_range(n, dtype=_dtype_for(n), eager=True)


def rank_codes(rank: pl.Series) -> pl.Series:
    """Ranks (>= 1) as small unsigned codes, 0 where the rank is null."""
    return narrow(rank.fill_null(0), top_of(rank))


def top_of(s: pl.Series) -> int:
    """The largest value of an integer column (0 when empty or all null)."""
    top = s.max()
    return int(top) if isinstance(top, int) else 0
