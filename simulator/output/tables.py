"""Terminal tables, drawn by rich to fit the terminal's width: the one way the project prints a table.

A table wider than the terminal is split into stacked blocks of columns, each block repeating the first (label)
columns, so nothing wraps into noise on a narrow terminal.
"""

from __future__ import annotations

import io
import shutil
import textwrap

DEFAULT_WIDTH = 100


def width() -> int:
    """The terminal's width in columns: $COLUMNS if set, else the terminal's own, else 100 (a pipe or a test)."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def render(header: list[str], rows: list[list], title: str | None = None, left: int = 1,
           columns: int | None = None, label_width: int | None = None, gaps: bool = False) -> str:
    """A plain-text table: the first `left` columns left-aligned (wrapped at `label_width`), the others
    right-aligned; cells are strings and may hold line breaks. `gaps` puts a blank line between rows (for rows of
    several lines). When the table is wider than `columns` (default: the terminal's), its other columns are split
    into blocks stacked one under the other."""
    columns = columns or width()
    blocks = _blocks(header, rows, left, columns, label_width)
    out = []
    for i, keep in enumerate(blocks):
        heading = title if i == 0 else (f"{title.rstrip(':')} (continued):" if title else None)
        table = _draw([header[j] for j in keep], [[row[j] for j in keep] for row in rows], left, columns,
                      label_width, gaps)
        out.append("\n".join(textwrap.wrap(heading, columns) + [table]) if heading else table)
    return "\n\n".join(out)


def _blocks(header, rows, left, columns, label_width) -> list[list[int]]:
    """Column indices of each block: the label columns, then the other columns in as few blocks as fit in
    `columns`, shared out evenly (three and two rather than four and one)."""
    labels, others = list(range(left)), list(range(left, len(header)))

    def fits(block):
        keep = labels + block
        return natural_width([header[k] for k in keep], [[r[k] for k in keep] for r in rows], left,
                             label_width) <= columns

    for count in range(1, len(others) + 1):
        size = -(-len(others) // count)  # ceiling: the first blocks take one more where they do not divide evenly
        blocks = [others[i:i + size] for i in range(0, len(others), size)]
        if len(blocks) == count and all(fits(b) for b in blocks) or size == 1:
            return [labels + b for b in blocks]
    return [labels + others]


def natural_width(header: list[str], rows: list[list], left: int = 1, label_width: int | None = None) -> int:
    """The width the table takes when nothing constrains it: its widest lines, the label columns at most
    `label_width`, and three columns between neighbours (as rich draws it, without drawing it)."""
    from rich.cells import cell_len

    widths = []
    for j, name in enumerate(header):
        lines = [line for cell in [name, *(row[j] for row in rows)] for line in str(cell).split("\n")]
        widest = max(cell_len(line) for line in lines)
        widths.append(min(widest, label_width) if j < left and label_width else widest)
    return sum(widths) + 3 * (len(widths) - 1)


def _draw(header, rows, left, columns, label_width, gaps) -> str:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                  show_lines=gaps)
    for i, name in enumerate(header):
        table.add_column(str(name), justify="left" if i < left else "right", overflow="fold",
                         max_width=label_width if i < left else None)
    for row in rows:
        table.add_row(*(str(c) for c in row))
    buffer = io.StringIO()
    Console(file=buffer, width=columns, no_color=True, highlight=False, emoji=False, legacy_windows=False,
            color_system=None).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())
