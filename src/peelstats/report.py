"""``peelstats report``: a national, self-contained HTML report (figures embedded), plus a force's page.

``index.html`` leads with the country: the latest graded judgments of every force, grade
distributions per round, pillar grades 2014 to 2018/19, transitions by level with the
inspectorate's break notes, and the Engage timeline. ``write_report(..., force=NAME)`` adds
``force-<id>.html`` (see :mod:`peelstats.report_force`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from peelstats import report_html as h
from peelstats.package import Package
from peelstats.report_data import PILLAR_ROUNDS, distribution, engage_events, graded_cells, latest_cells, round_breaks

SECTIONS = (
    ("latest", "Latest graded judgments of every force"),
    ("distributions", "Grades given per round"),
    ("pillars", "Pillar grades by force, 2014 to 2018/19"),
    ("transitions", "Grade transitions between rounds"),
    ("engage", "Enhanced monitoring (Engage)"),
    ("about", "About this report"),
)
_HEADINGS = dict(SECTIONS)
_GRADES_4 = ("inadequate", "requires improvement", "good", "outstanding")
_GRADES_5 = ("inadequate", "requires improvement", "adequate", "good", "outstanding")
_EVENTS = {"entered": "entered Engage", "remains": "reported still in Engage", "exited": "left Engage (back to Scan)"}


def _dates(rows: pl.DataFrame) -> str:
    pairs = rows.filter(pl.col("status") == "known").select("published", "published_precision").unique().sort("published")
    texts = [h.fmt_date(d, None if p is None else str(p)) for d, p in pairs.rows()]
    return h.esc(", ".join(dict.fromkeys(texts)) or "date not recorded")


def _sources(rows: pl.DataFrame) -> str:
    known = rows.filter(pl.col("status") == "known")
    return h.source_links(known.select("source_url", pl.col("source_kind").cast(pl.String), "source_title").rows())


def latest_section(cells: pl.DataFrame) -> str:
    """(a) One row per force: its latest known grades, grouped by the round they come from."""
    latest = latest_cells(cells)
    groups = latest.select("round_id", "round_title", "sequence").unique().sort("sequence", descending=True, nulls_last=True)
    bodies, notes = [], []
    for rnd, rtitle, _seq in groups.rows():
        part = latest.filter(pl.col("round_id").is_null() if rnd is None else pl.col("round_id") == rnd)
        forces = part.select("force_id", "force_name").unique(maintain_order=True)
        if rnd is None:
            none = "".join(
                f"<tr><td>{h.esc(n)}</td><td colspan='3' class='unknown'>no grade recorded in any round</td></tr>"
                for n in forces["force_name"]
            )
            bodies.append(f"<tbody><tr><th class='group' colspan='4'>No grade recorded</th></tr>{none}</tbody>")
            continue
        areas = part.select("area_id", "area_title", "seq").unique().sort("seq")
        head = "".join(f"<th>{h.esc(t)}</th>" for t in areas["area_title"])
        rows = []
        for fid, fname in forces.rows():
            sub = part.filter(pl.col("force_id") == fid)
            by_area = {r["area_id"]: r for r in sub.iter_rows(named=True)}
            cells_html = "".join(
                h.judgment_cell(by_area[a]) if a in by_area else h.grade_cell(None, None) for a in areas["area_id"]
            )
            rows.append(f"<tr><td>{h.esc(fname)}</td><td>{_dates(sub)}</td>{cells_html}<td>{_sources(sub)}</td></tr>")
        known = part.filter(pl.col("status") == "known").height
        label = f"{rtitle}: {forces.height} force{'s' * (forces.height != 1)} whose latest known grades are from this round"
        bodies.append(
            f"<tbody><tr><th class='group' colspan='{areas.height + 3}'>{h.esc(label)}</th></tr>"
            f"<tr><th>Force</th><th>Published</th>{head}<th>Sources</th></tr>{''.join(rows)}</tbody>"
        )
        notes.append(f"{rtitle}: {known} of {part.height} cells known")
    n_forces = latest["force_id"].n_unique()
    caveat = (
        f"<aside class='caveat'><p>{n_forces} forces, one row each. A force appears under the most recent round in "
        "which at least one of its grades is known (pillars up to 2018/19, areas from 2021/22); grades from "
        "different rounds are not comparable. Cells no source states are shown as <i>unknown</i>, not hidden: "
        f"{h.esc('; '.join(notes))}. Every grade links to its source; <sup>c</sup> marks a grade carried over from "
        "an earlier round. Dates are printed only as precisely as they are known.</p></aside>"
    )
    table = "".join(f"<div class='scroll'><table class='latest'>{body}</table></div>" for body in bodies)
    return h.section("latest", _HEADINGS["latest"], caveat, h.grade_legend(_GRADES_5), table)


def distribution_section(cells: pl.DataFrame) -> str:
    """(b) Grade distributions per round and level, unknown shown as its own share."""
    from peelstats.plots_national import plot_grade_distribution

    dist = distribution(cells)
    totals = dist.group_by("sequence", "round_title", "level").agg(
        total=pl.col("total").first(), known=pl.col("cells").filter(~pl.col("outcome").is_in(["unknown", "not graded"])).sum()
    )
    worst = totals.with_columns(share=pl.col("known") / pl.col("total")).sort("share").row(0, named=True)
    caveat = (
        f"<p>Known cells: {int(totals['known'].sum())} of {int(totals['total'].sum())} force x graded-area cells. "
        f"Least complete: {h.esc(worst['round_title'])} {h.esc(worst['level'])} grades "
        f"({worst['known']} of {worst['total']} known). Unknown means no source found states the grade (many 2015 and "
        "2016 question grades appear only in graphics on the inspectorate's pages).</p>"
        "<p>Pillar and question grades of one inspection are shown apart, never pooled. From 2021/22 the scale has five "
        "points (adding <i>adequate</i>) and the inspectorate says grades are not comparable with earlier rounds.</p>"
    )
    fig = plot_grade_distribution(dist)
    counts = (
        dist.pivot(on="outcome", index=["sequence", "round_title", "level", "total"], values="cells")
        .sort("sequence", "level")
        .fill_null(0)
    )
    cols = [
        c
        for c in ("inadequate", "requires improvement", "adequate", "good", "outstanding", "not graded", "unknown")
        if c in counts.columns
    ]
    shown = counts.select("round_title", "level", "total", *cols).with_columns(
        known=pl.lit(1.0) - (pl.col("unknown") + (pl.col("not graded") if "not graded" in cols else 0)) / pl.col("total")
    )
    headers: dict[str, str] = {
        "round_title": "Round",
        "level": "Level",
        "total": "Cells",
        "known": "Known share",
        **{c: c.capitalize() for c in cols},
    }
    return h.section(
        "distributions",
        _HEADINGS["distributions"],
        h.figure(h.png(fig), "Stacked bars of grades per round, with unknown shares", caveat),
        h.table(shown, headers=headers, numeric=["total", *cols, "known"]),
    )


def pillar_section(cells: pl.DataFrame) -> str:
    """(c) Force x round grid of pillar grades 2014 to 2018/19, unknown distinct from graded."""
    pillars = cells.filter(pl.col("round_id").is_in(PILLAR_ROUNDS) & (pl.col("level") == "pillar"))
    cols = pillars.select("round_id", "round_title", "sequence", "area_id", "area_title", "seq").unique().sort("sequence", "seq")
    rounds = cols.select("round_title", "sequence").unique().sort("sequence")
    span = cols.group_by("sequence").len().sort("sequence")["len"].to_list()
    top = "".join(f"<th colspan='{n}'>{h.esc(t)}</th>" for t, n in zip(rounds["round_title"], span, strict=True))
    sub = "".join(f"<th class='rot'>{h.esc(t)}</th>" for t in cols["area_title"])
    body = []
    for fid, fname in pillars.select("force_id", "force_name").unique().sort("force_name").rows():
        by_area = {r["area_id"]: r for r in pillars.filter(pl.col("force_id") == fid).iter_rows(named=True)}
        body.append(
            f"<tr><td>{h.esc(fname)}</td>" + "".join(h.judgment_cell(by_area[a], short=True) for a in cols["area_id"]) + "</tr>"
        )
    known = pillars.group_by("area_id").agg(k=(pl.col("status") == "known").sum(), n=pl.len())
    kmap = {a: (k, n) for a, k, n in known.rows()}
    foot = "<tr><th>Known</th>" + "".join(f"<td class='num'>{kmap[a][0]}/{kmap[a][1]}</td>" for a in cols["area_id"]) + "</tr>"
    table = (
        f"<div class='scroll'><table class='grid'><thead><tr><th rowspan='2'>Force</th>{top}</tr><tr>{sub}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody><tfoot>{foot}</tfoot></table></div>"
    )
    total_known = int((pillars["status"] == "known").sum())
    caveat = (
        f"<aside class='caveat'><p>{total_known} of {pillars.height} force x pillar cells known; the bottom row counts "
        "them per column. 2014 graded only efficiency as a pillar. Greater Manchester's 2017 efficiency and legitimacy "
        "were deliberately not graded. Each grade links to its source; <sup>c</sup>: carried over from the previous "
        "round.</p></aside>"
    )
    return h.section("pillars", _HEADINGS["pillars"], caveat, h.grade_legend(_GRADES_4, short=True), table)


def transitions_section(pkg: Package) -> str:
    """(d) Transition counts by level with heatmaps, the round pairs, and the break notes from ``rounds``."""
    from peelstats.analytics import transition_matrix, transitions
    from peelstats.plots import plot_transitions

    national = transitions(pkg)
    by_level = national.by_level()
    pairs = national.by_round_pair()
    titles = dict(pkg.rounds.select("round_id", "title").rows())
    heat = "".join(
        f"<img alt='Transition heatmap, {h.esc(lvl)} grades' src='"
        + h.png(
            plot_transitions(
                transition_matrix(national, level=lvl), title=f"{lvl.capitalize()} grades: earlier to later judgment"
            )
        )
        + "'>"
        for lvl in national.levels
    )
    caveat = (
        f"<p>{national.comparable_pairs} pairs of consecutive known judgments of one force and theme. Left out: "
        f"{national.excluded_breaks} pairs across a scale or framework break (see the notes below) and "
        f"{national.excluded_carried} carried-over grades (not new judgments). {national.spanning_gaps} counted pairs span "
        "a round where the force's grade is unknown or was not given.</p>"
        "<p>Pillar and question grades are counted apart: one inspection judges both, so pooling them would count it twice.</p>"
    )
    level_table = h.table(
        by_level,
        headers={
            "level": "Level",
            "pairs": "Pairs counted",
            "across_gap": "Spanning an unknown grade",
            "improved": "Improved",
            "unchanged": "Unchanged",
            "declined": "Declined",
        },
        numeric=["pairs", "across_gap", "improved", "unchanged", "declined"],
    )
    pair_table = h.table(
        pairs.with_columns(
            pl.col("from_round").replace_strict(titles, default=pl.col("from_round")),
            pl.col("to_round").replace_strict(titles, default=pl.col("to_round")),
        ),
        headers={
            "level": "Level",
            "from_round": "From round",
            "to_round": "To round",
            "rounds_skipped": "Rounds skipped",
            "pairs": "Pairs",
            "across_gap": "Spanning an unknown grade",
            "improved": "Improved",
            "unchanged": "Unchanged",
            "declined": "Declined",
        },
        numeric=["rounds_skipped", "pairs", "across_gap", "improved", "unchanged", "declined"],
    )
    breaks = round_breaks(pkg).with_columns(
        comparable=pl.col("comparable_with_previous").replace_strict(
            {True: "yes", False: "no"}, default="not stated", return_dtype=pl.String
        ),
        source=pl.struct("url", "source_title").map_elements(
            lambda s: h.link(s["url"], "source", title=s["source_title"]) if s["url"] else "", return_dtype=pl.String
        ),
    )
    break_table = h.table(
        breaks.select("title", "comparable", "break_note", "source"),
        headers={"title": "Round", "comparable": "Comparable with the round before", "break_note": "Note", "source": "Source"},
        raw=["source"],
    )
    return h.section(
        "transitions",
        _HEADINGS["transitions"],
        f"<div class='chart wide'><div class='pair'>{heat}</div><aside class='caveat'>{caveat}</aside></div>",
        "<h3>By level</h3>",
        level_table,
        "<h3>Where grades cannot be compared</h3>",
        break_table,
        "<h3>By round pair</h3>",
        pair_table,
    )


def engage_table(events: pl.DataFrame) -> str:
    """Engage events as a table: one row per force, date and event, every source a link."""
    rows = events.with_columns(
        when=pl.struct("date", "date_precision").map_elements(
            lambda s: h.fmt_date(s["date"], s["date_precision"]), return_dtype=pl.String
        ),
        what=pl.col("event").cast(pl.String).replace_strict(_EVENTS, default=pl.col("event").cast(pl.String)),
        precision=pl.col("date_precision")
        .cast(pl.String)
        .replace_strict({"day": "day", "month": "month only", "year": "year only"}, default="not stated"),
        links=pl.col("sources").map_elements(
            lambda xs: h.source_links((x["url"], x["kind"], x["title"]) for x in xs), return_dtype=pl.String
        ),
    )
    return h.table(
        rows.select("force_name", "when", "precision", "what", "links"),
        headers={"force_name": "Force", "when": "Date", "precision": "Date known to", "what": "Event", "links": "Sources"},
        raw=["links"],
    )


def engage_section(pkg: Package) -> str:
    """(e) The Engage timeline: a chart and the events, dates at their precision, no duplicates."""
    from peelstats.plots_national import plot_engage_timeline

    events = engage_events(pkg)
    until = dt.date.fromisoformat(pkg.created[:10])
    merged = int(events["sources"].list.len().sum()) - events.height
    open_ = events.group_by("force_id").agg(out=(pl.col("event") == "exited").any()).filter(~pl.col("out")).height
    caveat = (
        f"<p>{events['force_id'].n_unique()} forces with recorded Engage events; {open_} with no exit recorded. "
        f"{events.height} events; {merged} further source{'s' * (merged != 1)} reporting an event already listed "
        "are merged into its row. Dates known only to the month or year are printed that way and drawn as bands. "
        f"A bar with no recorded exit runs to the dataset's date ({h.fmt_date(until, 'day')}).</p>"
        "<p>Forces in Engage before the inspectorate's published lists may be missing.</p>"
    )
    return h.section(
        "engage",
        _HEADINGS["engage"],
        h.figure(h.png(plot_engage_timeline(events, until=until)), "Timeline of forces in Engage", caveat),
        engage_table(events),
    )


def about_section(pkg: Package) -> str:
    """Citation, version and where the sources are."""
    with_text = pkg.sources.filter(pl.col("document").is_not_null()).height
    return h.section(
        "about",
        _HEADINGS["about"],
        f"<p>Dataset <b>{h.esc(pkg.title)}</b>, version <b>{h.esc(pkg.version)}</b> ({h.esc(pkg.created[:10])}). "
        f"Cite as: <i>{h.esc(pkg.cite('text'))}</i></p>",
        f"<p class='note'>{pkg.sources.height} sources, each linked where it is used above; {with_text} are shipped as "
        "text (Open Government Licence) with every evidence quote checked verbatim. Grades are recorded only where a "
        "source states them; an unknown grade stays unknown. Made with <code>peelstats report</code>.</p>",
    )


def build_report(pkg: Package, *, force_page: str | None = None) -> str:
    """The national report's HTML text (figures embedded as PNG data URIs).

    ``force_page`` is the file name of a force's page to link to from the top, if any.
    """
    cells = graded_cells(pkg)
    nav = "".join(f"<a href='#{a}'>{h.esc(t)}</a>" for a, t in SECTIONS)
    if force_page:
        nav += f"<a href='{h.esc(force_page)}'>Force page</a>"
    return h.page(
        f"PEEL inspection grades of the police forces of England and Wales (peelstats {pkg.version})",
        "<h1>PEEL inspection grades of the 43 police forces of England and Wales</h1>",
        f"<p class='note'>peelstats dataset version {h.esc(pkg.version)}. What the police inspectorate (HMIC, since "
        "2017 HMICFRS) judged in its PEEL inspections, as far as public sources state it.</p>",
        f"<nav>{nav}</nav>",
        latest_section(cells),
        distribution_section(cells),
        pillar_section(cells),
        transitions_section(pkg),
        engage_section(pkg),
        about_section(pkg),
    )


def write_report(pkg: Package, out: Path, force: str | None = None) -> Path:
    """Write ``index.html`` (national) into ``out`` (created if needed) and return its path.

    With ``force`` (a force as :func:`peelstats.grades` accepts it) also write
    ``force-<force_id>.html``, linked from the national page. A force page that an earlier run
    left in ``out`` (``force-<id>.html`` for a force id of the package) is removed, so the folder
    holds only the pages the national page links to; other files are left alone.
    """
    from peelstats.export import prepare_folder

    page_name = None
    force_html = None
    if force is not None:
        from peelstats.report_force import build_force_page, resolve_force

        force_id = resolve_force(pkg, force)
        page_name = f"force-{force_id}.html"
        force_html = build_force_page(pkg, force_id)
    prepare_folder(out, "report")
    if force_html is not None and page_name is not None:
        (out / page_name).write_text(force_html, encoding="utf-8")
    path = out / "index.html"
    path.write_text(build_report(pkg, force_page=page_name), encoding="utf-8")
    for other in pkg.forces["force_id"].to_list():
        stale = out / f"force-{other}.html"
        if stale.name != page_name and stale.is_file():
            stale.unlink()
    return path
