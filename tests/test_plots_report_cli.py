"""Figures, the HTML report, the citation and the command line."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from matplotlib.figure import Figure

import peelstats as ps
from peelstats.cli import main


def test_plots_return_figures_and_accept_an_axis(pkg: ps.Package, tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    traj = ps.trajectories(pkg, force="cleveland")
    fig = ps.plot_trajectories(traj)
    drawn = traj.filter(pl.col("rank").is_not_null())["theme"].n_unique()
    assert isinstance(fig, Figure) and len([a for a in fig.axes if a.get_title(loc="left")]) == drawn
    fig.savefig(tmp_path / "t.png")
    pillar = ps.transition_matrix(ps.transitions(pkg), level="pillar")
    heat = ps.plot_transitions(pillar)
    texts = {t.get_text() for t in heat.axes[0].texts}
    assert str(pillar.counts["good"][2]) in texts
    with pytest.raises(ps.InputError, match="unknown theme 'nope'"):
        ps.plot_trajectories(traj, themes=["nope"])
    _, ax = plt.subplots()
    assert ps.plot_coverage(ps.coverage(pkg).filter(pl.col("entity") == "cleveland"), ax=ax) is ax.get_figure()
    one = ps.plot_trajectories(ps.trajectories(pkg, force="cleveland", theme="effectiveness"), ax=ax)
    assert one is ax.get_figure()
    plt.close("all")


def test_plots_leave_nothing_open_in_pyplot(pkg: ps.Package) -> None:
    """A figure returned as a notebook cell's last value is shown once: pyplot holds no copy of it."""
    import matplotlib.pyplot as plt

    from peelstats.plots_national import plot_engage_timeline, plot_grade_distribution
    from peelstats.report_data import distribution, engage_events, graded_cells

    plt.close("all")
    figs = [
        ps.plot_trajectories(ps.trajectories(pkg, force="cleveland")),
        ps.plot_trajectories(ps.trajectories(pkg, theme="effectiveness"), highlight="cleveland"),
        ps.plot_transitions(ps.transition_matrix(ps.transitions(pkg), level="pillar")),
        ps.plot_coverage(ps.coverage(pkg).filter(pl.col("entity") == "cleveland")),
        plot_grade_distribution(distribution(graded_cells(pkg))),
        plot_engage_timeline(engage_events(pkg)),
    ]
    assert all(isinstance(f, Figure) for f in figs)
    assert plt.get_fignums() == []


def _legend_texts(fig: Figure) -> list[str]:
    return [t.get_text() for leg in fig.legends + [a.get_legend() for a in fig.axes if a.get_legend()] for t in leg.get_texts()]


def test_many_forces_never_get_a_legend_of_43(pkg: ps.Package) -> None:
    traj = ps.trajectories(pkg, theme="effectiveness")
    assert traj["entity"].n_unique() == 43
    crowd = ps.plot_trajectories(traj)
    assert len(_legend_texts(crowd)) <= 2
    picked = ps.plot_trajectories(traj, highlight="cleveland", names={"cleveland": "Cleveland Police"})
    labels = _legend_texts(picked)
    assert "Cleveland Police" in labels and len(labels) <= 2
    assert any("42" in t for t in labels)  # the other 42 forces, drawn as counts
    few = ps.plot_trajectories(
        ps.trajectories(pkg, theme="effectiveness").filter(pl.col("entity").is_in(["cleveland", "durham"]))
    )
    assert sorted(_legend_texts(few)) == ["cleveland", "durham"]
    with pytest.raises(ps.InputError, match="highlight 'gotham'"):
        ps.plot_trajectories(traj, highlight="gotham")


def test_trajectory_panels_readable_pillars_first_one_axis_per_scale(pkg: ps.Package) -> None:
    traj = ps.trajectories(pkg, force="cleveland")
    fig = ps.plot_trajectories(traj, titles={"prevention": "Preventing crime"})
    titles = [a.get_title(loc="left") for a in fig.axes if a.get_title(loc="left")]
    assert titles[:3] == ["Effectiveness", "Efficiency", "Legitimacy"]
    assert "Preventing crime" in titles and not any("-" in t for t in titles)
    prevention = ps.plot_trajectories(traj, themes=["prevention"])
    scales = sorted([t.get_text().replace("\n", " ") for t in a.get_yticklabels()] for a in prevention.axes)
    assert scales == [
        ["inadequate", "requires improvement", "adequate", "good", "outstanding"],
        ["inadequate", "requires improvement", "good", "outstanding"],
    ]
    pillar_only = ps.plot_trajectories(traj, themes=["efficiency"])
    ylabels = [t.get_text().replace("\n", " ") for a in pillar_only.axes for t in a.get_yticklabels()]
    assert ylabels == ["inadequate", "requires improvement", "good", "outstanding"]  # no "adequate" on a 4-point scale


def test_unknown_themes_raise_one_error_naming_them(pkg: ps.Package) -> None:
    traj = ps.trajectories(pkg, force="cleveland")
    with pytest.raises(ps.InputError, match="unknown themes 'nope', 'nada'"):
        ps.plot_trajectories(traj, themes=["nope", "effectiveness", "nada"])


def test_coverage_plot_leaves_out_a_series_with_no_data(pkg: ps.Package) -> None:
    cov = ps.coverage(pkg).filter(pl.col("entity") == "cleveland")
    assert int(cov["dated"].sum()) == 0  # no response is dated in the package
    fig = ps.plot_coverage(cov)
    labels = _legend_texts(fig)
    assert "response within 56 days" not in labels and "published response" in labels
    assert any("response within 56 days" in t.get_text() for t in fig.texts)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks and not any("area-for-improvement" in t for t in ticks)


def test_plot_bad_input() -> None:
    with pytest.raises(ps.InputError, match="missing column"):
        ps.plot_coverage(pl.DataFrame({"x": [1]}))


class _Page(HTMLParser):
    """What the report tests read: section ids, links, images, and the rows of named tables."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.hrefs: list[str] = []
        self.images: list[str] = []
        self.headers: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._section = ""
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._th = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id") or ""
            self.sections.append(self._section)
        elif tag == "a":
            self.hrefs.append(a.get("href") or "")
        elif tag == "img":
            self.images.append(a.get("src") or "")
        elif tag == "table" and self._table is None:
            self._table = self.tables.setdefault(self._section, [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th"):
            self._cell, self._th = [], tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            if self._table is not None and self._table:
                self._table[-1].append(text)
            if self._th:
                self.headers.append(text)
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``peelstats report --out DIR`` run once (no --force): the index path."""
    out = tmp_path_factory.mktemp("national") / "out"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", "--out", str(out)]) == 0
    return out / "index.html"


@pytest.fixture(scope="module")
def with_force(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """``peelstats report --force cleveland`` run once: the index path and what the command printed."""
    out = tmp_path_factory.mktemp("force") / "out"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["report", "--out", str(out), "--force", "cleveland"]) == 0
    return out / "index.html", printed.getvalue()


def test_national_report_structure(pkg: ps.Package, national: Path) -> None:
    page = _parse(national)
    assert page.sections == ["latest", "distributions", "pillars", "transitions", "engage", "about"]
    # the latest-grades table: one row per force, unknown cells shown rather than hidden
    names = set(pkg.forces["name"])
    rows = [r for r in page.tables["latest"] if r and r[0] in names]
    assert sorted(r[0] for r in rows) == sorted(names)
    assert any("unknown" in r for r in rows)
    # self-contained: figures embedded, nothing fetched
    assert len(page.images) >= 3 and all(src.startswith("data:image/png;base64,") for src in page.images)
    # every link is a web source or a place in the page; there are many source links
    outbound = [u for u in page.hrefs if not u.startswith("#")]
    assert outbound and all(re.match(r"https?://", u) for u in outbound)
    assert len(outbound) > 500
    assert "sources.csv" not in national.read_text()
    # readable headers everywhere
    assert page.headers and not [t for t in page.headers if "_" in t or re.search(r"\bpeel-\d", t)]
    assert "best_position" not in national.read_text()
    assert not list(national.parent.glob("force-*.html"))


def _day_forms(d: dt.date) -> list[str]:
    return [d.isoformat(), f"{d.day} {d.strftime('%B')} {d.year}", f"{d.strftime('%d/%m/%Y')}"]


def _printed_to_the_day(text: str, d: dt.date) -> bool:
    """Whether ``text`` prints ``d`` to the day (a whole token: '1 May 2024' is not inside '21 May 2024')."""
    return any(re.search(rf"(?<![\d/-]){re.escape(form)}(?![\d])", text) for form in _day_forms(d))


def test_dates_are_printed_no_finer_than_known(pkg: ps.Package, national: Path) -> None:
    text = national.read_text()
    coarse = pkg.monitoring.filter(pl.col("date_precision") != "day")
    day_dates = set(pkg.monitoring.filter(pl.col("date_precision") == "day")["date"]) | set(
        pkg.inspections.filter(pl.col("published_precision") == "day")["published"]
    )
    assert coarse.filter(pl.col("date_precision") == "year").height >= 1
    for d, precision in coarse.select("date", "date_precision").rows():
        assert d not in day_dates
        assert not _printed_to_the_day(text, d), (d, precision)
    month = pkg.inspections.filter(pl.col("published_precision") == "month")["published"].unique()
    for d in month:
        if d not in day_dates:
            assert not _printed_to_the_day(text, d), d
    assert "2019" in " ".join(" ".join(r) for r in _parse(national).tables["engage"] if r and "Cleveland Police" in r)


def test_engage_rows_are_not_duplicated(pkg: ps.Package, national: Path) -> None:
    rows = [r for r in _parse(national).tables["engage"] if r and r[0] in set(pkg.forces["name"])]
    keys = [(r[0], r[1], r[3]) for r in rows]
    assert len(keys) == len(set(keys))
    assert len(rows) == pkg.monitoring.filter(pl.col("phase") == "engage").unique(["force_id", "date", "event"]).height
    assert len(rows) < pkg.monitoring.filter(pl.col("phase") == "engage").height  # two sources of one event: one row


def test_force_page_only_with_force(pkg: ps.Package, with_force: tuple[Path, str]) -> None:
    index, printed = with_force
    force_page = index.parent / "force-cleveland.html"
    assert force_page.is_file() and "href='force-cleveland.html'" in index.read_text()
    assert printed.count("wrote") == 2 and str(force_page) in printed
    page = _parse(force_page)
    assert page.sections == ["trajectories", "judgments", "findings", "engage"]
    assert len(page.images) == 2 and all(src.startswith("data:image/png;base64,") for src in page.images)
    assert not [t for t in page.headers if "_" in t]
    text = force_page.read_text()
    assert "Cleveland Police" in text and "area-for-improvement" not in text and "best_position" not in text
    outbound = [u for u in page.hrefs if not u.startswith("#") and u != "index.html"]
    assert outbound and all(re.match(r"https?://", u) for u in outbound)
    assert "Response within 56 days" not in page.headers  # no response is dated: the empty series is left out
    assert any("2019" in " ".join(r) and "entered" in " ".join(r) for r in page.tables["engage"])


def test_a_rerun_leaves_only_the_pages_it_links(pkg: ps.Package, tmp_path: Path) -> None:
    from peelstats.report import write_report

    out = tmp_path / "report"
    write_report(pkg, out, force="cleveland")
    (out / "notes.txt").write_text("mine")
    (out / "force-gotham.html").write_text("not a force of the package")
    write_report(pkg, out, force="durham")
    assert sorted(p.name for p in out.iterdir()) == ["force-durham.html", "force-gotham.html", "index.html", "notes.txt"]
    assert "force-durham.html" in (out / "index.html").read_text()
    write_report(pkg, out)
    assert sorted(p.name for p in out.iterdir()) == ["force-gotham.html", "index.html", "notes.txt"]
    assert not re.search(r"href='force-[a-z-]+\.html'", (out / "index.html").read_text())


def test_report_force_names_go_through_the_grades_view(pkg: ps.Package, tmp_path: Path) -> None:
    from peelstats.report import write_report
    from peelstats.report_force import resolve_force

    assert resolve_force(pkg, "Cleveland Police") == resolve_force(pkg, "cleveland") == "cleveland"
    with pytest.raises(ps.InputError, match="gotham"):
        write_report(pkg, tmp_path / "x", force="gotham")


def test_cite_names_the_version(pkg: ps.Package) -> None:
    text = ps.cite()
    assert f"dataset version {pkg.version}" in text
    bib = ps.cite("bibtex")
    assert re.search(r"version = \{" + re.escape(pkg.version) + r"\}", bib)
    with pytest.raises(ps.InputError):
        ps.cite("apa")


@pytest.mark.parametrize(
    "argv, expect",
    [
        (["info"], "gradings"),
        (["info", "--coverage"], "peel-2015"),
        (["cite", "--format", "bibtex"], "@misc"),
        (["trajectory", "--force", "cleveland"], "effectiveness"),
        (["transitions", "--theme", "effectiveness"], "pairs counted"),
        (["coverage", "--by", "force"], "cleveland"),
    ],
)
def test_cli_prints_tables(argv: list[str], expect: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    assert expect in capsys.readouterr().out


def test_cli_unknown_force_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trajectory", "--force", "gotham"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "gotham" in err and "\n" not in err


def test_import_is_light() -> None:
    code = "import sys, peelstats; print('matplotlib' in sys.modules, 'frictionless' in sys.modules, 'yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_load_does_not_import_frictionless() -> None:
    code = "import sys, peelstats; peelstats.load(); print('frictionless' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
