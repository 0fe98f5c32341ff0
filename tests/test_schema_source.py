"""The schema is the one source: everything else that names tables or vocabularies derives from it or is checked here.

Each check is a function of its inputs, and each test also runs it on a deliberately broken
copy (a table added to the schema, a wheel line removed, a vocabulary made stale) to show
that it can fail.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import peelstats as ps
from peelstats import schema
from peelstats.curate.check import check
from peelstats.curate.dictionary import VOCAB_END, VOCAB_START
from peelstats.package import attribute

tomllib = pytest.importorskip("tomllib")


# --------------------------------------------------------------------------- Package fields


def package_field_problems(resource_names: Iterable[str]) -> list[str]:
    """Where the Package's DataFrame fields differ from one field per resource, in resource order."""
    frames = [f.name for f in dataclasses.fields(ps.Package) if f.type in ("pl.DataFrame", pl.DataFrame)]
    want = [attribute(n) for n in resource_names]
    return [] if frames == want else [f"Package DataFrame fields {frames} != {want}"]


def test_package_has_one_typed_field_per_schema_table_in_order() -> None:
    assert package_field_problems(schema.RESOURCE_NAMES) == []
    assert attribute("gradings") == "gradings" and attribute("grades") == "grades_table"


def test_package_field_check_catches_a_table_added_to_the_schema() -> None:
    assert package_field_problems((*schema.TABLE_NAMES[:3], "new_table", *schema.TABLE_NAMES[3:], *schema.DERIVED_NAMES))
    assert package_field_problems(schema.TABLE_NAMES)  # the derived grades forgotten


def test_package_table_names_come_from_the_schema(pkg: ps.Package) -> None:
    from peelstats import package

    assert package.TABLE_NAMES is schema.TABLE_NAMES
    assert list(pkg.tables) == list(schema.TABLE_NAMES)
    for name in schema.RESOURCE_NAMES:
        assert pkg.table(name).columns == schema.table(name).columns
    with pytest.raises(KeyError, match="grades"):
        pkg.table("nope")


# --------------------------------------------------------------------------- the wheel's data files


def force_include_problems(pyproject: Mapping[str, Any], resource_names: Iterable[str]) -> list[str]:
    """Where the wheel's force-include list is not datapackage.json + documents + one CSV per resource."""
    listed = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    want = {"datapackage.json": "peelstats/_data/datapackage.json", "data/documents": "peelstats/_data/data/documents"}
    want |= {f"data/{n}.csv": f"peelstats/_data/data/{n}.csv" for n in resource_names}
    problems = [f"force-include lacks {k!r}" for k in want if listed.get(k) != want[k]]
    problems += [f"force-include has {k!r}, which is no resource" for k in listed if k not in want]
    return problems


def test_wheel_force_include_lists_exactly_the_resources(root: Path) -> None:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert force_include_problems(pyproject, schema.RESOURCE_NAMES) == []
    assert "data/grades.csv" in pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]


def test_force_include_check_catches_a_missing_or_extra_line(root: Path) -> None:
    text = (root / "pyproject.toml").read_text()
    dropped = text.replace('"data/grades.csv" = "peelstats/_data/data/grades.csv"\n', "")
    assert dropped != text
    assert force_include_problems(tomllib.loads(dropped), schema.RESOURCE_NAMES) == ["force-include lacks 'data/grades.csv'"]
    assert force_include_problems(tomllib.loads(text), (*schema.RESOURCE_NAMES, "extra"))
    stray = text.replace('"data/documents" =', '"data/old.csv" = "peelstats/_data/data/old.csv"\n"data/documents" =')
    assert force_include_problems(tomllib.loads(stray), schema.RESOURCE_NAMES)


# --------------------------------------------------------------------------- the descriptor


def test_descriptor_resources_are_the_schema_tables_in_order(root: Path) -> None:
    desc = json.loads((root / "datapackage.json").read_text())
    assert [r["name"] for r in desc["resources"]] == list(schema.RESOURCE_NAMES)
    for res in desc["resources"]:
        tbl = schema.table(res["name"])
        assert res["schema"] == json.loads(json.dumps(tbl.descriptor())), res["name"]
        assert res["path"] == f"data/{tbl.name}.csv"
        assert res.get("derived", False) is tbl.derived


# --------------------------------------------------------------------------- the records README


def readme_vocabulary_problems(text: str) -> list[str]:
    """Where the records README's vocabularies disagree with the schema's enums.

    Three places are read: the generated table between the markers (must list exactly every
    enum, fields and values in order); inline comments listing values (``grade: good  # a | b``)
    and prose lists (``Source kinds: `a`, `b`.``), each of which must be exactly one enum's values.
    """
    enums = {f"{t.name}.{f.name}": list(f.enum) for t in schema.TABLES for f in t.fields if f.enum is not None}
    problems = []
    if VOCAB_START not in text or VOCAB_END not in text:
        return ["no generated vocabulary section"]
    section = text.split(VOCAB_START)[1].split(VOCAB_END)[0]
    seen: dict[str, list[str]] = {}
    for line in section.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        values = re.findall(r"`([^`]+)`", cells[1])
        for name in re.findall(r"`([^`]+)`", cells[0]):
            seen[name] = values
    for name in sorted(set(seen) | set(enums)):
        if seen.get(name) != enums.get(name):
            problems.append(f"vocabulary section: {name} lists {seen.get(name)}, the schema {enums.get(name)}")
    by_field: dict[str, list[set[str]]] = {}
    for key, values in enums.items():
        by_field.setdefault(key.split(".")[1], []).append(set(values))
    all_sets = [set(v) for v in enums.values()]
    lines = text.split(VOCAB_START)[0].splitlines()
    for n, line in enumerate(lines, start=1):
        inline = re.match(r"^\s*(?:- )?\{?(\w+): [^#]*#\s*(.+\|.+)$", line)
        if inline and inline.group(1) in by_field:
            pieces = [p.strip() for p in inline.group(2).split("|")]
            tokens = []
            for i, piece in enumerate(pieces):
                piece = re.sub(r"\([^)]*\)", "", piece)
                piece = piece.split(":")[-1] if i == 0 else piece.split(":")[0]
                tokens.append(piece.strip())
            if set(tokens) not in by_field[inline.group(1)]:
                problems.append(f"line {n}: {inline.group(1)} lists {tokens}, not the schema's vocabulary")
        prose = re.match(r"^(Source kinds|Events|Grades|Statuses): (.+)$", line)
        paragraph = " ".join([line, *(ln for ln in _until_blank(lines[n:]))])
        if prose and set(re.findall(r"`([^`]+)`", paragraph)) not in all_sets:
            problems.append(f"line {n}: {prose.group(1)} list is not a schema vocabulary")
    return problems


def _until_blank(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if not line.strip():
            break
        out.append(line)
    return out


def test_records_readme_vocabularies_are_the_schema(root: Path) -> None:
    text = (root / "data" / "records" / "README.md").read_text()
    assert readme_vocabulary_problems(text) == []
    assert "`peel-2014`" not in text.split(VOCAB_START)[1]  # only vocabularies, not ids
    grades_row = next(ln for ln in text.split(VOCAB_START)[1].splitlines() if "`gradings.grade`" in ln)
    assert grades_row.endswith("| `inadequate`, `requires improvement`, `adequate`, `good`, `outstanding` |")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("inspectorate | force | pcc", "inspectorate | force"),  # an inline list missing a value
        ("`press-release`, `news`", "`press-release`"),  # a prose list missing a value
        ("`day`, `month`, `year` |", "`day`, `month` |"),  # the generated table edited by hand
    ],
)
def test_readme_vocabulary_check_catches_a_stale_list(root: Path, old: str, new: str) -> None:
    text = (root / "data" / "records" / "README.md").read_text()
    assert old in text
    assert readme_vocabulary_problems(text.replace(old, new, 1))


def test_check_catches_a_stale_generated_vocabulary_section(checkout: Path) -> None:
    readme = checkout / "data" / "records" / "README.md"
    readme.write_text(readme.read_text().replace("`day`, `month`, `year` |", "`day`, `month` |", 1))
    assert "data/records/README.md: differs from a fresh build of data/records; run `peelstats build` (no hand edits)" in check(
        checkout
    )


def test_build_refuses_a_readme_without_the_markers(checkout: Path) -> None:
    from peelstats.curate.build import build

    readme = checkout / "data" / "records" / "README.md"
    readme.write_text(readme.read_text().replace(VOCAB_END, ""))
    with pytest.raises(ps.RecordError, match="README.md: expected one generated vocabulary section"):
        build(checkout)


# --------------------------------------------------------------------------- docs/DATA.md


def test_data_dictionary_is_generated_from_every_resource(root: Path, pkg: ps.Package) -> None:
    text = (root / "docs" / "DATA.md").read_text()
    assert text.splitlines()[2].startswith("Generated by `peelstats build`")
    headings = re.findall(r"^## (\w+)$", text, re.M)
    assert headings == list(schema.RESOURCE_NAMES)
    assert f"Rows: {pkg.grades_table.height}." in text.split("## grades")[1]
    assert "| [`grades`](#grades) (derived) |" in text
