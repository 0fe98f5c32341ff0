"""``package.yaml`` metadata: each malformed field is one RecordError naming the file and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from peelstats.curate.meta import check_meta
from peelstats.curate.records import load_records
from peelstats.errors import RecordError

ROOT = Path(__file__).resolve().parents[1]
META = yaml.safe_load((ROOT / "data/records/package.yaml").read_text(encoding="utf-8"))

BAD: list[tuple[str, Any, str]] = [
    ("licenses", "OGL-UK-3.0", r"field 'licenses': expected a list of entries with name"),
    ("licenses", [], r"field 'licenses': expected a list"),
    ("licenses", ["OGL"], r"field 'licenses' entry 1: expected a mapping with name"),
    ("licenses", [{"title": "no name"}], r"field 'licenses' entry 1: missing 'name'"),
    ("licenses", [{"name": "OGL", "url": "x"}], r"field 'licenses' entry 1: unknown key 'url'"),
    ("licenses", [{"name": 3}], r"field 'licenses.name': expected text, got 3"),
    ("contributors", 5, r"field 'contributors': expected a list"),
    ("contributors", [5], r"field 'contributors' entry 1: expected a mapping"),
    ("contributors", [{"role": "author"}], r"field 'contributors' entry 1: missing 'title'"),
    ("version", "banana", r"field 'version': expected MAJOR.MINOR.PATCH"),
    ("version", "1.2", r"field 'version': expected MAJOR.MINOR.PATCH"),
    ("version", "1.2.x", r"field 'version': expected MAJOR.MINOR.PATCH"),
    ("created", [1], r"field 'created': expected a date"),
    ("created", "3 December", r"field 'created': expected a date"),
    ("created", dt.datetime(2026, 1, 1, 12, 0), r"field 'created': expected a date"),
    ("title", 12, r"field 'title': expected text, got 12"),
    ("description", "  ", r"field 'description': expected text"),
    ("keywords", "policing", r"field 'keywords': expected a list"),
    ("keywords", ["ok", 7], r"field 'keywords': expected text, got 7"),
    ("homepage", ["x"], r"field 'homepage': expected text"),
    ("licence", "typo", r"unknown field 'licence'"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD, ids=[f"{f}={v!r}" for f, v, _ in BAD])
def test_malformed_metadata_is_one_line(field: str, value: Any, message: str) -> None:
    raw = {**META, field: value}
    with pytest.raises(RecordError, match=message) as err:
        check_meta(raw, "data/records/package.yaml")
    assert str(err.value).startswith("data/records/package.yaml: ")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("field", ["name", "title", "version", "created", "description", "licenses", "contributors"])
def test_every_required_field_is_required(field: str) -> None:
    raw = {k: v for k, v in META.items() if k != field}
    with pytest.raises(RecordError, match=f"missing required field '{field}'"):
        check_meta(raw, "package.yaml")


def test_the_shipped_metadata_is_read_as_written() -> None:
    meta = check_meta(dict(META), "package.yaml")
    assert meta["version"] == META["version"]
    assert meta["created"] == META["created"]
    assert meta["licenses"] == META["licenses"]
    assert meta["contributors"] == META["contributors"]
    assert meta["keywords"] == META["keywords"]


def test_a_malformed_package_yaml_stops_the_records(checkout: Path) -> None:
    path = checkout / "data/records/package.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("contributors:\n", "contributors: 5\nx:\n"), encoding="utf-8")
    with pytest.raises(RecordError, match="package.yaml"):
        load_records(checkout / "data/records")
