"""A deliberately plain reference for the pairing rules: lists of dicts, sort, walk, count.

It shares no code with peelstats. It reads the panel contract from the docs of
``peelstats.analytics.panel`` and ``peelstats.analytics.transitions`` and implements it
in the most obvious way. ``Refused`` stands for "the library must raise InputError".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

MISSING = ("no grade", "not graded", "no scale", "no era")


class Refused(Exception):
    pass


def _ranks(rows: list[dict[str, Any]], enum_labels: list[str] | None) -> None:
    for r in rows:
        if "rank" not in r:
            g = r.get("grade")
            r["rank"] = None if g is None else enum_labels.index(g) + 1  # type: ignore[union-attr]


def prepare(
    rows: list[dict[str, Any]], *, enum_labels: list[str] | None = None
) -> tuple[list[dict[str, Any]], Counter[str], dict]:
    """Validate, give every row a status and scale size; return placed rows, unplaced counts and labels."""
    rows = [dict(r) for r in rows]
    has_rank = all("rank" in r for r in rows) if rows else True
    _ranks(rows, enum_labels)
    for r in rows:
        if r.get("carried", False) is None:
            raise Refused("null carried")
        r.setdefault("carried", False)
        r["scale"] = None if r.get("scale", "default") is None else str(r.get("scale", "default"))
        r.setdefault("era", 0)
        if r.get("grade") is not None and r["rank"] is None:
            raise Refused("grade without rank")
        if r["rank"] is not None and r["rank"] < 1:
            raise Refused("rank below 1")
        if r["rank"] is not None and r["rank"] > 1000:
            raise Refused("rank above the largest scale peelstats accepts")
        if r.get("graded") is False and r["rank"] is not None:
            raise Refused("graded false with a rank")
    biggest: dict[str, int] = {}
    for r in rows:
        if r["rank"] is not None and r["scale"] is not None:
            biggest[r["scale"]] = max(biggest.get(r["scale"], 0), r["rank"])
    for r in rows:
        size = r.get("scale_size")
        if size is None:
            if enum_labels is not None and not has_rank:
                size = len(enum_labels) if r["scale"] in biggest else None
            else:
                size = biggest.get(r["scale"]) if r["scale"] is not None else None
        r["scale_size"] = size
        if r["rank"] is not None and size is not None and r["rank"] > size:
            raise Refused("rank above scale size")
    labels: dict[tuple[str, int], str] = {}
    seen_rank: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["rank"] is None or r.get("grade") is None or r["scale"] is None:
            continue
        key = (r["scale"], r["rank"])
        if labels.setdefault(key, r["grade"]) != r["grade"]:
            raise Refused("two labels for one rank")
        if seen_rank.setdefault((r["scale"], r["grade"]), r["rank"]) != r["rank"]:
            raise Refused("one label, two ranks")
    placed, unplaced = [], Counter()
    for r in rows:
        if r["entity"] is None:
            unplaced["no entity"] += 1
        elif r["theme"] is None:
            unplaced["no theme"] += 1
        elif ("order" in r and r["order"] is None) or ("order" not in r and r["date"] is None):
            unplaced["no date"] += 1
        else:
            placed.append(r)
    for r in placed:
        if r.get("graded") is False:
            r["status"] = "not graded"
        elif r["rank"] is None:
            r["status"] = "no grade"
        elif r["scale"] is None:
            r["status"] = "no scale"
        elif r["era"] is None:
            r["status"] = "no era"
        elif r["carried"]:
            r["status"] = "carried"
        else:
            r["status"] = "judgment"
    return placed, unplaced, labels


def series(placed: list[dict[str, Any]]) -> dict[tuple[Any, Any], list[dict[str, Any]]]:
    """Rows per (entity, theme), in time order; Refused on a tie."""
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for r in placed:
        groups.setdefault((r["entity"], r["theme"]), []).append(r)
    for rows in groups.values():
        if "order" in rows[0]:
            rows.sort(key=lambda r: (r["order"], r["date"] is not None, r["date"] if r["date"] is not None else 0))
            for a, b in zip(rows, rows[1:], strict=False):
                if a["order"] == b["order"] and (a["date"] is None or a["date"] == b["date"]):
                    raise Refused("tie")
        else:
            rows.sort(key=lambda r: r["date"])
            for a, b in zip(rows, rows[1:], strict=False):
                if a["date"] == b["date"]:
                    raise Refused("tie")
    return groups


def walk(placed: list[dict[str, Any]], include_carried: bool) -> list[tuple[dict[str, Any], dict[str, Any] | None, bool]]:
    """(row, previous usable judgment or None, a missing judgment between) for every usable judgment."""
    out = []
    for rows in series(placed).values():
        prev, gap = None, False
        for r in rows:
            usable = r["status"] == "judgment" or (include_carried and r["status"] == "carried")
            if r["status"] in MISSING:
                gap = True
            if not usable:
                continue
            out.append((r, prev, gap and prev is not None))
            prev, gap = r, False
    return out


def transitions(
    rows: list[dict[str, Any]], *, include_carried: bool = False, across_gaps: bool = True, enum_labels: list[str] | None = None
) -> dict[str, Any]:
    placed, unplaced, labels = prepare(rows, enum_labels=enum_labels)
    counts: Counter[tuple[Any, ...]] = Counter()
    breaks = gaps = 0
    for r, p, gap in walk(placed, include_carried):
        if p is None:
            continue
        if p["scale"] != r["scale"] or p["era"] != r["era"] or p.get("level") != r.get("level"):
            breaks += 1
            continue
        if gap and not across_gaps:
            gaps += 1
            continue
        d = "improved" if r["rank"] > p["rank"] else "declined" if r["rank"] < p["rank"] else "unchanged"
        key = (r.get("level"), p.get("round_id"), r.get("round_id"), p["scale"], r["scale"], p["rank"], r["rank"], gap, d)
        counts[key] += 1
    status = Counter(r["status"] for r in placed)
    return {
        "counts": counts,
        "breaks": breaks,
        "gaps": gaps,
        "carried": 0 if include_carried else status["carried"],
        "missing": {k: status[k] for k in MISSING if status[k]},
        "unplaced": dict(unplaced),
        "labels": labels,
    }


def position(r: dict[str, Any]) -> float | None:
    """(rank - 1) / (size - 1), rounded to 12 places; None without a rank or size, or on a one-grade scale."""
    size = r["scale_size"]
    if r["rank"] is None or size is None or size <= 1:
        return None
    return round((r["rank"] - 1) / (size - 1), 12)


def changes(rows: list[dict[str, Any]], *, include_carried: bool = False) -> Counter[tuple[Any, ...]]:
    """Counter of (entity, theme, status, change, gap_before, position) over every placed row."""
    placed, _, _ = prepare(rows)
    out: Counter[tuple[Any, ...]] = Counter()
    walked = {id(r): (p, gap) for r, p, gap in walk(placed, include_carried)}
    for r in placed:
        if id(r) not in walked:
            out[(r["entity"], r["theme"], r["status"], None, False, position(r))] += 1
            continue
        p, gap = walked[id(r)]
        if p is None:
            c = "first"
        elif p["scale"] != r["scale"] or p["era"] != r["era"] or p.get("level") != r.get("level"):
            c = "not comparable"
        else:
            c = "improved" if r["rank"] > p["rank"] else "declined" if r["rank"] < p["rank"] else "unchanged"
        out[(r["entity"], r["theme"], r["status"], c, gap, position(r))] += 1
    return out
