"""Terminal tables, drawn by rich to fit the terminal's width: the one way the project prints a table."""

from __future__ import annotations

import io
import shutil

DEFAULT_WIDTH = 100


def width() -> int:
    """The terminal's width in columns (100 when output is not a terminal, as in a pipe or a test)."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def render(header: list[str], rows: list[list], title: str | None = None, left: int = 1,
           columns: int | None = None) -> str:
    """A plain-text table: the first `left` columns left-aligned, the others right-aligned; cells are strings."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  title_style="", header_style="bold")
    for i, name in enumerate(header):
        table.add_column(str(name), justify="left" if i < left else "right", overflow="fold")
    for row in rows:
        table.add_row(*(str(c) for c in row))
    buffer = io.StringIO()
    Console(file=buffer, width=columns or width(), no_color=True, highlight=False, emoji=False,
            legacy_windows=False, color_system=None).print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().rstrip("\n").splitlines())
