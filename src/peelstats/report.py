"""``peelstats report``: a self-contained HTML page with the figures embedded."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import polars as pl

from peelstats.names import resolve_force
from peelstats.package import Package


def _png(fig: object) -> str:
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    assert isinstance(fig, Figure)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _table(frame: pl.DataFrame, max_rows: int = 200) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    rows = []
    for r in frame.head(max_rows).iter_rows():
        cells = []
        for v in r:
            text = "" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
            cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p class='note'>{frame.height - max_rows} more rows not shown.</p>" if frame.height > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


PILLAR_ROUNDS = ("peel-2014", "peel-2015", "peel-2016", "peel-2017", "peel-2018-19")

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left}
th{background:#f4f4f4}img{max-width:100%;border:1px solid #eee}.note{color:#666;font-size:.9em}
code{background:#f4f4f4;padding:0 .2em}
"""


def build_report(pkg: Package, force: str = "cleveland") -> str:
    """The report's HTML text (figures embedded as PNG data URIs)."""
    from peelstats.analytics import coverage, trajectories, trajectory_summary, transition_matrix, transitions
    from peelstats.coverage_report import coverage_table
    from peelstats.plots import plot_coverage, plot_trajectories, plot_transitions

    force = resolve_force(force, pkg.forces, fn="report")
    name = pkg.forces.filter(pl.col("force_id") == force)["name"][0]
    traj = trajectories(pkg, force=force)
    summary = trajectory_summary(traj)
    national = transitions(pkg)
    by_level = national.by_level()
    round_pairs = national.by_round_pair()
    rounds_table = round_pairs.rename(
        {
            "level": "level",
            "from_round": "from round",
            "to_round": "to round",
            "rounds_skipped": "rounds skipped",
            "across_gap": "spanning a missing grade",
        }
    )
    skipping = int(round_pairs.filter(pl.col("rounds_skipped") > 0)["pairs"].sum())
    heatmaps = [
        f"<img alt='Transition heatmap, {html.escape(lvl)} level' "
        f"src='{_png(plot_transitions(transition_matrix(national, level=lvl), title=f'{lvl.capitalize()} grades'))}'>"
        for lvl in national.levels
    ]
    cov_all = coverage(pkg)
    cov = cov_all.filter(pl.col("entity") == force)
    monitoring = (
        pkg.monitoring.join(pkg.forces.select("force_id", "name"), on="force_id")
        .select("name", "date", "phase", "event", "source_id")
        .sort("name", "date")
    )

    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>peelstats report v{html.escape(pkg.version)}</title><style>{CSS}</style></head><body>",
        "<h1>PEEL inspection outcomes: peelstats report</h1>",
        f"<p>Dataset <b>{html.escape(pkg.title)}</b>, version <b>{html.escape(pkg.version)}</b> "
        f"({html.escape(pkg.created[:10])}). Cite as: <i>{html.escape(pkg.cite('text'))}</i></p>",
        "<p class='note'>Grades are recorded only where a source states them; unknown stays unknown. "
        "Grades from 2021/22 and from 2023-25 are not comparable with the rounds before them (the "
        "inspectorate says so), so no change is computed across those breaks.</p>",
        "<h2>What the data covers</h2>",
        "<p>Force x graded area cells per round: known (a grade is recorded), not graded (a source says so), unknown.</p>",
        _table(coverage_table(pkg)),
        f"<h2>{html.escape(name)}: grade trajectories</h2>",
        f"<img alt='Grade trajectories of {html.escape(name)}' src='{_png(plot_trajectories(traj, title=name))}'>",
        _table(summary.drop("entity")),
        "<h2>Grade transitions across all forces</h2>",
        f"<p>{national.comparable_pairs} pairs of consecutive known judgments of the same force and theme, counted "
        "separately for pillar and question grades (one inspection is judged at both levels, so the levels are never "
        f"pooled). Left out: {national.excluded_breaks} pairs across a scale or framework break (the inspectorate says "
        f"2021/22 and 2023-25 grades are not comparable with the rounds before), {national.excluded_carried} carried-over "
        f"grades (not new judgments). {national.spanning_gaps} counted pairs span a round where this force's grade is "
        f"unknown or was not given, and {skipping} pairs skip one or more rounds; the table shows which.</p>",
        _table(by_level.rename({"across_gap": "spanning a missing grade"})),
        *heatmaps,
        "<p>By level and round pair:</p>",
        _table(rounds_table),
        f"<h2>{html.escape(name)}: what happened to the findings</h2>",
    ]
    if cov.height:
        parts += [
            f"<img alt='Coverage of findings' src='{_png(plot_coverage(cov, title=name + ': findings and what followed'))}'>",
            _table(cov.drop("entity")),
        ]
    else:
        parts.append("<p>No findings are recorded for this force yet.</p>")
    parts += [
        "<h2>Enhanced monitoring (Engage)</h2>",
        _table(monitoring),
        "<h2>Sources</h2>",
        f"<p>{pkg.sources.height} sources; {pkg.sources.filter(pl.col('document').is_not_null()).height} shipped as text "
        "(Open Government Licence) with every evidence quote checked verbatim. Every row of every table names its "
        "source; see <code>sources.csv</code>.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(pkg: Package, out: Path, force: str = "cleveland") -> Path:
    """Write ``index.html`` into ``out`` (created if needed) and return its path."""
    from peelstats.export import prepare_folder

    prepare_folder(out, "report")
    page = build_report(pkg, force=force)
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
