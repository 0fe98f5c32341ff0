"""Shared helpers for the analytics: package-or-panel input, filters, vocabulary checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from peelstats.analytics.panel import as_panel, package_panel
from peelstats.errors import InputError

if TYPE_CHECKING:
    from peelstats.package import Package


def panel_of(data: Any, name: str) -> tuple[pl.LazyFrame, Package | None]:
    """A checked lazy panel from a loaded Package or a panel frame."""
    from peelstats.package import Package

    if isinstance(data, Package):
        return as_panel(package_panel(data), name=name), data
    return as_panel(data, name=name), None


def check_known(value: str | None, known: set[str], what: str, fn: str) -> None:
    """InputError when ``value`` is not a known id (forces, themes, rounds)."""
    if value is not None and value not in known:
        sample = ", ".join(sorted(known)[:8])
        raise InputError(f"{fn}: unknown {what} {value!r} (known: {sample}{', ...' if len(known) > 8 else ''})")


def apply_filters(lf: pl.LazyFrame, pkg: Package | None, *, force: str | None, theme: str | None, fn: str) -> pl.LazyFrame:
    """Filter a panel to one entity/force and/or theme, checking the names against the package."""
    if pkg is not None:
        check_known(force, set(pkg.forces["force_id"]), "force", fn)
        check_known(theme, set(pkg.themes["theme_id"].cast(pl.String)), "theme", fn)
    if force is not None:
        lf = lf.filter(pl.col("entity") == force)
    if theme is not None:
        lf = lf.filter(pl.col("theme") == theme)
    return lf
