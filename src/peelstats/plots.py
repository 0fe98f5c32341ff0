"""Matplotlib figures of computed frames. Plots never load data; each returns its Figure.

Import cost: matplotlib is imported here, so ``import peelstats`` stays light and this
module is loaded on first use of a plot function.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

import matplotlib.pyplot as plt
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

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


def _scale_key(data: pl.DataFrame) -> pl.Expr:
    return pl.col("scale").cast(pl.String).fill_null("") if "scale" in data.columns else pl.lit("")


def _scale_labels(data: pl.DataFrame) -> dict[str, list[str]]:
    """Per scale, its grade labels worst first.

    Labels come from the grades seen on that scale; a rank never seen is named from the
    grade Enum when exactly one ordered choice of its categories fits what was seen (the
    package's 4-point scale is the 5-point Enum without "adequate"), else by its number.
    """
    out: dict[str, list[str]] = {}
    size = pl.col("scale_size") if "scale_size" in data.columns else pl.col("rank").max().over("_scale")
    has_grade = "grade" in data.columns
    grade = pl.col("grade").cast(pl.String) if has_grade else pl.lit(None, dtype=pl.String)
    categories: list[str] = []
    if has_grade and isinstance(data.schema["grade"], pl.Enum):
        categories = [str(c) for c in data.schema["grade"].categories.to_list()]
    seen = data.select("_scale", "rank", _g=grade, _n=size).unique()
    for sc in sorted(set(seen["_scale"].to_list())):
        sub = seen.filter(pl.col("_scale") == sc)
        n = max(int(sub["_n"].max() or 1), int(sub["rank"].max() or 1))  # type: ignore[arg-type]
        names = {int(r): str(g) for r, g in sub.select("rank", "_g").rows() if g is not None}
        fits = (
            [list(c) for c in combinations(categories, n) if all(0 < r <= n and c[r - 1] == g for r, g in names.items())]
            if 0 < n <= len(categories) and len(names) < n
            else []
        )
        out[sc] = fits[0] if len(fits) == 1 else [names.get(r, str(r)) for r in range(1, n + 1)]
    return out


def _theme_order(data: pl.DataFrame, wanted: list[str], titles: dict[str, str]) -> list[str]:
    """Pillars first (effectiveness, efficiency, legitimacy), then the other themes by title."""
    pillars: set[str] = set()
    if "level" in data.columns:
        pillars = set(data.filter(pl.col("level").cast(pl.String) == "pillar")["theme"].to_list())
    return sorted(wanted, key=lambda t: (t not in pillars, titles[t].lower()))


def _titles(data: pl.DataFrame, wanted: list[str], given: Mapping[str, str] | None) -> dict[str, str]:
    """Panel titles: given wording, else the latest ``area_title`` in the frame, else the theme made readable."""
    out = {}
    for t in wanted:
        if given and t in given:
            out[t] = given[t]
            continue
        text = None
        if "area_title" in data.columns:
            rows = data.filter((pl.col("theme") == t) & pl.col("area_title").is_not_null()).sort("x")
            text = rows["area_title"][-1] if rows.height else None
        out[t] = text or t.replace("-", " ").capitalize()
    return out


def _wrap(text: str, width: int = 48) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)[:3])


def _ylabel(grade: str) -> str:
    return grade.replace("requires improvement", "requires\nimprovement")


def _draw_lines(axis: Axes, rows: pl.DataFrame, colour: Any, label: str | None, lw: float = 2.0) -> None:
    """One entity's steps on one axis, broken where a judgment is not comparable with the one before."""
    segment: list[tuple[float, float]] = []
    for r in rows.iter_rows(named=True):
        if r["change"] == "not comparable" and segment:
            xs, ys = zip(*segment, strict=True)
            axis.step(xs, ys, where="post", color=colour, lw=lw, label=label)
            label = None
            segment = []
        segment.append((r["_lx"], r["y"]))
        axis.plot(r["_lx"], r["y"], "o", ms=6, color=colour, markerfacecolor="white" if r["carried"] else colour, zorder=3)
    if segment:
        xs, ys = zip(*segment, strict=True)
        axis.step(xs, ys, where="post", color=colour, lw=lw, label=label)


def _draw_crowd(axis: Axes, rows: pl.DataFrame) -> None:
    """How many entities got each grade at each x: grey bubbles, area = count."""
    counts = rows.group_by("_lx", "y").agg(n=pl.len())
    axis.scatter(counts["_lx"], counts["y"], s=(counts["n"] * 14 + 6).to_list(), color="#9e9e9e", alpha=0.45, lw=0, zorder=1)
    for x, y, n in counts.rows():
        axis.text(x + 0.17, y, str(n), fontsize=7, color="#555", va="center")


_MAX_LINES = 6


def plot_trajectories(
    traj: pl.DataFrame,
    *,
    themes: list[str] | None = None,
    highlight: str | None = None,
    titles: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Step charts of grade trajectories (a :func:`peelstats.trajectories` frame), one panel per theme.

    Panels are titled with the area's wording (``titles`` maps theme -> text; else the
    frame's latest ``area_title``; else the theme made readable), pillars first. Each scale
    gets its own y axis naming its grades, worst at the bottom, so a 4-point scale is never
    drawn against a 5-point one; lines break, and a dashed line marks, where judgments are
    not comparable. Carried-over grades are hollow markers.

    Up to six entities are drawn as coloured lines with a legend (``names`` maps entity ->
    display name). With more, every entity is a grey bubble per grade and round (area =
    how many) and ``highlight`` picks one entity out as a line against the rest.

    Returns the Figure without leaving it open in pyplot (a notebook cell ending in the
    call shows it once). With ``ax``, draws one theme on one scale onto that axis.
    """
    _need(traj, ("entity", "theme", "rank", "change", "carried"), "plot_trajectories")
    if traj.height == 0:
        raise InputError("plot_trajectories: the trajectory frame is empty")
    present = sorted({str(t) for t in traj["theme"].to_list()})
    if themes is not None:
        unknown = [str(t) for t in themes if str(t) not in present]
        if unknown:
            raise InputError(
                f"plot_trajectories: unknown theme{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))} "
                f"(in the frame: {', '.join(present)})"
            )
    everyone = {str(e) for e in traj["entity"].to_list()}
    if highlight is not None and str(highlight) not in everyone:
        raise InputError(f"plot_trajectories: highlight {highlight!r} is not an entity of the frame ({len(everyone)} entities)")
    known = traj.filter(pl.col("rank").is_not_null()).with_columns(
        pl.col("theme").cast(pl.String), pl.col("entity").cast(pl.String)
    )
    if themes is not None:
        known = known.filter(pl.col("theme").is_in([str(t) for t in themes]))
    if known.height == 0:
        raise InputError("plot_trajectories: the trajectory frame has no known grade to draw")
    data, xlabels = _x_positions(known)
    data = data.drop_nulls("x").with_columns(_scale=_scale_key(data))
    labels_of = _scale_labels(data)
    data = data.with_columns(y=pl.col("rank") - 1)
    wanted = sorted(set(data["theme"].to_list()))
    heads = _titles(data, wanted, titles)
    wanted = _theme_order(data, wanted, heads)
    xs_of = {sc: sorted(set(data.filter(pl.col("_scale") == sc)["x"].to_list())) for sc in labels_of}
    scale_order = sorted(labels_of, key=lambda sc: min(xs_of[sc]))
    entities = sorted(set(data["entity"].to_list()))
    picked = None if highlight is None else str(highlight)
    crowd = picked is not None or len(entities) > _MAX_LINES
    shown = {e: (names or {}).get(e, e) for e in entities}

    panels: list[tuple[str, str, Axes]] = []
    if ax is not None:
        combos = data.select("theme", "_scale").unique()
        if combos.height != 1:
            raise InputError(
                f"plot_trajectories: ax= draws one theme on one scale; the frame has {combos['theme'].n_unique()} theme(s) "
                f"on {combos['_scale'].n_unique()} scale(s) (pick one with themes=, or leave out ax)"
            )
        fig_ = ax.get_figure()
        assert isinstance(fig_, Figure)
        fig = fig_
        panels.append((wanted[0], combos["_scale"][0], ax))
    else:
        n = len(wanted)
        cols = min(3, n)
        rows_n = (n + cols - 1) // cols
        fig = Figure(figsize=(4.4 * cols, 2.9 * rows_n + 1.0), layout="constrained")
        grid = fig.add_gridspec(rows_n, cols, wspace=0.12, hspace=0.08)
        for i, theme in enumerate(wanted):
            scales = [sc for sc in scale_order if data.filter((pl.col("theme") == theme) & (pl.col("_scale") == sc)).height]
            cell = grid[i // cols, i % cols].subgridspec(
                1, len(scales), width_ratios=[len(xs_of[sc]) for sc in scales], wspace=0.05
            )
            for k, sc in enumerate(scales):
                axis = fig.add_subplot(cell[0, k])
                panels.append((theme, sc, axis))
                if k == 0:
                    axis.set_title(_wrap(heads[theme], 44), fontsize=10, loc="left")
                if k > 0:
                    axis.yaxis.tick_right()
    cmap = plt.get_cmap("tab10")
    for theme, sc, axis in panels:
        xs = xs_of[sc]
        local = {x: i for i, x in enumerate(xs)}
        sub = data.filter((pl.col("theme") == theme) & (pl.col("_scale") == sc)).with_columns(
            _lx=pl.col("x").replace_strict(local, return_dtype=pl.Float64)
        )
        if crowd:
            _draw_crowd(axis, sub.filter(pl.col("entity") != picked) if picked is not None else sub)
        for k, ent in enumerate(entities):
            if crowd and ent != picked:
                continue
            rows_ = sub.filter(pl.col("entity") == ent).sort("x")
            if rows_.height:
                colour = "#c51b7d" if crowd else cmap(k % 10)
                _draw_lines(axis, rows_, colour, shown[ent] if len(entities) > 1 or crowd else None)
        if "era" in sub.columns:
            eras = sub.group_by("_lx").agg(pl.col("era").first()).sort("_lx").rows()
            for (x0, e0), (x1, e1) in zip(eras, eras[1:], strict=False):
                if e0 != e1:
                    axis.axvline((x0 + x1) / 2, color="grey", ls="--", lw=1)
        ylabels = labels_of[sc]
        axis.set_xticks(range(len(xs)), [xlabels[int(x)] for x in xs], rotation=40, ha="right", fontsize=8)
        axis.set_xlim(-0.5, len(xs) - 0.5)
        axis.set_yticks(range(len(ylabels)), [_ylabel(g) for g in ylabels], fontsize=8)
        axis.set_ylim(-0.5, len(ylabels) - 0.5)
        axis.grid(axis="y", alpha=0.3)
        if ax is not None and title:
            axis.set_title(title, fontsize=10)
    seen: dict[str, Any] = {}
    for _, _, axis in panels:
        for hnd, lab in zip(*axis.get_legend_handles_labels(), strict=True):
            seen.setdefault(lab, hnd)
    handles, labels = list(seen.values()), list(seen)
    if crowd:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], marker="o", ls="", color="#9e9e9e", alpha=0.6, ms=9))
        others = len([e for e in entities if e != picked])
        labels.append(f"{'other ' if picked is not None else 'all '}{others}: bubble size and number = how many had that grade")
    note = "Each scale has its own axis. Dashed line: grades before and after are not comparable. Hollow marker: carried over."
    if handles and ax is None:
        # the note is the legend's title, so the two share the space below the panels instead of overlapping
        legend = fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncol=min(len(handles), 4),
            fontsize=9,
            frameon=False,
            title=note,
            title_fontsize=8,
        )
        legend.get_title().set_color("grey")
    elif handles:
        axis.legend(handles, labels, fontsize=7)
    if ax is None:
        fig.suptitle(title or "Grade trajectories", fontsize=12)
        if not handles:
            fig.supxlabel(note, fontsize=8, color="grey")
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
        ax = Figure(figsize=(6.4, 5.4)).subplots()
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


_KINDS = {
    "cause-of-concern": "causes of concern",
    "recommendation": "recommendations",
    "area-for-improvement": "areas for improvement",
}


def plot_coverage(cov: pl.DataFrame, *, ax: Axes | None = None, label: str | None = None, title: str | None = None) -> Figure:
    """Horizontal bars of coverage shares per group, each labelled with its count and denominator.

    ``cov`` is a :func:`peelstats.coverage` frame; ``label`` names the column that labels
    groups (default: ``inspection_id`` or the first key column); finding kinds are written
    out ("areas for improvement"). A measure with no denominator in any group (e.g. no
    response is dated) is left out of the bars and named in a note under them.
    """
    _need(cov, ("findings", "responded", "followed_up", "closed", "recurs", "recur_eligible", "dated"), "plot_coverage")
    if cov.height == 0:
        raise InputError("plot_coverage: the coverage frame is empty")
    key = label or next(c for c in ("inspection_id", "entity", "round_id", "kind") if c in cov.columns)
    kind = (
        pl.col("kind").cast(pl.String).replace_strict(_KINDS, default=pl.col("kind").cast(pl.String))
        if "kind" in cov.columns
        else None
    )
    groups = cov.with_columns(
        _label=pl.concat_str([pl.col(key).cast(pl.String), pl.lit(": "), kind])
        if kind is not None and key != "kind"
        else (kind if kind is not None else pl.col(key).cast(pl.String))
    )
    measures = [m for m in _COVERAGE_MEASURES if int(groups[m[1]].sum() or 0) > 0]
    dropped = [m[2] for m in _COVERAGE_MEASURES if m not in measures]
    n = groups.height
    if ax is None:
        ax = Figure(figsize=(10, 1.8 + 0.55 * n * max(len(measures), 1) / 2.2)).subplots()
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    height = 0.8 / max(len(measures), 1)
    cmap = plt.get_cmap("Set2")
    for m, (num, den, name) in enumerate(measures):
        ys = [i + m * height for i in range(n)]
        shares = [(r[num] / r[den]) if r[den] else 0.0 for r in groups.iter_rows(named=True)]
        ax.barh(ys, shares, height=height, color=cmap(m), label=name)
        for y, r, s in zip(ys, groups.iter_rows(named=True), shares, strict=True):
            ax.text(s + 0.01, y, f"{r[num]} of {r[den]}" if r[den] else "none eligible", va="center", fontsize=7)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(n)], [_wrap(t, 40) for t in groups["_label"].to_list()], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("share of findings (bar labels: count of denominator)", fontsize=9)
    ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False)
    fig.suptitle(title or "What happened to the findings", fontsize=11)
    if dropped:
        fig.text(0.01, 0.005, "Not drawn (no finding has the data): " + "; ".join(dropped), fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.03 if dropped else 0, 1, 1))
    return fig


def save_png(fig: Figure, path: Any, dpi: int = 110) -> None:
    """Save a figure as PNG and close it."""
    fig.savefig(path, dpi=dpi, format="png")
    plt.close(fig)
