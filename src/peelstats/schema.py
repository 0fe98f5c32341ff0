"""Table schemas of the data package: the single definition of every table and column.

The build writes these into ``datapackage.json`` as Frictionless Table Schemas, the record
validator checks curated YAML against them, the loader types the CSVs from them, and the
data dictionary is generated from them.

:data:`TABLES` are the normalised tables compiled from the curated records;
:data:`DERIVED` are generated from those tables by the build (never curated, never edited);
:data:`RESOURCES` is both, in the order of ``datapackage.json``. Everything else that names
tables (the loader's ``Package``, the wheel's data files, the exports, ``docs/DATA.md`` and
the records README's vocabularies) derives from these or is tested against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from peelstats import vocab


@dataclass(frozen=True)
class Default:
    """What the build puts in a column a record leaves empty.

    Applied once, in one step before the record rules (``peelstats.curate.defaults``);
    never written into ``datapackage.json`` (the tables hold the filled values).
    Exactly one of ``value`` (a constant) or ``copy`` (another column of the same row).
    ``when_set`` applies the default only when that column of the row is set;
    ``when_shipped`` only when the row's source ships its text in ``data/documents/``.
    """

    value: str | bool | None = None
    copy: str | None = None
    when_set: str | None = None
    when_shipped: bool = False

    def describe(self) -> str:
        """The default in words, e.g. ``day when 'published' is set``."""
        what = f"the row's {self.copy!r}" if self.copy is not None else repr(self.value)
        conds = ([f"{self.when_set!r} is set"] if self.when_set else []) + (
            ["the source ships its text"] if self.when_shipped else []
        )
        return what + (" when " + " and ".join(conds) if conds else "")


@dataclass(frozen=True)
class Field:
    """One column: Table Schema type, description, constraints and the default for records."""

    name: str
    type: str  # string | integer | boolean | date
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    default: Default | None = None

    def descriptor(self) -> dict[str, object]:
        """Frictionless field descriptor."""
        out: dict[str, object] = {
            "name": self.name,
            "type": self.type,
            "description": self.description,
        }
        if self.type == "date":
            out["format"] = "%Y-%m-%d"
        constraints: dict[str, object] = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One resource of the package."""

    name: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default_factory=tuple)
    #: For a derived table: the tables it is generated from (empty for a curated table).
    derived_from: tuple[str, ...] = ()

    @property
    def derived(self) -> bool:
        """True for a table the build generates from other tables (not curated, not to be edited)."""
        return bool(self.derived_from)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def descriptor(self) -> dict[str, object]:
        """Frictionless Table Schema."""
        return {
            "fields": [f.descriptor() for f in self.fields],
            "primaryKey": list(self.primary_key),
            "foreignKeys": [
                {
                    "fields": list(fk.fields),
                    "reference": {"resource": fk.table, "fields": list(fk.reference)},
                }
                for fk in self.foreign_keys
            ],
            "missingValues": [""],
        }


def _fk(cols: str, table: str, ref: str) -> ForeignKey:
    return ForeignKey(tuple(cols.split(",")), table, tuple(ref.split(",")))


_SOURCE = Field("source_id", "string", "The source that states this row's facts (sources.source_id).", required=True)
_EVIDENCE = Field(
    "evidence",
    "string",
    "Verbatim quote from the source's shipped text (data/documents/) that supports the row; "
    "empty when the source is not shipped (web pages, news).",
)


def _evidence_copying(column: str) -> Field:
    """The evidence column of a table whose ``column`` is itself the verbatim quote when the source is shipped."""
    return Field(
        _EVIDENCE.name,
        _EVIDENCE.type,
        _EVIDENCE.description,
        default=Default(copy=column, when_shipped=True),
    )


_NOTE = Field("note", "string", "Curator's note in our own words: what the source says, conflicts, caveats.")
_SOURCE_FK = _fk("source_id", "sources", "source_id")

TABLES: tuple[Table, ...] = (
    Table(
        "forces",
        "The 43 territorial police forces of England and Wales.",
        (
            Field("force_id", "string", "Stable slug of the force, e.g. cleveland, avon-and-somerset.", required=True),
            Field("name", "string", "The force's name.", required=True),
            Field("country", "string", "England or Wales.", required=True, enum=vocab.COUNTRIES),
            Field("region", "string", "Region of England, or Wales.", required=True),
        ),
        ("force_id",),
    ),
    Table(
        "scales",
        "Grades of each grading scale, with their rank (1 = worst).",
        (
            Field("scale_id", "string", "Scale identifier: peel-4 (to 2018/19) or peel-5 (2021/22 on).", required=True),
            Field("grade", "string", "A grade on the scale.", required=True, enum=vocab.GRADES),
            Field("rank", "integer", "Position on the scale, 1 = worst.", required=True, minimum=1),
            Field("title", "string", "Name of the scale.", required=True),
        ),
        ("scale_id", "grade"),
    ),
    Table(
        "themes",
        "Harmonised themes that the areas of every round are crosswalked to.",
        (
            Field("theme_id", "string", "Theme slug.", required=True, enum=vocab.THEMES),
            Field(
                "kind",
                "string",
                "pillar (a whole pillar) or area (a question/area).",
                required=True,
                enum=vocab.THEME_KINDS,
            ),
            Field("description", "string", "What the theme covers.", required=True),
        ),
        ("theme_id",),
    ),
    Table(
        "sources",
        "Documents and pages that facts come from. Shipped texts live in data/documents/.",
        (
            Field("source_id", "string", "Source slug.", required=True),
            Field("title", "string", "Title of the document or page.", required=True),
            Field("publisher", "string", "Who published it (HMIC, HMICFRS, a PCC, a broadcaster).", required=True),
            Field("published", "date", "Publication or last-updated date the source states; empty if none."),
            Field("url", "string", "Web address of the source, where known."),
            Field("kind", "string", "Kind of source.", required=True, enum=vocab.SOURCE_KINDS),
            Field("licence", "string", "Licence of the source's text.", required=True, enum=vocab.LICENCES),
            Field(
                "document",
                "string",
                "Path of the shipped text in the package (data/documents/...), if redistributable.",
            ),
            Field("sha256", "string", "SHA-256 of the shipped text."),
            Field("accessed", "date", "When the curators read it."),
            _NOTE,
        ),
        ("source_id",),
    ),
    Table(
        "rounds",
        "PEEL inspection rounds, with their scale and whether the inspectorate says their "
        "grades compare with the previous round.",
        (
            Field("round_id", "string", "Round slug, e.g. peel-2015, peel-2021-22.", required=True),
            Field("title", "string", "Round name.", required=True),
            Field("sequence", "integer", "Order of the round, 1 = first.", required=True, minimum=1),
            Field("scale_id", "string", "Grading scale of the round.", required=True),
            Field(
                "framework",
                "string",
                "pillars (2014 to 2018/19) or areas (2021/22 on).",
                required=True,
                enum=vocab.FRAMEWORKS,
            ),
            Field("start_year", "integer", "First year of publication.", required=True),
            Field("end_year", "integer", "Last year of publication.", required=True),
            Field(
                "comparable_with_previous",
                "boolean",
                "false where the inspectorate says grades cannot be compared directly with the previous round "
                "(a break); empty where not known or for the first round.",
            ),
            Field("break_note", "string", "What the break is, in our words."),
            Field("break_source_id", "string", "Source stating the break."),
        ),
        ("round_id",),
        (_fk("break_source_id", "sources", "source_id"),),
    ),
    Table(
        "areas",
        "Graded pillars, questions and areas of each round, with the theme crosswalk "
        "(an analyst's judgement, documented in crosswalk_note).",
        (
            Field("area_id", "string", "Area slug, prefixed by its round.", required=True),
            Field("round_id", "string", "Round the area belongs to.", required=True),
            Field("parent_id", "string", "Pillar the question belongs to; empty for pillars and 2021/22+ areas."),
            Field("level", "string", "pillar, question or area.", required=True, enum=vocab.AREA_LEVELS),
            Field("seq", "integer", "Order of the area in its round.", required=True, minimum=1),
            Field("title", "string", "The question or area as the round names it.", required=True),
            Field("theme_id", "string", "Harmonised theme; empty where none fits.", enum=vocab.THEMES),
            Field(
                "graded_in_round",
                "boolean",
                "false where the round inspects the area but grades no force on it.",
                required=True,
            ),
            Field("crosswalk_note", "string", "Why the theme was chosen, where not obvious."),
        ),
        ("area_id",),
        (
            _fk("round_id", "rounds", "round_id"),
            _fk("parent_id", "areas", "area_id"),
            _fk("theme_id", "themes", "theme_id"),
        ),
    ),
    Table(
        "inspections",
        "Published inspections and revisits of a force.",
        (
            Field("inspection_id", "string", "Inspection slug: <force>-<round>[-<pillar>].", required=True),
            Field("force_id", "string", "Force inspected.", required=True),
            Field("round_id", "string", "PEEL round; empty for an inspection outside a round."),
            Field(
                "kind",
                "string",
                "pillar report, integrated report, revisit (a letter reviewing earlier findings), "
                "or accelerated (a cause of concern issued outside a PEEL report).",
                required=True,
                enum=vocab.INSPECTION_KINDS,
            ),
            Field("pillar", "string", "For a pillar report, its pillar.", enum=vocab.PILLARS),
            Field("title", "string", "Title of the report or letter.", required=True),
            Field("fieldwork_start", "date", "First day of fieldwork, where stated."),
            Field("fieldwork_end", "date", "Last day of fieldwork, where stated."),
            Field(
                "published",
                "date",
                "Publication date, where stated; the first day of the month or year when published_precision says so.",
            ),
            Field(
                "published_precision",
                "string",
                "How much of published the source states: day, month or year; empty when published is empty.",
                enum=vocab.DATE_PRECISIONS,
                default=Default(value="day", when_set="published"),
            ),
            _SOURCE,
            _EVIDENCE,
            _NOTE,
        ),
        ("inspection_id",),
        (_fk("force_id", "forces", "force_id"), _fk("round_id", "rounds", "round_id"), _SOURCE_FK),
    ),
    Table(
        "gradings",
        "Graded judgments: one area of one inspection. grade is empty when unknown; "
        "graded = false when the source says the area was not graded.",
        (
            Field("inspection_id", "string", "Inspection the judgment belongs to.", required=True),
            Field("area_id", "string", "Area judged.", required=True),
            Field("grade", "string", "The grade the source states; empty if not graded or not stated.", enum=vocab.GRADES),
            Field(
                "graded",
                "boolean",
                "false where the source says the area was not graded.",
                required=True,
                default=Default(value=True),
            ),
            Field("carried_from", "string", "Round the grade was set in, when carried over into this round."),
            _SOURCE,
            _EVIDENCE,
            _NOTE,
        ),
        ("inspection_id", "area_id"),
        (
            _fk("inspection_id", "inspections", "inspection_id"),
            _fk("area_id", "areas", "area_id"),
            _fk("carried_from", "rounds", "round_id"),
            _SOURCE_FK,
        ),
    ),
    Table(
        "grade_summaries",
        "Distributions of grades a source reports without naming every area (e.g. 'good in one area, adequate in four').",
        (
            Field("inspection_id", "string", "Inspection summarised.", required=True),
            Field("grade", "string", "Grade counted.", required=True, enum=vocab.GRADES),
            Field("count", "integer", "Number of areas the source says got this grade.", required=True, minimum=0),
            Field("of_total", "integer", "Number of graded areas the source says there were.", minimum=0),
            _SOURCE,
            _EVIDENCE,
            _NOTE,
        ),
        ("inspection_id", "grade", "source_id"),
        (_fk("inspection_id", "inspections", "inspection_id"), _SOURCE_FK),
    ),
    Table(
        "finding_summaries",
        "Counts of findings a source reports without listing them all (e.g. 'six causes of concern').",
        (
            Field("inspection_id", "string", "Inspection summarised.", required=True),
            Field("kind", "string", "Kind of finding counted.", required=True, enum=vocab.FINDING_KINDS),
            Field("count", "integer", "Number the source states.", required=True, minimum=0),
            _SOURCE,
            _EVIDENCE,
            _NOTE,
        ),
        ("inspection_id", "kind", "source_id"),
        (_fk("inspection_id", "inspections", "inspection_id"), _SOURCE_FK),
    ),
    Table(
        "findings",
        "Causes of concern, recommendations and areas for improvement issued by an inspection.",
        (
            Field("finding_id", "string", "Finding slug.", required=True),
            Field("inspection_id", "string", "Inspection that issued it.", required=True),
            Field("area_id", "string", "Question or area it is attached to, where known."),
            Field("kind", "string", "Kind of finding.", required=True, enum=vocab.FINDING_KINDS),
            Field("parent_id", "string", "For a recommendation: its cause of concern."),
            Field("seq", "integer", "Order within the inspection.", required=True, minimum=1),
            Field(
                "text",
                "string",
                "The finding: verbatim when the source is shipped, otherwise a summary in our words.",
                required=True,
            ),
            Field("due", "date", "Earliest deadline stated for it (all deadlines: deadlines table)."),
            _SOURCE,
            _evidence_copying("text"),
            _NOTE,
        ),
        ("finding_id",),
        (
            _fk("inspection_id", "inspections", "inspection_id"),
            _fk("area_id", "areas", "area_id"),
            _fk("parent_id", "findings", "finding_id"),
            _SOURCE_FK,
        ),
    ),
    Table(
        "deadlines",
        "Dated requirements attached to a finding.",
        (
            Field("finding_id", "string", "Finding the deadline belongs to.", required=True),
            Field("due", "date", "Deadline.", required=True),
            Field("requirement", "string", "What is due by then.", required=True),
            _SOURCE,
            _evidence_copying("requirement"),
        ),
        ("finding_id", "due"),
        (_fk("finding_id", "findings", "finding_id"), _SOURCE_FK),
    ),
    Table(
        "responses",
        "Published responses to an inspection and improvement actions, by the force or the PCC.",
        (
            Field("response_id", "string", "Response slug.", required=True),
            Field("inspection_id", "string", "Inspection responded to.", required=True),
            Field("responder", "string", "force or pcc.", required=True, enum=vocab.RESPONDERS),
            Field("speaker", "string", "Person quoted, where named."),
            Field("text", "string", "The response or action: verbatim when the source is shipped.", required=True),
            Field("published", "date", "When the response was published, where stated."),
            _SOURCE,
            _evidence_copying("text"),
            _NOTE,
        ),
        ("response_id",),
        (_fk("inspection_id", "inspections", "inspection_id"), _SOURCE_FK),
    ),
    Table(
        "response_findings",
        "Which findings each response or improvement action addresses.",
        (
            Field("response_id", "string", "Response.", required=True),
            Field("finding_id", "string", "Finding it addresses.", required=True),
        ),
        ("response_id", "finding_id"),
        (_fk("response_id", "responses", "response_id"), _fk("finding_id", "findings", "finding_id")),
    ),
    Table(
        "followups",
        "Later assessments of a finding's progress (revisits, later reports, force or PCC statements).",
        (
            Field("finding_id", "string", "Finding assessed.", required=True),
            Field("assessed_on", "date", "Date of the assessment (the source's date); empty when the source is undated."),
            Field(
                "status",
                "string",
                "Progress status; addressed = the force or PCC says so.",
                required=True,
                enum=vocab.FOLLOWUP_STATUSES,
            ),
            Field("assessed_by", "string", "Who made the assessment.", required=True, enum=vocab.ASSESSORS),
            Field("inspection_id", "string", "Inspection or revisit that made the assessment, if any."),
            _SOURCE,
            _EVIDENCE,
            _NOTE,
        ),
        ("finding_id", "source_id"),
        (
            _fk("finding_id", "findings", "finding_id"),
            _fk("inspection_id", "inspections", "inspection_id"),
            _SOURCE_FK,
        ),
    ),
    Table(
        "monitoring",
        "Monitoring events: entry to, exit from, or a statement of a force's phase (scan/engage); one row per event and source.",
        (
            Field("force_id", "string", "Force.", required=True),
            Field(
                "date",
                "date",
                "Date of the event or statement; the first day of the month or year when date_precision says so.",
                required=True,
            ),
            Field(
                "date_precision",
                "string",
                "How much of date the source states: day, month (only the month) or year (only the year).",
                required=True,
                enum=vocab.DATE_PRECISIONS,
                default=Default(value="day", when_set="date"),
            ),
            Field("phase", "string", "Monitoring phase.", required=True, enum=vocab.PHASES),
            Field(
                "event",
                "string",
                "entered, exited, or remains (the source states the force is in the phase).",
                required=True,
                enum=vocab.MONITORING_EVENTS,
            ),
            _SOURCE,
            _EVIDENCE,
            _NOTE,
        ),
        ("force_id", "date", "phase", "event", "source_id"),
        (_fk("force_id", "forces", "force_id"), _SOURCE_FK),
    ),
)

_DERIVED_NOTE = "Generated by `peelstats build` from {}; do not edit."

#: Tables generated by the build from the normalised tables.
DERIVED: tuple[Table, ...] = (
    Table(
        "grades",
        "The flat grades view: one row per force x round x graded area, known or not, with names, ordered grade "
        "and source, so no join is needed (the same table as peelstats.grades()). Every area a round grades has a "
        "row for every force: a row with empty grade and graded means nothing is recorded for that cell. "
        + _DERIVED_NOTE.format("gradings, inspections, areas, rounds, scales, forces and sources"),
        (
            Field("force_id", "string", "Force (forces.force_id).", required=True),
            Field("force_name", "string", "The force's name (forces.name).", required=True),
            Field("round_id", "string", "PEEL round of the area (rounds.round_id).", required=True),
            Field("round_title", "string", "Round name (rounds.title).", required=True),
            Field("level", "string", "pillar, question or area (areas.level).", required=True, enum=vocab.AREA_LEVELS),
            Field("area_id", "string", "Area judged (areas.area_id).", required=True),
            Field("area_title", "string", "The question or area as the round words it (areas.title).", required=True),
            Field(
                "theme_id", "string", "Harmonised theme of the area (areas.theme_id); empty where none fits.", enum=vocab.THEMES
            ),
            Field(
                "grade",
                "string",
                "The grade a source states (gradings.grade); the vocabulary is in scale order, worst first. "
                "Empty when not graded or unknown.",
                enum=vocab.GRADES,
            ),
            Field(
                "rank",
                "integer",
                "Position of the grade on the round's own scale, 1 = worst (scales.rank); empty without a grade. "
                "Sort or compare grades by rank, not alphabetically.",
                minimum=1,
            ),
            Field(
                "graded",
                "boolean",
                "false where a source says the area was not graded (gradings.graded); empty when nothing is recorded "
                "for this force and area.",
            ),
            Field(
                "carried_from", "string", "Round the grade was set in, when carried over into this round (gradings.carried_from)."
            ),
            Field("inspection_id", "string", "Inspection that records the judgment; empty when nothing is recorded."),
            Field(
                "published",
                "date",
                "Publication date of that inspection (inspections.published); the first day of the month or year "
                "when published_precision says so.",
            ),
            Field(
                "published_precision",
                "string",
                "How much of published the source states: day, month or year.",
                enum=vocab.DATE_PRECISIONS,
            ),
            Field("source_kind", "string", "Kind of the grade's source (sources.kind).", enum=vocab.SOURCE_KINDS),
            Field("source_title", "string", "Title of the grade's source (sources.title)."),
            Field("source_url", "string", "Web address of the grade's source (sources.url), where known."),
        ),
        ("force_id", "area_id"),
        (
            _fk("force_id", "forces", "force_id"),
            _fk("round_id", "rounds", "round_id"),
            _fk("area_id", "areas", "area_id"),
            _fk("theme_id", "themes", "theme_id"),
            _fk("carried_from", "rounds", "round_id"),
            _fk("inspection_id", "inspections", "inspection_id"),
        ),
        derived_from=("gradings", "inspections", "areas", "rounds", "scales", "forces", "sources"),
    ),
)

#: Every resource of the package, in the order of ``datapackage.json``.
RESOURCES: tuple[Table, ...] = TABLES + DERIVED

#: Names of the normalised (curated) tables.
TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)
#: Names of the derived tables.
DERIVED_NAMES: tuple[str, ...] = tuple(t.name for t in DERIVED)
#: Names of every resource, in descriptor order.
RESOURCE_NAMES: tuple[str, ...] = tuple(t.name for t in RESOURCES)


def table(name: str) -> Table:
    """The schema of table ``name`` (a normalised or a derived table)."""
    for t in RESOURCES:
        if t.name == name:
            return t
    raise KeyError(name)
