"""Shared helpers for the analytics: package-or-panel input, filters and their checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import polars as pl

from peelstats.analytics.panel import Panel, package_labels, package_panel, prepare
from peelstats.errors import InputError
from peelstats.names import resolve_force


def is_package(data: Any) -> bool:
    from peelstats.package import Package

    return isinstance(data, Package)


def panel_of(data: Any, name: str) -> tuple[Panel, Any]:
    """A checked :class:`Panel` from a loaded Package or a panel frame, and the Package (or None)."""
    if is_package(data):
        return prepare(package_panel(data), name=name, labels=package_labels(data)), data
    return prepare(data, name=name), None


def known_list(values: Iterable[Any]) -> str:
    return ", ".join(sorted({str(v) for v in values}))


def check_known(value: Any, known: Iterable[Any], what: str, fn: str) -> None:
    """InputError when ``value`` is not one of ``known`` (compared as text), listing every known value."""
    if value is None:
        return
    names = {str(v) for v in known if v is not None}
    if str(value) not in names:
        import difflib

        listing = known_list(names)
        if len(listing) > 400:
            listing = listing[:400] + " ..."
        near = difflib.get_close_matches(str(value), sorted(names), n=1, cutoff=0.6)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise InputError(f"{fn}: unknown {what} {value!r}{hint} (known: {listing})")


def apply_filters(
    panel: Panel,
    pkg: Any,
    *,
    force: Any = None,
    theme: Any = None,
    level: str | None = None,
    fn: str,
) -> Panel:
    """Keep one entity/force, theme and/or level, checking each name against the package or the panel.

    On the package a force may be named as people write it (:func:`peelstats.names.resolve_force`);
    on a panel entities are matched exactly.
    """
    frame = panel.frame
    if pkg is not None:
        if force is not None:
            force = resolve_force(force, pkg.forces, fn=fn)
        check_known(theme, pkg.themes["theme_id"].cast(pl.String).to_list(), "theme", fn)
    else:
        if force is not None:
            check_known(force, frame["entity"].unique().to_list(), "entity", fn)
        if theme is not None:
            check_known(theme, frame["theme"].unique().to_list(), "theme", fn)
    if level is not None:
        if "level" not in frame.columns:
            raise InputError(f"{fn}: level=... needs a 'level' column in the panel")
        check_known(level, frame["level"].unique().to_list(), "level", fn)
    conds = []
    if force is not None:
        conds.append(pl.col("entity").cast(pl.String) == str(force))
    if theme is not None:
        conds.append(pl.col("theme").cast(pl.String) == str(theme))
    if level is not None:
        conds.append(pl.col("level") == level)
    if not conds:
        return panel
    return replace(panel, frame=frame.filter(pl.all_horizontal(conds)))


def merged_order(lists: Iterable[list[str]]) -> list[str] | None:
    """One order of all labels consistent with every list (worst first), or None if they disagree."""
    after: dict[str, set[str]] = {}
    for labels in lists:
        for i, a in enumerate(labels):
            after.setdefault(a, set())
            for b in labels[i + 1 :]:
                after[a].add(b)
    out: list[str] = []
    remaining = dict(after)
    while remaining:
        blocked = {b for a in remaining for b in remaining[a] if b in remaining}
        free = [a for a in remaining if a not in blocked]
        if not free:
            return None
        first = free[0]
        out.append(first)
        del remaining[first]
    return out
