"""build(): a run or comparison folder in, one self-contained HTML file out, never overwriting anything."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from ...comparison.folder import ComparisonFolder
from ...errors import UserError
from . import sections
from .folders import load

DEFAULT_NAME = "report.html"


def build(folder, out=None) -> Path:
    """Write the HTML debrief of the run or comparison in `folder` and return its path.

    `out` is the file to write (default FOLDER/report.html), or an existing folder to write report.html into. An
    existing file is never overwritten: the report goes to report-2.html, report-3.html, ... instead. Raises
    UserError if `folder` is not a complete folder from `sim run` or `sim compare`.
    """
    folder = Path(folder)
    result = load(folder)
    created = dt.datetime.now(dt.UTC).astimezone()
    html = render(result, created)
    return _write_new(_target(folder, out), html)


@functools.cache
def environment():
    """The templates of templates/, with every value escaped unless a template says otherwise (none does)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(result, created: dt.datetime) -> str:
    """The report as an HTML string: the sections' data laid out by templates/report.html.j2."""
    comparison = isinstance(result, ComparisonFolder)
    parts = [
        ("question", "The question", sections.question(result)),
        ("levers", "Levers pulled, and when", sections.levers(result)),
        ("outcomes", "Headline outcomes: scenarios against the baseline" if comparison
         else "Headline outcomes, with their uncertainty", sections.headlines(result)),
        ("leverage", "Leverage over time", sections.leverage(result)),
        ("story", "The story of a typical world", sections.story(result)),
        ("parameters", "Parameters that differ from the defaults", sections.parameters(result)),
    ]
    if result.predictions is not None:
        parts.append(("predictions", "Predictions and what the model says",
                      sections.predictions(result.predictions, result)))
    parts.append(("assumptions", "What this model assumes", sections.assumptions(result)))
    kind = "comparison" if comparison else "run"
    name = f"{result.baseline} vs {', '.join(result.scenarios)}" if comparison else result.name
    footer = [f"Written by `sim report` from the {kind} folder {result.folder.resolve()} on "
              f"{created.isoformat(timespec='seconds')}. Self-contained: figures are embedded and nothing is loaded "
              f"from elsewhere, so the file opens offline and can be shared as it is.",
              "The model explores dynamics under stated assumptions; it does not forecast."]
    return environment().get_template("report.html.j2").render(
        title=f"Debrief: {name}", header=sections.header(result, created), footer=footer,
        sections=[{"id": i, "heading": h, "template": f"{i}.html.j2", "data": d} for i, h, d in parts])


def _target(folder: Path, out) -> Path:
    if out is None:
        return folder / DEFAULT_NAME
    out = Path(out)
    if out.is_dir():
        return out / DEFAULT_NAME
    if not out.parent.is_dir():
        raise UserError(f"--out {out}: the folder {out.parent} does not exist. Expected the path of a new HTML "
                        f"file in an existing folder, or an existing folder to write {DEFAULT_NAME} into.")
    return out


def _write_new(path: Path, text: str) -> Path:
    """Write to `path`, or to path-2, path-3, ... if it exists; the exclusive open never replaces a file."""
    n = 1
    while True:
        candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        try:
            f = open(candidate, "x", encoding="utf-8")
        except FileExistsError:
            n += 1
            continue
        except OSError as err:
            raise UserError(f"{candidate}: the report could not be written ({err.strerror}). Expected a folder you "
                            f"can write to; choose another with --out.") from None
        try:
            with f:
                f.write(text)
        except OSError as err:
            candidate.unlink(missing_ok=True)  # no half-written report left behind
            raise UserError(f"{candidate}: the report could not be written ({err.strerror}). Expected a folder you "
                            f"can write to; choose another with --out.") from None
        return candidate
