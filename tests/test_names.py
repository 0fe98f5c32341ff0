"""Force names as people write them: ids, full names, short forms, ambiguity and did-you-mean."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

import peelstats as ps
from peelstats.names import ALIASES, resolve_force

ROOT = Path(__file__).resolve().parents[1]


def _forces_csv() -> dict[str, str]:
    with (ROOT / "data" / "forces.csv").open(encoding="utf-8", newline="") as fh:
        return {row["force_id"]: row["name"] for row in csv.DictReader(fh)}


FORCES = _forces_csv()

# Written by hand from how people name forces; the right-hand side is checked against forces.csv.
SPOKEN = [
    ("cleveland", "cleveland"),
    ("Cleveland", "cleveland"),
    ("Cleveland Police", "cleveland"),
    ("  CLEVELAND   police ", "cleveland"),
    ("Met", "metropolitan"),
    ("the Met", "metropolitan"),
    ("The Met", "metropolitan"),
    ("Met Police", "metropolitan"),
    ("Metropolitan", "metropolitan"),
    ("Metropolitan Police", "metropolitan"),
    ("Metropolitan Police Service", "metropolitan"),
    ("MPS", "metropolitan"),
    ("GMP", "greater-manchester"),
    ("Greater Manchester", "greater-manchester"),
    ("Manchester", "greater-manchester"),
    ("Devon & Cornwall", "devon-and-cornwall"),
    ("Devon and Cornwall Police", "devon-and-cornwall"),
    ("devon-and-cornwall", "devon-and-cornwall"),
    ("West Mids", "west-midlands"),
    ("WMP", "west-midlands"),
    ("West Midlands", "west-midlands"),
    ("South Yorks", "south-yorkshire"),
    ("South Yorkshire Police", "south-yorkshire"),
    ("Thames Valley", "thames-valley"),
    ("TVP", "thames-valley"),
    ("Avon and Somerset", "avon-and-somerset"),
    ("Avon & Somerset", "avon-and-somerset"),
    ("A&S", "avon-and-somerset"),
    ("City of London", "city-of-london"),
    ("City of London Police", "city-of-london"),
    ("Dyfed Powys", "dyfed-powys"),
    ("Hampshire Constabulary", "hampshire"),
    ("Isle of Wight", "hampshire"),
    ("Notts", "nottinghamshire"),
    ("Northants Police", "northamptonshire"),
]


@pytest.mark.parametrize(("spoken", "force_id"), SPOKEN)
def test_names_people_use(pkg: ps.Package, spoken: str, force_id: str) -> None:
    assert force_id in FORCES
    assert resolve_force(spoken, pkg.forces) == force_id


@pytest.mark.parametrize(("alias", "force_id"), sorted(ALIASES.items()))
def test_every_alias_names_a_real_force(pkg: ps.Package, alias: str, force_id: str) -> None:
    assert force_id in FORCES, f"alias {alias!r} points at {force_id!r}, which forces.csv does not have"
    assert resolve_force(alias, pkg.forces) == force_id
    assert resolve_force(alias.lower(), pkg.forces) == force_id


def test_every_id_and_full_name_resolves_to_itself(pkg: ps.Package) -> None:
    assert len(FORCES) == 43
    for fid, name in FORCES.items():
        for spelling in (fid, name, name.upper(), name.replace(" and ", " & "), f"the {name}", fid.replace("-", " ")):
            assert resolve_force(spelling, pkg.forces) == fid, spelling


def test_what_forces_lists_as_accepted_is_accepted(pkg: ps.Package) -> None:
    listed = ps.forces(pkg)
    assert listed.filter(pl.col("force_id") == "metropolitan")["also_accepted"].to_list()[0] >= ["Met", "MPS"]
    for fid, accepted in listed.select("force_id", "also_accepted").iter_rows():
        for spelling in accepted:
            assert resolve_force(spelling, pkg.forces) == fid, spelling


@pytest.mark.parametrize(
    ("spoken", "candidates"),
    [
        ("Yorkshire", ["north-yorkshire", "south-yorkshire", "west-yorkshire"]),
        ("yorks", ["north-yorkshire", "south-yorkshire", "west-yorkshire"]),
        ("London", ["city-of-london", "metropolitan"]),
        ("West", ["west-mercia", "west-midlands", "west-yorkshire"]),
        ("Wales", ["north-wales", "south-wales"]),
    ],
)
def test_an_ambiguous_short_form_is_refused_listing_the_candidates(pkg: ps.Package, spoken: str, candidates: list[str]) -> None:
    with pytest.raises(ps.InputError) as info:
        resolve_force(spoken, pkg.forces, fn="grades")
    msg = str(info.value)
    assert msg.startswith(f"grades: force {spoken!r} could mean {len(candidates)} forces")
    for fid in candidates:
        assert f"{fid} ({FORCES[fid]})" in msg
    assert "\n" not in msg


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("Clevland", "cleveland"),
        ("Metropolitn Police", "metropolitan"),
        ("Greater Manchster", "greater-manchester"),
        ("northumberland", "northumbria"),
        ("thames-vally", "thames-valley"),
    ],
)
def test_an_unknown_name_suggests_the_nearest_force(pkg: ps.Package, typo: str, meant: str) -> None:
    with pytest.raises(ps.InputError) as info:
        ps.trajectories(pkg, force=typo)
    msg = str(info.value)
    assert msg == (
        f"trajectories: unknown force {typo!r}; did you mean {meant} ({FORCES[meant]})? "
        "ps.forces() (or `peelstats forces`) lists every force and the names accepted"
    )


def test_an_unknown_name_never_lists_truncated_slugs(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError) as info:
        ps.grades(pkg, force="Gotham City Police")
    msg = str(info.value)
    assert "..." not in msg and "ps.forces()" in msg and "\n" not in msg
    with pytest.raises(ps.InputError, match=r"unknown force 'Police'; ps\.forces\(\)"):
        resolve_force("Police", pkg.forces)  # names no force: no guess either


@pytest.mark.parametrize("other", ["BTP", "British Transport Police", "Police Scotland", "PSNI"])
def test_forces_outside_the_package_are_named_not_guessed(pkg: ps.Package, other: str) -> None:
    assert not any("transport" in n.lower() or "scotland" in n.lower() for n in FORCES.values())
    with pytest.raises(ps.InputError) as info:
        resolve_force(other, pkg.forces, fn="transitions")
    msg = str(info.value)
    assert "is not in this package" in msg and "43 territorial police forces" in msg and "did you mean" not in msg


def test_non_text_force_is_refused(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError, match="force must be a force id or name"):
        ps.trajectories(pkg, force=7)


def test_aliases_only_name_forces_the_table_has(pkg: ps.Package) -> None:
    without_met = pkg.forces.filter(pl.col("force_id") != "metropolitan")
    with pytest.raises(ps.InputError, match="unknown force 'the Met'"):
        resolve_force("the Met", without_met)
    # "London" then means only the City of London Police
    assert resolve_force("London", without_met) == "city-of-london"


def test_every_api_entry_point_accepts_names(pkg: ps.Package) -> None:
    by_id = ps.trajectories(pkg, force="cleveland")
    assert by_id.height > 0
    assert ps.trajectories(pkg, force="Cleveland Police").equals(by_id)
    gmp = ps.transitions(pkg, force="GMP", theme="effectiveness")
    assert gmp.counts.equals(ps.transitions(pkg, force="greater-manchester", theme="effectiveness").counts)
    met = ps.grades(pkg, force="the Met", round="peel-2016")
    assert met.height > 0 and set(met["force_id"]) == {"metropolitan"}
    assert set(met["force_name"]) == {FORCES["metropolitan"]}


def test_report_resolves_the_force_name(pkg: ps.Package) -> None:
    from peelstats.report_force import resolve_force

    assert resolve_force(pkg, "Cleveland Police") == "cleveland"
    assert resolve_force(pkg, "the Met") == "metropolitan"
    with pytest.raises(ps.InputError, match="report: unknown force 'Gotham'"):
        resolve_force(pkg, "Gotham")


def test_a_panel_matches_entities_exactly() -> None:
    panel = pl.DataFrame({"entity": ["cleveland", "cleveland"], "theme": ["t", "t"], "date": [2015, 2016], "rank": [1, 2]})
    assert ps.trajectories(panel, force="cleveland").height == 2
    with pytest.raises(ps.InputError, match="unknown entity 'Cleveland'"):
        ps.trajectories(panel, force="Cleveland")


def test_unknown_themes_and_entities_get_a_suggestion_too(pkg: ps.Package) -> None:
    with pytest.raises(ps.InputError, match=r"unknown theme 'prevntion'; did you mean 'prevention'\? \(known: "):
        ps.trajectories(pkg, theme="prevntion")
    panel = pl.DataFrame({"entity": ["school-1", "school-2"], "theme": ["t", "t"], "date": [2015, 2016], "rank": [1, 2]})
    with pytest.raises(ps.InputError, match=r"unknown entity 'school1'; did you mean 'school-1'\?"):
        ps.transitions(panel, force="school1")
