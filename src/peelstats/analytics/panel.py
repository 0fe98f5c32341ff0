"""The generic graded panel: one row per judgment (or missing judgment) of one entity on one theme.

The panel contract (every analytic takes a panel or a loaded package):

=============  ========  ===================================================================
column         needed    meaning
=============  ========  ===================================================================
``entity``     yes       who was judged (a force, a school): any type
``theme``      yes       what was judged: any type
``date``       yes       when: a date, a datetime or an integer period (a year, a wave)
``rank``       one of    integer, 1 = worst, at most 1,000; null = the judgment is not known
``grade``      the two   label of the grade; without ``rank`` it must be an ordered
                         ``pl.Enum`` (or pandas ordered ``Categorical``), worst first
``scale``      no        the grade scale (any type); a change of scale is a break
``scale_size`` no        grades on the scale (default: the Enum's size, else the largest
                         rank seen on that scale in the whole panel)
``era``        no        framework era (any type); a change of era is a break
``level``      no        level of the judgment (pillar, question, area); a change is a break
``carried``    no        bool: a grade carried over, not a new judgment (never null)
``graded``     no        bool: false where the judgment was deliberately not made
``order``      no        integer or date that orders judgments before ``date`` (the
                         package uses the round's sequence, as publication dates are
                         often unknown); ``date`` may then be null
``round_id``   no        label of the inspection round; transitions report round pairs
=============  ========  ===================================================================

Other columns are passed through. Each row gets a status: ``judgment`` (usable),
``carried``, or a reason it is not a usable judgment: ``no grade`` (null rank), ``not
graded`` (``graded`` is false), ``no scale``, ``no era`` (null scale or era). Such rows are
*missing judgments*: never paired, and a pair of judgments with one between them is said
to span a gap. Rows that cannot be placed at all (null ``entity``, ``theme`` or ``date``/
``order``) are left out and counted. Two rows of one entity and theme at the same
``order``/``date`` are refused: their order is ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from peelstats.analytics._codes import code
from peelstats.analytics._input import to_polars
from peelstats.errors import InputError

if TYPE_CHECKING:
    from peelstats.package import Package

REQUIRED = ("entity", "theme", "date")
#: The most grades a scale may have: ranks are grades (1 = worst), not scores, and each scale's
#: labels are listed rank by rank.
MAX_GRADES = 1000
STATUSES: tuple[str, ...] = ("judgment", "carried", "no grade", "not graded", "no scale", "no era")
STATUS = pl.Enum(list(STATUSES))
MISSING: tuple[str, ...] = ("no grade", "not graded", "no scale", "no era")
UNPLACED: tuple[str, ...] = ("no entity", "no theme", "no date")


@dataclass(frozen=True)
class Panel:
    """A checked panel: its placeable rows, what was left out, and the grade labels of each scale.

    ``frame`` keeps the caller's columns and adds/normalises ``rank`` (Int64), ``scale``
    (String) with ``_scale`` its code (``scale_values[code]``),
    ``scale_size`` (Int64; only when the input has it, else see :func:`with_scale_size`),
    ``era``, ``carried`` (Boolean), ``grade`` (String, when labels exist) and ``status``
    (pl.Enum of :data:`STATUSES`). ``left_out`` counts rows
    that could not be placed, by reason. ``labels`` maps each scale to its grade labels by
    rank (index 0 = rank 1).
    """

    frame: pl.DataFrame
    left_out: dict[str, int]
    labels: dict[str, list[str]]
    time_cols: tuple[str, ...]
    has_grade: bool
    scale_values: list[Any] = field(default_factory=list)
    optional: frozenset[str] = field(default_factory=frozenset)
    sizes: list[int | None] = field(default_factory=list)


def with_scale_size(frame: pl.DataFrame, sizes: list[int | None]) -> pl.DataFrame:
    """``frame`` (rows of a panel, with ``_scale``) with ``scale_size`` added when it is not a column yet.

    Without a ``scale_size`` column in the input every row's size is its scale's
    (``sizes[code]``, from :attr:`Panel.sizes`), so the column is built from the scale
    codes only where it is wanted: a lookup of a handful of values, far cheaper than
    carrying an Int64 column through a sort.
    """
    if "scale_size" in frame.columns:
        return frame
    lookup = pl.Series("scale_size", sizes or [None], dtype=pl.Int64)
    cols = frame.columns
    at = cols.index("status") if "status" in cols else len(cols)  # where prepare always put it
    return frame.with_columns(lookup.gather(frame["_scale"])).select([*cols[:at], "scale_size", *cols[at:]])


def _is_temporal_or_int(dtype: pl.DataType) -> bool:
    return dtype.is_integer() or dtype == pl.Date() or isinstance(dtype, pl.Datetime) or dtype == pl.Null()


def _check_time(schema: pl.Schema, col: str, name: str) -> None:
    dtype = schema[col]
    if _is_temporal_or_int(dtype):
        return
    if dtype == pl.String() or isinstance(dtype, (pl.Categorical, pl.Enum)):
        raise InputError(
            f"{name}: column '{col}' is text ({dtype}); convert it first, e.g. pl.col('{col}').str.to_date('%Y-%m-%d'), "
            "or give integer periods such as years"
        )
    raise InputError(f"{name}: column '{col}' must be a date, a datetime or an integer period, got {dtype}")


def _example(frame: pl.DataFrame, cols: list[str]) -> str:
    row = frame.select(cols).row(0)
    return ", ".join(f"{c}={v!r}" for c, v in zip(cols, row, strict=True))


def prepare(data: Any, *, name: str, labels: dict[str, list[str]] | None = None) -> Panel:
    """Check a panel frame (polars, pandas or Arrow) and return a :class:`Panel`.

    Every problem is one InputError naming the column and, for bad values, how many rows
    and one example.
    """
    frame = to_polars(data, name=name)
    schema = frame.schema
    for col in REQUIRED:
        if col not in schema:
            raise InputError(f"{name}: missing column '{col}' (a panel needs entity, theme, date and rank or grade)")
    if "rank" not in schema and "grade" not in schema:
        raise InputError(f"{name}: missing column 'rank' (a panel needs entity, theme, date and rank or grade)")
    _check_time(schema, "date", name)
    time_cols: tuple[str, ...] = ("date",)
    if "order" in schema:
        _check_time(schema, "order", name)
        time_cols = ("order", "date")

    cols: list[pl.Expr] = []
    has_grade = "grade" in schema
    grade_dtype = schema.get("grade")
    enum_labels: list[str] | None = None
    if has_grade:
        if isinstance(grade_dtype, pl.Enum):
            enum_labels = [str(c) for c in grade_dtype.categories.to_list()]
        elif grade_dtype is None or not (
            grade_dtype in (pl.String(), pl.Null()) or isinstance(grade_dtype, pl.Categorical) or grade_dtype.is_integer()
        ):
            raise InputError(f"{name}: column 'grade' must be text labels or an ordered pl.Enum, got {grade_dtype}")
    if "rank" in schema:
        rdt = schema["rank"]
        if not (rdt.is_integer() or rdt == pl.Null()):
            raise InputError(f"{name}: column 'rank' must be integers (1 = worst), got {rdt}")
        top = frame["rank"].max()
        if rdt == pl.UInt64() and isinstance(top, int) and top > 2**62:
            raise InputError(f"{name}: column 'rank' has values outside 1 to the scale size")
        cols.append(pl.col("rank").cast(pl.Int64))
    else:
        if enum_labels is None:
            raise InputError(
                f"{name}: no 'rank' column and 'grade' is not ordered; add a rank column (1 = worst) or cast grade "
                "to an ordered pl.Enum([...worst to best...])"
            )
        cols.append((pl.col("grade").to_physical().cast(pl.Int64) + 1).alias("rank"))
    if has_grade:
        cols.append(pl.col("grade").cast(pl.String))

    if "scale" in schema:
        try:
            frame.select(pl.col("scale").cast(pl.String).head(1))
        except pl.exceptions.PolarsError:
            raise InputError(f"{name}: column 'scale' must be labels (text or integers), got {schema['scale']}") from None
        cols.append(pl.col("scale").cast(pl.String))
    else:
        cols.append(pl.lit("default", pl.String).alias("scale"))
    if "era" not in schema:
        cols.append(pl.lit(0, pl.Int64).alias("era"))
    if "carried" in schema:
        if schema["carried"] != pl.Boolean():
            raise InputError(f"{name}: column 'carried' must be boolean, got {schema['carried']}")
        n = frame["carried"].null_count()
        if n:
            raise InputError(f"{name}: column 'carried' has {n} null value(s); say true or false for every row")
    else:
        cols.append(pl.lit(False).alias("carried"))
    if "graded" in schema and schema["graded"] not in (pl.Boolean(), pl.Null()):
        raise InputError(f"{name}: column 'graded' must be boolean, got {schema['graded']}")
    if "scale_size" in schema and not (schema["scale_size"].is_integer() or schema["scale_size"] == pl.Null()):
        raise InputError(f"{name}: column 'scale_size' must be integers, got {schema['scale_size']}")
    for col in ("level", "round_id"):
        if col in schema:
            cols.append(pl.col(col).cast(pl.String))
    try:
        frame = frame.with_columns(cols)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"{name}: a column could not be read: {str(exc).splitlines()[0]}") from None

    def refuse_if(cond: pl.Expr, message: str, cols: list[str]) -> None:
        """One InputError with the count and an example when any row meets ``cond`` (no copy otherwise)."""
        n = int(frame.select(cond.fill_null(False).sum()).item())
        if n:
            example = frame.filter(cond.fill_null(False)).head(1)
            raise InputError(f"{name}: {n} row(s) {message}, e.g. {_example(example, cols)}")

    rank = pl.col("rank")
    if has_grade:
        refuse_if(rank.is_null() & pl.col("grade").is_not_null(), "have a grade but no rank", ["entity", "grade"])
    refuse_if(rank < 1, "have a rank below 1 (ranks run from 1 = worst)", ["entity", "rank"])
    refuse_if(
        rank > MAX_GRADES,
        f"have a rank above {MAX_GRADES:,} (a grading scale has at most {MAX_GRADES:,} grades; are these scores?)",
        ["entity", "rank"],
    )
    scale_code = code(frame["scale"])
    frame = frame.with_columns(_scale=scale_code.codes)
    scale_values: list[Any] = [None, *(scale_code.values or [])]
    inferred = frame.group_by("_scale").agg(pl.col("rank").max().alias("_size")).filter(pl.col("_size").is_not_null())
    by_code = {int(c): int(v) for c, v in inferred.iter_rows() if c}
    if enum_labels is not None and "rank" not in schema:
        by_code = dict.fromkeys(by_code, len(enum_labels))
    sizes = {scale_values[c]: v for c, v in by_code.items()}
    size_expr = (
        pl.col("_scale").replace_strict(by_code, default=None, return_dtype=pl.Int64) if by_code else pl.lit(None, pl.Int64)
    )
    if "scale_size" in schema:
        frame = frame.with_columns(scale_size=pl.col("scale_size").cast(pl.Int64).fill_null(size_expr))
        refuse_if(rank > pl.col("scale_size"), "have a rank above their scale's size", ["entity", "rank", "scale", "scale_size"])
    # without a scale_size column every rank is at most its scale's size (the largest rank seen)
    if "graded" in schema:
        not_graded = pl.col("graded") == False  # noqa: E712 - null-aware
        refuse_if(not_graded & rank.is_not_null(), "say graded = false but have a rank", ["entity", "theme", "rank"])

    scale_labels: dict[str, list[str]] = {}
    if labels is not None:
        scale_labels = {k: list(v) for k, v in labels.items()}
    elif has_grade:
        combos = (
            frame.filter(pl.col("rank").is_not_null() & pl.col("grade").is_not_null() & pl.col("scale").is_not_null())
            .select("scale", "rank", "grade")
            .unique()
        )
        clash = combos.group_by("scale", "rank").agg(pl.col("grade").sort()).filter(pl.col("grade").list.len() > 1)
        if clash.height:
            s, r, gs = clash.sort("scale", "rank").row(0)
            raise InputError(f"{name}: grade labels disagree: {gs[0]!r} and {gs[1]!r} both have rank {r} on scale {s!r}")
        by_label = combos.group_by("scale", "grade").agg(pl.col("rank").n_unique()).filter(pl.col("rank") > 1)
        if by_label.height:
            s, g, _ = by_label.row(0)
            raise InputError(f"{name}: grade {g!r} has more than one rank on scale {s!r}")
        for s, r, g in combos.rows():
            size = sizes.get(s, r)
            if enum_labels is not None and "rank" not in schema:
                scale_labels[s] = list(enum_labels)
                continue
            lab = scale_labels.setdefault(s, [str(i + 1) for i in range(max(size, r))])
            lab[r - 1] = g
    for s, size in sizes.items():
        lab = scale_labels.setdefault(s, [str(i + 1) for i in range(size)])
        if len(lab) < size:
            lab.extend(str(i + 1) for i in range(len(lab), size))
    scale_labels = {k: scale_labels[k] for k in sorted(scale_labels)}  # a stable order, whatever the row order

    # rows that cannot be placed
    left_out: dict[str, int] = {}
    conds = {
        "no entity": pl.col("entity").is_null(),
        "no theme": pl.col("theme").is_null(),
        "no date": pl.col("order").is_null() if "order" in schema else pl.col("date").is_null(),
    }
    exprs, taken = [], pl.lit(False)
    for reason, cond in conds.items():
        exprs.append((cond & ~taken).sum().alias(reason))
        taken = taken | cond
    counts = frame.select(exprs).row(0, named=True)
    left_out = {r: int(n) for r, n in counts.items() if n}
    if left_out:
        frame = frame.filter(~taken)

    # status of every placed row
    graded_false = (pl.col("graded") == False) if "graded" in schema else pl.lit(False)  # noqa: E712

    status = (
        pl.when(graded_false.fill_null(False))
        .then(STATUSES.index("not graded"))
        .when(pl.col("rank").is_null())
        .then(STATUSES.index("no grade"))
        .when(pl.col("scale").is_null())
        .then(STATUSES.index("no scale"))
        .when(pl.col("era").is_null())
        .then(STATUSES.index("no era"))
        .when(pl.col("carried"))
        .then(STATUSES.index("carried"))
        .otherwise(STATUSES.index("judgment"))
        .cast(pl.UInt8)
        .replace_strict(dict(enumerate(STATUSES)), return_dtype=STATUS)
    )
    frame = frame.with_columns(status=status)
    optional = frozenset(c for c in ("level", "round_id", "graded", "order") if c in schema)
    return Panel(
        frame=frame,
        left_out=left_out,
        labels=scale_labels,
        time_cols=time_cols,
        has_grade=has_grade,
        scale_values=scale_values,
        optional=optional,
        sizes=[None, *(by_code.get(c) for c in range(1, len(scale_values)))],
    )


def as_panel(frame: Any, *, name: str = "panel") -> pl.DataFrame:
    """Check a panel (polars, pandas or Arrow) and return it with its normalised columns and ``status``.

    Rows that cannot be placed (null entity, theme or date/order) are left out; see
    :func:`prepare` for the counts. Raises InputError naming the column and the problem.
    """
    panel = prepare(frame, name=name)
    return with_scale_size(panel.frame, panel.sizes).drop("_scale")


def package_panel(pkg: Package) -> pl.DataFrame:
    """The package's gradings as a panel: one row per force x graded area, known or not.

    Every area the round grades is a row for every force (``status`` tells known,
    ``not graded`` or ``no grade`` for an unknown cell), plus any other graded judgment.
    Columns: ``entity`` (= ``force_id``), ``force_id``, ``theme``, ``level``, ``date`` (the
    inspection's publication date, null if unknown), ``order`` (the round's sequence),
    ``round_id``, ``area_id``, ``inspection_id``, ``grade`` (pl.Enum), ``rank`` (1 = worst
    on the round's scale), ``graded``, ``scale``, ``scale_size``, ``era`` (increments at
    every round the inspectorate says is not comparable with the previous one; an unknown
    comparability counts as a break), ``carried`` (bool), ``carried_from``.
    """
    rounds = pkg.rounds.sort("sequence").with_columns(
        era=(~pl.col("comparable_with_previous").fill_null(False)).cum_sum().cast(pl.Int64)
    )
    scale_size = pkg.scales.group_by("scale_id").agg(scale_size=pl.len().cast(pl.Int64))
    judged = pkg.gradings.join(pkg.inspections.select("inspection_id", "force_id", "published"), on="inspection_id").select(
        "force_id", "area_id", "inspection_id", "published", "grade", "graded", "carried_from"
    )
    cells = (
        pkg.forces.select("force_id")
        .join(pkg.areas.filter(pl.col("graded_in_round")).select("area_id"), how="cross")
        .join(judged.select("force_id", "area_id"), on=["force_id", "area_id"], how="anti")
        .with_columns(
            inspection_id=pl.lit(None, pl.String),
            published=pl.lit(None, pl.Date),
            grade=pl.lit(None, judged.schema["grade"]),
            graded=pl.lit(None, pl.Boolean),
            carried_from=pl.lit(None, pl.String),
        )
        .select(judged.columns)
    )
    rows = pl.concat([judged, cells])
    return (
        rows.join(pkg.areas.select("area_id", "round_id", "theme_id", "level"), on="area_id")
        .filter(pl.col("theme_id").is_not_null())
        .join(rounds.select("round_id", "sequence", "scale_id", "era"), on="round_id")
        .join(
            pkg.scales.select("scale_id", pl.col("grade").cast(pl.String).alias("_g"), "rank"),
            left_on=["scale_id", pl.col("grade").cast(pl.String)],
            right_on=["scale_id", "_g"],
            how="left",
        )
        .join(scale_size, on="scale_id")
        .select(
            entity=pl.col("force_id"),
            force_id=pl.col("force_id"),
            theme=pl.col("theme_id").cast(pl.String),
            level=pl.col("level").cast(pl.String),
            date=pl.col("published"),
            order=pl.col("sequence"),
            round_id=pl.col("round_id"),
            area_id=pl.col("area_id"),
            inspection_id=pl.col("inspection_id"),
            grade=pl.col("grade"),
            rank=pl.col("rank").cast(pl.Int64),
            graded=pl.col("graded"),
            scale=pl.col("scale_id"),
            scale_size=pl.col("scale_size"),
            era=pl.col("era"),
            carried=pl.col("carried_from").is_not_null(),
            carried_from=pl.col("carried_from"),
        )
        .sort("entity", "theme", "order", "date", nulls_last=False)
    )


def package_labels(pkg: Package) -> dict[str, list[str]]:
    """Grade labels of every scale of the package, worst first."""
    out: dict[str, list[str]] = {}
    for scale_id, grade, _rank in (
        pkg.scales.sort("scale_id", "rank").select("scale_id", pl.col("grade").cast(pl.String), "rank").rows()
    ):
        out.setdefault(scale_id, []).append(grade)
    return out
