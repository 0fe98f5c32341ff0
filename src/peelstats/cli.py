"""The ``peelstats`` command line. Errors are one line on stderr and a non-zero exit."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from peelstats.errors import PeelstatsError


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


def _print_frame(frame: object, max_rows: int = 60) -> None:
    import polars as pl

    assert isinstance(frame, pl.DataFrame)
    with pl.Config(tbl_rows=max_rows, tbl_cols=30, fmt_str_lengths=60, tbl_width_chars=200, tbl_hide_dataframe_shape=False):
        print(frame)


def cmd_info(args: argparse.Namespace) -> int:
    from peelstats.coverage_report import coverage_markdown, coverage_table
    from peelstats.package import load

    pkg = load(args.package)
    if args.markdown:
        print(coverage_markdown(pkg))
        return 0
    print(f"{pkg.title}")
    print(f"version {pkg.version} ({pkg.created}); {pkg.path}")
    print()
    print("table                rows")
    for name, n in pkg.counts().items():
        print(f"{name:<20} {n:>5}")
    if args.coverage:
        print()
        print("Grading coverage (force x graded area cells per round):")
        _print_frame(coverage_table(pkg))
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
    from peelstats.curate.check import check

    root = _find_root(args.root)
    problems = check(root)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if problems:
        print(f"check failed: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("ok: records valid, evidence quotes found, build reproducible, hashes match, frictionless VALID")
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    from peelstats.package import load

    print(load(args.package).cite(args.format))
    return 0


def cmd_trajectory(args: argparse.Namespace) -> int:
    from peelstats.analytics import trajectories, trajectory_summary
    from peelstats.package import load

    pkg = load(args.package)
    traj = trajectories(pkg, force=args.force, theme=args.theme)
    cols = ["force_id", "theme", "round_id", "date", "grade", "rank", "position", "change", "carried"]
    _print_frame(traj.select(cols), max_rows=200)
    print()
    _print_frame(trajectory_summary(traj), max_rows=200)
    return 0


def cmd_transitions(args: argparse.Namespace) -> int:
    from peelstats.analytics import transition_matrix, transitions
    from peelstats.package import load

    pkg = load(args.package)
    rounds: Any = tuple(args.rounds.split(",")) if args.rounds else None
    result = transitions(
        pkg,
        theme=args.theme,
        force=args.force,
        level=args.level,
        rounds=rounds,
        include_carried=args.include_carried,
        across_gaps=not args.no_gaps,
    )
    _print_frame(result.counts, max_rows=1000)
    print(repr(result))
    for lvl in result.levels or (None,):
        matrix = transition_matrix(result, level=lvl)
        print()
        print(f"{lvl or 'all'} level: row shares")
        _print_frame(matrix.shares)
        print(f"improved {matrix.improved}, unchanged {matrix.unchanged}, declined {matrix.declined}")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from peelstats.analytics import coverage
    from peelstats.package import load

    pkg = load(args.package)
    _print_frame(coverage(pkg, by=args.by), max_rows=200)
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
    sub = p.add_subparsers(dest="command", required=True)

    def with_package(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--package", default=None, help="datapackage.json (default: the bundled package)")

    sp = sub.add_parser("info", help="version, table row counts and the citation")
    with_package(sp)
    sp.add_argument("--coverage", action="store_true", help="also print known/unknown/not-graded cells per round")
    sp.add_argument("--markdown", action="store_true", help="print only the coverage table, as Markdown")
    sp.set_defaults(func=cmd_info)

    sp = sub.add_parser("build", help="compile data/records into data/*.csv and datapackage.json")
    sp.add_argument("--root", default=None, help="the checkout (default: found from the current folder)")
    sp.add_argument("--records", action="append", default=[], help="extra record folder to validate with the main one")
    sp.add_argument("--dry-run", action="store_true", help="validate and report what would change; write nothing")
    sp.set_defaults(func=cmd_build)

    sp = sub.add_parser("check", help="validate the package, evidence quotes, hashes and build reproducibility")
    sp.add_argument("--root", default=None, help="the checkout (default: found from the current folder)")
    sp.set_defaults(func=cmd_check)

    sp = sub.add_parser("cite", help="print the citation of the dataset version")
    with_package(sp)
    sp.add_argument("--format", choices=["text", "bibtex"], default="text")
    sp.set_defaults(func=cmd_cite)

    sp = sub.add_parser("trajectory", help="grade history of a force per theme")
    with_package(sp)
    sp.add_argument("--force", default=None, help="force_id, e.g. cleveland (default: all)")
    sp.add_argument("--theme", default=None, help="theme_id, e.g. prevention (default: all)")
    sp.set_defaults(func=cmd_trajectory)

    sp = sub.add_parser("transitions", help="grade-transition counts between consecutive judgments")
    with_package(sp)
    sp.add_argument("--theme", default=None)
    sp.add_argument("--force", default=None)
    sp.add_argument("--include-carried", action="store_true", help="count carried-over grades as judgments")
    sp.add_argument("--level", default=None, help="pillar, question or area (default: every level, kept apart)")
    sp.add_argument("--rounds", default=None, help="only pairs from one round to another, e.g. peel-2016,peel-2017")
    sp.add_argument("--no-gaps", action="store_true", help="leave out pairs that span a round with an unknown grade")
    sp.set_defaults(func=cmd_transitions)

    sp = sub.add_parser("coverage", help="findings responded to, followed up, closed and recurring")
    with_package(sp)
    sp.add_argument("--by", default="inspection", choices=["inspection", "force", "round"])
    sp.set_defaults(func=cmd_coverage)

    sp = sub.add_parser("report", help="write a self-contained national HTML report (and a force's page with --force)")
    with_package(sp)
    sp.add_argument(
        "--force", default=None, help="also write this force's page, e.g. cleveland (default: the national report only)"
    )
    sp.add_argument("--out", default="peelstats-report", help="output folder (default: ./peelstats-report)")
    sp.set_defaults(func=cmd_report)

    sp = sub.add_parser("export", help="export the tables as parquet, sqlite or xlsx")
    with_package(sp)
    sp.add_argument("--format", required=True, choices=["parquet", "sqlite", "xlsx"])
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
