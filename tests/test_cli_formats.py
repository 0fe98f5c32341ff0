"""The command line for pipes and people: --format table|csv|json, --version, --help on every option."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import peelstats as ps
from peelstats.cli import main, parser

ROOT = Path(__file__).resolve().parents[1]

# (command line, the same table from the API)
COMMANDS: list[tuple[list[str], Callable[[ps.Package], pl.DataFrame]]] = [
    (["grades", "--force", "Cleveland Police"], lambda p: ps.grades(p, force="cleveland")),
    (
        ["grades", "--round", "peel-2016", "--level", "pillar", "--wide"],
        lambda p: ps.grades(p, round="peel-2016", level="pillar", wide=True),
    ),
    (
        ["grades", "--force", "GMP", "--theme", "efficiency"],
        lambda p: ps.grades(p, force="greater-manchester", theme="efficiency"),
    ),
    (["forces"], lambda p: ps.forces(p)),
    (["themes"], lambda p: ps.themes(p)),
    (["rounds"], lambda p: ps.rounds(p)),
    (["describe", "gradings"], lambda p: p.describe("gradings")),
    (["trajectory", "--force", "the Met"], lambda p: ps.trajectories(p, force="metropolitan")),
    (
        ["trajectory", "--theme", "prevention", "--summary"],
        lambda p: ps.trajectory_summary(ps.trajectories(p, theme="prevention")),
    ),
    (["transitions", "--theme", "effectiveness"], lambda p: ps.transitions(p, theme="effectiveness").counts),
    (
        ["transitions", "--rounds", "peel-2016,peel-2017", "--by-round-pair"],
        lambda p: ps.transitions(p, rounds=("peel-2016", "peel-2017")).by_round_pair(),
    ),
    (["coverage", "--by", "force"], lambda p: ps.coverage(p, by="force")),
]
IDS = [" ".join(argv) for argv, _ in COMMANDS]


def _as_csv_text(value: Any) -> str:
    """How a value reads in a CSV file: empty for null, true/false, ISO dates, lists joined by '; '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _same(cell: str, value: Any) -> bool:
    if isinstance(value, float):
        return (cell == "" and math.isnan(value)) or math.isclose(float(cell), value, rel_tol=1e-12)
    return cell == _as_csv_text(value)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    out = capsys.readouterr().out
    return out


@pytest.mark.parametrize(("argv", "api"), COMMANDS, ids=IDS)
def test_csv_is_the_api_table(
    pkg: ps.Package, argv: list[str], api: Callable[[ps.Package], pl.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = api(pkg)
    assert expected.height > 0
    rows = list(csv.reader(io.StringIO(_run([*argv, "--format", "csv"], capsys))))
    assert rows[0] == expected.columns
    assert len(rows) - 1 == expected.height
    for cells, values in zip(rows[1:], expected.iter_rows(), strict=True):
        assert all(_same(c, v) for c, v in zip(cells, values, strict=True)), (cells, values)


@pytest.mark.parametrize(("argv", "api"), COMMANDS, ids=IDS)
def test_json_is_the_api_table(
    pkg: ps.Package, argv: list[str], api: Callable[[ps.Package], pl.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = api(pkg)
    rows = json.loads(_run([*argv, "--format", "json"], capsys))
    assert isinstance(rows, list) and len(rows) == expected.height
    assert all(list(r) == expected.columns for r in rows)
    for got, values in zip(rows, expected.iter_rows(), strict=True):
        for cell, value in zip(got.values(), values, strict=True):
            if isinstance(value, float) and math.isnan(value):
                assert cell is None
            elif isinstance(value, (dt.date, dt.datetime)):
                assert cell == value.isoformat()
            else:
                assert cell == value


@pytest.mark.parametrize(("argv", "api"), COMMANDS, ids=IDS)
def test_table_says_how_many_rows(
    pkg: ps.Package, argv: list[str], api: Callable[[ps.Package], pl.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    expected = api(pkg)
    out = _run(argv, capsys)
    assert re.search(rf"^{expected.height} rows?\b", out, flags=re.MULTILINE), out[-500:]
    assert "shape:" not in out


def test_table_shows_every_row_unless_limited(pkg: ps.Package, capsys: pytest.CaptureFixture[str]) -> None:
    traj = ps.trajectories(pkg)
    assert traj.height > 1000
    out = _run(["trajectory"], capsys)
    last = traj.row(traj.height - 1, named=True)
    assert out.count(f"│ {last['force_id']}") >= 1
    body = out.split("Summary per force and theme")[0]
    # one line per row (and the header), no "…" row: the first column is never empty
    assert len(re.findall(r"^│ \S", body, flags=re.MULTILINE)) == traj.height + 1
    assert f"{traj.height} rows;" in body and "not shown" not in body.split("columns not shown")[0]
    limited = _run(["trajectory", "--limit", "5"], capsys).split("Summary per force and theme")[0]
    assert f"{traj.height} rows; the first 5 shown ({traj.height - 5} not shown: --limit 0 shows all)" in limited
    assert "--format csv or json gives every row and column in full" in limited


def test_table_headers_are_readable_and_hidden_columns_named(capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(["grades", "--force", "cleveland", "--round", "peel-2016"], capsys)
    assert "force name" in out and "area title" in out and "force_name" not in out
    assert "columns not shown: force_id, round_title, area_id" in out
    assert "--format csv or json gives every row and column in full" in out


def test_info_formats(pkg: ps.Package, capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(["info", "--format", "csv"], capsys))))
    assert {r["table"]: int(r["rows"]) for r in rows} == pkg.counts()
    about = json.loads(_run(["info", "--format", "json", "--coverage"], capsys))
    assert about["version"] == pkg.version and about["tables"] == pkg.counts()
    assert {"round_id", "known"} <= set(about["coverage"][0])
    cov = list(csv.DictReader(io.StringIO(_run(["info", "--coverage", "--format", "csv"], capsys))))
    assert {r["round_id"] for r in cov} >= {"peel-2015", "peel-2023-25"}


def test_version_prints_library_and_data_versions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out.strip()
    data = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert out.startswith(f"peelstats {version('peelstats')} (data package version {data}, ")
    assert "\n" not in out


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no sub-commands")


def test_every_option_has_help() -> None:
    p = parser()
    subs = _subparsers(p)
    assert {"grades", "forces", "themes", "rounds", "describe", "trajectory", "transitions", "coverage", "info"} <= set(subs)
    for name, sp in {"": p, **subs}.items():
        for action in sp._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"peelstats {name} {'/'.join(action.option_strings) or action.dest} has no help"


@pytest.mark.parametrize("command", ["grades", "forces", "themes", "rounds", "trajectory", "transitions", "coverage", "info"])
def test_table_commands_take_format(command: str) -> None:
    fmt = next(a for a in _subparsers(parser())[command]._actions if "--format" in a.option_strings)
    assert list(fmt.choices or []) == ["table", "csv", "json"] and fmt.default == "table"


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["grades", "--force", "Clevland"], "did you mean cleveland (Cleveland Police)?"),
        (["trajectory", "--force", "Yorkshire"], "could mean 3 forces"),
        (["transitions", "--force", "BTP"], "is not in this package"),
        (["describe", "grading"], "describe: no table 'grading'; tables: forces,"),
        (["grades", "--round", "2016"], "unknown round '2016'"),
    ],
)
def test_bad_input_is_one_line(argv: list[str], expect: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.startswith("error: ") and err.count("\n") == 1 and expect in err
