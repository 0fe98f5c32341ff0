"""The ``peelstats`` command line. Errors are one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peelstats.errors import PeelstatsError

if TYPE_CHECKING:
    import polars as pl


def _find_root(given: str | None) -> Path:
    if given:
        root = Path(given)
        if not (root / "data" / "records").is_dir():
            raise PeelstatsError(f"{root}: no data/records folder here (not a peelstats checkout)")
        return root
    here = Path.cwd()
    for cand in (here, *here.parents):
        if (cand / "data" / "records" / "package.yaml").is_file():
            return cand
    raise PeelstatsError("no peelstats checkout found here or above (looked for data/records/package.yaml); use --root")


FORMATS = ("table", "csv", "json")
#: Longest text a table cell shows, and the widest a table gets (wider cells wrap); csv and
#: json always give every column and the full text.
CELL_CHARS = 100
TABLE_WIDTH = 180
#: The columns a table for people shows, where not all (the last line names the others).
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "grades": ("force_name", "round_id", "level", "area_title", "grade", "graded", "carried_from", "published"),
    "trajectory": ("force_id", "theme", "level", "round_id", "date", "grade", "status", "change", "position", "carried"),
    "summary": (
        "entity",
        "theme",
        "judgments",
        "missing",
        "first_grade",
        "latest_grade",
        "first_date",
        "latest_date",
        "improvements",
        "declines",
        "not_comparable",
    ),
    "transitions": ("level", "from_round", "to_round", "from_grade", "to_grade", "across_gap", "direction", "count"),
    "coverage": (
        "inspection_id",
        "entity",
        "round_id",
        "kind",
        "findings",
        "responded",
        "dated",
        "responded_56d",
        "followed_up",
        "closed",
        "recur_eligible",
        "recurs",
    ),
    "rounds": ("round_id", "title", "years", "levels", "scale_id", "comparable_with_previous", "break_note"),
    "describe": ("column", "type", "required", "key", "references", "values", "description"),
}


def _plain(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with list columns as "; "-joined text and vocabularies as text (for csv and tables)."""
    import polars as pl

    casts = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List):
            casts.append(pl.col(name).cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif isinstance(dtype, (pl.Enum, pl.Categorical)):
            casts.append(pl.col(name).cast(pl.String))
    return frame.with_columns(casts) if casts else frame


def _json_value(value: object) -> object:
    import datetime as dt
    import math

    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def frame_json(frame: pl.DataFrame) -> str:
    """``frame`` as a JSON array of row objects: dates as ISO text, NaN as null, lists as arrays."""
    import json

    rows = [{k: _json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]
    return json.dumps(rows, ensure_ascii=False, indent=1)


def frame_table(frame: pl.DataFrame, *, limit: int | None = None, columns: Sequence[str] | None = None) -> str:
    """``frame`` as a text table with readable headers, then a line saying what it shows.

    Every row is shown unless ``limit`` is given; ``columns`` picks the columns shown.
    Whatever is left out (rows, columns, the end of long text) is named in the last line.
    """
    import polars as pl

    shown = _plain(frame.select(columns) if columns is not None else frame)
    hidden_cols = [c for c in frame.columns if c not in shown.columns]
    rows = shown.height if limit is None or limit <= 0 else min(limit, shown.height)
    texts = [c for c, t in shown.schema.items() if t == pl.String()]
    long_text = (
        bool(texts)
        and shown.head(rows).select(pl.any_horizontal(pl.col(c).str.len_chars().max() > CELL_CHARS for c in texts)).item()
    )
    readable = shown.head(rows).rename({c: c.replace("_", " ") for c in shown.columns})
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        fmt_str_lengths=CELL_CHARS,
        tbl_width_chars=TABLE_WIDTH,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        text = str(readable)
    notes = [f"{shown.height} row{'s' if shown.height != 1 else ''}"]
    if rows < shown.height:
        notes.append(f"the first {rows} shown ({shown.height - rows} not shown: --limit 0 shows all)")
    if hidden_cols:
        notes.append(f"columns not shown: {', '.join(hidden_cols)}")
    if long_text:
        notes.append(f"text over {CELL_CHARS} characters is shortened")
    more = "; --format csv or json gives every row and column in full" if len(notes) > 1 else ""
    return f"{text}\n{'; '.join(notes)}{more}"


def emit(frame: pl.DataFrame, fmt: str, *, limit: int | None = None, kind: str | None = None) -> None:
    """Print ``frame`` to stdout as ``fmt``: ``table`` (for people), ``csv`` or ``json`` (every row and column).

    A table shows the columns :data:`TABLE_COLUMNS` gives for ``kind`` (all when none).
    """
    if fmt == "csv":
        sys.stdout.write(_plain(frame).write_csv())
    elif fmt == "json":
        sys.stdout.write(frame_json(frame) + "\n")
    else:
        columns = [c for c in TABLE_COLUMNS[kind] if c in frame.columns] if kind in TABLE_COLUMNS else None
        print(frame_table(frame, limit=limit, columns=columns))


def _version_text() -> str:
    """The library's version and the bundled data package's version."""
    import json
    from importlib.metadata import PackageNotFoundError, version

    from peelstats.package import bundled_path

    try:
        lib = version("peelstats")
    except PackageNotFoundError:
        lib = "unknown (not installed)"
    try:
        path = bundled_path()
        data = str(json.loads(path.read_text(encoding="utf-8")).get("version", "unknown"))
    except (PeelstatsError, OSError, ValueError):
        return f"peelstats {lib} (no bundled data package found)"
    return f"peelstats {lib} (data package version {data}, {path})"


class _VersionAction(argparse.Action):
    """``--version``: print the library and data versions and exit (reads only the descriptor)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:  # noqa: A002
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: object, values: object, option_string: str | None = None
    ) -> None:
        print(_version_text())
        parser.exit()


def cmd_info(args: argparse.Namespace) -> int:
    import polars as pl

    from peelstats.coverage_report import coverage_markdown, coverage_table, dating_table, forces_without_grades
    from peelstats.package import load

    pkg = load(args.package)
    if args.markdown:
        print(coverage_markdown(pkg))
        return 0
    counts = pl.DataFrame(
        {"table": list(pkg.counts()), "rows": list(pkg.counts().values())}, schema={"table": pl.String, "rows": pl.Int64}
    )
    if args.format == "csv":
        emit(coverage_table(pkg) if args.coverage else counts, "csv")
        return 0
    if args.format == "json":
        import json

        about: dict[str, Any] = {
            "title": pkg.title,
            "version": pkg.version,
            "created": pkg.created,
            "path": str(pkg.path),
            "tables": pkg.counts(),
            "citation": pkg.cite("text"),
        }
        if args.coverage:
            about["coverage"] = json.loads(frame_json(coverage_table(pkg)))
            about["dates"] = json.loads(frame_json(dating_table(pkg)))
            about["forces_without_grades"] = json.loads(frame_json(forces_without_grades(pkg)))
        print(json.dumps(about, ensure_ascii=False, indent=1))
        return 0
    print(f"{pkg.title}")
    print(f"version {pkg.version} ({pkg.created}); {pkg.path}")
    print()
    emit(counts, "table")
    if args.coverage:
        print()
        print("Grading coverage (force x graded area cells per round):")
        emit(coverage_table(pkg), "table")
        none = forces_without_grades(pkg).filter(pl.col("level") == "area")
        if none.height:
            print()
        for (rnd,), group in none.group_by("round_id", maintain_order=True):
            print(f"{rnd}: no known grade for {', '.join(group['name'].to_list())}")
        print()
        print("Publication dates (inspections per round; null round: letters and accelerated causes of concern):")
        emit(dating_table(pkg), "table")
    print()
    print("Cite as:")
    print(pkg.cite("text"))
    return 0


CURATE_HINT = 'peelstats {cmd} needs the curation tools (PyYAML, frictionless): pip install "peelstats[curate]"'


def _curate(cmd: str) -> None:
    """One clear line when the curation extra is not installed."""
    import importlib

    missing = []
    for module in ("yaml", "frictionless"):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise PeelstatsError(CURATE_HINT.format(cmd=cmd) + f" (missing: {', '.join(missing)})")


def cmd_build(args: argparse.Namespace) -> int:
    _curate("build")
    if args.records and not args.dry_run:
        raise PeelstatsError(
            "build: --records folders are validated with data/records but never written into the package; add --dry-run"
        )
    from peelstats.curate.build import build

    root = _find_root(args.root)
    changed = build(root, [Path(p) for p in args.records], dry_run=args.dry_run)
    verb = "would change" if args.dry_run else "changed"
    if changed:
        print(f"{verb}: " + ", ".join(changed))
    else:
        print("up to date: the generated files match data/records")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    _curate("check")
    if args.rules:
        from peelstats.curate.defaults import defaults
        from peelstats.curate.rules import RULES

        width = max(len(r.name) for r in RULES)
        print(f"{len(RULES)} record rules, run in this order by build and check:")
        for r in RULES:
            print(f"  {r.name:<{width}}  {r.description}")
        print("Defaults from the schema, filled in one step before the rules (an empty field gets):")
        for name, f, default in defaults():
            print(f"  {name}.{f.name}: {default.describe()}")
        return 0
    from peelstats.curate.check import check

    root = _find_root(args.root)
    problems = check(root)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if problems:
        print(f"check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    from peelstats.curate.rules import RULES

    print(
        f"ok: records valid ({len(RULES)} record rules passed; `peelstats check --rules` lists them), "
        "evidence quotes found, build reproducible, hashes match, frictionless VALID"
    )
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    from peelstats.package import load

    print(load(args.package).cite(args.format))
    return 0


def cmd_trajectory(args: argparse.Namespace) -> int:
    from peelstats.analytics import trajectories, trajectory_summary
    from peelstats.package import load

    pkg = load(args.package)
    traj = trajectories(pkg, force=args.force, theme=args.theme, level=args.level)
    if args.summary:
        emit(trajectory_summary(traj), args.format, limit=args.limit, kind="summary")
        return 0
    if args.format != "table":
        emit(traj, args.format)
        return 0
    emit(traj, "table", limit=args.limit, kind="trajectory")
    print()
    print("Summary per force and theme (--summary prints only this):")
    emit(trajectory_summary(traj), "table", limit=args.limit, kind="summary")
    return 0


def cmd_transitions(args: argparse.Namespace) -> int:
    from peelstats.analytics import transition_matrix, transitions
    from peelstats.package import load

    pkg = load(args.package)
    rounds: Any = tuple(r.strip() for r in args.rounds.split(",")) if args.rounds else None
    result = transitions(
        pkg,
        theme=args.theme,
        force=args.force,
        level=args.level,
        rounds=rounds,
        include_carried=args.include_carried,
        across_gaps=not args.no_gaps,
    )
    table = result.by_round_pair() if args.by_round_pair else result.counts
    if args.format != "table":
        emit(table, args.format)
        return 0
    emit(table, "table", kind=None if args.by_round_pair else "transitions")
    print(repr(result))
    for lvl in result.levels or (None,):
        matrix = transition_matrix(result, level=lvl)
        print()
        print(f"{lvl or 'all'} level: row shares")
        emit(matrix.shares, "table")
        print(f"improved {matrix.improved}, unchanged {matrix.unchanged}, declined {matrix.declined}")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from peelstats.analytics import coverage
    from peelstats.package import load

    pkg = load(args.package)
    emit(coverage(pkg, by=args.by), args.format, limit=args.limit, kind="coverage")
    return 0


def cmd_grades(args: argparse.Namespace) -> int:
    from peelstats.grades_view import grades
    from peelstats.package import load

    pkg = load(args.package)
    frame = grades(pkg, force=args.force, round=args.round, level=args.level, theme=args.theme, wide=args.wide)
    emit(frame, args.format, limit=args.limit, kind=None if args.wide else "grades")
    return 0


def cmd_forces(args: argparse.Namespace) -> int:
    from peelstats.catalog import forces
    from peelstats.package import load

    emit(forces(load(args.package)), args.format)
    return 0


def cmd_themes(args: argparse.Namespace) -> int:
    from peelstats.catalog import themes
    from peelstats.package import load

    emit(themes(load(args.package)), args.format)
    return 0


def cmd_rounds(args: argparse.Namespace) -> int:
    from peelstats.catalog import rounds
    from peelstats.package import load

    emit(rounds(load(args.package)), args.format, kind="rounds")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    from peelstats.catalog import describe
    from peelstats.package import load

    emit(describe(args.table, load(args.package)), args.format, kind="describe")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from peelstats.package import load
    from peelstats.report import write_report

    pkg = load(args.package)
    out = write_report(pkg, Path(args.out), force=args.force)
    print(f"wrote {out}")
    if args.force:
        from peelstats.report_force import resolve_force

        print(f"wrote {out.parent / f'force-{resolve_force(pkg, args.force)}.html'}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from peelstats.export import export
    from peelstats.package import load

    pkg = load(args.package)
    path = export(pkg, args.format, Path(args.out))
    print(f"wrote {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``peelstats`` command."""
    p = argparse.ArgumentParser(prog="peelstats", description="HMICFRS PEEL inspection outcomes: data and analytics.")
    p.add_argument("--version", action=_VersionAction, help="print the library and data package versions and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_package(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--package", default=None, help="datapackage.json (default: the bundled package)")

    def with_format(sp: argparse.ArgumentParser, *, limit: bool = False) -> None:
        sp.add_argument(
            "--format",
            choices=FORMATS,
            default="table",
            help="table (default, for people), or csv / json on stdout for pipes: every row and column in full",
        )
        if limit:
            sp.add_argument(
                "--limit", type=int, default=None, metavar="N", help="table format: show only the first N rows (default: all)"
            )

    force_help = (
        'a force id, name or short form, e.g. cleveland, "Cleveland Police", GMP, "the Met" (`peelstats forces` lists them)'
    )
    theme_help = "a theme id, e.g. prevention (`peelstats themes` lists them; default: all)"
    level_help = "pillar, question or area (default: every level, kept apart)"

    sp = sub.add_parser("info", help="version, table row counts and the citation")
    with_package(sp)
    sp.add_argument(
        "--coverage",
        action="store_true",
        help="also print known/unknown/not-graded cells and forces with none known per round, and publication-date coverage",
    )
    sp.add_argument("--markdown", action="store_true", help="print only the coverage table, as Markdown")
    sp.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default); csv: the row counts (with --coverage: the coverage table); json: everything as one object",
    )
    sp.set_defaults(func=cmd_info)

    sp = sub.add_parser("grades", help="the flat grades table: one row per force, round and graded area")
    with_package(sp)
    sp.add_argument("--force", default=None, help=force_help + " (default: all)")
    sp.add_argument("--round", default=None, help="a round id, e.g. peel-2016 (`peelstats rounds` lists them; default: all)")
    sp.add_argument("--level", default=None, help="pillar, question or area (default: all)")
    sp.add_argument("--theme", default=None, help=theme_help)
    sp.add_argument("--wide", action="store_true", help="one row per force and round, a column per area with its grade")
    with_format(sp, limit=True)
    sp.set_defaults(func=cmd_grades)

    sp = sub.add_parser("forces", help="the forces, with the short names each may be given by")
    with_package(sp)
    with_format(sp)
    sp.set_defaults(func=cmd_forces)

    sp = sub.add_parser("themes", help="the harmonised themes and the rounds that grade them")
    with_package(sp)
    with_format(sp)
    sp.set_defaults(func=cmd_themes)

    sp = sub.add_parser("rounds", help="the PEEL rounds: years, levels graded, scale and breaks")
    with_package(sp)
    with_format(sp)
    sp.set_defaults(func=cmd_rounds)

    sp = sub.add_parser("describe", help="the columns of one table: type, vocabulary and meaning")
    sp.add_argument("table", help="a table of the package, e.g. gradings")
    with_package(sp)
    with_format(sp)
    sp.set_defaults(func=cmd_describe)

    sp = sub.add_parser("build", help="compile data/records into data/*.csv and datapackage.json")
    sp.add_argument("--root", default=None, help="the checkout (default: found from the current folder)")
    sp.add_argument("--records", action="append", default=[], help="extra record folder to validate with the main one")
    sp.add_argument("--dry-run", action="store_true", help="validate and report what would change; write nothing")
    sp.set_defaults(func=cmd_build)

    sp = sub.add_parser("check", help="validate the package, evidence quotes, hashes and build reproducibility")
    sp.add_argument("--root", default=None, help="the checkout (default: found from the current folder)")
    sp.add_argument("--rules", action="store_true", help="list the named record rules (name and description) and exit")
    sp.set_defaults(func=cmd_check)

    sp = sub.add_parser("cite", help="print the citation of the dataset version")
    with_package(sp)
    sp.add_argument("--format", choices=["text", "bibtex"], default="text", help="text (default) or bibtex")
    sp.set_defaults(func=cmd_cite)

    sp = sub.add_parser("trajectory", help="grade history of a force per theme")
    with_package(sp)
    sp.add_argument("--force", default=None, help=force_help + " (default: all)")
    sp.add_argument("--theme", default=None, help=theme_help)
    sp.add_argument("--level", default=None, help=level_help)
    sp.add_argument("--summary", action="store_true", help="print only the summary per force and theme")
    with_format(sp, limit=True)
    sp.set_defaults(func=cmd_trajectory)

    sp = sub.add_parser("transitions", help="grade-transition counts between consecutive judgments")
    with_package(sp)
    sp.add_argument("--theme", default=None, help=theme_help)
    sp.add_argument("--force", default=None, help=force_help + " (default: all)")
    sp.add_argument("--include-carried", action="store_true", help="count carried-over grades as judgments")
    sp.add_argument("--level", default=None, help=level_help)
    sp.add_argument("--rounds", default=None, help="only pairs from one round to another, e.g. peel-2016,peel-2017")
    sp.add_argument("--no-gaps", action="store_true", help="leave out pairs that span a round with an unknown grade")
    sp.add_argument(
        "--by-round-pair", action="store_true", help="print the counted pairs per level and round pair instead of the counts"
    )
    with_format(sp)
    sp.set_defaults(func=cmd_transitions)

    sp = sub.add_parser("coverage", help="findings responded to, followed up, closed and recurring")
    with_package(sp)
    sp.add_argument(
        "--by",
        default="inspection",
        choices=["inspection", "force", "round"],
        help="one row per inspection (default), force or round",
    )
    with_format(sp, limit=True)
    sp.set_defaults(func=cmd_coverage)

    sp = sub.add_parser("report", help="write a self-contained national HTML report (and a force's page with --force)")
    with_package(sp)
    sp.add_argument(
        "--force",
        default=None,
        help="also write this force's page: " + force_help + " (default: the national report only)",
    )
    sp.add_argument("--out", default="peelstats-report", help="output folder (default: ./peelstats-report)")
    sp.set_defaults(func=cmd_report)

    sp = sub.add_parser("export", help="export the tables as parquet, sqlite or xlsx")
    with_package(sp)
    sp.add_argument("--format", required=True, choices=["parquet", "sqlite", "xlsx"], help="file format to write")
    sp.add_argument("--out", required=True, help="output folder")
    sp.set_defaults(func=cmd_export)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``peelstats`` command."""
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except PeelstatsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `peelstats info | head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
