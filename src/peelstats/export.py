"""``peelstats export``: the tables as Parquet, SQLite (with keys) or Excel, for non-Python tools."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import polars as pl

from peelstats.errors import InputError
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
    """One SQLite database with every table, keys declared, in dependency order."""
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
    """One Excel workbook, a sheet per table, plus a README sheet with the version and citation."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "README"
    for row in (
        ("dataset", pkg.title),
        ("version", pkg.version),
        ("created", pkg.created),
        ("cite as", pkg.cite("text")),
        ("tables", ", ".join(TABLE_NAMES)),
    ):
        info.append(list(row))
    for name in TABLE_NAMES:
        frame = _plain(pkg.table(name))
        ws = wb.create_sheet(name[:31])
        ws.append(frame.columns)
        for r in frame.iter_rows():
            ws.append([_cell(v) for v in r])
    wb.save(path)
    return path


def export_parquet(pkg: Package, folder: Path) -> Path:
    """A Parquet file per table (types kept: enums as categoricals, dates as dates)."""
    for name in TABLE_NAMES:
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
