"""The plain data the templates lay out: tables, figures and the few shapes a table cell can take.

A cell is a string, one piece, or a list of pieces; a piece is a string or a dict {"kind": ..., "text": ...}: "code",
"strong", "note" and "nowrap" style a piece of text, "br" breaks the line, "bar" is a horizontal bar `width` rem wide,
and "list" is a bulleted list of `items` (each a cell). templates/macros.html.j2 renders them, escaping every text.
"""

from __future__ import annotations

import base64

BR = {"kind": "br"}


def code(text) -> dict:
    return {"kind": "code", "text": str(text)}


def strong(text) -> dict:
    return {"kind": "strong", "text": str(text)}


def note(text) -> dict:
    return {"kind": "note", "text": str(text)}


def nowrap(text) -> dict:
    return {"kind": "nowrap", "text": str(text)}


def bar(width_rem: float) -> dict:
    return {"kind": "bar", "width": f"{max(float(width_rem), 0.0):.2f}"}


def table(header: list, rows: list[list], numeric: tuple = (), class_: str = "", caption: str | None = None) -> dict:
    """A table; `numeric` lists the column indices to right-align."""
    return {"header": [str(h) for h in header], "rows": rows, "numeric": list(numeric), "class": class_,
            "caption": caption}


def figure(png: bytes, alt: str, caption: str = "") -> dict:
    """A PNG to embed as a data: URI."""
    return {"data": base64.b64encode(png).decode("ascii"), "alt": str(alt), "caption": caption}
