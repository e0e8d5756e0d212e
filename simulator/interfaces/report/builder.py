"""build(): a run or comparison folder in, one self-contained HTML file out, never overwriting anything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ...errors import UserError
from . import sections
from .folders import Comparison, load
from .page import document, join, tag

DEFAULT_NAME = "report.html"


def build(folder, out=None) -> Path:
    """Write the HTML debrief of the run or comparison in `folder` and return its path.

    `out` is the file to write (default FOLDER/report.html), or an existing folder to write report.html into. An
    existing file is never overwritten: the report goes to report-2.html, report-3.html, ... instead. Raises
    UserError if `folder` is not a complete folder from `sim run` or `sim compare`.
    """
    folder = Path(folder)
    result, predictions = load(folder)
    created = dt.datetime.now(dt.timezone.utc).astimezone()
    html = render(result, predictions, created)
    return _write_new(_target(folder, out), html)


def render(result, predictions: dict | None, created: dt.datetime) -> str:
    """The report as an HTML string."""
    parts = [
        ("question", "The question", sections.question(result)),
        ("levers", "Levers pulled, and when", sections.levers(result)),
        ("outcomes", "Headline outcomes, with their uncertainty" if not isinstance(result, Comparison)
         else "Headline outcomes: scenarios against the baseline", sections.headlines(result)),
        ("leverage", "Leverage over time", sections.leverage(result)),
        ("story", "The story of a typical world", sections.story(result)),
        ("parameters", "Parameters that differ from the defaults", sections.parameters(result)),
    ]
    if predictions is not None:
        parts.append(("predictions", "Predictions and what the model says", sections.predictions(predictions, result)))
    parts.append(("assumptions", "What this model assumes", sections.assumptions(result)))
    kind = "comparison" if isinstance(result, Comparison) else "run"
    name = (f"{result.baseline} vs {', '.join(result.scenarios)}" if isinstance(result, Comparison)
            else result.name)
    footer = join(tag("p", f"Written by `sim report` from the {kind} folder {result.folder.resolve()} on "
                           f"{created.isoformat(timespec='seconds')}. Self-contained: figures are embedded and nothing "
                           f"is loaded from elsewhere, so the file opens offline and can be shared as it is."),
                  tag("p", "The model explores dynamics under stated assumptions; it does not forecast."))
    return document(f"Debrief: {name}", sections.header(result, created), parts, footer)


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
