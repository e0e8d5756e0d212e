"""HTML building blocks: escaping, tables, embedded figures, number formats and the page with its inline styles.

Every piece of text goes through `esc` unless it is a `Raw` string built here from escaped parts, so no file
content can inject markup. Nothing refers to anything outside the page: no external CSS, scripts, fonts or images.
"""

from __future__ import annotations

import base64
import html
import math

SHARE_UNITS = {"share", "share of normal", "share of supply", "share of demand", "share of factions", "flag",
               "share of worlds"}
WHOLE_UNITS = {"troops", "fighters", "IQD per USD", "people"}


class Raw(str):
    """HTML that is already safe (built from escaped parts)."""


def esc(value) -> Raw:
    return value if isinstance(value, Raw) else Raw(html.escape(str(value), quote=True))


def tag(name: str, content="", **attrs) -> Raw:
    """<name attrs>content</name>; attribute names use _ for -, and class_ for class."""
    parts = "".join(f' {k.rstrip("_").replace("_", "-")}="{html.escape(str(v), quote=True)}"'
                    for k, v in attrs.items() if v is not None)
    return Raw(f"<{name}{parts}>{esc(content)}</{name}>")


def join(*parts) -> Raw:
    return Raw("".join(esc(p) for p in parts if p is not None))


def table(header: list, rows: list[list], numeric: tuple = (), class_: str = "", caption=None) -> Raw:
    """A table; `numeric` lists the column indices to right-align. Cells are text (escaped) or Raw."""
    head = "".join(f'<th scope="col"{_num_cls(i, numeric)}>{esc(h)}</th>' for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{_num_cls(i, numeric)}>{esc(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in rows)
    cap = f"<caption>{esc(caption)}</caption>" if caption is not None else ""
    cls = f' class="{html.escape(class_)}"' if class_ else ""
    return Raw(f"<table{cls}>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _num_cls(i: int, numeric) -> str:
    return ' class="num"' if i in numeric else ""


def figure(png: bytes, alt: str, caption: str = "") -> Raw:
    """A PNG embedded as a data: URI, with a caption."""
    data = base64.b64encode(png).decode("ascii")
    cap = tag("figcaption", caption) if caption else ""
    return Raw(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">{cap}</figure>')


def paragraphs(text: str) -> Raw:
    """Plain text with blank-line-separated paragraphs as <p> elements."""
    blocks = [" ".join(b.split()) for b in text.strip().split("\n\n") if b.strip()]
    return join(*(tag("p", b) for b in blocks))


def bullets(items) -> Raw:
    return tag("ul", join(*(tag("li", i) for i in items)))


# ----------------------------------------------------------------------------------------------- number formats
def fmt(value, unit: str = "", signed: bool = False) -> str:
    """A value in the form a reader expects for its unit (as in the terminal summary); `signed` for differences,
    where differences of shares are given in percentage points."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    value, sign = float(value), "+" if signed else ""
    if unit in SHARE_UNITS:
        return f"{100 * value:+.1f} pts" if signed else f"{value:.0%}"
    if unit.startswith("index"):
        return f"{value:{sign}.{3 if signed else 2}f}"
    if unit in WHOLE_UNITS or abs(value) >= 1000:
        return f"{value:{sign},.0f}"
    return f"{value:{sign}.{2 if signed else 1}f}"


def fmt_diff(value, unit: str = "") -> str:
    return fmt(value, unit, signed=True)


def band(median, p5, p95, unit: str = "") -> str:
    """'median [p5–p95]', or the median alone when the 5% and 95% values coincide."""
    mid, lo, hi = fmt(median, unit), fmt(p5, unit), fmt(p95, unit)
    return mid if lo == hi else f"{mid} [{lo}–{hi}]"


def number(value) -> str:
    """A number of unknown unit, readably."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return f"{value:,.0f}"
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


# ------------------------------------------------------------------------------------------------------ the page
CSS = """
:root { --ink: #1b1b1b; --muted: #5a5a5a; --rule: #c8c8c8; --accent: #1f4e79; --soft: #eef3f8; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { color: var(--ink); background: #fff; max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem;
       font-family: "Segoe UI", "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.08rem; margin: 1.4rem 0 .4rem; }
p, li { max-width: 48rem; }
.meta { color: var(--muted); font-size: .9rem; margin: .2rem 0; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: .86rem; }
.callout { border: 1px solid var(--accent); border-left-width: 5px; background: var(--soft); padding: .6rem 1rem;
           margin: 1rem 0; }
.callout p { margin: .3rem 0; }
nav.toc { font-size: .9rem; margin: 1rem 0; }
nav.toc ol { margin: .2rem 0; padding-left: 1.4rem; columns: 2; }
nav.toc a { color: var(--accent); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .88rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--rule); }
thead th { border-bottom: 2px solid var(--ink); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85em; }
.matrices { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
table.matrix { width: auto; min-width: 17rem; font-size: .86rem; }
table.matrix caption { font-weight: 600; }
table.matrix td { text-align: center; }
table.matrix th[scope=row] { text-align: left; white-space: nowrap; }
.cell-median { font-size: 1.05rem; font-weight: 600; display: block; }
.cell-band, .cell-label { color: var(--muted); font-size: .78rem; display: block; white-space: nowrap; }
.bar { display: inline-block; height: .7rem; background: var(--accent); vertical-align: middle; margin-right: .4rem; }
table.compare td:first-child { min-width: 11rem; }
table.compare td:last-child { min-width: 8rem; }
.verdict-same { color: var(--muted); font-style: italic; }
.verdict-diff { font-weight: 600; }
figure { margin: 1rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .3rem; }
ul.story { padding-left: 1.2rem; }
ul.story li { margin: .15rem 0; }
.when, .nowrap { white-space: nowrap; }
.when { font-variant-numeric: tabular-nums; color: var(--muted); }
footer { margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: .6rem; font-size: .8rem;
         color: var(--muted); }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 10pt; }
  body { max-width: none; margin: 0; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav.toc { display: none; }
  h2 { margin-top: 1.2rem; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  table, figure, .callout, .matrix, ul.story { break-inside: avoid; page-break-inside: avoid; }
  tr, td, th, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  figure img { max-height: 22cm; width: auto; max-width: 100%; }
  a { color: inherit; text-decoration: none; }
  section { orphans: 3; widows: 3; }
}
"""


def document(title: str, header: Raw, sections: list[tuple[str, str, Raw]], footer: Raw) -> str:
    """The whole page. `sections` are (id, heading, body)."""
    toc = tag("nav", join(tag("strong", "Contents"),
                          tag("ol", join(*(tag("li", tag("a", h, href=f"#{i}")) for i, h, _ in sections)))),
              class_="toc")
    body = join(*(tag("section", join(tag("h2", h), b), id=i) for i, h, b in sections))
    return ("<!DOCTYPE html>\n"
            f'<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"<header>{header}</header>\n{toc}\n<main>\n{body}\n</main>\n<footer>{footer}</footer>\n</body>\n</html>\n")
