"""Coverage of findings: responded to, on time, followed up, closed, recurring — with denominators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from peelstats.analytics._input import to_polars
from peelstats.errors import InputError
from peelstats.vocab import FOLLOWUP_STATUSES

if TYPE_CHECKING:
    from peelstats.package import Package

CLOSED = ("complete", "superseded", "closed")
RESPONSE_DAYS = 56

_NEEDS = {
    "findings": ("finding_id", "inspection_id", "kind", "theme"),
    "inspections": ("inspection_id", "entity", "order", "published"),
    "responses": ("finding_id", "published"),
    "followups": ("finding_id", "assessed_on", "status"),
}


def coverage_inputs(pkg: Package) -> dict[str, pl.DataFrame]:
    """The four frames :func:`coverage_frame` needs, built from the package.

    ``findings``: finding_id, inspection_id, kind, theme (the finding's area theme).
    ``inspections``: inspection_id, entity (force_id), round_id, order (round sequence, then
    publication date), published, full (false for revisits and letters, which do not count as
    the next inspection), themes (the themes it judged, carried-over grades excluded).
    ``responses``: one row per response x finding it addresses, with the
    response's publication date. ``followups``: finding_id, assessed_on, status.
    """
    rounds = pkg.rounds.select("round_id", "sequence")
    inspections = (
        pkg.inspections.join(rounds, on="round_id", how="left")
        .with_columns(full=~pl.col("kind").is_in(["revisit", "accelerated"]))
        .sort(pl.col("sequence"), pl.col("published"), "inspection_id", nulls_last=True)
        .with_row_index("order")
        .select(
            "inspection_id",
            entity=pl.col("force_id"),
            round_id=pl.col("round_id"),
            order=pl.col("order").cast(pl.Int64),
            published=pl.col("published"),
            full=pl.col("full"),
        )
    )
    findings = pkg.findings.join(pkg.areas.select("area_id", "theme_id"), on="area_id", how="left").select(
        "finding_id", "inspection_id", kind=pl.col("kind").cast(pl.String), theme=pl.col("theme_id").cast(pl.String)
    )
    responses = pkg.response_findings.join(pkg.responses.select("response_id", "published"), on="response_id").select(
        "finding_id", "published"
    )
    published_of = pkg.inspections.select("inspection_id", fallback=pl.col("published"))
    followups = pkg.followups.join(published_of, on="inspection_id", how="left").select(
        "finding_id", assessed_on=pl.coalesce("assessed_on", "fallback"), status=pl.col("status").cast(pl.String)
    )
    judged = (
        pkg.gradings.filter(pl.col("grade").is_not_null() & pl.col("carried_from").is_null())
        .join(pkg.areas.select("area_id", "theme_id"), on="area_id")
        .group_by("inspection_id")
        .agg(themes=pl.col("theme_id").cast(pl.String).drop_nulls().unique().sort())
    )
    inspections = inspections.join(judged, on="inspection_id", how="left")
    return {"findings": findings, "inspections": inspections, "responses": responses, "followups": followups}


def _is_date(dtype: pl.DataType) -> bool:
    return dtype in (pl.Date(), pl.Null()) or isinstance(dtype, pl.Datetime)


_TYPES: dict[tuple[str, str], tuple[Any, str]] = {
    ("inspections", "order"): (lambda d: d.is_integer() or _is_date(d), "integers or dates"),
    ("inspections", "published"): (_is_date, "dates"),
    ("inspections", "full"): (lambda d: d in (pl.Boolean(), pl.Null()), "booleans"),
    ("responses", "published"): (_is_date, "dates"),
    ("followups", "assessed_on"): (_is_date, "dates"),
}


def _check(frames: dict[str, Any]) -> dict[str, pl.DataFrame]:
    out: dict[str, pl.DataFrame] = {}
    for name, cols in _NEEDS.items():
        if name not in frames or frames[name] is None:
            raise InputError(f"coverage: missing the {name} frame")
        frame = to_polars(frames[name], name=f"coverage: {name}")
        for col in cols:
            if col not in frame.columns:
                raise InputError(f"coverage: {name} is missing column '{col}'")
        for (tname, col), (ok, what) in _TYPES.items():
            if tname == name and col in frame.columns and not ok(frame.schema[col]):
                raise InputError(f"coverage: {name}.{col} must be {what}, got {frame.schema[col]}")
        out[name] = frame
    for name, key in (("findings", "finding_id"), ("inspections", "inspection_id")):
        frame = out[name]
        nulls = frame[key].null_count()
        if nulls:
            raise InputError(f"coverage: {name} has {nulls} row(s) with no {key}")
        dup = frame.filter(pl.col(key).is_duplicated())
        if dup.height:
            raise InputError(f"coverage: {name} has {dup.height} rows sharing a {key}, e.g. {dup[key][0]!r}; give each once")
    nulls = out["inspections"].filter(pl.col("order").is_null() | pl.col("entity").is_null()).height
    if nulls:
        raise InputError(f"coverage: inspections has {nulls} row(s) with no entity or order")
    return out


def coverage_frame(
    findings: pl.DataFrame,
    inspections: pl.DataFrame,
    responses: pl.DataFrame,
    followups: pl.DataFrame,
    *,
    by: str | list[str] = "inspection",
) -> pl.DataFrame:
    """Coverage from plain frames (see :func:`coverage_inputs` for their columns).

    Per group (``by``: ``"inspection"`` → inspection_id, entity and kind; ``"force"`` →
    entity and kind; ``"round"`` → round_id and kind; or a list of columns) returns:

    - ``findings``: findings issued;
    - ``responded``: with at least one published response or action;
    - ``dated``: findings whose inspection and some response both have dates, and
      ``responded_56d``: of those, responded within 56 days of publication;
    - ``followed_up``: with at least one later assessment;
    - ``closed``: whose latest assessment is complete, closed or superseded (same-day assessments:
      the furthest status on the vocabulary's order counts);
    - ``recur_eligible``: findings with a theme whose entity has a later full inspection
      that judged or found on that theme, and ``recurs``: of those, the next such
      inspection issued a finding on the same theme;
    - ``*_share`` columns: each count over its denominator (``findings``, ``dated`` or
      ``recur_eligible``); null where the denominator is 0.
    """
    frames = _check({"findings": findings, "inspections": inspections, "responses": responses, "followups": followups})
    findings, inspections, responses, followups = (frames[k] for k in ("findings", "inspections", "responses", "followups"))
    if isinstance(by, str):
        _group_keys(by)
    insp = inspections.select(
        "inspection_id",
        "entity",
        "order",
        pl.col("published").alias("insp_published"),
        *[c for c in ("round_id", "full") if c in inspections.columns],
    )
    if "full" not in insp.columns:
        insp = insp.with_columns(full=pl.lit(True))
    if "round_id" not in insp.columns:
        insp = insp.with_columns(round_id=pl.lit(None, pl.String))
    f = findings.select("finding_id", "inspection_id", "kind", "theme").join(insp, on="inspection_id", how="left")
    missing = f.filter(pl.col("entity").is_null())
    if missing.height:
        raise InputError(f"coverage: finding {missing['finding_id'][0]!r} names an unknown inspection")

    resp = (
        responses.join(f.select("finding_id", "insp_published"), on="finding_id", how="inner")
        .with_columns(days=(pl.col("published") - pl.col("insp_published")).dt.total_days())
        .group_by("finding_id")
        .agg(
            responded=pl.lit(True),
            dated=pl.col("days").is_not_null().any(),
            responded_56d=((pl.col("days") <= RESPONSE_DAYS) & (pl.col("days") >= 0)).any(),
        )
    )
    status_rank = pl.col("status").replace_strict(
        {st: i for i, st in enumerate(FOLLOWUP_STATUSES)}, default=len(FOLLOWUP_STATUSES), return_dtype=pl.Int64
    )
    latest = (
        followups.with_columns(_srank=status_rank)
        .sort("assessed_on", "_srank", "status", nulls_last=False)
        .group_by("finding_id")
        .agg(followed_up=pl.lit(True), latest_status=pl.col("status").last())
        .with_columns(closed=pl.col("latest_status").is_in(list(CLOSED)))
    )

    # recurrence: did the next full inspection of the entity covering the theme find on it again?
    themed = f.filter(pl.col("theme").is_not_null())
    eligible = _eligible(themed, inspections)

    out = (
        f.join(resp, on="finding_id", how="left")
        .join(latest, on="finding_id", how="left")
        .join(eligible, on="finding_id", how="left")
        .rename({"_recurs_next": "recurs"})
        .with_columns(
            pl.col("responded", "dated", "responded_56d", "followed_up", "closed", "recurs", "recur_eligible").fill_null(False)
        )
        .with_columns(responded_56d=pl.col("responded_56d") & pl.col("dated"))
    )
    keys = _group_keys(by)
    for k in keys:
        if k not in out.columns:
            raise InputError(f"coverage: cannot group by {k!r}: no such column (have {', '.join(out.columns)})")
    agg = (
        out.group_by(keys)
        .agg(
            findings=pl.len(),
            responded=pl.col("responded").sum(),
            dated=pl.col("dated").sum(),
            responded_56d=pl.col("responded_56d").sum(),
            followed_up=pl.col("followed_up").sum(),
            closed=pl.col("closed").sum(),
            recur_eligible=pl.col("recur_eligible").sum(),
            recurs=pl.col("recurs").sum(),
        )
        .with_columns(pl.exclude(keys).cast(pl.Int64))
    )
    share = lambda num, den: (pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den))).alias(f"{num}_share")  # noqa: E731
    agg = agg.with_columns(
        share("responded", "findings"),
        share("responded_56d", "dated"),
        share("followed_up", "findings"),
        share("closed", "findings"),
        share("recurs", "recur_eligible"),
    )
    return agg.sort(keys)


def _eligible(themed: pl.DataFrame, inspections: pl.DataFrame) -> pl.DataFrame:
    """Findings whose entity has a later full inspection that covered the theme.

    An inspection covers a theme if it issued a finding on it, or (when ``inspections`` has
    a ``themes`` list column) judged it.
    """
    issued = themed.filter(pl.col("full")).select("entity", "theme", "order").unique()
    cover = issued
    if "themes" in inspections.columns:
        judged = (
            inspections.filter(pl.col("full") if "full" in inspections.columns else pl.lit(True))
            .select("entity", "order", "themes")
            .explode("themes")
            .rename({"themes": "theme"})
            .drop_nulls("theme")
        )
        cover = pl.concat([cover, judged.select("entity", "theme", "order")], how="vertical_relaxed")
    cover = cover.unique()
    nxt = (
        themed.select("finding_id", "entity", "theme", "order")
        .join(cover.rename({"order": "next_order"}), on=["entity", "theme"], how="inner")
        .filter(pl.col("next_order") > pl.col("order"))
        .group_by("finding_id")
        .agg(next_order=pl.col("next_order").min())
    )
    with_next = themed.select("finding_id", "entity", "theme").join(nxt, on="finding_id")
    found = issued.rename({"order": "next_order"}).with_columns(found=pl.lit(True))
    flagged = with_next.join(found, on=["entity", "theme", "next_order"], how="left")
    return flagged.select("finding_id", recur_eligible=pl.lit(True), _recurs_next=pl.col("found").fill_null(False))


def _group_keys(by: str | list[str]) -> list[str]:
    if isinstance(by, list):
        if not by or not all(isinstance(k, str) for k in by):
            raise InputError(f"coverage: by must be a non-empty list of column names, got {by!r}")
        return by
    options = {
        "inspection": ["inspection_id", "entity", "round_id", "kind"],
        "force": ["entity", "kind"],
        "round": ["round_id", "kind"],
        "kind": ["kind"],
    }
    if by not in options:
        raise InputError(f"coverage: by must be one of {', '.join(options)} or a list of columns, got {by!r}")
    return options[by]


def coverage(data: Any, *, by: str | list[str] = "inspection") -> pl.DataFrame:
    """Coverage of findings in a loaded :class:`~peelstats.Package` (see :func:`coverage_frame`).

    The package's inspections carry the themes they judged, so a finding is eligible for
    recurrence when a later full inspection of the force judged or found on its theme
    (carried-over grades are not judgments). ``entity`` is the force_id.
    """
    from peelstats.package import Package

    if not isinstance(data, Package):
        raise InputError("coverage: expected a loaded peelstats Package; use coverage_frame() for plain frames")
    return coverage_frame(**coverage_inputs(data), by=by)
