"""One force's page of the report: its grades, trajectories and what happened to its findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from peelstats import report_html as h
from peelstats.report_data import engage_events, graded_cells

if TYPE_CHECKING:
    from peelstats.package import Package

FORCE_SECTIONS = (
    ("trajectories", "Grades over time"),
    ("judgments", "Every graded judgment"),
    ("findings", "Findings and what happened to them"),
    ("engage", "Enhanced monitoring (Engage)"),
)
_HEAD = dict(FORCE_SECTIONS)
_LEVEL = {"pillar": "pillar", "question": "question", "area": "area"}


def resolve_force(pkg: Package, force: str) -> str:
    """The force_id of ``force`` as :func:`peelstats.grades` understands it (one InputError line if unknown)."""
    from peelstats.names import resolve_force as resolve

    return str(resolve(force, pkg.forces, fn="report"))


def _theme_titles(traj: pl.DataFrame, pkg: Package) -> dict[str, str]:
    """Per theme, the wording of its area in the latest round the force was graded in it."""
    known = traj.filter(pl.col("rank").is_not_null()).join(pkg.areas.select("area_id", "title"), on="area_id", how="left")
    latest = known.sort("order").group_by("theme").agg(pl.col("title").last())
    return {str(t): str(x) for t, x in latest.rows() if x is not None}


def trajectory_section(pkg: Package, force_id: str, name: str) -> str:
    """Trajectories of the themes graded at least twice, and a readable summary of every theme."""
    from peelstats.analytics import trajectories
    from peelstats.plots import plot_trajectories

    traj = trajectories(pkg, force=force_id).with_columns(pl.col("theme").cast(pl.String))
    titles = _theme_titles(traj, pkg)
    rounds = dict(pkg.rounds.select("round_id", "title").rows())
    known = traj.filter(pl.col("rank").is_not_null())
    counts = known.group_by("theme").len()
    drawn = counts.filter(pl.col("len") >= 2)["theme"].to_list()
    once = counts.filter(pl.col("len") == 1)["theme"].to_list()
    never = sorted(set(traj["theme"].to_list()) - set(counts["theme"].to_list()))
    parts = []
    if drawn:
        everyone = trajectories(pkg).with_columns(pl.col("theme").cast(pl.String)).filter(pl.col("theme").is_in(drawn))
        fig = plot_trajectories(
            everyone,
            highlight=force_id,
            names={force_id: name},
            titles=titles,
            title=f"{name} (line) against the other forces (grey: how many had each grade)",
        )
        caveat = (
            f"<p>{len(drawn)} themes with at least two known grades are drawn; grey bubbles count the other forces "
            "with a known grade at each point. Each grading scale has its own axis: "
            "four points until 2018/19, five (adding <i>adequate</i>) from 2021/22; the inspectorate says grades across "
            "that change, and between 2021/22 and 2023-25, are not comparable, so lines are broken there.</p>"
            f"<p>Known grades: {known.height} of {traj.height} force x area judgments in the rounds shown.</p>"
        )
        if once:
            caveat += "<p>Graded once (not drawn): " + h.esc("; ".join(sorted(titles.get(t, t) for t in once))) + ".</p>"
        if never:
            caveat += "<p>No known grade: " + h.esc("; ".join(t.replace("-", " ") for t in never)) + ".</p>"
        parts.append(h.figure(h.png(fig), f"Grade trajectories of {name}", caveat, wide=True))
    else:
        parts.append("<p>No theme has two known grades for this force, so there is no trajectory to draw.</p>")
    ordered = known.sort("order")
    summary = (
        ordered.group_by("theme", maintain_order=True)
        .agg(
            judgments=pl.len(),
            first=pl.concat_str(pl.col("grade").first().cast(pl.String), pl.lit(" ("), pl.col("round_id").first(), pl.lit(")")),
            latest=pl.concat_str(pl.col("grade").last().cast(pl.String), pl.lit(" ("), pl.col("round_id").last(), pl.lit(")")),
            improved=(pl.col("change") == "improved").sum(),
            declined=(pl.col("change") == "declined").sum(),
            breaks=(pl.col("change") == "not comparable").sum(),
        )
        .join(traj.filter(pl.col("rank").is_null()).group_by("theme").agg(unknown=pl.len()), on="theme", how="left")
        .with_columns(
            pl.col("unknown").fill_null(0),
            area=pl.col("theme").replace_strict(titles, default=pl.col("theme")),
            first=pl.col("first").str.replace_many(list(rounds), list(rounds.values())),
            latest=pl.col("latest").str.replace_many(list(rounds), list(rounds.values())),
        )
        .join(traj.select("theme", pillar=pl.col("level") == "pillar").group_by("theme").agg(pl.col("pillar").any()), on="theme")
        .sort(~pl.col("pillar"), "area")
        .select("area", "judgments", "unknown", "first", "latest", "improved", "declined", "breaks")
    )
    parts.append(
        h.table(
            summary,
            headers={
                "area": "Area (latest wording)",
                "judgments": "Known grades",
                "unknown": "Unknown or not graded",
                "first": "First known grade",
                "latest": "Latest known grade",
                "improved": "Times improved",
                "declined": "Times declined",
                "breaks": "Changes not comparable",
            },
            numeric=["judgments", "unknown", "improved", "declined", "breaks"],
        )
    )
    return h.section("trajectories", _HEAD["trajectories"], *parts)


def judgments_section(pkg: Package, force_id: str) -> str:
    """Every graded judgment of the force, round by round, unknown cells shown."""
    cells = graded_cells(pkg, force=force_id)
    bodies = []
    order = cells.select("round_id", "round_title", "sequence").unique().sort("sequence", descending=True)
    for rnd, title, _ in order.rows():
        sub = cells.filter(pl.col("round_id") == rnd)
        rows = []
        for r in sub.iter_rows(named=True):
            indent = "&emsp;" if r["level"] == "question" else ""
            when = h.fmt_date(
                r["published"], None if r["published_precision"] is None else str(r["published_precision"]), missing=""
            )
            level = h.esc(_LEVEL.get(str(r["level"]), ""))
            rows.append(
                f"<tr><td>{indent}{h.esc(r['area_title'])}</td><td>{level}</td>{h.judgment_cell(r)}"
                f"<td class='date'>{h.esc(when)}</td></tr>"
            )
        known = sub.filter(pl.col("status") == "known").height
        bodies.append(
            f"<tbody><tr><th class='group' colspan='4'>{h.esc(title)}: {known} of {sub.height} known</th></tr>"
            f"{''.join(rows)}</tbody>"
        )
    table = (
        "<div class='scroll'><table><thead><tr><th>Area or question</th><th>Level</th><th>Grade (links to source)</th>"
        f"<th>Published</th></tr></thead>{''.join(bodies)}</table></div>"
    )
    return h.section(
        "judgments",
        _HEAD["judgments"],
        "<p class='note'>Unknown: no source found that states the grade. Not graded: a source says it was not graded.</p>",
        table,
    )


def findings_section(pkg: Package, force_id: str, name: str) -> str:
    """Coverage of the force's findings by inspection and kind, with readable labels."""
    from peelstats.analytics import coverage
    from peelstats.plots import plot_coverage

    cov = coverage(pkg).filter(pl.col("entity") == force_id)
    if cov.height == 0:
        return h.section("findings", _HEAD["findings"], f"<p>No findings are recorded for {h.esc(name)} yet.</p>")
    titles = pkg.inspections.select("inspection_id", inspection="title")
    cov = cov.join(titles, on="inspection_id", how="left").with_columns(
        pl.col("inspection")
        .str.replace(r"\s+-\s+An inspection of .*$", "")
        .str.replace(" - " + name, "", literal=True)
        .fill_null(pl.col("inspection_id"))
    )
    fig = plot_coverage(cov, label="inspection", title=f"{name}: findings and what followed")
    no_dates = int(cov["dated"].sum()) == 0
    caveat = (
        f"<p>{int(cov['findings'].sum())} findings in {cov['inspection_id'].n_unique()} inspections. A finding counts as "
        "responded to when a published force or PCC response addresses it, followed up when a later assessment names "
        "it, closed when that assessment says complete or superseded, and recurring when the next full inspection "
        "raises it again.</p>"
    )
    if no_dates:
        caveat += "<p>No response is dated, so whether responses came within the 56 days a PCC has is not shown.</p>"
    kinds = {
        "cause-of-concern": "cause of concern",
        "recommendation": "recommendation",
        "area-for-improvement": "area for improvement",
    }

    def of(num: str, den: str) -> pl.Expr:
        return pl.when(pl.col(den) > 0).then(pl.format("{} of {}", pl.col(num), pl.col(den))).otherwise(pl.lit("none eligible"))

    shown = cov.sort("round_id", "inspection").select(
        "inspection",
        kind=pl.col("kind").cast(pl.String).replace_strict(kinds, default=pl.col("kind").cast(pl.String)),
        findings="findings",
        responded=of("responded", "findings"),
        **({} if no_dates else {"on_time": of("responded_56d", "dated")}),
        followed=of("followed_up", "findings"),
        closed=of("closed", "findings"),
        recurs=of("recurs", "recur_eligible"),
    )
    headers = {
        "inspection": "Inspection",
        "kind": "Kind",
        "findings": "Findings",
        "responded": "Responded to",
        "on_time": "Response within 56 days",
        "followed": "Followed up",
        "closed": "Closed",
        "recurs": "Raised again next inspection",
    }
    return h.section(
        "findings",
        _HEAD["findings"],
        h.figure(h.png(fig), f"What happened to the findings of {name}", caveat),
        h.table(shown, headers=headers, numeric=["findings"]),
    )


def engage_force_section(pkg: Package, force_id: str, name: str) -> str:
    """The force's Engage events, or a line saying there are none."""
    from peelstats.report import engage_table

    events = engage_events(pkg).filter(pl.col("force_id") == force_id)
    if events.height == 0:
        return h.section("engage", _HEAD["engage"], f"<p>No Engage event is recorded for {h.esc(name)}.</p>")
    return h.section("engage", _HEAD["engage"], engage_table(events))


def build_force_page(pkg: Package, force_id: str) -> str:
    """The HTML text of one force's page (figures embedded)."""
    name = str(pkg.forces.filter(pl.col("force_id") == force_id)["name"][0])
    nav = "<a href='index.html'>National report</a>" + "".join(f"<a href='#{a}'>{h.esc(t)}</a>" for a, t in FORCE_SECTIONS)
    return h.page(
        f"{name}: PEEL inspection grades (peelstats {pkg.version})",
        f"<h1>{h.esc(name)}: PEEL inspection grades</h1>",
        f"<p class='note'>peelstats dataset version {h.esc(pkg.version)}. Cite as: <i>{h.esc(pkg.cite('text'))}</i></p>",
        f"<nav>{nav}</nav>",
        trajectory_section(pkg, force_id, name),
        judgments_section(pkg, force_id),
        findings_section(pkg, force_id, name),
        engage_force_section(pkg, force_id, name),
    )
