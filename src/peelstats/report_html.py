"""HTML building blocks of the report: escaping, dates at their precision, links, tables, figures.

Pure string functions; nothing here loads data or draws.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

GRADE_COLOURS = {
    "inadequate": "#d6604d",
    "requires improvement": "#f4a582",
    "adequate": "#f7e08c",
    "good": "#92c5de",
    "outstanding": "#4393c3",
}
GRADE_TEXT = {"outstanding": "#fff"}

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1240px;margin:1.5em auto;padding:0 1.2em;
color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #ddd;padding-bottom:.2em}
h3{margin-top:1.4em}
nav{font-size:.9em;margin:.6em 0 1.2em}nav a{margin-right:1em}
.scroll{overflow-x:auto;max-width:100%;border:1px solid #eee}
table{border-collapse:collapse;font-size:.82em;margin:0}td,th{border:1px solid #ddd;padding:.25em .45em;
text-align:left;vertical-align:top}
th{background:#f4f4f4;font-weight:600}td.num,th.num{text-align:right}
tbody th.group{background:#e9eef3;text-align:left;font-size:1.05em}
td.g{text-align:center}td.date{white-space:nowrap}td.g a{color:inherit}
.grid td.g{white-space:nowrap}
table.latest{font-size:.76em}table.latest th{font-weight:600;font-size:.95em;min-width:5em}table.latest td.g{min-width:5em}
.scroll+.scroll{margin-top:1em}
td.unknown{color:#888;font-style:italic;background:repeating-linear-gradient(45deg,#fafafa,#fafafa 4px,#f0f0f0 4px,#f0f0f0 8px)}
td.notgraded{color:#555;font-style:italic;background:#fff}
.grid td.g{min-width:2.6em;padding:.15em .2em;font-size:.95em}
.grid th.rot{font-size:.78em;font-weight:500}
img{max-width:100%;height:auto;border:1px solid #eee}
.chart{display:grid;grid-template-columns:minmax(0,3fr) minmax(15em,1fr);gap:1.2em;align-items:start;margin:.8em 0}
.chart.wide{grid-template-columns:minmax(0,1fr)}
.caveat{background:#f7f7f2;border-left:4px solid #c9c39a;padding:.6em .8em;font-size:.88em}
.caveat p{margin:.3em 0}
.note{color:#555;font-size:.9em}
.legend span{display:inline-block;padding:.05em .5em;margin:0 .3em .3em 0;border:1px solid #ccc;font-size:.85em}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}
@media (max-width:900px){.chart,.pair{grid-template-columns:minmax(0,1fr)}}
code{background:#f4f4f4;padding:0 .2em}
"""

_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June")
_MONTHS += ("July", "August", "September", "October", "November", "December")


def esc(value: Any) -> str:
    """``value`` as escaped HTML text (``None`` as empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def fmt_date(value: dt.date | None, precision: str | None, *, missing: str = "date not recorded") -> str:
    """A date printed no finer than it is known: ``12 November 2014``, ``November 2014`` or ``2014``."""
    if value is None:
        return missing
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def is_web_url(url: str | None) -> bool:
    """True for an http(s) URL (the only links the report writes)."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def link(url: str | None, text: str, *, title: str | None = None) -> str:
    """An outbound link, or the escaped text alone when there is no http(s) URL."""
    if not is_web_url(url):
        return esc(text)
    tip = f" title='{esc(title)}'" if title else ""
    return f"<a href='{esc(url)}'{tip} rel='noopener'>{esc(text)}</a>"


def source_links(sources: Iterable[tuple[str | None, str | None, str | None]]) -> str:
    """Distinct sources as short links: ``(url, kind, title)`` each, in first-seen order."""
    seen: dict[str, tuple[str | None, str | None, str | None]] = {}
    for url, kind, title in sources:
        key = url or title or ""
        if key and key not in seen:
            seen[key] = (url, kind, title)
    parts, used = [], dict[str, int]()
    for url, kind, title in seen.values():
        label = (kind or "source").replace("-", " ")
        used[label] = used.get(label, 0) + 1
        label += f" {used[label]}" if used[label] > 1 else ""
        parts.append(
            link(url, label, title=title) if is_web_url(url) else f"{esc(title or label)} <i>(no web address recorded)</i>"
        )
    return ", ".join(parts) if parts else "<span class='note'>no source</span>"


def grade_cell(
    grade: str | None, graded: bool | None, *, url: str | None = None, title: str | None = None, short: bool = False
) -> str:
    """A table cell coloured by grade; unknown and not-graded cells are shown, never left blank."""
    if grade is None:
        if graded is False:
            return "<td class='g notgraded' title='a source says this was not graded'>not graded</td>"
        return "<td class='g unknown' title='no source found that states this grade'>unknown</td>"
    colour = GRADE_COLOURS.get(grade, "#eee")
    fg = GRADE_TEXT.get(grade, "#111")
    text = abbreviate(grade) if short else grade
    tip = f"{grade} (source: {title})" if title else grade
    inner = link(url, text, title=tip) if is_web_url(url) else f"<span title='{esc(tip)}'>{esc(text)}</span>"
    return f"<td class='g' style='background:{colour};color:{fg}'>{inner}</td>"


def judgment_cell(r: Mapping[str, Any], *, short: bool = False) -> str:
    """The grade cell of a :func:`peelstats.grades` row (``grade``, ``graded``, ``carried_from``, source columns)."""
    grade = None if r["grade"] is None else str(r["grade"])
    cell = grade_cell(grade, r["graded"], url=r["source_url"], title=r["source_title"], short=short)
    if r["carried_from"] is not None and grade is not None:
        cell = cell.replace("</td>", f"<sup title='carried over from {esc(r['carried_from'])}'>c</sup></td>")
    return cell


def abbreviate(grade: str) -> str:
    """Short label of a grade for dense grids (``RI`` for requires improvement)."""
    return {"requires improvement": "RI", "inadequate": "Inad.", "outstanding": "Outst."}.get(grade, grade.capitalize())


def grade_legend(grades: Sequence[str], *, short: bool = False) -> str:
    """A row of coloured chips naming the grades, plus unknown and not graded."""
    chips = [
        f"<span style='background:{GRADE_COLOURS[g]};color:{GRADE_TEXT.get(g, '#111')}'>"
        + (f"{esc(abbreviate(g))} = {esc(g)}" if short and abbreviate(g) != g.capitalize() else esc(g))
        + "</span>"
        for g in grades
    ]
    chips.append("<span class='unknown' style='color:#888;font-style:italic'>unknown: no source found</span>")
    chips.append("<span style='font-style:italic'>not graded: a source says so</span>")
    return f"<p class='legend'>{''.join(chips)}</p>"


def table(
    frame: pl.DataFrame,
    *,
    headers: Mapping[str, str] | None = None,
    raw: Iterable[str] = (),
    numeric: Iterable[str] = (),
) -> str:
    """An HTML table of ``frame`` inside a horizontally scrolling box.

    ``headers`` renames columns for display (every shown column should have a readable
    name); ``raw`` columns already hold HTML (e.g. links); ``numeric`` columns align right.
    Every row is shown: the report never truncates silently.
    """
    names = headers or {}
    raw_cols, num_cols = set(raw), set(numeric)
    head = "".join(f"<th{' class=num' if c in num_cols else ''}>{esc(names.get(c, c))}</th>" for c in frame.columns)
    body = []
    for row in frame.iter_rows(named=True):
        cells = []
        for c, v in row.items():
            if c in raw_cols:
                cells.append(f"<td>{'' if v is None else v}</td>")
                continue
            text = "" if v is None else (f"{v:.0%}" if isinstance(v, float) else str(v))
            cells.append(f"<td{' class=num' if c in num_cols else ''}>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"


def png(fig: Any, *, dpi: int = 100) -> str:
    """A figure as a PNG data URI (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure(src: str, alt: str, caveat: str, *, wide: bool = False) -> str:
    """An embedded image with its coverage caveat beside it (below it when ``wide``)."""
    img = f"<img alt='{esc(alt)}' src='{src}'>"
    if wide:
        return f"<div class='chart wide'><div>{img}</div><aside class='caveat'>{caveat}</aside></div>"
    return f"<div class='chart'><div>{img}</div><aside class='caveat'>{caveat}</aside></div>"


def section(anchor: str, heading: str, *body: str) -> str:
    """A ``<section id=...>`` with its heading (the report's structure tests read these ids)."""
    return f"<section id='{esc(anchor)}'><h2>{esc(heading)}</h2>{''.join(body)}</section>"


def page(title: str, *body: str) -> str:
    """A complete, self-contained HTML document."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>" + "\n".join(body) + "</body></html>"
    )
