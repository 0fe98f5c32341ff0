"""load() trusts only what it verified, reads booleans as Frictionless defines them, and names file and column."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import peelstats as ps


def descriptor(checkout: Path) -> dict[str, Any]:
    return json.loads((checkout / "datapackage.json").read_text())


def save(checkout: Path, desc: dict[str, Any]) -> None:
    (checkout / "datapackage.json").write_text(json.dumps(desc))


def resource(desc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in desc["resources"] if r["name"] == name)


def rewrite_table(checkout: Path, name: str, edit: Callable[[str], str]) -> None:
    """Edit a table's CSV text and re-seal its hash and size, as a careful publisher would."""
    desc = descriptor(checkout)
    res = resource(desc, name)
    path = checkout / res["path"]
    data = edit(path.read_text()).encode()
    path.write_bytes(data)
    res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    res["bytes"] = len(data)
    save(checkout, desc)


def test_a_copy_loads(checkout: Path) -> None:
    assert ps.load(checkout).gradings.height > 1000


def test_a_resource_without_hash_is_refused_unless_unverified(checkout: Path) -> None:
    desc = descriptor(checkout)
    del resource(desc, "gradings")["hash"]
    save(checkout, desc)
    with pytest.raises(ps.PackageError, match=r"data/gradings\.csv: datapackage\.json gives no hash"):
        ps.load(checkout)
    assert ps.load(checkout, verify=False).gradings.height > 1000


@pytest.mark.parametrize("path", ["/dev/zero", "../outside.csv", "data/../../outside.csv"])
def test_paths_outside_the_package_are_refused(checkout: Path, path: str) -> None:
    desc = descriptor(checkout)
    resource(desc, "forces")["path"] = path
    save(checkout, desc)
    for verify in (True, False):
        with pytest.raises(ps.PackageError, match="absolute|leaves the package folder"):
            ps.load(checkout, verify=verify)


def test_duplicate_resource_names_are_refused(checkout: Path) -> None:
    desc = descriptor(checkout)
    desc["resources"].append(dict(resource(desc, "forces")))
    save(checkout, desc)
    with pytest.raises(ps.PackageError, match="two resources are named 'forces'"):
        ps.load(checkout)


def test_unknown_field_types_are_refused(checkout: Path) -> None:
    desc = descriptor(checkout)
    resource(desc, "forces")["schema"]["fields"][0]["type"] = "geopoint"
    save(checkout, desc)
    with pytest.raises(ps.PackageError, match=r"data/forces\.csv: column 'force_id' has type 'geopoint'"):
        ps.load(checkout)


def test_a_reordered_vocabulary_is_refused(checkout: Path) -> None:
    desc = descriptor(checkout)
    field = next(f for f in resource(desc, "gradings")["schema"]["fields"] if f["name"] == "grade")
    field["constraints"]["enum"] = list(reversed(field["constraints"]["enum"]))
    save(checkout, desc)
    with pytest.raises(ps.PackageError, match=r"gradings\.csv: column 'grade': the vocabulary differs"):
        ps.load(checkout)


@pytest.mark.parametrize(("true", "false"), [("TRUE", "FALSE"), ("1", "0"), ("True", "False"), ("true", "false")])
def test_booleans_round_trip_in_every_frictionless_spelling(checkout: Path, true: str, false: str) -> None:
    original = ps.load(checkout).gradings["graded"]

    def respell(text: str) -> str:
        lines = text.splitlines(keepends=True)
        header = lines[0].rstrip("\n").split(",")
        i = header.index("graded")
        out = [lines[0]]
        for line in lines[1:]:
            cells = line.rstrip("\n").split(",")
            if len(cells) == len(header) and cells[i] in ("true", "false"):
                cells[i] = true if cells[i] == "true" else false
            out.append(",".join(cells) + "\n")
        return "".join(out)

    rewrite_table(checkout, "gradings", respell)
    graded = ps.load(checkout).gradings["graded"]
    assert graded.null_count() == 0
    assert (graded == original).sum() >= original.len() - 50  # rows with quoted commas keep their spelling
    assert (~graded).sum() == (~original).sum()


def test_a_value_that_is_not_a_boolean_names_the_column(checkout: Path) -> None:
    rewrite_table(checkout, "gradings", lambda t: t.replace(",false,", ",nope,", 1))
    with pytest.raises(ps.PackageError, match=r"gradings\.csv: column 'graded': 'nope' is not a boolean"):
        ps.load(checkout)


def test_a_bad_value_names_its_column(checkout: Path) -> None:
    rewrite_table(checkout, "rounds", lambda t: t.replace(",1,", ",one,", 1))
    with pytest.raises(ps.PackageError, match=r"rounds\.csv: column '\w+': a value does not fit type 'integer'"):
        ps.load(checkout)
