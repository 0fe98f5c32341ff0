"""Figures of the national picture: grade distributions per round and the Engage timeline.

Like :mod:`peelstats.plots`, each function takes computed frames, returns its Figure and
leaves nothing open in pyplot (a Jupyter cell ending in the call shows it once).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from matplotlib.artist import Artist
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from peelstats.errors import InputError
from peelstats.report_html import GRADE_COLOURS

_ORDER = ("inadequate", "requires improvement", "adequate", "good", "outstanding", "not graded", "unknown")
_FILL = {**GRADE_COLOURS, "not graded": "#ffffff", "unknown": "#d9d9d9"}
_LEVELS = {"pillar": "pillars", "question": "questions", "area": "areas"}


def plot_grade_distribution(dist: pl.DataFrame, *, title: str | None = None) -> Figure:
    """Stacked bars: per round and level, the share of force x area cells at each grade.

    ``dist`` is a :func:`peelstats.report_data.distribution` frame (columns ``round_title``,
    ``sequence``, ``level``, ``outcome``, ``cells``, ``total``). Unknown and not-graded cells
    are drawn as their own segments, so a round with little known data looks like it.
    """
    for c in ("round_title", "sequence", "level", "outcome", "cells", "total"):
        if c not in dist.columns:
            raise InputError(f"plot_grade_distribution: missing column '{c}'")
    if dist.height == 0:
        raise InputError("plot_grade_distribution: the frame is empty")
    bars = dist.select("round_title", "sequence", "level", "total").unique().sort("sequence", "level")
    n = bars.height
    fig = Figure(figsize=(10, 1.4 + 0.42 * n))
    ax = fig.subplots()
    labels = []
    for i, bar in enumerate(bars.iter_rows(named=True)):
        sub = dist.filter((pl.col("sequence") == bar["sequence"]) & (pl.col("level") == bar["level"]))
        counts = dict(zip(sub["outcome"].to_list(), sub["cells"].to_list(), strict=True))
        left = 0.0
        for outcome in _ORDER:
            k = counts.get(outcome, 0)
            if not k:
                continue
            share = k / bar["total"]
            ax.barh(
                i,
                share,
                left=left,
                color=_FILL[outcome],
                edgecolor="#888",
                lw=0.5,
                hatch="//" if outcome == "not graded" else None,
            )
            if share >= 0.07:
                ax.text(
                    left + share / 2,
                    i,
                    str(k),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#fff" if outcome == "outstanding" else "#111",
                )
            left += share
        unknown = (counts.get("unknown", 0) + counts.get("not graded", 0)) / bar["total"]
        ax.text(1.01, i, f"{1 - unknown:.0%} known", va="center", fontsize=8)
        labels.append(f"{bar['round_title']} · {_LEVELS.get(bar['level'], bar['level'])} ({bar['total']} cells)")
    ax.set_yticks(range(n), labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    ax.set_xlabel("share of force x graded-area cells (numbers in bars: cells)", fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(facecolor=_FILL[o], edgecolor="#888", hatch="//" if o == "not graded" else None, label=o) for o in _ORDER]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, fontsize=8, frameon=False)
    fig.suptitle(title or "Grades given per round, with what is unknown", fontsize=11, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 0.96, 0.97))
    return fig


_EVENT_MARK = {"entered": ("o", "entered Engage"), "remains": ("s", "still in Engage (reported)"), "exited": ("D", "left Engage")}


def plot_engage_timeline(events: pl.DataFrame, *, until: dt.date | None = None, title: str | None = None) -> Figure:
    """One bar per force from entering to leaving Engage; open bars run to ``until``.

    ``events`` is a :func:`peelstats.report_data.engage_events` frame (``force_name``, ``date``,
    ``date_precision``, ``event``). A year- or month-precision date is drawn as a faint band
    over the whole year or month it could fall in, never as a single day.
    """
    for c in ("force_name", "date", "date_precision", "event"):
        if c not in events.columns:
            raise InputError(f"plot_engage_timeline: missing column '{c}'")
    if events.height == 0:
        raise InputError("plot_engage_timeline: no Engage events to draw")
    end = until or max(events["date"].drop_nulls().to_list())
    names = sorted(set(events["force_name"].to_list()))
    fig = Figure(figsize=(10, 1.3 + 0.38 * len(names)))
    ax = fig.subplots()
    for i, name in enumerate(names):
        rows = events.filter(pl.col("force_name") == name).sort("date").rows(named=True)
        start = next((r for r in rows if r["event"] == "entered"), None)
        stop = next((r for r in rows if r["event"] == "exited"), None)
        x0 = float(date2num(start["date"] if start else rows[0]["date"]))
        x1 = float(date2num(stop["date"] if stop else end))
        ax.barh(i, x1 - x0, left=x0, height=0.45, color="#d6604d", alpha=0.8 if stop else 0.45)
        if stop is None:
            ax.text(x1, i, "  no exit recorded", va="center", fontsize=8, color="#555")
        for r in rows:
            lo, hi = (float(date2num(d)) for d in _span(r["date"], r["date_precision"]))
            if hi > lo:
                ax.barh(i, hi - lo, left=lo, height=0.75, color="#999", alpha=0.25)
            marker, _ = _EVENT_MARK[str(r["event"])]
            ax.plot((lo + hi) / 2, i, marker, color="#222", ms=5)
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.xaxis_date()
    handles: list[Artist] = [Line2D([], [], marker=m, ls="", color="#222", label=lab) for m, lab in _EVENT_MARK.values()]
    handles.append(Patch(facecolor="#999", alpha=0.25, label="date known only to the month or year"))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, fontsize=8, frameon=False)
    fig.suptitle(title or "Forces in Engage (enhanced monitoring)", fontsize=11, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


def _span(day: dt.date, precision: object) -> tuple[dt.date, dt.date]:
    """The dates a value of this precision could stand for (first day, day after the last)."""
    if precision == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1)
    if precision == "month":
        nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return dt.date(day.year, day.month, 1), nxt
    return day, day
