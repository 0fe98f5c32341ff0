"""``peelstats export``: the tables as Parquet, SQLite (with keys) or Excel, for non-Python tools.

Every export carries the flat grades view: ``grades.parquet``, a ``grades`` SQL view over the
normalised tables in SQLite, and the first sheet of the workbook.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import polars as pl

from peelstats import vocab
from peelstats.errors import InputError
from peelstats.grades_view import COLUMNS as GRADES_COLUMNS
from peelstats.package import TABLE_NAMES, Package

FORMATS = ("parquet", "sqlite", "xlsx")


def _sql_type(ftype: str) -> str:
    return {"integer": "INTEGER", "boolean": "INTEGER", "number": "REAL"}.get(ftype, "TEXT")


def sqlite_ddl(pkg: Package) -> list[str]:
    """CREATE TABLE statements with primary and foreign keys, from the package's schemas."""
    resources = {r["name"]: r for r in pkg.descriptor["resources"]}
    out = []
    for name in TABLE_NAMES:
        schema = resources[name]["schema"]
        cols = []
        for f in schema["fields"]:
            null = " NOT NULL" if f.get("constraints", {}).get("required") else ""
            enum = f.get("constraints", {}).get("enum")
            check = ""
            if enum:
                values = ", ".join("'" + v.replace("'", "''") + "'" for v in enum)
                check = f' CHECK ("{f["name"]}" IN ({values}))'
            cols.append(f'"{f["name"]}" {_sql_type(f["type"])}{null}{check}')
        pk = ", ".join(f'"{c}"' for c in schema["primaryKey"])
        cols.append(f"PRIMARY KEY ({pk})")
        for fk in schema.get("foreignKeys", []):
            here = ", ".join(f'"{c}"' for c in fk["fields"])
            there = ", ".join(f'"{c}"' for c in fk["reference"]["fields"])
            cols.append(f'FOREIGN KEY ({here}) REFERENCES "{fk["reference"]["resource"]}" ({there})')
        out.append(f'CREATE TABLE "{name}" (\n  ' + ",\n  ".join(cols) + "\n)")
    return out


def grades_view_sql() -> str:
    """CREATE VIEW "grades": the flat grades view (``ps.grades()``) over the normalised tables.

    One row per force and graded area, known or not; ``rank`` (from ``scales``, 1 = worst on the
    round's scale) orders grades, so ``ORDER BY rank`` or ``max(rank)`` never sorts them
    alphabetically. Rows come in the order of ``ps.grades()``.
    """
    levels = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(vocab.AREA_LEVELS))
    return f"""CREATE VIEW "grades" AS
WITH judged AS (
  SELECT i.force_id, g.area_id, g.grade, g.graded, g.carried_from, g.inspection_id, g.source_id
  FROM gradings AS g JOIN inspections AS i ON i.inspection_id = g.inspection_id
),
cells AS (
  SELECT * FROM judged
  UNION ALL
  SELECT f.force_id, a.area_id, NULL, NULL, NULL, NULL, NULL
  FROM forces AS f CROSS JOIN areas AS a
  WHERE a.graded_in_round = 1
    AND NOT EXISTS (SELECT 1 FROM judged AS j WHERE j.force_id = f.force_id AND j.area_id = a.area_id)
)
SELECT c.force_id, f.name AS force_name, a.round_id, r.title AS round_title, a.level, c.area_id,
  a.title AS area_title, a.theme_id, c.grade, s.rank, c.graded, c.carried_from, c.inspection_id,
  i.published, i.published_precision, src.kind AS source_kind, src.title AS source_title, src.url AS source_url
FROM cells AS c
JOIN forces AS f ON f.force_id = c.force_id
JOIN areas AS a ON a.area_id = c.area_id
JOIN rounds AS r ON r.round_id = a.round_id
LEFT JOIN inspections AS i ON i.inspection_id = c.inspection_id
LEFT JOIN sources AS src ON src.source_id = c.source_id
LEFT JOIN scales AS s ON s.scale_id = r.scale_id AND s.grade = c.grade
ORDER BY c.force_id, r.sequence, CASE a.level {levels} END, a.seq, c.area_id, c.inspection_id IS NULL, c.inspection_id"""


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Enums to text, booleans to 0/1, dates to ISO text: values SQLite and Excel take as they are."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Enum):
            exprs.append(col.cast(pl.String))
        elif dtype == pl.Boolean():
            exprs.append(col.cast(pl.Int64))
        elif dtype == pl.Date():
            exprs.append(col.dt.to_string("%Y-%m-%d"))
        else:
            exprs.append(col)
    return frame.select(exprs)


def export_sqlite(pkg: Package, path: Path) -> Path:
    """One SQLite database with every table, keys declared, in dependency order, and the ``grades`` view."""
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA foreign_keys = OFF")
        for ddl in sqlite_ddl(pkg):
            con.execute(ddl)
        for name in TABLE_NAMES:
            frame = _plain(pkg.table(name))
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            marks = ", ".join("?" for _ in frame.columns)
            con.executemany(f'INSERT INTO "{name}" ({cols}) VALUES ({marks})', frame.rows())
        con.execute(grades_view_sql())
        con.execute('CREATE TABLE "_meta" (key TEXT PRIMARY KEY, value TEXT)')
        con.executemany(
            'INSERT INTO "_meta" VALUES (?, ?)',
            [("name", pkg.name), ("version", pkg.version), ("created", pkg.created), ("citation", pkg.cite("text"))],
        )
        con.commit()
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise InputError(f"export: {len(problems)} foreign key problems in {path}, first: {problems[0]}")
    finally:
        con.close()
    return path


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A value Excel stores as it is: text that a spreadsheet would execute is kept as text, control characters escaped."""
    if not isinstance(value, str):
        return value
    text = "".join(ch if ch.isprintable() or ch in "\n" else repr(ch)[1:-1] for ch in value)
    if text.startswith(_FORMULA_START):
        text = "'" + text  # Excel shows the text, never evaluates it
    return text


def export_xlsx(pkg: Package, path: Path) -> Path:
    """One Excel workbook: first the flat ``grades`` sheet, then a README sheet with the version and citation,
    then a sheet per normalised table."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "grades"
    _fill(first, pkg.table("grades").select(GRADES_COLUMNS))
    info = wb.create_sheet("README")
    for row in (
        ("dataset", pkg.title),
        ("version", pkg.version),
        ("created", pkg.created),
        ("cite as", pkg.cite("text")),
        ("grades", "the flat grades view: one row per force x round x graded area (derived; peelstats.grades())"),
        ("tables", ", ".join(TABLE_NAMES)),
    ):
        info.append(list(row))
    for name in TABLE_NAMES:
        _fill(wb.create_sheet(name[:31]), pkg.table(name))
    wb.save(path)
    return path


def _fill(ws: Any, frame: pl.DataFrame) -> None:
    """Write ``frame`` into worksheet ``ws``: a header row, then the values as Excel stores them safely."""
    plain = _plain(frame)
    ws.append(plain.columns)
    for r in plain.iter_rows():
        ws.append([_cell(v) for v in r])


def export_parquet(pkg: Package, folder: Path) -> Path:
    """A Parquet file per table, and ``grades.parquet`` (types kept: enums as categoricals, dates as dates)."""
    for name in (*TABLE_NAMES, "grades"):
        pkg.table(name).write_parquet(folder / f"{name}.parquet")
    return folder


def prepare_folder(out: Path, what: str) -> None:
    """Create the output folder, or one InputError line saying why it cannot be written."""
    if out.exists() and not out.is_dir():
        raise InputError(f"{what}: {out} exists and is not a folder; give --out a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".peelstats-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"{what}: cannot write to {out} ({exc.strerror or exc})") from None


def export(pkg: Package, fmt: str, out: Path) -> Path:
    """Export in ``fmt`` (parquet, sqlite or xlsx) into folder ``out``; return what was written."""
    if fmt not in FORMATS:
        raise InputError(f"export: format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    prepare_folder(out, "export")
    stem = f"peelstats-{pkg.version}"
    if fmt == "sqlite":
        return export_sqlite(pkg, out / f"{stem}.sqlite")
    if fmt == "xlsx":
        try:
            return export_xlsx(pkg, out / f"{stem}.xlsx")
        except ImportError:
            raise InputError("export: xlsx needs openpyxl: pip install 'peelstats[export]'") from None
    return export_parquet(pkg, out)
