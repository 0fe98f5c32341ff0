"""Read and validate the curated YAML records into table rows.

Every problem becomes one :class:`~peelstats.errors.RecordError` naming the file, the
entry and what was expected. Nothing here writes files. Reading checks each entry on its
own (types, vocabularies, unknown fields, duplicate keys); :func:`load_records` then fills
the schema's declared defaults (:mod:`peelstats.curate.defaults`) and runs the named
cross-table rules (:mod:`peelstats.curate.rules`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from peelstats.curate.meta import check_meta
from peelstats.errors import RecordError
from peelstats.schema import TABLES, Table, table

Row = dict[str, Any]
#: The shortest evidence quote that identifies a passage (a word or two could match anywhere).
MIN_QUOTE = 12

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BASE_LOADER):
    """The safe loader, refusing a key repeated in one mapping (YAML would keep the last silently)."""


def _no_duplicate_keys(loader: Any, node: Any, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)
_LOADER: Any = _StrictLoader

#: What may live under data/records/ (and under an extra records folder): anything else is refused.
_LAYOUT = {
    "": {"README.md", "package.yaml", "reference", "sources", "inspections", "monitoring"},
    "reference": {"forces.yaml", "scales.yaml", "themes.yaml", "rounds.yaml", "areas.yaml"},
}

#: Fields of each YAML entry beyond the table's own columns, or columns filled by the build.
_DERIVED = {
    "findings": {"inspection_id", "seq", "due"},
    "gradings": {"inspection_id"},
    "grade_summaries": {"inspection_id"},
    "finding_summaries": {"inspection_id"},
    "responses": {"inspection_id"},
    "deadlines": {"finding_id", "source_id"},
}
_EXTRA_KEYS = {
    "findings": {"deadlines"},
    "responses": {"addresses"},
}
_INSPECTION_LISTS = (
    "gradings",
    "grade_summaries",
    "finding_summaries",
    "findings",
    "responses",
    "followups",
)


@dataclass(frozen=True)
class Records:
    """Validated rows of every table plus the package metadata and shipped documents.

    ``origin`` maps (table, primary key values) to the file and entry the row came from,
    e.g. ``data/records/inspections/x/y.yaml: gradings[0] (area_id=...)``.
    """

    tables: dict[str, list[Row]]
    meta: dict[str, Any]
    documents: dict[str, bytes]  # package-relative path -> bytes
    origin: Mapping[tuple[str, tuple[Any, ...]], str] = field(default_factory=dict)


# --------------------------------------------------------------------------- reading


def read_yaml(path: Path, label: str) -> Any:
    """Parse one YAML file; syntax errors become a RecordError naming the line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(label, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise RecordError(label, f"cannot read file ({exc.strerror})") from None
    return parse_yaml(text, label)


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text; any parser error becomes a one-line RecordError."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (libyaml's when available)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise RecordError(label, f"{line}invalid YAML ({exc.problem})") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise RecordError(label, f"invalid YAML ({type(exc).__name__})") from None


def _mapping(obj: Any, where: str, what: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise RecordError(where, f"expected {what} (a mapping of field: value), got {_kind(obj)}")
    for key in obj:
        if not isinstance(key, str):
            raise RecordError(where, f"field names must be text, got {key!r}")
    return obj


def _list(obj: Any, where: str, what: str) -> list[Any]:
    if obj is None:
        return []
    if not isinstance(obj, list):
        raise RecordError(where, f"expected a list of {what}, got {_kind(obj)}")
    return obj


def _kind(obj: Any) -> str:
    if obj is None:
        return "nothing"
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
    }.get(type(obj), type(obj).__name__)


# --------------------------------------------------------------------------- values


def coerce(value: Any, ftype: str, where: str, name: str) -> Any:
    """Convert one YAML value to the Python value of a Table Schema type."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if ftype == "string":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise RecordError(where, f"field '{name}': YAML read {value!r} as a number, which can change it; quote the text")
        if not isinstance(value, str):
            raise RecordError(where, f"field '{name}': expected text, got {_kind(value)}; quote the text")
        text = str(value).strip()
        if "\x00" in text:
            raise RecordError(where, f"field '{name}': text contains a NUL character")
        return text
    if ftype == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(where, f"field '{name}': expected a whole number, got {value!r}")
        return value
    if ftype == "boolean":
        if not isinstance(value, bool):
            raise RecordError(where, f"field '{name}': expected true or false, got {value!r}")
        return value
    if ftype == "date":
        if isinstance(value, dt.datetime):
            raise RecordError(where, f"field '{name}': expected a date YYYY-MM-DD, got a date-time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise RecordError(where, f"field '{name}': expected a date YYYY-MM-DD, got {value!r}")
    raise AssertionError(f"unknown type {ftype}")  # pragma: no cover - schema bug


def make_row(tbl: Table, raw: Mapping[str, Any], where: str, fixed: Mapping[str, Any] | None = None) -> Row:
    """Check one entry against ``tbl``'s schema and return the typed row.

    ``fixed`` supplies columns the entry must not set itself (e.g. its inspection_id).
    A required column with a schema default may be left empty here: the defaults are
    filled in one step after reading (:func:`peelstats.curate.defaults.fill_defaults`).
    """
    raw = _mapping(raw, where, f"a {tbl.name} entry")
    fixed = fixed or {}
    allowed = set(tbl.columns) - set(fixed) - _DERIVED.get(tbl.name, set())
    allowed |= _EXTRA_KEYS.get(tbl.name, set())
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise RecordError(where, f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")
    row: Row = {}
    for f in tbl.fields:
        if f.name in fixed:
            row[f.name] = fixed[f.name]
            continue
        value = coerce(raw.get(f.name), f.type, where, f.name)
        if value is None and f.required and f.default is None and f.name not in _DERIVED.get(tbl.name, set()):
            raise RecordError(where, f"missing required field '{f.name}'")
        if value is not None and f.enum is not None and value not in f.enum:
            raise RecordError(where, f"field '{f.name}': {value!r} is not one of: {', '.join(f.enum)}")
        if value is not None and f.minimum is not None and value < f.minimum:
            raise RecordError(where, f"field '{f.name}': {value} is below the minimum {f.minimum}")
        row[f.name] = value
    return row


def _label(prefix: str, i: int, raw: Any, key: str) -> str:
    ident = raw.get(key) if isinstance(raw, Mapping) else None
    if isinstance(ident, (str, int)) and not isinstance(ident, bool):
        text = str(ident)
        return f"{prefix}[{i}] ({key}={text if text.isprintable() else repr(text)})"
    return f"{prefix}[{i}]"


# --------------------------------------------------------------------------- files


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _load_list(path: Path, root: Path, key: str) -> tuple[str, list[Any]]:
    label = _rel(path, root)
    doc = _mapping(read_yaml(path, label), label, f"a file with a '{key}' list")
    unknown = sorted(set(doc) - {key})
    if unknown:
        raise RecordError(label, f"unknown top-level field {unknown[0]!r} (expected only '{key}')")
    return label, _list(doc.get(key), f"{label}: {key}", f"{key} entries")


def check_layout(folder: Path, *, main: bool) -> None:
    """Refuse files or folders that the build would not read (a misspelt folder, ``*.YAML``, stray files)."""
    if not folder.is_dir():
        if main:
            raise RecordError(str(folder), "no records folder here")
        return
    allowed_top = _LAYOUT[""] if main else {"README.md", "sources", "inspections", "monitoring"}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        parts = rel.parts
        where = str(Path(folder.name) / rel)
        if any(p.startswith(".") for p in parts) or "__pycache__" in parts:
            continue
        if len(parts) == 1:
            if parts[0] not in allowed_top:
                raise RecordError(
                    where, f"unexpected {'folder' if path.is_dir() else 'file'} (allowed here: {', '.join(sorted(allowed_top))})"
                )
            continue
        top = parts[0]
        if top == "reference":
            if len(parts) != 2 or parts[1] not in _LAYOUT["reference"]:
                raise RecordError(where, f"unexpected entry in reference/ (allowed: {', '.join(sorted(_LAYOUT['reference']))})")
        elif top in ("sources", "monitoring"):
            if len(parts) != 2 or not path.is_file() or path.suffix != ".yaml":
                raise RecordError(where, f"unexpected entry in {top}/: expected <name>.yaml files only")
        elif top == "inspections":
            if len(parts) == 2 and not path.is_dir():
                raise RecordError(where, "unexpected file in inspections/: records live in inspections/<force_id>/")
            if len(parts) == 3 and (not path.is_file() or path.suffix != ".yaml"):
                raise RecordError(where, "unexpected entry: expected inspections/<force_id>/<inspection_id>.yaml")
            if len(parts) > 3:
                raise RecordError(where, "unexpected nesting: expected inspections/<force_id>/<inspection_id>.yaml")


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_records(root: Path, extra: Iterable[Path] = ()) -> Records:
    """Read and validate every record under ``root`` (``data/records``).

    ``extra`` names further record folders (with ``sources/``, ``inspections/``,
    ``monitoring/``) validated together with ``root``'s, e.g. staged contributions.

    Returns the typed rows of every table. Raises RecordError on the first problem.
    """
    root = Path(root)
    check_layout(root, main=True)
    for e in extra:
        check_layout(Path(e), main=False)
    package_dir = root.parent.parent
    tables: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    origin: dict[tuple[str, tuple[Any, ...]], str] = {}

    def add(name: str, row: Row, where: str) -> None:
        tbl = table(name)
        key = tuple(row[c] for c in tbl.primary_key)
        prior = origin.get((name, key))
        if prior is not None:
            keytext = ", ".join(f"{c}={v!r}" for c, v in zip(tbl.primary_key, key, strict=False))
            raise RecordError(where, f"duplicate {name} row ({keytext}); first defined at {prior}")
        origin[(name, key)] = where
        tables[name].append(row)

    # package metadata
    meta_label = _rel(root / "package.yaml", root)
    meta = check_meta(dict(_mapping(read_yaml(root / "package.yaml", meta_label), meta_label, "package metadata")), meta_label)

    # reference tables
    ref = root / "reference"
    label, forces = _load_list(ref / "forces.yaml", root, "forces")
    for i, raw in enumerate(forces):
        where = f"{label}: {_label('forces', i, raw, 'force_id')}"
        add("forces", make_row(table("forces"), raw, where), where)
    label, scales = _load_list(ref / "scales.yaml", root, "scales")
    for i, raw in enumerate(scales):
        where = f"{label}: {_label('scales', i, raw, 'scale_id')}"
        raw = _mapping(raw, where, "a scale")
        grades = _list(raw.get("grades"), where, "grades (worst first)")
        base = {k: v for k, v in raw.items() if k != "grades"}
        for rank, grade in enumerate(grades, start=1):
            add("scales", make_row(table("scales"), {**base, "grade": grade, "rank": rank}, where), where)
    for name in ("themes", "rounds", "areas"):
        id_col = table(name).primary_key[0]
        label, entries = _load_list(ref / f"{name}.yaml", root, name)
        for i, raw in enumerate(entries):
            where = f"{label}: {_label(name, i, raw, id_col)}"
            add(name, make_row(table(name), raw, where), where)

    folders = [root, *[Path(e) for e in extra]]
    documents: dict[str, bytes] = {}
    for folder in folders:
        for path in _yaml_files(folder / "sources"):
            label, entries = _load_list(path, root, "sources")
            for i, raw in enumerate(entries):
                where = f"{label}: {_label('sources', i, raw, 'source_id')}"
                row = make_row(table("sources"), raw, where)
                if row["document"] is not None:
                    doc_path = (package_dir / row["document"]).resolve()
                    inside = doc_path.is_relative_to((package_dir / "data" / "documents").resolve())
                    if not row["document"].startswith("data/documents/") or not inside or not doc_path.is_file():
                        raise RecordError(where, f"field 'document': no file {row['document']} under data/documents/")
                    documents[row["document"]] = doc_path.read_bytes()
                add("sources", row, where)
        for path in _yaml_files(folder / "inspections"):
            _load_inspection(path, _rel(path, root), add)
        for path in _yaml_files(folder / "monitoring"):
            label, entries = _load_list(path, root, "monitoring")
            for i, raw in enumerate(entries):
                where = f"{label}: {_label('monitoring', i, raw, 'force_id')}"
                add("monitoring", make_row(table("monitoring"), raw, where), where)

    # one explicit step fills the schema's defaults, then the named rules check (and never change) the rows
    from peelstats.curate.defaults import fill_defaults  # imports this module
    from peelstats.curate.rules import run_rules

    records = fill_defaults(Records(tables=tables, meta=meta, documents=documents, origin=origin))
    run_rules(records)
    return records


def _load_inspection(path: Path, label: str, add: Any) -> None:
    doc = _mapping(read_yaml(path, label), label, "an inspection record")
    top = {k: v for k, v in doc.items() if k not in _INSPECTION_LISTS}
    insp = make_row(table("inspections"), top, label)
    iid = insp["inspection_id"]
    if path.stem != iid:
        raise RecordError(label, f"file name must be the inspection_id: expected {iid}.yaml")
    if path.parent.name != insp["force_id"]:
        raise RecordError(label, f"file must be in the folder of its force: inspections/{insp['force_id']}/")
    add("inspections", insp, label)
    fixed = {"inspection_id": iid}
    for key, ident in (
        ("gradings", "area_id"),
        ("grade_summaries", "grade"),
        ("finding_summaries", "kind"),
        ("followups", "finding_id"),
    ):
        for i, raw in enumerate(_list(doc.get(key), f"{label}: {key}", f"{key} entries")):
            where = f"{label}: {_label(key, i, raw, ident)}"
            if key == "followups":
                raw = _mapping(raw, where, "a followup")
                raw = {"inspection_id": iid, **raw}
                add(key, make_row(table(key), raw, where), where)
            else:
                add(key, make_row(table(key), raw, where, fixed), where)
    for i, raw in enumerate(_list(doc.get("findings"), f"{label}: findings", "findings")):
        where = f"{label}: {_label('findings', i, raw, 'finding_id')}"
        row = make_row(table("findings"), raw, where, {**fixed, "seq": i + 1, "due": None})
        dues = []
        for j, draw in enumerate(_list(raw.get("deadlines"), f"{where}: deadlines", "deadlines")):
            dwhere = f"{where}: deadlines[{j}]"
            drow = make_row(
                table("deadlines"),
                draw,
                dwhere,
                {"finding_id": row["finding_id"], "source_id": row["source_id"]},
            )
            dues.append(drow["due"])
            add("deadlines", drow, dwhere)
        row["due"] = min(dues) if dues else None
        add("findings", row, where)
    for i, raw in enumerate(_list(doc.get("responses"), f"{label}: responses", "responses")):
        where = f"{label}: {_label('responses', i, raw, 'response_id')}"
        row = make_row(table("responses"), raw, where, fixed)
        add("responses", row, where)
        addresses = _list(raw.get("addresses"), f"{where}: addresses", "finding ids")
        for fid in addresses:
            if not isinstance(fid, str):
                raise RecordError(where, f"field 'addresses': expected finding ids, got {fid!r}")
            add("response_findings", {"response_id": row["response_id"], "finding_id": fid}, where)


__all__ = ["Records", "coerce", "load_records", "make_row", "parse_yaml", "read_yaml"]
