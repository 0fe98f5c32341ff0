"""The record rules: small named checks across the tables of the curated records.

Each rule reads the records (through a read-only :class:`RecordsView`) and yields its
problems as :class:`~peelstats.errors.RecordError`, each one line naming the file, the
entry and the problem. No rule changes a row: defaults are filled before the rules run
(:func:`peelstats.curate.defaults.fill_defaults`). Rules run in the order of
:data:`RULES`; later rules may rely on earlier ones (e.g. on every foreign key
resolving), so :func:`check_rules` stops after the first rule that finds a problem.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from peelstats import vocab
from peelstats.curate.evidence import normalise, quote_in
from peelstats.curate.records import MIN_QUOTE, Records
from peelstats.errors import RecordError
from peelstats.schema import TABLES, table

FrozenRow = Mapping[str, Any]
_SHA256 = re.compile(r"[0-9a-f]{64}")


class RecordsView:
    """Read-only records: every table a tuple of read-only rows, with each row's origin label."""

    def __init__(self, records: Records) -> None:
        self.tables: Mapping[str, tuple[FrozenRow, ...]] = MappingProxyType(
            {name: tuple(MappingProxyType(dict(r)) for r in rows) for name, rows in records.tables.items()}
        )
        self.documents: Mapping[str, bytes] = MappingProxyType(dict(records.documents))
        self._origin = dict(records.origin)

    def where(self, name: str, row: FrozenRow) -> str:
        """The file and entry a row came from (``data/records/...: gradings[0] (area_id=...)``)."""
        key = tuple(row[c] for c in table(name).primary_key)
        return self._origin.get((name, key), name)

    def by_key(self, name: str, column: str) -> dict[Any, FrozenRow]:
        """Rows of table ``name`` by the value of ``column`` (its one-column primary key)."""
        return {r[column]: r for r in self.tables[name]}


Check = Callable[[RecordsView], Iterator[RecordError]]


@dataclass(frozen=True)
class Rule:
    """A named record rule: ``fn`` yields one RecordError per problem."""

    name: str
    description: str
    fn: Check


_RULES: list[Rule] = []


def rule(name: str, description: str) -> Callable[[Check], Check]:
    """Register ``fn`` as a rule (rules run in the order they are defined here)."""

    def register(fn: Check) -> Check:
        if any(r.name == name for r in _RULES):
            raise AssertionError(f"rule {name} defined twice")  # pragma: no cover - programming error
        _RULES.append(Rule(name, description, fn))
        return fn

    return register


# --------------------------------------------------------------------------- structure


@rule("required-fields", "Every required column has a value once the declared defaults are filled.")
def _required(v: RecordsView) -> Iterator[RecordError]:
    for tbl in TABLES:
        required = [f.name for f in tbl.fields if f.required]
        for row in v.tables[tbl.name]:
            for name in required:
                if row.get(name) is None:
                    yield RecordError(v.where(tbl.name, row), f"missing required field '{name}'")


@rule("foreign-keys", "Every id a row refers to (source, inspection, area, round, finding...) exists.")
def _foreign_keys(v: RecordsView) -> Iterator[RecordError]:
    for tbl in TABLES:
        for fk in tbl.foreign_keys:
            targets = {tuple(r[c] for c in fk.reference) for r in v.tables[fk.table]}
            for row in v.tables[tbl.name]:
                key = tuple(row[c] for c in fk.fields)
                if any(x is None for x in key) or key in targets:
                    continue
                names = ", ".join(fk.fields)
                value = ", ".join(str(x) for x in key)
                yield RecordError(v.where(tbl.name, row), f"field '{names}': unknown {fk.table} id {value!r}")


@rule(
    "document-hash",
    "A source that ships a text in data/documents/ pins its SHA-256 (sha256:), and the text's bytes match it.",
)
def _document_hash(v: RecordsView) -> Iterator[RecordError]:
    for s in v.tables["sources"]:
        w = v.where("sources", s)
        doc, pinned = s["document"], s["sha256"]
        if doc is None:
            if pinned is not None:
                yield RecordError(w, "field 'sha256': set without 'document' (only a shipped text has a hash)")
            continue
        data = v.documents.get(doc)
        if data is None:
            yield RecordError(w, f"field 'document': no file {doc} under data/documents/")
            continue
        actual = hashlib.sha256(data).hexdigest()
        if pinned is None:
            yield RecordError(w, f"field 'sha256': required with 'document'; pin {doc} with sha256: {actual}")
        elif not _SHA256.fullmatch(pinned):
            yield RecordError(w, f"field 'sha256': expected 64 lowercase hex digits, got {pinned!r}")
        elif pinned != actual:
            yield RecordError(
                w,
                f"field 'document': {doc} has SHA-256 {actual} but the record pins {pinned}; "
                "the shipped text changed (restore it, or re-check every quote and pin the new hash)",
            )


_SNAPSHOT_SUFFIXES = ("-interim", "-questions")


def page_address(url: str) -> str:
    """``url`` reduced to the page it names: no scheme, no ``www.``, no trailing ``/`` or ``?``,
    and the inspectorate's old ``/hmic/`` path as its ``/hmicfrs/`` one (both serve one page)."""
    address = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE)
    host, _, path = address.partition("/")
    host = host.lower().removeprefix("www.")
    path = re.sub(r"[/?]+$", "", path)
    if path.startswith("hmic/"):
        path = "hmicfrs/" + path.removeprefix("hmic/")
    return f"{host}/{path}"


@rule(
    "source-once-per-page",
    "A page is one source: two records share an address (up to http/https, www., a trailing / or ?, "
    "/hmic/ for /hmicfrs/) only when all but one are other captures of it, their ids ending "
    + " or ".join(_SNAPSHOT_SUFFIXES)
    + " (a page stored before its final grades, or its questions view).",
)
def _source_once(v: RecordsView) -> Iterator[RecordError]:
    first: dict[str, FrozenRow] = {}
    for s in v.tables["sources"]:
        if s["url"] is None or s["source_id"].endswith(_SNAPSHOT_SUFFIXES):
            continue
        page = page_address(s["url"])
        seen = first.setdefault(page, s)
        if seen is not s:
            yield RecordError(
                v.where("sources", s),
                f"field 'url': the page {s['url']} is already source {seen['source_id']!r}; cite that id "
                f"(or, for another capture of the page, end this id in {' or '.join(_SNAPSHOT_SUFFIXES)})",
            )


# --------------------------------------------------------------------------- reference tables


@rule("round-scale", "Every round's scale is defined in reference/scales.yaml.")
def _round_scale(v: RecordsView) -> Iterator[RecordError]:
    scales = {r["scale_id"] for r in v.tables["scales"]}
    for r in v.tables["rounds"]:
        if r["scale_id"] not in scales:
            yield RecordError(v.where("rounds", r), f"field 'scale_id': unknown scale {r['scale_id']!r}")


@rule("round-sequence", "No two rounds share a sequence number.")
def _round_sequence(v: RecordsView) -> Iterator[RecordError]:
    seen: dict[int, FrozenRow] = {}
    for r in v.tables["rounds"]:
        other = seen.setdefault(r["sequence"], r)
        if other is not r:
            yield RecordError(
                v.where("rounds", r),
                f"field 'sequence': {r['sequence']} is already the sequence of round {other['round_id']} "
                f"({v.where('rounds', other)})",
            )


@rule(
    "scale-ranks",
    "Each scale ranks its grades 1, 2, ... once each, worst first, in the order of the grade vocabulary "
    f"({', '.join(vocab.GRADES)}).",
)
def _scale_ranks(v: RecordsView) -> Iterator[RecordError]:
    by_scale: dict[str, list[FrozenRow]] = {}
    for r in v.tables["scales"]:
        by_scale.setdefault(r["scale_id"], []).append(r)
    for scale_id, rows in by_scale.items():
        rows = sorted(rows, key=lambda r: (r["rank"], vocab.GRADES.index(r["grade"])))
        ranks = [r["rank"] for r in rows]
        for a, b in zip(rows, rows[1:], strict=False):
            if a["rank"] == b["rank"]:
                yield RecordError(
                    v.where("scales", b),
                    f"field 'rank': scale {scale_id} gives rank {b['rank']} to both {a['grade']!r} and {b['grade']!r}",
                )
        if len(set(ranks)) == len(ranks) and ranks != list(range(1, len(rows) + 1)):
            yield RecordError(
                v.where("scales", rows[0]),
                f"field 'rank': scale {scale_id} has ranks {ranks}, expected 1 to {len(rows)} without gaps",
            )
        for a, b in zip(rows, rows[1:], strict=False):
            if a["rank"] < b["rank"] and vocab.GRADES.index(a["grade"]) > vocab.GRADES.index(b["grade"]):
                yield RecordError(
                    v.where("scales", b),
                    f"field 'grades': scale {scale_id} ranks {a['grade']!r} below {b['grade']!r}, reversing the "
                    f"grade order (worst first: {', '.join(vocab.GRADES)})",
                )


@rule("area-parent-round", "A question's pillar belongs to the question's round.")
def _area_parent(v: RecordsView) -> Iterator[RecordError]:
    areas = v.by_key("areas", "area_id")
    for a in v.tables["areas"]:
        parent = areas.get(a["parent_id"]) if a["parent_id"] else None
        if parent is not None and parent["round_id"] != a["round_id"]:
            yield RecordError(v.where("areas", a), "field 'parent_id': the pillar belongs to another round")


@rule("area-theme-once", "Within a round, a theme is crosswalked to at most one area.")
def _area_theme(v: RecordsView) -> Iterator[RecordError]:
    seen: dict[tuple[str, str], str] = {}
    for a in v.tables["areas"]:
        if a["theme_id"] is None:
            continue
        key = (a["round_id"], a["theme_id"])
        if key in seen:
            yield RecordError(
                v.where("areas", a),
                f"field 'theme_id': theme {a['theme_id']!r} already crosswalked to {seen[key]} in this round",
            )
        else:
            seen[key] = a["area_id"]


# --------------------------------------------------------------------------- inspections and dates


@rule("pillar-inspection-pillar", "A pillar inspection names its pillar.")
def _pillar(v: RecordsView) -> Iterator[RecordError]:
    for i in v.tables["inspections"]:
        if i["kind"] == "pillar" and i["pillar"] is None:
            yield RecordError(v.where("inspections", i), "field 'pillar': required for a pillar inspection")


@rule("fieldwork-order", "Fieldwork does not end before it starts.")
def _fieldwork(v: RecordsView) -> Iterator[RecordError]:
    for i in v.tables["inspections"]:
        if i["fieldwork_start"] and i["fieldwork_end"] and i["fieldwork_start"] > i["fieldwork_end"]:
            yield RecordError(v.where("inspections", i), "fieldwork_start is after fieldwork_end")


_PRECISION_COLUMNS = (("inspections", "published", "published_precision"), ("monitoring", "date", "date_precision"))


@rule(
    "date-precision",
    "A month- or year-precision date is the period's first day; no precision without a date.",
)
def _date_precision(v: RecordsView) -> Iterator[RecordError]:
    for name, date_col, precision_col in _PRECISION_COLUMNS:
        for row in v.tables[name]:
            value, precision = row[date_col], row[precision_col]
            if value is None:
                if precision is not None:
                    yield RecordError(v.where(name, row), f"field {precision_col!r}: set without {date_col!r}")
            elif precision != "day" and (value.day != 1 or (precision == "year" and value.month != 1)):
                yield RecordError(
                    v.where(name, row), f"field {date_col!r}: with {precision_col} month or year, use the period's first day"
                )


# --------------------------------------------------------------------------- gradings


@rule("grading-area-round", "A grading's area belongs to the round of its inspection.")
def _grading_area_round(v: RecordsView) -> Iterator[RecordError]:
    inspections, areas = v.by_key("inspections", "inspection_id"), v.by_key("areas", "area_id")
    for g in v.tables["gradings"]:
        round_id = inspections[g["inspection_id"]]["round_id"]
        if areas[g["area_id"]]["round_id"] != round_id:
            yield RecordError(v.where("gradings", g), f"field 'area_id': {g['area_id']} is not an area of round {round_id}")


@rule("grading-not-graded", "A grading with graded: false gives no grade.")
def _not_graded(v: RecordsView) -> Iterator[RecordError]:
    for g in v.tables["gradings"]:
        if not g["graded"] and g["grade"] is not None:
            yield RecordError(v.where("gradings", g), "graded is false but a grade is given")


@rule("grading-on-scale", "A grade is on the scale of its area's round.")
def _on_scale(v: RecordsView) -> Iterator[RecordError]:
    areas, rounds = v.by_key("areas", "area_id"), v.by_key("rounds", "round_id")
    scale_grades: dict[str, set[str]] = {}
    for r in v.tables["scales"]:
        scale_grades.setdefault(r["scale_id"], set()).add(r["grade"])
    for g in v.tables["gradings"]:
        if g["grade"] is None:
            continue
        round_id = areas[g["area_id"]]["round_id"]
        scale = rounds[round_id]["scale_id"]
        if g["grade"] not in scale_grades[scale]:
            yield RecordError(v.where("gradings", g), f"field 'grade': {g['grade']!r} is not on the {scale} scale of {round_id}")


@rule("grading-graded-area", "An area its round grades no force on has no grade, unless carried from an earlier round.")
def _graded_area(v: RecordsView) -> Iterator[RecordError]:
    areas = v.by_key("areas", "area_id")
    for g in v.tables["gradings"]:
        if g["grade"] is not None and not areas[g["area_id"]]["graded_in_round"] and g["carried_from"] is None:
            yield RecordError(v.where("gradings", g), f"field 'grade': {g['area_id']} is not graded in its round")


@rule("carried-from", "A carried-over grade is a stated grade, carried from an earlier round.")
def _carried_from(v: RecordsView) -> Iterator[RecordError]:
    areas, rounds = v.by_key("areas", "area_id"), v.by_key("rounds", "round_id")
    for g in v.tables["gradings"]:
        if g["carried_from"] is None:
            continue
        w = v.where("gradings", g)
        if g["grade"] is None:
            yield RecordError(w, "field 'carried_from': only a stated grade can be carried over")
        elif rounds[g["carried_from"]]["sequence"] >= rounds[areas[g["area_id"]]["round_id"]]["sequence"]:
            yield RecordError(w, "field 'carried_from': must be an earlier round")


@rule(
    "one-grading-per-round",
    "A force's area is graded (or stated not graded) by one inspection of a round; carried grades do not count.",
)
def _one_grading(v: RecordsView) -> Iterator[RecordError]:
    inspections = v.by_key("inspections", "inspection_id")
    seen: dict[tuple[str, str, str], FrozenRow] = {}
    for g in v.tables["gradings"]:
        if g["carried_from"] is not None or (g["grade"] is None and g["graded"]):
            continue  # a carried grade, or a grade no source states: not a grading in this round
        insp = inspections[g["inspection_id"]]
        if insp["round_id"] is None:
            continue
        key = (insp["force_id"], insp["round_id"], g["area_id"])
        other = seen.setdefault(key, g)
        if other is not g:
            yield RecordError(
                v.where("gradings", g),
                f"field 'area_id': {insp['force_id']}'s {g['area_id']} is already graded in round {insp['round_id']} "
                f"by inspection {other['inspection_id']} ({v.where('gradings', other)})",
            )


# --------------------------------------------------------------------------- findings and responses


@rule("finding-area-round", "A finding's area belongs to the round of its inspection.")
def _finding_area(v: RecordsView) -> Iterator[RecordError]:
    inspections, areas = v.by_key("inspections", "inspection_id"), v.by_key("areas", "area_id")
    for f in v.tables["findings"]:
        if f["area_id"] is None:
            continue
        round_id = inspections[f["inspection_id"]]["round_id"]
        if areas[f["area_id"]]["round_id"] != round_id:
            yield RecordError(v.where("findings", f), f"field 'area_id': {f['area_id']} is not an area of round {round_id}")


@rule("finding-parent", "Only a recommendation has a parent: a cause of concern of the same inspection.")
def _finding_parent(v: RecordsView) -> Iterator[RecordError]:
    findings = v.by_key("findings", "finding_id")
    for f in v.tables["findings"]:
        if f["parent_id"] is None:
            continue
        parent = findings[f["parent_id"]]
        if f["kind"] != "recommendation" or parent["kind"] != "cause-of-concern":
            yield RecordError(
                v.where("findings", f),
                "field 'parent_id': only a recommendation has a parent, and it must be a cause of concern",
            )
        elif parent["inspection_id"] != f["inspection_id"]:
            yield RecordError(v.where("findings", f), "field 'parent_id': the cause of concern belongs to another inspection")


@rule("response-same-inspection", "A response addresses findings of the inspection it responds to.")
def _response_findings(v: RecordsView) -> Iterator[RecordError]:
    responses, findings = v.by_key("responses", "response_id"), v.by_key("findings", "finding_id")
    for link in v.tables["response_findings"]:
        r = responses[link["response_id"]]
        if findings[link["finding_id"]]["inspection_id"] != r["inspection_id"]:
            yield RecordError(v.where("responses", r), f"field 'addresses': {link['finding_id']} belongs to another inspection")


# --------------------------------------------------------------------------- evidence


def _evidence_rows(v: RecordsView) -> Iterator[tuple[str, FrozenRow, FrozenRow]]:
    """(table, row, its source) for every row of a table with an evidence column."""
    sources = v.by_key("sources", "source_id")
    for tbl in TABLES:
        if "evidence" in tbl.columns:
            for row in v.tables[tbl.name]:
                yield tbl.name, row, sources[row["source_id"]]


@rule("evidence-unshipped", "A row whose source ships no text quotes nothing (its note says what the source says).")
def _evidence_unshipped(v: RecordsView) -> Iterator[RecordError]:
    for name, row, src in _evidence_rows(v):
        if src["document"] is None and row["evidence"] is not None:
            yield RecordError(
                v.where(name, row),
                f"field 'evidence': source {src['source_id']} ships no text, so no quote may be copied; "
                "describe it in 'note' in your own words",
            )


@rule("evidence-required", "A row whose source ships its text has an evidence quote.")
def _evidence_required(v: RecordsView) -> Iterator[RecordError]:
    for name, row, src in _evidence_rows(v):
        if src["document"] is not None and row["evidence"] is None:
            yield RecordError(v.where(name, row), f"field 'evidence': required, a verbatim quote from {src['document']}")


@rule(
    "evidence-verbatim",
    f"An evidence quote is at least {MIN_QUOTE} characters and occurs verbatim (up to whitespace) in the source's text.",
)
def _evidence_verbatim(v: RecordsView) -> Iterator[RecordError]:
    texts = {path: normalise(data.decode("utf-8", errors="replace")) for path, data in v.documents.items()}
    for name, row, src in _evidence_rows(v):
        doc, quote = src["document"], row["evidence"]
        if doc is None or quote is None:
            continue
        if len(normalise(quote)) < MIN_QUOTE:
            yield RecordError(
                v.where(name, row),
                f"field 'evidence': {quote!r} is too short to identify a passage (at least {MIN_QUOTE} characters)",
            )
        elif not quote_in(quote, texts.get(doc, "")):
            yield RecordError(v.where(name, row), f"field 'evidence': quote not found verbatim in {doc}: {quote[:60]!r}")


# --------------------------------------------------------------------------- grade summaries


@rule("grade-summary-count-within-total", "A grade summary counts no more areas than its of_total.")
def _summary_count(v: RecordsView) -> Iterator[RecordError]:
    for s in v.tables["grade_summaries"]:
        if s["of_total"] is not None and s["count"] > s["of_total"]:
            yield RecordError(
                v.where("grade_summaries", s),
                f"field 'count': {s['count']} areas {s['grade']!r} is more than of_total {s['of_total']}",
            )


@rule(
    "grade-summary-one-total",
    "One source gives one of_total for an inspection (two sources may disagree: each is recorded as stated).",
)
def _summary_total(v: RecordsView) -> Iterator[RecordError]:
    first: dict[tuple[str, str], FrozenRow] = {}
    for s in v.tables["grade_summaries"]:
        if s["of_total"] is None:
            continue
        other = first.setdefault((s["inspection_id"], s["source_id"]), s)
        if other["of_total"] != s["of_total"]:
            yield RecordError(
                v.where("grade_summaries", s),
                f"field 'of_total': {s['of_total']} graded areas, but {v.where('grade_summaries', other)} "
                f"gives {other['of_total']} for the same inspection from the same source",
            )


@rule(
    "grade-summary-sum-within-total",
    "The counts of one inspection sum to no more than its of_total: per source, and across sources "
    "taking each grade's smallest count and the largest of_total.",
)
def _summary_sum(v: RecordsView) -> Iterator[RecordError]:
    by_insp: dict[str, list[FrozenRow]] = {}
    for s in v.tables["grade_summaries"]:
        by_insp.setdefault(s["inspection_id"], []).append(s)
    for iid, rows in by_insp.items():
        per_source: dict[str, list[FrozenRow]] = {}
        for s in rows:
            per_source.setdefault(s["source_id"], []).append(s)
        for source_id, own in per_source.items():
            totals = {s["of_total"] for s in own if s["of_total"] is not None}
            n = sum(s["count"] for s in own)
            if len(totals) == 1 and n > min(totals):
                yield RecordError(
                    v.where("grade_summaries", own[-1]),
                    f"field 'count': source {source_id}'s counts for {iid} sum to {n}, more than of_total {min(totals)}",
                )
        totals = {s["of_total"] for s in rows if s["of_total"] is not None}
        lowest: dict[str, int] = {}
        for s in rows:
            lowest[s["grade"]] = min(lowest.get(s["grade"], s["count"]), s["count"])
        if totals and sum(lowest.values()) > max(totals):
            yield RecordError(
                v.where("grade_summaries", rows[-1]),
                f"field 'count': the counts for {iid} sum to at least {sum(lowest.values())} "
                f"(each grade's smallest count across sources), more than of_total {max(totals)}",
            )


# --------------------------------------------------------------------------- monitoring


def _period(day: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """First and last day a date of the given precision may stand for."""
    if precision == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def _dated(row: FrozenRow) -> str:
    day, precision = row["date"], row["date_precision"]
    return {"year": f"{day.year} (year)", "month": f"{day:%Y-%m} (month)"}.get(precision, day.isoformat())


@rule(
    "monitoring-exit-after-entry",
    "A force's exit from a monitoring phase is not dated before every entry into it "
    "(a month or year date is the whole period: refused only when no day of it can fit).",
)
def _exit_after_entry(v: RecordsView) -> Iterator[RecordError]:
    entries: dict[tuple[str, str], list[FrozenRow]] = {}
    for m in v.tables["monitoring"]:
        if m["event"] == "entered":
            entries.setdefault((m["force_id"], m["phase"]), []).append(m)
    for m in v.tables["monitoring"]:
        ins = entries.get((m["force_id"], m["phase"]))
        if m["event"] != "exited" or not ins:
            continue
        exit_last = _period(m["date"], m["date_precision"])[1]
        earliest = min(ins, key=lambda e: _period(e["date"], e["date_precision"])[0])
        if _period(earliest["date"], earliest["date_precision"])[0] > exit_last:
            yield RecordError(
                v.where("monitoring", m),
                f"field 'date': {m['force_id']} exited {m['phase']} on {_dated(m)}, before it entered on "
                f"{_dated(earliest)} ({v.where('monitoring', earliest)})",
            )


# --------------------------------------------------------------------------- running


#: Every rule, in the order they run.
RULES: tuple[Rule, ...] = tuple(_RULES)


def rule_named(name: str) -> Rule:
    """The rule called ``name``."""
    for r in RULES:
        if r.name == name:
            return r
    raise KeyError(name)


def check_rules(records: Records, *, rules: Sequence[Rule] = RULES) -> list[RecordError]:
    """The problems of the first rule (in order) that finds any; empty when every rule passes.

    ``records`` are read through a read-only view: a rule cannot change a row.
    """
    view = RecordsView(records)
    for r in rules:
        problems = list(r.fn(view))
        if problems:
            return problems
    return []


def run_rules(records: Records, *, rules: Sequence[Rule] = RULES) -> None:
    """Raise the first problem any rule finds (RecordError, one line); return when all pass."""
    problems = check_rules(records, rules=rules)
    if problems:
        raise problems[0]


__all__ = ["RULES", "RecordsView", "Rule", "check_rules", "rule", "rule_named", "run_rules"]
