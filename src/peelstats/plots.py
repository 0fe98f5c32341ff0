"""Matplotlib figures of computed frames. Plots never load data; each returns its Figure.

Import cost: matplotlib is imported here, so ``import peelstats`` stays light and this
module is loaded on first use of a plot function.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from peelstats.analytics._common import merged_order
from peelstats.analytics.transitions import TransitionMatrix, Transitions, transition_matrix
from peelstats.errors import InputError

_COLOURS = {
    "inadequate": "#b2182b",
    "requires improvement": "#ef8a62",
    "adequate": "#f7e08c",
    "good": "#67a9cf",
    "outstanding": "#2166ac",
}


def _need(frame: pl.DataFrame, cols: tuple[str, ...], fn: str) -> None:
    if not isinstance(frame, pl.DataFrame):
        raise InputError(f"{fn}: expected a polars DataFrame, got {type(frame).__name__}")
    for c in cols:
        if c not in frame.columns:
            raise InputError(f"{fn}: missing column '{c}'")


def _x_positions(traj: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """X positions: rounds in order when the frame has them, else dates."""
    if "round_id" in traj.columns and "order" in traj.columns:
        rounds = traj.select("order", "round_id").unique().sort("order")
        labels = [r.replace("peel-", "") for r in rounds["round_id"]]
        pos = {o: i for i, o in enumerate(rounds["order"])}
        return traj.with_columns(x=pl.col("order").replace_strict(pos, return_dtype=pl.Float64)), labels
    dates = sorted(set(traj["date"].drop_nulls().to_list()))
    pos = {d: i for i, d in enumerate(dates)}
    return traj.with_columns(x=pl.col("date").replace_strict(pos, return_dtype=pl.Float64, default=None)), [str(d) for d in dates]


def _break_positions(data: pl.DataFrame) -> list[float]:
    """X positions (between two columns) where the scale or era changes."""
    cols = [c for c in ("scale", "era") if c in data.columns]
    if not cols:
        return []
    per_x = data.drop_nulls("x").group_by("x").agg([pl.col(c).first() for c in cols]).sort("x")
    out = []
    rows = per_x.rows(named=True)
    for prev, cur in zip(rows, rows[1:], strict=False):
        if any(prev[c] != cur[c] for c in cols):
            out.append((prev["x"] + cur["x"]) / 2)
    return out


def plot_trajectories(
    traj: pl.DataFrame,
    *,
    themes: list[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Step chart of grade trajectories (a :func:`peelstats.trajectories` frame).

    One panel per theme (or every theme on ``ax`` when given). The y axis names the grades
    (worst at the bottom); lines are broken, and a dashed line drawn, where a judgment is
    not comparable with the one before (a scale or framework break). Carried-over grades
    are drawn as hollow markers.
    """
    _need(traj, ("entity", "theme", "rank", "change", "carried"), "plot_trajectories")
    if traj.height == 0:
        raise InputError("plot_trajectories: the trajectory frame is empty")
    present = sorted({str(t) for t in traj["theme"].to_list()})
    if themes is not None:
        unknown = [t for t in themes if str(t) not in present]
        if unknown:
            raise InputError(f"plot_trajectories: unknown theme {unknown[0]!r} (in the frame: {', '.join(present)})")
    traj = traj.filter(pl.col("rank").is_not_null())  # missing judgments have no place on the axis
    if traj.height == 0:
        raise InputError("plot_trajectories: the trajectory frame has no known grade to draw")
    data, labels = _x_positions(traj)
    if "grade" in data.columns:
        data = data.with_columns(pl.col("grade").cast(pl.String))
        scale = pl.col("scale") if "scale" in data.columns else pl.lit("")
        per_scale: dict[str, dict[int, str]] = {}
        for sc, rank, grade in data.select(scale.cast(pl.String), "rank", "grade").unique().rows():
            per_scale.setdefault(sc, {})[rank] = grade if grade is not None else str(rank)
        lists = [[labs[r] for r in sorted(labs)] for labs in per_scale.values()]
        ylabels = merged_order(lists) or sorted({g for labs in lists for g in labs})
        data = data.with_columns(
            y=pl.coalesce("grade", pl.col("rank").cast(pl.String)).replace_strict({g: i for i, g in enumerate(ylabels)})
        )
    else:
        data = data.with_columns(y=pl.col("rank") - 1)
        top = data["rank"].max()
        ylabels = [str(i + 1) for i in range(int(top) if isinstance(top, int) else 1)]
    wanted = [str(t) for t in themes] if themes else sorted({str(t) for t in data["theme"].to_list()})
    data = data.with_columns(pl.col("theme").cast(pl.String))
    if ax is not None:
        fig = ax.get_figure()
        axes = [ax] * len(wanted)
    else:
        n = len(wanted)
        cols = min(3, n)
        rows = (n + cols - 1) // cols
        fig, grid = plt.subplots(rows, cols, figsize=(4.6 * cols, 2.9 * rows), squeeze=False, sharey=True)
        flat = [a for row in grid for a in row]
        for extra in flat[n:]:
            extra.set_visible(False)
        axes = flat[:n]
    assert isinstance(fig, Figure)
    entities = sorted(set(data["entity"].to_list()))
    cmap = plt.get_cmap("tab10")
    breaks = _break_positions(data)
    for axis, theme in zip(axes, wanted, strict=True):
        sub = data.filter(pl.col("theme") == theme).sort("entity", "x")
        for k, ent in enumerate(entities):
            rows_ = sub.filter(pl.col("entity") == ent)
            if rows_.height == 0:
                continue
            colour = cmap(k % 10)
            segment: list[tuple[float, float]] = []
            label = ent if (ax is None or theme == wanted[0]) and len(entities) > 1 else None
            for r in rows_.iter_rows(named=True):
                if r["x"] is None:
                    continue
                if r["change"] == "not comparable" and segment:
                    xs, ys = zip(*segment, strict=True)
                    axis.step(xs, ys, where="post", color=colour, lw=2, label=label)
                    label = None
                    segment = []
                segment.append((r["x"], r["y"]))
                axis.plot(
                    r["x"],
                    r["y"],
                    "o",
                    ms=7,
                    color=colour,
                    markerfacecolor="white" if r["carried"] else colour,
                )
            if segment:
                xs, ys = zip(*segment, strict=True)
                axis.step(xs, ys, where="post", color=colour, lw=2, label=label)
        for xb in breaks:
            axis.axvline(xb, color="grey", ls="--", lw=1)
        axis.set_title(theme if ax is None else (title or ""), fontsize=10)
        axis.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
        axis.set_xlim(-0.5, len(labels) - 0.5)
        axis.set_yticks(range(len(ylabels)), ylabels, fontsize=8)
        axis.set_ylim(-0.5, len(ylabels) - 0.5)
        axis.grid(axis="y", alpha=0.3)
    if len(entities) > 1:
        fig.legend(*axes[0].get_legend_handles_labels(), loc="upper right", fontsize=8)
    note = "dashed line: grades before and after are not comparable (scale or framework change); hollow: carried over"
    if ax is None:
        fig.suptitle(title or "Grade trajectories", fontsize=12)
        fig.text(0.01, 0.005, note, fontsize=7, color="grey")
        fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    return fig


def plot_transitions(
    result: Transitions | TransitionMatrix | pl.DataFrame,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Heatmap of a transition matrix: colour = row share, cell text = count.

    Takes a :class:`~peelstats.analytics.Transitions`, its ``counts`` frame, or a
    :class:`~peelstats.analytics.TransitionMatrix`.
    """
    matrix = result if isinstance(result, TransitionMatrix) else transition_matrix(result)
    labels = matrix.counts["from"].to_list()
    to_labels = matrix.counts.columns[1:]
    counts = matrix.counts.drop("from").to_numpy()
    shares = matrix.shares.drop("from").to_numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 5.4))
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(to_labels)):
            colour = "white" if shares[i, j] > 0.6 else "black"
            ax.text(j, i, str(int(counts[i, j])), ha="center", va="center", color=colour, fontsize=10)

    def short(names: list[str]) -> list[str]:
        return [lbl.replace("requires improvement", "requires\nimprovement") for lbl in names]

    ax.set_xticks(range(len(to_labels)), short(to_labels), fontsize=8)
    ax.set_yticks(range(len(labels)), short(labels), fontsize=8)
    ax.set_xlabel("to (later judgment)")
    ax.set_ylabel("from (earlier judgment)")
    total = matrix.improved + matrix.unchanged + matrix.declined
    ax.set_title(
        title or f"Grade transitions (n = {total}: {matrix.improved} up, {matrix.unchanged} same, {matrix.declined} down)",
        fontsize=10,
    )
    fig.colorbar(image, ax=ax, label="share of row")
    fig.tight_layout()
    return fig


_COVERAGE_MEASURES = (
    ("responded", "findings", "published response"),
    ("responded_56d", "dated", "response within 56 days"),
    ("followed_up", "findings", "followed up"),
    ("closed", "findings", "closed (complete/superseded)"),
    ("recurs", "recur_eligible", "recurs at next inspection"),
)


def plot_coverage(cov: pl.DataFrame, *, ax: Axes | None = None, label: str | None = None, title: str | None = None) -> Figure:
    """Horizontal bars of coverage shares per group, each labelled with its count and denominator.

    ``cov`` is a :func:`peelstats.coverage` frame; ``label`` names the column that labels
    groups (default: ``inspection_id`` or the first key column).
    """
    _need(cov, ("findings", "responded", "followed_up", "closed", "recurs", "recur_eligible", "dated"), "plot_coverage")
    if cov.height == 0:
        raise InputError("plot_coverage: the coverage frame is empty")
    key = label or next(c for c in ("inspection_id", "entity", "round_id", "kind") if c in cov.columns)
    groups = cov.with_columns(
        _label=pl.concat_str([pl.col(key).cast(pl.String), pl.lit(" / "), pl.col("kind").cast(pl.String)])
        if "kind" in cov.columns and key != "kind"
        else pl.col(key).cast(pl.String)
    )
    n = groups.height
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 1.6 + 0.55 * n * len(_COVERAGE_MEASURES) / 2.2))
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    height = 0.8 / len(_COVERAGE_MEASURES)
    cmap = plt.get_cmap("Set2")
    for m, (num, den, name) in enumerate(_COVERAGE_MEASURES):
        ys = [i + m * height for i in range(n)]
        shares = [(r[num] / r[den]) if r[den] else 0.0 for r in groups.iter_rows(named=True)]
        ax.barh(ys, shares, height=height, color=cmap(m), label=name)
        for y, r, s in zip(ys, groups.iter_rows(named=True), shares, strict=True):
            ax.text(s + 0.01, y, f"{r[num]}/{r[den]}", va="center", fontsize=7)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(n)], groups["_label"].to_list(), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("share of findings (count / denominator)")
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False)
    fig.suptitle(title or "What happened to the findings", fontsize=11)
    fig.tight_layout()
    return fig


def save_png(fig: Figure, path: Any, dpi: int = 110) -> None:
    """Save a figure as PNG and close it."""
    fig.savefig(path, dpi=dpi, format="png")
    plt.close(fig)
