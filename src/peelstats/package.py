"""Load the data package into typed polars DataFrames.

``load()`` reads ``datapackage.json`` with the standard library, verifies every resource's
byte count and SHA-256 hash, and reads the CSVs with polars using the schemas in the
descriptor: vocabularies become ``pl.Enum``, dates ``pl.Date``. It does not import
frictionless (validation is ``peelstats check``'s job).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from peelstats.errors import PackageError

TABLE_NAMES: tuple[str, ...] = (
    "forces",
    "scales",
    "themes",
    "sources",
    "rounds",
    "areas",
    "inspections",
    "gradings",
    "grade_summaries",
    "finding_summaries",
    "findings",
    "deadlines",
    "responses",
    "response_findings",
    "followups",
    "monitoring",
)


@dataclass(frozen=True)
class Package:
    """A loaded peelstats data package: one polars DataFrame per table plus metadata."""

    path: Path
    version: str
    name: str
    title: str
    created: str
    licenses: tuple[dict[str, Any], ...]
    descriptor: dict[str, Any] = field(repr=False)
    forces: pl.DataFrame = field(repr=False)
    scales: pl.DataFrame = field(repr=False)
    themes: pl.DataFrame = field(repr=False)
    sources: pl.DataFrame = field(repr=False)
    rounds: pl.DataFrame = field(repr=False)
    areas: pl.DataFrame = field(repr=False)
    inspections: pl.DataFrame = field(repr=False)
    gradings: pl.DataFrame = field(repr=False)
    grade_summaries: pl.DataFrame = field(repr=False)
    finding_summaries: pl.DataFrame = field(repr=False)
    findings: pl.DataFrame = field(repr=False)
    deadlines: pl.DataFrame = field(repr=False)
    responses: pl.DataFrame = field(repr=False)
    response_findings: pl.DataFrame = field(repr=False)
    followups: pl.DataFrame = field(repr=False)
    monitoring: pl.DataFrame = field(repr=False)

    def table(self, name: str) -> pl.DataFrame:
        """The table called ``name``."""
        if name not in TABLE_NAMES:
            raise KeyError(f"no table {name!r}; tables: {', '.join(TABLE_NAMES)}")
        frame: pl.DataFrame = getattr(self, name)
        return frame

    @property
    def tables(self) -> dict[str, pl.DataFrame]:
        """Every table by name."""
        return {name: self.table(name) for name in TABLE_NAMES}

    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        return {name: self.table(name).height for name in TABLE_NAMES}

    def describe(self, name: str) -> pl.DataFrame:
        """What the columns of table ``name`` are, from :mod:`peelstats.schema`.

        Columns: ``column``, ``type`` (Table Schema type), ``polars_type`` (as loaded),
        ``required``, ``key`` (part of the primary key), ``references`` (``table.column``
        of a foreign key), ``values`` (the vocabulary, in order) and ``description``. An
        unknown table raises :class:`~peelstats.errors.InputError` listing the tables.
        """
        from peelstats.catalog import describe

        return describe(name, self)

    def cite(self, format: str = "text") -> str:  # noqa: A002 - public API name
        """Citation of this package's version (``text`` or ``bibtex``)."""
        from peelstats.citation import format_citation

        return format_citation(self.descriptor, format)

    def __repr__(self) -> str:
        rows = ", ".join(f"{k}={v}" for k, v in self.counts().items() if v)
        return f"<peelstats.Package {self.name} v{self.version}: {rows}>"


def bundled_path() -> Path:
    """Where the bundled datapackage.json is: inside the installed wheel, or the checkout."""
    inside = resources.files("peelstats").joinpath("_data").joinpath("datapackage.json")
    candidate = Path(str(inside))
    if candidate.is_file():
        return candidate
    checkout = Path(__file__).resolve().parents[2] / "datapackage.json"
    if checkout.is_file():
        return checkout
    raise PackageError(
        "the bundled data package is missing: expected peelstats/_data/datapackage.json in the installed package "
        f"or datapackage.json in the checkout ({checkout})"
    )


_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "number": pl.Float64(),
}
#: Frictionless' default boolean spellings (a field may declare its own trueValues/falseValues).
_TRUE = ("true", "True", "TRUE", "1")
_FALSE = ("false", "False", "FALSE", "0")


def _polars_type(fdesc: dict[str, Any], where: str) -> pl.DataType:
    enum = fdesc.get("constraints", {}).get("enum")
    ftype = fdesc.get("type")
    if ftype not in _TYPES:
        raise PackageError(f"{where}: column {fdesc.get('name')!r} has type {ftype!r}, which peelstats does not read")
    if enum is not None:
        return pl.Enum(list(enum))
    return _TYPES[ftype]


def _resolve(base: Path, res: dict[str, Any], desc_path: Path) -> Path:
    """The resource's file, refused unless it is a relative path to a regular file inside the package folder."""
    rel = res.get("path")
    if not isinstance(rel, str) or not rel:
        raise PackageError(f"{desc_path}: resource {res.get('name')!r} has no path")
    if Path(rel).is_absolute() or rel.startswith(("/", "\\")):
        raise PackageError(
            f"{desc_path}: resource {res.get('name')!r}: path {rel!r} is absolute; it must lie in the package folder"
        )
    path = (base / rel).resolve()
    if not path.is_relative_to(base.resolve()):
        raise PackageError(f"{desc_path}: resource {res.get('name')!r}: path {rel!r} leaves the package folder")
    if path.exists() and not path.is_file():
        raise PackageError(f"{rel}: not a regular file")
    return path


def _read_table(base: Path, res: dict[str, Any], verify: bool, desc_path: Path) -> pl.DataFrame:
    path = _resolve(base, res, desc_path)
    if verify and ("hash" not in res or "bytes" not in res):
        raise PackageError(
            f"{res['path']}: datapackage.json gives no {'hash' if 'hash' not in res else 'bytes'} for this table, so it "
            "cannot be verified; rebuild the package, or load(..., verify=False) to read it unverified"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PackageError(f"{res['path']}: cannot read the table ({exc.strerror})") from None
    if verify:
        if "bytes" in res and len(data) != res["bytes"]:
            raise PackageError(
                f"{res['path']}: the file has {len(data)} bytes but datapackage.json says {res['bytes']}: "
                "this copy was modified; rebuild it with `peelstats build` or reinstall"
            )
        expected = str(res.get("hash", "")).removeprefix("sha256:")
        actual = hashlib.sha256(data).hexdigest()
        if expected and actual != expected:
            raise PackageError(
                f"{res['path']}: SHA-256 {actual[:12]}... does not match datapackage.json ({expected[:12]}...): "
                "this copy was modified; rebuild it with `peelstats build` or reinstall"
            )
    fields = res["schema"]["fields"]
    targets = {f["name"]: _polars_type(f, res["path"]) for f in fields}
    _check_enums(res, fields)
    raw_schema = {f["name"]: pl.String() for f in fields}
    try:
        frame = pl.read_csv(data, schema=raw_schema)
    except Exception as exc:  # polars raises several error types for malformed CSV
        raise PackageError(f"{res['path']}: not a readable CSV table ({type(exc).__name__})") from None
    casts = []
    for f in fields:
        col = pl.col(f["name"])
        if f["type"] == "boolean":
            true, false = f.get("trueValues", _TRUE), f.get("falseValues", _FALSE)
            spelled = {**dict.fromkeys(true, True), **dict.fromkeys(false, False)}
            bad = frame.filter(col.is_not_null() & ~col.is_in(list(spelled)))
            if bad.height:
                raise PackageError(
                    f"{res['path']}: column {f['name']!r}: {bad[f['name']][0]!r} is not a boolean "
                    f"(expected one of {', '.join(map(repr, [*true, *false]))})"
                )
            expr = col.replace_strict(spelled, default=None, return_dtype=pl.Boolean())
        elif f["type"] == "date":
            expr = col.str.to_date("%Y-%m-%d", strict=True)
        else:
            expr = col.cast(targets[f["name"]], strict=True)
        casts.append(expr.alias(f["name"]))
    try:
        return frame.with_columns(casts)
    except Exception:  # find the column and a value to name
        for f, expr in zip(fields, casts, strict=True):
            try:
                frame.select(expr)
            except Exception:
                raise PackageError(
                    f"{res['path']}: column {f['name']!r}: a value does not fit type {f['type']!r}"
                    + (f" (allowed: {', '.join(f['constraints']['enum'])})" if f.get("constraints", {}).get("enum") else "")
                ) from None
        raise


def _check_enums(res: dict[str, Any], fields: list[dict[str, Any]]) -> None:
    """A vocabulary in the descriptor must be the schema's, in the schema's order (the order ranks grades)."""
    from peelstats.schema import TABLE_NAMES as KNOWN
    from peelstats.schema import table

    if res.get("name") not in KNOWN:
        return
    tbl = table(res["name"])
    for f in fields:
        enum = f.get("constraints", {}).get("enum")
        if enum is None or f["name"] not in tbl.columns:
            continue
        want = tbl.field(f["name"]).enum
        if want is not None and list(enum) != list(want):
            raise PackageError(
                f"{res['path']}: column {f['name']!r}: the vocabulary differs from peelstats' "
                f"({', '.join(enum)} vs {', '.join(want)}); a reordered vocabulary would reorder the grades"
            )


def load(path: str | Path | None = None, *, verify: bool = True) -> Package:
    """Load a peelstats data package.

    ``path`` is a ``datapackage.json`` file or the folder holding one; by default the
    package bundled with the library. With ``verify`` (default) every table's size and
    SHA-256 hash are checked against the descriptor, and a modified copy is refused with
    a :class:`PackageError` naming the file.
    """
    desc_path = bundled_path() if path is None else Path(path)
    if desc_path.is_dir():
        desc_path = desc_path / "datapackage.json"
    try:
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackageError(f"{desc_path}: cannot read the descriptor ({exc.strerror})") from None
    except ValueError as exc:
        raise PackageError(f"{desc_path}: not valid JSON ({exc})") from None
    base = desc_path.parent
    by_name: dict[Any, dict[str, Any]] = {}
    for r in desc.get("resources", []):
        if not isinstance(r, dict):
            raise PackageError(f"{desc_path}: a resource is not a JSON object")
        if r.get("name") in by_name:
            raise PackageError(f"{desc_path}: two resources are named {r.get('name')!r}")
        by_name[r.get("name")] = r
    missing = [n for n in TABLE_NAMES if n not in by_name]
    if missing:
        raise PackageError(f"{desc_path}: no resource {missing[0]!r} in the descriptor")
    frames = {name: _read_table(base, by_name[name], verify, desc_path) for name in TABLE_NAMES}
    return Package(
        path=desc_path,
        version=str(desc.get("version", "")),
        name=str(desc.get("name", "")),
        title=str(desc.get("title", "")),
        created=str(desc.get("created", "")),
        licenses=tuple(desc.get("licenses", [])),
        descriptor=desc,
        **frames,
    )
