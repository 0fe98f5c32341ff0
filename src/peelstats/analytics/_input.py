"""Frames at the boundary: polars, pandas or any Arrow PyCapsule object in, a polars DataFrame out."""

from __future__ import annotations

from typing import Any

import polars as pl

from peelstats.errors import InputError


def to_polars(obj: Any, *, name: str) -> pl.DataFrame:
    """``obj`` as an eager polars DataFrame.

    Accepts a polars DataFrame or LazyFrame, a pandas DataFrame (ordered ``Categorical``
    columns become ``pl.Enum`` in the same order) and any object with the Arrow PyCapsule
    stream interface (pyarrow tables, DuckDB results, ...). Anything else is one InputError.
    """
    if isinstance(obj, pl.DataFrame):
        return obj
    if isinstance(obj, pl.LazyFrame):
        try:
            return obj.collect()
        except pl.exceptions.PolarsError as exc:
            raise InputError(f"{name}: the LazyFrame could not be computed: {_first_line(exc)}") from None
    if type(obj).__module__.split(".")[0] == "pandas" and type(obj).__name__ == "DataFrame":
        return _from_pandas(obj, name)
    if hasattr(obj, "__arrow_c_stream__"):
        try:
            return pl.DataFrame(obj)
        except Exception as exc:  # noqa: BLE001 - any failure of a foreign object becomes one line
            raise InputError(f"{name}: could not read the Arrow data: {_first_line(exc)}") from None
    raise InputError(
        f"{name}: expected a data frame (polars, pandas, or an Arrow table), got {type(obj).__module__}.{type(obj).__name__}"
    )


def _from_pandas(df: Any, name: str) -> pl.DataFrame:
    ordered: dict[str, list[str]] = {}
    for col in df.columns:
        dtype = df[col].dtype
        if getattr(dtype, "name", "") == "category" and getattr(dtype, "ordered", False):
            ordered[str(col)] = [str(c) for c in dtype.categories]
    try:
        out = pl.from_pandas(df)
    except Exception as exc:  # noqa: BLE001
        raise InputError(f"{name}: could not convert the pandas DataFrame: {_first_line(exc)}") from None
    if ordered:
        out = out.with_columns([pl.col(c).cast(pl.String).cast(pl.Enum(cats)) for c, cats in ordered.items()])
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
