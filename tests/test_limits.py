"""docs/limits.md stays true: every number in its table is the constant the code enforces."""

from __future__ import annotations

import datetime as dt
import importlib
import re

from conftest import ROOT


def rows():
    text = (ROOT / "docs" / "limits.md").read_text()
    for line in text.splitlines():
        match = re.fullmatch(r"\| (.+?) \| (.+?) \| `([\w.]+)` \|", line)
        if match:
            yield match.groups()


def constant(dotted: str):
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def test_every_documented_limit_is_the_enforced_constant():
    table = list(rows())
    assert len(table) >= 13
    for what, limit, dotted in table:
        value = constant(dotted)
        if isinstance(value, dt.date):
            assert limit.startswith(value.isoformat()), f"{what}: docs say {limit!r}, code has {value}"
        else:
            first = float(re.match(r"[\d,.]+", limit).group().replace(",", ""))
            assert first == value, f"{what}: docs say {limit!r}, {dotted} is {value}"


def test_the_limits_page_is_linked_from_the_readme_and_the_scenario_docs():
    assert "docs/limits.md" in (ROOT / "README.md").read_text()
    assert "limits.md" in (ROOT / "docs" / "scenarios.md").read_text()
