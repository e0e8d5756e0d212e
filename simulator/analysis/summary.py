"""Summaries by design point, and the outcome map over two parameters (e.g. the probability of a US exit over
dollar access and Iran's power share). Works for any design; plain DataFrames in and out."""

from __future__ import annotations

import numpy as np

from ..model import units
from ..output.tables import render
from .results import is_binary, point_means


def point_summary(worlds, outcomes, design=None):
    """One row per design point: its parameter values, n (worlds), then mean, p5 and p95 of every outcome."""
    table = None
    for name in outcomes:
        m = point_means(worlds, name)  # without the design, so a parameter name can never clash with a statistic
        if table is None:
            table = m[["point", "n"]].copy()
        for stat in ("mean", "p5", "p95"):
            table[f"{name}_{stat}"] = m[stat].to_numpy()
    if design is not None:
        table = design.merge(table, on="point", how="left")
        table["n"] = table["n"].fillna(0).astype("int64")
    return table


def outcome_overview(worlds, outcomes):
    """Each outcome over all worlds: 'probability' or 'value', mean, p5, p95 and worlds with a value."""
    import pandas as pd

    rows = []
    for name in outcomes:
        v = worlds[name].to_numpy(dtype=float)
        ok = v[np.isfinite(v)]
        p5, p95 = np.quantile(ok, [0.05, 0.95]) if ok.size else (np.nan, np.nan)
        rows.append({"outcome": name, "kind": "probability" if is_binary(v) else "value",
                     "mean": ok.mean() if ok.size else np.nan, "p5": p5, "p95": p95, "n_value": int(ok.size)})
    return pd.DataFrame(rows)


def heatmap_table(means, x: str, y: str, value: str = "mean", bins: int = 8, bounds: dict | None = None):
    """The outcome over two parameters: rows are y values, columns x values. A grid is pivoted as it is; other
    designs (random, LHS) are binned into `bins` equal-width intervals of each parameter's range (`bounds`
    {name: (low, high)}, else the data's), labelled by their middles, and the point means averaged by worlds."""
    import pandas as pd

    m = means[means["n"] > 0]
    # a grid (even with a few points missing) fills most cells of its pivot; a random design of n points fills n of n^2
    grid = m[x].nunique() * m[y].nunique() <= 2 * len(m) and not m.duplicated([x, y]).any()
    if not grid:
        m = m.copy()
        for name in (x, y):
            if m[name].nunique() <= bins:
                continue
            low, high = (bounds or {}).get(name, (m[name].min(), m[name].max()))
            edges = np.linspace(min(low, m[name].min()), max(high, m[name].max()), bins + 1)
            mids = (edges[:-1] + edges[1:]) / 2
            m[name] = pd.cut(m[name], edges, labels=mids, include_lowest=True).astype(float)
        worlds = m["n_value"] if "n_value" in m else m["n"]
        m["_w"] = worlds.where(m[value].notna(), 0)
        m["_wv"] = m[value].fillna(0) * m["_w"]
        g = m.groupby([y, x])[["_wv", "_w"]].sum()
        m = (g["_wv"] / g["_w"].where(g["_w"] > 0)).rename(value).reset_index()
    table = m.pivot_table(index=y, columns=x, values=value, aggfunc="mean").sort_index().sort_index(axis=1)
    return table


def fmt(value) -> str:
    """A number of no particular unit, through the project's one formatter ('-' when empty)."""
    text = units.fmt(value)
    return "-" if text == units.MISSING else text


def text_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """The terminal table as lines: the first column left-aligned, the rest right-aligned."""
    return render(header, rows).splitlines()


def overview_lines(overview) -> list[str]:
    rows = [[r.outcome, r.kind, fmt(r.mean), f"{fmt(r.p5)} - {fmt(r.p95)}" if r.kind == "value" else "",
             f"{r.n_value:,}"]
            for r in overview.itertuples()]
    return text_table(["outcome", "kind", "mean", "5%-95% of worlds", "worlds"], rows)


def heatmap_lines(table, outcome: str, x: str, y: str) -> list[str]:
    header = [f"{y} \\ {x}"] + [fmt(c) for c in table.columns]
    rows = [[fmt(i)] + [fmt(v) for v in row] for i, row in zip(table.index, table.to_numpy())]
    return [f"Mean of {outcome} (rows: {y}, columns: {x}):"] + text_table(header, rows[::-1])


def point_lines(means, outcome: str, names: list[str], limit: int = 20) -> list[str]:
    """The points as a table; beyond `limit` points only the 10 highest and 10 lowest by mean."""
    m = means[means["n"] > 0].sort_values(["mean", "point"], ascending=[False, True])
    title = f"Mean of {outcome} by design point"
    if len(m) > limit:
        m = m.iloc[list(range(limit // 2)) + list(range(len(m) - limit // 2, len(m)))]
        title += f" (the {limit // 2} highest and {limit // 2} lowest of {int((means['n'] > 0).sum()):,})"
    shown = names if len(names) <= 4 else []  # wider designs: parameter values are in summary_points.csv
    rows = [[str(int(r["point"]))] + [fmt(r[n]) for n in shown] + [fmt(r["mean"]), fmt(r["p5"]), fmt(r["p95"]),
                                                                   f"{int(r['n']):,}"] for _, r in m.iterrows()]
    note = [] if shown or not names else [f"Parameter values of each point ({len(names)} parameters): "
                                          f"summary_points.csv."]
    return [title + ":"] + text_table(["point", *shown, "mean", "p5", "p95", "worlds"], rows) + note
