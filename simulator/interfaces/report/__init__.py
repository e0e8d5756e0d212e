"""`sim report`: one self-contained HTML debrief of a run folder (`sim run`) or a comparison folder (`sim compare`).

The report holds the question, the levers pulled and when, headline outcomes with their uncertainty, the leverage
matrix over time, the story of a typical world, the parameters that differ from the defaults with their provenance,
the predictions made before the run (if any), and what the model assumes. Figures are embedded as data: URIs and the
styles are inline, so the file opens offline, can be mailed as it is, and prints cleanly.

    from simulator.interfaces.report import build
    path = build("outputs/withdrawal/20240115-120000")   # -> .../report.html (never overwrites: report-2.html, ...)
"""

from .builder import build

__all__ = ["build"]
