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


def narrow(codes: pl.Series, top: int) -> pl.Series:
    """``codes`` (0..top) in the smallest unsigned integer type that holds ``top``."""
    for dtype, limit in ((pl.UInt8, 2**8), (pl.UInt16, 2**16), (pl.UInt32, 2**32)):
        if top < limit:
            return codes.cast(dtype)
    return codes.cast(_U64)


def code(s: pl.Series) -> Code:
    """Order-preserving non-negative codes of ``s`` (null is 0), in the smallest unsigned type that holds them."""
    c = _code(s)
    return Code(narrow(c.codes, c.top), c.top, c.values)


def _code(s: pl.Series) -> Code:
    if s.dtype == pl.Date() or isinstance(s.dtype, (pl.Datetime, pl.Duration)):
        s = s.to_physical()
    if s.dtype == pl.Null() or s.null_count() == s.len():
        return Code(pl.zeros(s.len(), dtype=_U64, eager=True), 0, [])
    if s.dtype == pl.Boolean():
        return Code((s.cast(_U64) + 1).fill_null(0), 2, [False, True])
    if s.dtype.is_integer():
        lo, hi = s.min(), s.max()
        assert isinstance(lo, int) and isinstance(hi, int)
        span = hi - lo + 1
        if span < 2**62:
            shifted = (s - lo).cast(_U64) if s.dtype != _U64 else s - lo
            return Code((shifted + 1).fill_null(0), span)
    elif isinstance(s.dtype, pl.Enum):
        cats = s.dtype.categories.to_list()
        return Code((s.to_physical().cast(_U64) + 1).fill_null(0), len(cats), cats)
    elif s.dtype == pl.String() or isinstance(s.dtype, pl.Categorical):
        text = s.cast(pl.String)
        values = text.drop_nulls().unique().sort()
        codes = (text.cast(pl.Enum(values)).to_physical().cast(_U64) + 1).fill_null(0)
        return Code(codes, values.len(), values.to_list())
    dense = s.rank("dense").cast(_U64).fill_null(0)
    top = dense.max()
    return Code(dense, int(top) if isinstance(top, int) else 0)
