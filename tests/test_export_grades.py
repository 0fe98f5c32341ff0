"""Every export carries the flat grades view: a SQL view in SQLite, the first xlsx sheet, a Parquet file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl

import peelstats as ps
from peelstats.export import export
from peelstats.grades_view import COLUMNS


def _text_rows(frame: pl.DataFrame) -> list[tuple[object, ...]]:
    """Rows as SQLite gives them: text, 0/1 booleans, ISO dates."""
    return frame.select(
        pl.col(c).cast(pl.String)
        if isinstance(frame.schema[c], pl.Enum) or frame.schema[c] == pl.Date()
        else pl.col(c).cast(pl.Int64)
        if frame.schema[c] == pl.Boolean()
        else pl.col(c)
        for c in frame.columns
    ).rows()


def test_sqlite_grades_view_returns_the_rows_of_ps_grades(pkg: ps.Package, tmp_path: Path) -> None:
    con = sqlite3.connect(export(pkg, "sqlite", tmp_path))
    kind = con.execute("SELECT type FROM sqlite_master WHERE name = 'grades'").fetchone()
    assert kind == ("view",)
    cur = con.execute("SELECT * FROM grades")
    assert [d[0] for d in cur.description] == list(COLUMNS)
    assert cur.fetchall() == _text_rows(ps.grades(pkg))
    # grades order by rank, not alphabetically: the best 2016 efficiency grade is outstanding or good, never requires improvement
    best = con.execute("SELECT grade FROM grades WHERE area_id = 'peel-2016-efficiency' ORDER BY rank DESC LIMIT 1").fetchone()
    worst = con.execute(
        "SELECT grade FROM grades WHERE area_id = 'peel-2016-efficiency' AND rank IS NOT NULL ORDER BY rank LIMIT 1"
    ).fetchone()
    assert best[0] in {"outstanding", "good"} and worst[0] in {"inadequate", "requires improvement"}


def test_xlsx_first_sheet_is_the_flat_grades_table(pkg: ps.Package, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(export(pkg, "xlsx", tmp_path), read_only=True)
    assert wb.sheetnames[0] == "grades" and "README" in wb.sheetnames and "gradings" in wb.sheetnames
    rows = list(wb["grades"].iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == pkg.grades_table.height + 1
    expected = [tuple(v for v in r) for r in _text_rows(ps.grades(pkg))]
    assert [tuple(r) for r in rows[1:6]] == expected[:5]


def test_parquet_export_has_the_grades_table(pkg: ps.Package, tmp_path: Path) -> None:
    export(pkg, "parquet", tmp_path)
    assert pl.read_parquet(tmp_path / "grades.parquet").equals(pkg.grades_table)
