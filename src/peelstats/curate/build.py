"""Compile the curated records into the generated package files, deterministically.

:func:`compile_package` returns every generated file as bytes (nothing is written), so
``build`` can refuse without touching the disk and ``check`` can compare a fresh build
with what is committed. Same records in, same bytes out, on any machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from peelstats.curate.derived import ORDERS, derived_rows
from peelstats.curate.records import Records, Row, load_records
from peelstats.errors import PeelstatsError
from peelstats.schema import RESOURCES, Table

#: Row order of each table (else its primary key).
_ORDER: dict[str, tuple[str, ...]] = {
    "rounds": ("sequence",),
    "scales": ("scale_id", "rank"),
    "areas": ("round_id", "seq"),
    "findings": ("inspection_id", "seq"),
    **ORDERS,
}

DESCRIPTOR = "datapackage.json"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sort_key(row: Row, cols: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple((row[c] is not None, _cell(row[c]) if not isinstance(row[c], int) else row[c]) for c in cols)


def table_csv(tbl: Table, rows: Iterable[Row]) -> bytes:
    """One table as CSV bytes: header, rows in a fixed order, LF line ends, UTF-8."""
    order = _ORDER.get(tbl.name, tbl.primary_key)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(tbl.columns)
    for row in sorted(rows, key=lambda r: _sort_key(r, order)):
        writer.writerow([_cell(row[c]) for c in tbl.columns])
    return buf.getvalue().encode("utf-8")


def descriptor(records: Records, csvs: dict[str, bytes]) -> dict[str, Any]:
    """The datapackage.json descriptor for the compiled tables."""
    meta = records.meta
    sources = sorted(records.tables["sources"], key=lambda s: s["source_id"])
    resources = []
    for tbl in RESOURCES:
        data = csvs[tbl.name]
        resources.append(
            {
                "name": tbl.name,
                "path": f"data/{tbl.name}.csv",
                "profile": "tabular-data-resource",
                "title": tbl.name.replace("_", " ").capitalize(),
                "description": tbl.description,
                **({"derived": True, "derivedFrom": list(tbl.derived_from)} if tbl.derived else {}),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": tbl.descriptor(),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": meta["name"],
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "created": meta["created"].isoformat() + "T00:00:00Z",
        "homepage": meta.get("homepage"),
        "keywords": list(meta.get("keywords", [])),
        "licenses": list(meta["licenses"]),
        "contributors": list(meta["contributors"]),
        "sources": [
            {
                "title": s["title"],
                **({"path": s["url"]} if s["url"] else {}),
            }
            for s in sources
        ],
        "resources": resources,
    }


def compile_records(records: Records) -> dict[str, bytes]:
    """Every generated file of the package, by path relative to the package root."""
    derived = derived_rows(records.tables)
    rows = {**records.tables, **derived}
    csvs = {tbl.name: table_csv(tbl, rows[tbl.name]) for tbl in RESOURCES}
    out = {f"data/{name}.csv": data for name, data in csvs.items()}
    desc = descriptor(records, csvs)
    out[DESCRIPTOR] = (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    from peelstats.curate.citation_cff import citation_cff
    from peelstats.curate.dictionary import data_dictionary

    out["CITATION.cff"] = citation_cff(records.meta).encode("utf-8")
    out["docs/DATA.md"] = data_dictionary(records, derived).encode("utf-8")
    return out


RECORDS_README = "data/records/README.md"


def compile_package(root: Path, extra: Iterable[Path] = ()) -> dict[str, bytes]:
    """Validate ``root/data/records`` and return the generated files (nothing written).

    Besides the tables, descriptor, CITATION.cff and docs/DATA.md, the outputs include the
    records README with its vocabulary section regenerated from the schema.
    """
    records = load_records(Path(root) / "data" / "records", extra)
    out = compile_records(records)
    readme = Path(root) / RECORDS_README
    if readme.is_file():
        from peelstats.curate.dictionary import records_readme

        out[RECORDS_README] = records_readme(readme.read_text(encoding="utf-8"), RECORDS_README).encode("utf-8")
    return out


TMP_SUFFIX = ".peelstats-tmp"


def stale_temporaries(root: Path, rels: Iterable[str]) -> list[Path]:
    """Temporary files an interrupted build left beside the generated files."""
    return [p for rel in rels if (p := _tmp_path(Path(root) / rel)).exists()]


def _tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def write_outputs(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Write the generated files that changed, all or none; return their paths.

    Every new file is first written beside its target as a hidden temporary; only when all
    are written are they renamed over the targets. A failure while writing leaves every
    target untouched; a failure while renaming puts back the files already replaced. The
    temporaries are removed in every case (and any left by a killed build are removed
    first). Raises PeelstatsError (one line) naming the file that could not be written.
    """
    root = Path(root)
    for tmp in stale_temporaries(root, outputs):
        tmp.unlink()
    changed = [rel for rel, data in sorted(outputs.items()) if not _same(root / rel, data)]
    old = {rel: (root / rel).read_bytes() if (root / rel).is_file() else None for rel in changed}
    temps: list[Path] = []
    current = ""
    try:
        for rel in changed:
            current = rel
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = _tmp_path(path)
            temps.append(tmp)
            tmp.write_bytes(outputs[rel])
        replaced: list[str] = []
        try:
            for rel in changed:
                current = rel
                os.replace(_tmp_path(root / rel), root / rel)
                replaced.append(rel)
        except BaseException:
            _restore(root, replaced, old)
            raise
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PeelstatsError(f"build: could not write {current}: {reason}; no generated file was changed") from None
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)
    return changed


def _restore(root: Path, replaced: list[str], old: dict[str, bytes | None]) -> None:
    """Put back the files a failed build had already replaced (best effort, each atomically)."""
    for rel in replaced:
        path = root / rel
        data = old[rel]
        try:
            if data is None:
                path.unlink(missing_ok=True)
            else:
                tmp = _tmp_path(path)
                tmp.write_bytes(data)
                os.replace(tmp, path)
        except OSError:
            continue


def build(root: Path, extra: Iterable[Path] = (), dry_run: bool = False) -> list[str]:
    """Compile and (unless ``dry_run``) write the package; return the paths that changed.

    Raises RecordError before writing anything when a record is malformed.
    """
    outputs = compile_package(root, extra)
    if dry_run:
        return [rel for rel, data in sorted(outputs.items()) if not _same(Path(root) / rel, data)]
    return write_outputs(root, outputs)


def _same(path: Path, data: bytes) -> bool:
    return path.is_file() and path.read_bytes() == data
