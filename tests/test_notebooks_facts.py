"""The notebooks' prose says what the data says.

Each notebook prints its findings as sentences built from computed values. These tests run
the notebooks (as a reader would, in a kernel), collect what they print, and check the
numbers against counts computed here independently, from the CSVs with the ``csv`` module:
no peelstats code computes an expected value. They also hold the notebooks to their form:
a question first, the computed answer next, no ``assert`` in reader cells, no hand-typed
counts in Markdown cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
BOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: tokens a Markdown cell may spell with digits: years and round names, not counts
YEARS = re.compile(r"\b(?:19|20)\d{2}(?:(?:/|-)\d{2}|-\d{4})?\b")


# --- independent facts from the CSVs ------------------------------------------------------


@cache
def rows(table: str) -> tuple[dict[str, str], ...]:
    with (DATA / f"{table}.csv").open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def round_order() -> list[str]:
    return [r["round_id"] for r in sorted(rows("rounds"), key=lambda r: int(r["sequence"]))]


def titles() -> dict[str, str]:
    return {r["round_id"]: r["title"] for r in rows("rounds")}


def rank(round_id: str, grade: str) -> int:
    scale = {r["round_id"]: r["scale_id"] for r in rows("rounds")}[round_id]
    return next(int(s["rank"]) for s in rows("scales") if s["scale_id"] == scale and s["grade"] == grade)


def cells(
    *, force: str | None = None, round_id: str | None = None, level: str | None = None, every_judgment: bool = False
) -> list[dict[str, str]]:
    """Every force x area a round grades (areas.graded_in_round), with the grading's fields or empty ones.

    ``every_judgment`` adds recorded judgments of areas the round does not grade for every
    force (such as a pillar a source marks as not graded): the analytics see those too.
    """
    force_of = {r["inspection_id"]: r["force_id"] for r in rows("inspections")}
    judged: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for g in rows("gradings"):
        judged[(force_of[g["inspection_id"]], g["area_id"])].append(g)
    empty = [{"grade": "", "graded": "", "carried_from": ""}]
    out = []
    for f in rows("forces"):
        if force is not None and f["force_id"] != force:
            continue
        for a in rows("areas"):
            if (round_id and a["round_id"] != round_id) or (level and a["level"] != level):
                continue
            if a["graded_in_round"] == "true":
                found = judged.get((f["force_id"], a["area_id"]), empty)
            elif every_judgment:
                found = judged.get((f["force_id"], a["area_id"]), [])
            else:
                continue
            out.extend({**a, "force_id": f["force_id"], **g} for g in found)
    return out


def status(frame: list[dict[str, str]]) -> tuple[int, int, int, int]:
    """cells, known, not graded, unknown."""
    known = sum(1 for c in frame if c["grade"])
    not_graded = sum(1 for c in frame if not c["grade"] and c["graded"] == "false")
    return len(frame), known, not_graded, len(frame) - known - not_graded


def tally(frame: list[dict[str, str]]) -> str:
    counts = Counter(c["grade"] for c in frame if c["grade"])
    best_first = sorted(counts, key=lambda g: -rank(frame[0]["round_id"], g))
    return ", ".join(f"{counts[g]} {g}" for g in best_first)


def written(day: str, precision: str) -> str:
    d = dt.date.fromisoformat(day)
    month = d.strftime("%B")
    return {"year": f"in {d.year}", "month": f"in {month} {d.year}"}.get(precision, f"on {d.day} {month} {d.year}")


def pillar_pairs(force: str | None = None) -> tuple[dict[str, Counter[str]], int, list[str]]:
    """Consecutive known, not carried, pillar grades of one force and pillar.

    Returns the directions per pillar, the pairs spanning a gap (an unknown or not-graded
    cell between the two) and the rounds the pairs join, in order.
    """
    seq = {r: i for i, r in enumerate(round_order())}
    series: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for c in cells(force=force, level="pillar", every_judgment=True):
        series[(c["force_id"], c["theme_id"])].append(c)
    directions: dict[str, Counter[str]] = defaultdict(Counter)
    gaps, joined = 0, set()
    for (_, theme), judged in series.items():
        judged.sort(key=lambda c: seq[c["round_id"]])
        prev, gap = None, False
        for c in judged:
            if c["carried_from"]:
                continue
            if not c["grade"]:
                gap = prev is not None
                continue
            if prev is not None:
                a, b = rank(prev["round_id"], prev["grade"]), rank(c["round_id"], c["grade"])
                directions[theme]["improved" if b > a else "declined" if b < a else "unchanged"] += 1
                gaps += gap
                joined |= {prev["round_id"], c["round_id"]}
            prev, gap = c, False
    return directions, gaps, sorted(joined, key=seq.__getitem__)


def pooled(directions: dict[str, Counter[str]]) -> Counter[str]:
    out: Counter[str] = Counter()
    for counts in directions.values():
        out.update(counts)
    return out


# --- running the notebooks ------------------------------------------------------------------


@cache
def printed(name: str) -> str:
    """Everything a notebook shows as Markdown or prints, after running it in a kernel."""
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "notebooks" / name
    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    parts = []
    for cell in book.cells:
        for out in cell.get("outputs", []):
            if "text/markdown" in out.get("data", {}):
                parts.append(out["data"]["text/markdown"])
            elif out.get("output_type") == "stream":
                parts.append(out["text"])
    return "\n".join(parts)


def first_markdown(name: str) -> str:
    return printed(name).split("\n")[0]


# --- form ----------------------------------------------------------------------------------


@pytest.mark.parametrize("book", BOOKS, ids=lambda p: p.name)
def test_notebook_asks_a_question_and_keeps_checks_out_of_reader_cells(book: Path) -> None:
    cells_ = json.loads(book.read_text())["cells"]
    head = "".join(cells_[0]["source"])
    assert cells_[0]["cell_type"] == "markdown" and head.startswith("# ") and "?" in head.splitlines()[0], book.name
    assert "**The question.**" in head, book.name
    for cell in cells_:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code":
            assert not re.search(r"^\s*assert\b", source, re.M), f"{book.name}: checks belong in tests/"
        else:
            typed = [t for t in re.findall(r"\d+", YEARS.sub("", source))]
            assert not typed, f"{book.name}: a number typed in Markdown ({typed}); print it from a computed value"


def test_every_notebook_opens_with_its_computed_answer() -> None:
    for book in BOOKS:
        assert first_markdown(book.name).startswith("**In short.**"), book.name


# --- facts -----------------------------------------------------------------------------------


def test_cleveland_journey_facts() -> None:
    text = printed("01-cleveland-journey.ipynb")
    t = titles()
    pillar_rounds = [r for r in round_order() if any(c["grade"] for c in cells(force="cleveland", round_id=r, level="pillar"))]
    last = pillar_rounds[-1]
    for c in cells(force="cleveland", round_id=last, level="pillar"):
        assert f"{c['grade'] or 'unknown'} for {c['theme_id']}" in text
    assert f"In {t[last]}, the last round graded by pillar" in text

    engage = sorted(
        (m for m in rows("monitoring") if m["force_id"] == "cleveland" and m["phase"] == "engage"), key=lambda m: m["date"]
    )
    entered = next(m for m in engage if m["event"] == "entered")
    exited = next(m for m in engage if m["event"] == "exited")
    assert f"entered Engage {written(entered['date'], entered['date_precision'])}" in text
    assert f"left it {written(exited['date'], exited['date_precision'])}" in text

    latest = [r for r in round_order() if any(c["grade"] for c in cells(force="cleveland", round_id=r))][-1]
    n, known, not_graded, unknown = status(cells(force="cleveland", round_id=latest))
    assert (
        f"In {t[latest]} it was graded {tally(cells(force='cleveland', round_id=latest))} "
        f"({known} of the round's {n} areas known, {not_graded} not graded, {unknown} unknown)" in text
    )

    n, known, not_graded, unknown = status(cells(force="cleveland"))
    assert (
        f"Of the {n} round × area cells the rounds graded for Cleveland Police: {known} known, "
        f"{not_graded} marked not graded by a source, {unknown} unknown" in text
    )

    moves = pooled(pillar_pairs("cleveland")[0])
    assert (
        f"went up {moves['improved']} time(s), stayed the same {moves['unchanged']} time(s) "
        f"and went down {moves['declined']} time(s)" in text
    )

    carried = [c for c in cells(force="cleveland", every_judgment=True) if c["carried_from"]]
    assert f"Grades of Cleveland Police carried over from an earlier round rather than judged again: {len(carried)}" in text


def test_grade_transitions_facts() -> None:
    text = printed("02-grade-transitions.ipynb")
    by_pillar, gaps, joined = pillar_pairs()
    moves = pooled(by_pillar)
    total = sum(moves.values())
    t = titles()
    assert total > 0
    assert (
        f"{total} times between {t[joined[0]]} and {t[joined[-1]]}: {moves['improved']} went up "
        f"({moves['improved'] / total:.0%}), {moves['unchanged']} stayed the same and {moves['declined']} went down" in text
    )
    assert f"{gaps} of these pairs skip a round" in text
    n, known, not_graded, unknown = status(cells(level="pillar"))
    assert (
        f"Of the {n} force × pillar cells the rounds graded, {known} are known, "
        f"{not_graded} were not graded and {unknown} are unknown" in text
    )
    n, known, _, _ = status(cells(level="question"))
    assert f"Only {known} of {n} force × question cells are known ({known / n:.0%})" in text
    for theme, m in by_pillar.items():
        assert (
            f"- **{theme}**: {sum(m.values())} pairs, {m['improved']} up, {m['unchanged']} the same, {m['declined']} down" in text
        )
    notes = [r["break_note"] for r in rows("rounds") if r["comparable_with_previous"] == "false"]
    assert notes and all(note in text for note in notes)


def test_recommendations_facts() -> None:
    text = printed("03-recommendations.ipynb")
    force_of = {r["inspection_id"]: r["force_id"] for r in rows("inspections")}
    mine = [f for f in rows("findings") if force_of[f["inspection_id"]] == "cleveland"]
    responded = {rf["finding_id"] for rf in rows("response_findings")}
    followed = {f["finding_id"] for f in rows("followups")}
    assert f"The record holds {len(mine)} findings the inspectorate gave Cleveland Police" in text
    assert f"{sum(f['finding_id'] in responded for f in mine)} of {len(mine)} have a published response" in text
    assert f"{sum(f['finding_id'] in followed for f in mine)} were assessed again later" in text
    with_findings = {force_of[f["inspection_id"]] for f in rows("findings")}
    assert f"Findings are recorded for {len(with_findings)} forces" in text

    inspection = "cleveland-peel-2015-effectiveness"
    actions = {r["response_id"] for r in rows("responses") if r["inspection_id"] == inspection and "-action-" in r["response_id"]}
    issued = {f["finding_id"] for f in rows("findings") if f["inspection_id"] == inspection}
    covered = {rf["finding_id"] for rf in rows("response_findings") if rf["response_id"] in actions} & issued
    assert (
        f"The response lists {len(actions)} improvement actions. "
        f"Between them they address {len(covered)} of the {len(issued)} findings" in text
    )


def test_latest_grades_facts() -> None:
    text = printed("04-latest-grades.ipynb")
    latest = [r for r in round_order() if any(c["grade"] for c in cells(round_id=r))][-1]
    frame = cells(round_id=latest)
    flagged = sorted({c["force_id"] for c in frame if c["grade"] == "inadequate"})
    names = {f["force_id"]: f["name"] for f in rows("forces")}
    n, known, not_graded, unknown = status(frame)
    assert (
        f"In {titles()[latest]}, {len(flagged)} of the {len(rows('forces'))} forces have at least one area graded inadequate "
        f"in this record ({', '.join(sorted(names[f] for f in flagged))})" in text
    )
    assert f"only {known} of the {n} force × area cells have a known grade ({unknown} unknown, {not_graded} not graded)" in text
    none_known = {f["force_id"] for f in rows("forces")} - {c["force_id"] for c in frame if c["grade"]}
    assert f"and {len(none_known)} forces have no known grade in that round at all" in text
