"""Figures, the HTML report, the citation and the command line."""

from __future__ import annotations

import re
import subprocess
import sys
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
    assert isinstance(fig, Figure) and len([a for a in fig.axes if a.get_visible()]) == drawn
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


def test_plot_bad_input() -> None:
    with pytest.raises(ps.InputError, match="missing column"):
        ps.plot_coverage(pl.DataFrame({"x": [1]}))


def test_report_is_self_contained(pkg: ps.Package, tmp_path: Path) -> None:
    from peelstats.report import write_report

    path = write_report(pkg, tmp_path / "out", force="cleveland")
    page = path.read_text()
    assert page.count("data:image/png;base64,") == 4
    assert "src='http" not in page and 'src="http' not in page
    assert f"version <b>{pkg.version}</b>" in page
    assert "Cleveland Police" in page


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


def test_cli_report_writes_html(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "peelstats", "report", "--out", str(tmp_path / "r")], capture_output=True, text=True, check=True
    )
    assert (tmp_path / "r" / "index.html").is_file() and "wrote" in out.stdout


def test_import_is_light() -> None:
    code = "import sys, peelstats; print('matplotlib' in sys.modules, 'frictionless' in sys.modules, 'yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "False"]


def test_load_does_not_import_frictionless() -> None:
    code = "import sys, peelstats; peelstats.load(); print('frictionless' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
