"""Random graded panels of the shapes real panels have, as lists of dicts and as frames.

Nulls in every column, duplicate dates, unsorted rows, foreign grade labels, integer and
string scales and eras, ids and eras up to 2^63, integer/date/datetime periods, an
``order`` column, carried and not-graded rows, levels and rounds, empty and one-row panels.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl

LABELS = ["Poor", "Weak", "Fair", "Sound", "Good", "Strong", "Very good", "Excellent", "Superb", "Best"]


def random_panel(rnd: random.Random) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One random panel: its rows (plain Python values) and how it is typed."""
    ent_kind = rnd.choice(["str", "int", "huge"])
    n_ent = rnd.choice([0, 1, 1, 2, 3, 5, 8])
    if ent_kind == "str":
        ents: list[Any] = rnd.sample(["a", "b", "Cleveland", "é", "x y", "10", "9", "Z"], min(n_ent, 8))
    elif ent_kind == "int":
        ents = rnd.sample(range(-5, 50), n_ent)
    else:
        ents = [rnd.choice([-(2**63), 2**63 - 1, rnd.randint(-(2**63), 2**63 - 1)]) for _ in range(n_ent)]
        ents = list(dict.fromkeys(ents))
    themes: list[Any] = rnd.sample(["t1", "t2", "prevention", "T"], rnd.randint(1, 3))
    time_kind = rnd.choice(["int", "date", "datetime", "hugeint"])
    has_order = rnd.random() < 0.25
    scale_kind = rnd.choice([None, "int", "str"])
    era_kind = rnd.choice([None, "int", "huge", "str"])
    rank_mode = rnd.choice(["rank", "rank", "rank+grade", "enum"])
    if rank_mode == "enum":
        scale_kind = rnd.choice([None, "str"])
    p_null = rnd.choice([0.0, 0.0, 0.05, 0.2])
    p_bad = rnd.choice([0.0, 0.0, 0.0, 0.02])
    has = {c: rnd.random() < 0.4 for c in ("carried", "graded", "level", "round_id", "scale_size")}
    if rank_mode == "enum":
        has["scale_size"] = False
    sizes = {"A": rnd.randint(1, 10), "B": rnd.randint(2, 10)}
    scale_names = {"A": 4, "B": 5} if scale_kind == "int" else {"A": "four", "B": "five"}
    enum_labels = LABELS[: rnd.randint(2, 10)]
    eras: list[Any] = {None: [0], "int": [0, 1, 2], "huge": [2**62, 2**62 - 1, -(2**62)], "str": ["E1", "E2"]}[era_kind]

    def when(i: int) -> Any:
        if time_kind == "int":
            return 2000 + i
        if time_kind == "hugeint":
            return i * 2**58 - 2**61
        if time_kind == "date":
            return dt.date(2014, 1, 1) + dt.timedelta(days=97 * i)
        return dt.datetime(2014, 1, 1) + dt.timedelta(days=97 * i, microseconds=rnd.randint(0, 10))

    def maybe(value: Any, p: float = p_null) -> Any:
        return None if rnd.random() < p else value

    rows: list[dict[str, Any]] = []
    for e in ents:
        for t in themes:
            times = sorted(rnd.sample(range(12), rnd.randint(0, 6)))
            for j, i in enumerate(times):
                scale = rnd.choice("AB") if scale_kind else "A"
                size = sizes[scale] if rank_mode != "enum" else len(enum_labels)
                rank = maybe(rnd.randint(1, size))
                if rank is not None and rnd.random() < p_bad:
                    rank = rnd.choice([0, -3, size + 1])
                row: dict[str, Any] = {"entity": maybe(e, p_null / 2), "theme": maybe(t, p_null / 2)}
                if has_order:
                    row["order"] = maybe(i // 2)
                    row["date"] = maybe(when(i))
                else:
                    row["date"] = maybe(when(i))
                if rank_mode == "enum":
                    row["grade"] = None if rank is None or not 1 <= rank <= size else enum_labels[rank - 1]
                else:
                    row["rank"] = rank
                    if rank_mode == "rank+grade":
                        label = LABELS[rank - 1] if rank is not None and 1 <= rank <= 10 else "?"
                        if rnd.random() < p_bad:
                            label = "Clash"
                        row["grade"] = None if rank is None else label
                if scale_kind:
                    row["scale"] = maybe(scale_names[scale])
                if era_kind:
                    row["era"] = maybe(eras[min(j // 2, len(eras) - 1)] if rnd.random() < 0.8 else rnd.choice(eras))
                if has["carried"]:
                    row["carried"] = rnd.random() < 0.15 if rnd.random() >= p_bad else None
                if has["graded"]:
                    g = rnd.random() >= 0.1
                    if not g and rnd.random() >= p_bad:
                        for c in ("rank", "grade"):
                            if c in row:
                                row[c] = None
                    row["graded"] = maybe(g)
                if has["level"]:
                    row["level"] = "pillar" if t == themes[0] else rnd.choice(["question", "area"])
                if has["round_id"]:
                    row["round_id"] = f"r{i:02d}"
                if has["scale_size"]:
                    row["scale_size"] = maybe(sizes[scale])
                rows.append(row)
            if times and rnd.random() < 0.08:  # a second judgment at the same time
                rows.append(dict(rows[-1]))
    rnd.shuffle(rows)
    info = {
        "time_kind": time_kind,
        "ent_kind": ent_kind,
        "enum_labels": enum_labels if rank_mode == "enum" else None,
        "columns": _columns(rows, has_order, rank_mode, scale_kind, era_kind, has),
        "scale_kind": scale_kind,
        "era_kind": era_kind,
    }
    return rows, info


def _columns(rows: list[dict[str, Any]], has_order: bool, rank_mode: str, scale_kind: Any, era_kind: Any, has: dict) -> list[str]:
    cols = ["entity", "theme"] + (["order"] if has_order else []) + ["date"]
    cols += ["grade"] if rank_mode == "enum" else ["rank"] + (["grade"] if rank_mode == "rank+grade" else [])
    cols += [c for c, k in (("scale", scale_kind), ("era", era_kind)) if k]
    cols += [c for c in ("carried", "graded", "level", "round_id", "scale_size") if has[c]]
    return cols


def to_frame(rows: list[dict[str, Any]], info: dict[str, Any]) -> pl.DataFrame:
    """The rows as a typed polars frame (every column present, in a fixed order)."""
    cols = info["columns"]
    time = {"int": pl.Int64, "hugeint": pl.Int64, "date": pl.Date, "datetime": pl.Datetime("us")}[info["time_kind"]]
    types: dict[str, Any] = {
        "entity": pl.String if info["ent_kind"] == "str" else pl.Int64,
        "theme": pl.String,
        "order": pl.Int64,
        "date": time,
        "rank": pl.Int64,
        "grade": pl.Enum(info["enum_labels"]) if info["enum_labels"] else pl.String,
        "scale": pl.Int64 if info["scale_kind"] == "int" else pl.String,
        "era": pl.String if info["era_kind"] == "str" else pl.Int64,
        "carried": pl.Boolean,
        "graded": pl.Boolean,
        "level": pl.String,
        "round_id": pl.String,
        "scale_size": pl.Int64,
    }
    data = {c: [r.get(c) for r in rows] for c in cols}
    return pl.DataFrame(data, schema={c: types[c] for c in cols})
