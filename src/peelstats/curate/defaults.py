"""Fill the columns a record leaves empty, in one explicit step before the record rules.

The defaults are declared in the schema (:class:`peelstats.schema.Default` on a
:class:`~peelstats.schema.Field`), not here: this module only applies them. Checking
(:mod:`peelstats.curate.rules`) never changes a row.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from peelstats.curate.records import Records, Row
from peelstats.schema import TABLES, Default, Field


def defaults() -> list[tuple[str, Field, Default]]:
    """Every declared default as (table, field, default), in schema order."""
    return [(t.name, f, f.default) for t in TABLES for f in t.fields if f.default is not None]


def _applies(default: Default, row: Row, shipped: set[str]) -> bool:
    if default.when_set is not None and row.get(default.when_set) is None:
        return False
    return not default.when_shipped or row.get("source_id") in shipped


def _value(default: Default, row: Row) -> Any:
    return row.get(default.copy) if default.copy is not None else default.value


def fill_defaults(records: Records) -> Records:
    """A copy of ``records`` with every empty column that has a declared default filled.

    ``records`` is left as it was (rows are copied, not changed). A source that names a
    ``document`` "ships its text"; a row whose ``source_id`` is unknown gets no shipped-text
    default (the foreign-key rule reports it).
    """
    shipped = {s["source_id"] for s in records.tables.get("sources", []) if s.get("document") is not None}
    by_table: dict[str, list[tuple[str, Default]]] = {}
    for name, f, default in defaults():
        by_table.setdefault(name, []).append((f.name, default))
    tables: dict[str, list[Row]] = {}
    for name, rows in records.tables.items():
        fills = by_table.get(name)
        if not fills:
            tables[name] = [dict(r) for r in rows]
            continue
        out = []
        for row in rows:
            new = dict(row)
            for column, default in fills:
                if new.get(column) is None and _applies(default, row, shipped):
                    new[column] = _value(default, row)
            out.append(new)
        tables[name] = out
    return replace(records, tables=tables)


__all__ = ["defaults", "fill_defaults"]
