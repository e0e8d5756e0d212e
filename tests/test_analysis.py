"""Sweep analysis: Sobol indices against the analytic Ishigami values, Morris ranking of a known linear function,
PRIM finding a planted box, summaries and the outcome map, nothing overwritten, and clear messages for bad input.

Each test writes a fake sweep folder in tmp_path with the runner's contract (manifest.json, design.parquet,
chunks/chunk-NNNNNN.parquet, failures/) around a function whose answer is known, then runs the real pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.analysis import analyze, load_sweep, point_means
from simulator.analysis.morris import morris_indices
from simulator.analysis.prim import in_box, prim_box
from simulator.analysis.sobol import sobol_indices
from simulator.errors import UserError

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}


def write_sweep(folder: Path, design: str, problem: dict, x: np.ndarray, outcomes: dict, replications: int = 1,
                chunks: int = 2, samples: int = 0, seed: int = 3, drop_chunks=(), fail_chunks=()) -> Path:
    """A sweep folder as `sim sweep` writes it: world w is replication w % R of point w // R; worlds are split into
    `chunks` contiguous chunk files; chunks in drop_chunks are left out, those in fail_chunks get a failure record."""
    points, worlds = len(x), len(x) * replications
    (folder / "chunks").mkdir(parents=True)
    (folder / "failures").mkdir()
    manifest = {"sweep": "test", "sweep_file": "configs/sweeps/test.yaml", "design": design, "problem": problem,
                "samples": samples, "replications": replications, "seed": seed, "points": points, "worlds": worlds,
                "chunks": chunks, "chunk_worlds": -(-worlds // chunks), "calc_second_order": True, "morris_levels": 4,
                "outcomes": {name: {"metric": "m", "stat": "final", "threshold": None} for name in outcomes}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    pd.DataFrame({"point": np.arange(points, dtype="int64"),
                  **{n: x[:, j] for j, n in enumerate(problem["names"])}}).to_parquet(folder / "design.parquet")
    world = np.arange(worlds, dtype="int64")
    table = pd.DataFrame({"world": world, "point": world // replications, "replication": world % replications,
                          **{name: np.asarray(v, dtype="float64") for name, v in outcomes.items()}})
    size = manifest["chunk_worlds"]
    for index in range(chunks):
        if index in fail_chunks:
            (folder / "failures" / f"chunk-{index:06d}.json").write_text(
                json.dumps({"chunk": index, "error": "ValueError: boom", "traceback": "..."}))
        elif index not in drop_chunks:
            table.iloc[index * size:(index + 1) * size].to_parquet(folder / "chunks" / f"chunk-{index:06d}.parquet")
    return folder


def ishigami_truth(a: float = 7.0, b: float = 0.1) -> dict:
    """Analytic Sobol indices of the Ishigami function (Ishigami and Homma 1990)."""
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return {"S1": np.array([v1, v2, 0]) / v, "ST": np.array([v1 + v13, v2, v13]) / v, "S13": v13 / v}


@pytest.fixture(scope="module")
def ishigami():
    from SALib.sample import sobol as sobol_sample
    from SALib.test_functions import Ishigami

    x = sobol_sample.sample(ISHIGAMI, 2048, calc_second_order=True, seed=42)
    return x, Ishigami.evaluate(x)


def test_analytic_ishigami_values_are_the_published_ones():
    t = ishigami_truth()
    np.testing.assert_allclose(t["S1"], [0.3139, 0.4424, 0.0], atol=1e-4)
    np.testing.assert_allclose(t["ST"], [0.5576, 0.4424, 0.2437], atol=1e-4)
    assert t["S13"] == pytest.approx(0.2437, abs=1e-4)


def check_ishigami(indices: pd.DataFrame, s2: pd.DataFrame) -> None:
    """Each estimate lies within its own 95% bootstrap interval of the analytic value, and those intervals are
    narrow (N = 2048 base samples x 8 = 16,384 runs gives half-widths of about 0.02-0.08)."""
    t = ishigami_truth()
    for col in ("S1", "ST"):
        err = np.abs(indices[col].to_numpy() - t[col])
        conf = indices[f"{col}_conf"].to_numpy()
        assert np.all(conf < 0.1), f"{col} intervals too wide for N = 2048: {conf}"
        assert np.all(err <= conf), f"{col} = {indices[col].tolist()}, expected {t[col]} within {conf}"
    pair = s2.set_index(["parameter_1", "parameter_2"])
    assert abs(pair.loc[("x1", "x3"), "S2"] - t["S13"]) <= min(pair.loc[("x1", "x3"), "S2_conf"], 0.1)
    for other in (("x1", "x2"), ("x2", "x3")):
        assert abs(pair.loc[other, "S2"]) <= pair.loc[other, "S2_conf"], f"S2{other} should be 0"
    assert indices.set_index("parameter")["ST"].idxmax() == "x1"


def test_sobol_indices_on_ishigami_arrays(ishigami):
    x, y = ishigami
    result = sobol_indices(ISHIGAMI, y, seed=1)
    check_ishigami(result["indices"], result["S2"])
    assert list(result["indices"]["parameter"]) == ISHIGAMI["names"]


def test_sobol_pipeline_on_an_ishigami_sweep_folder(tmp_path, ishigami):
    x, y = ishigami
    folder = write_sweep(tmp_path / "ishigami", "sobol", ISHIGAMI, x, {"y": y}, chunks=2, samples=2048)
    assert len(list((folder / "chunks").glob("*.parquet"))) == 2
    text, written = analyze(folder, method="sobol")
    names = {p.name for p in written}
    assert {"sobol_y.csv", "sobol_y_S2.csv", "sobol_y.png", "point_means_y.csv"} <= names
    assert all(p.parent == folder / "analysis" and p.stat().st_size > 0 for p in written)
    check_ishigami(pd.read_csv(folder / "analysis" / "sobol_y.csv"),
                   pd.read_csv(folder / "analysis" / "sobol_y_S2.csv"))
    assert "Sobol indices of y" in text and "x1 x x3" in text
    # the folder result equals the bare function on the same arrays
    direct = sobol_indices(ISHIGAMI, y, seed=3)["indices"]
    pd.testing.assert_frame_equal(pd.read_csv(folder / "analysis" / "sobol_y.csv"), direct, check_exact=False,
                                  rtol=1e-9)


def test_point_means_average_replications_in_design_order(tmp_path):
    x = np.array([[0.0], [0.5], [1.0]])
    y = np.array([0, 1, 1, 1, np.nan, 0, 1, 0, 0], dtype=float)  # 3 replications per point
    folder = write_sweep(tmp_path / "s", "grid", {"num_vars": 1, "names": ["a"], "bounds": [[0, 1]]}, x, {"y": y},
                         replications=3, chunks=3)
    m = point_means(load_sweep(folder), "y")
    assert m["point"].tolist() == [0, 1, 2] and m["a"].tolist() == [0.0, 0.5, 1.0]
    np.testing.assert_allclose(m["mean"], [2 / 3, 0.5, 1 / 3])
    assert m["n"].tolist() == [3, 3, 3] and m["n_value"].tolist() == [3, 2, 3]


def morris_design(seed: int = 5):
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    x = morris_sample.sample(problem, 20, num_levels=4, seed=seed)
    return problem, x, 10 * x[:, 0] + x[:, 1] + 0 * x[:, 2]


def test_morris_ranks_a_known_linear_function():
    problem, x, y = morris_design()
    t = morris_indices(problem, x, y).set_index("parameter")
    assert t["mu_star"].sort_values(ascending=False).index.tolist() == ["x1", "x2", "x3"]
    # linear: every elementary effect equals the coefficient (per unit range), so sigma is 0
    np.testing.assert_allclose(t["mu_star"], [10, 1, 0], atol=1e-9)
    np.testing.assert_allclose(t["sigma"], [0, 0, 0], atol=1e-9)


def test_morris_pipeline_on_a_sweep_folder_with_replications(tmp_path):
    problem, x, y = morris_design()
    noise = np.tile([-0.01, 0.01], len(y))  # replication noise that averages out per point
    folder = write_sweep(tmp_path / "m", "morris", problem, x, {"y": np.repeat(y, 2) + noise}, replications=2,
                         chunks=3)
    text, written = analyze(folder, method="morris")
    t = pd.read_csv(folder / "analysis" / "morris_y.csv").set_index("parameter")
    assert t["mu_star"].sort_values(ascending=False).index.tolist() == ["x1", "x2", "x3"]
    assert t.loc["x3", "mu_star"] == pytest.approx(0, abs=1e-9) and t.loc["x1", "mu_star"] == pytest.approx(10)
    assert (folder / "analysis" / "morris_y.png").exists() and "Morris screening of y" in text
    assert text.index("x1") < text.index("x2") < text.index("x3")


def test_morris_on_shuffled_rows_is_refused(tmp_path):
    problem, x, y = morris_design()
    order = np.random.default_rng(0).permutation(len(x))
    folder = write_sweep(tmp_path / "m", "morris", problem, x[order], {"y": y[order]})
    with pytest.raises(UserError, match="not in trajectory order"):
        analyze(folder, method="morris")


def planted_box(n: int = 3000, seed: int = 11):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 3)), columns=["x1", "x2", "x3"])
    y = ((x["x1"] > 0.6) & (x["x2"] < 0.3)).to_numpy()
    return x, y ^ (rng.random(n) < 0.05)  # 5% label noise


def check_box(limits: pd.DataFrame, box: pd.DataFrame) -> None:
    lim = limits.set_index("parameter")
    assert lim.loc["x1", "restricted"] and lim.loc["x2", "restricted"] and not lim.loc["x3", "restricted"]
    assert lim.loc["x1", "min"] == pytest.approx(0.6, abs=0.05) and lim.loc["x1", "max"] == pytest.approx(1, abs=0.02)
    assert lim.loc["x2", "min"] == pytest.approx(0, abs=0.02) and lim.loc["x2", "max"] == pytest.approx(0.3, abs=0.05)
    assert (lim.loc["x3", "norm_min"] == pytest.approx(0, abs=0.01)
            and lim.loc["x3", "norm_max"] == pytest.approx(1, abs=0.01))
    b = box.iloc[0]
    for stat in ("coverage", "density", "mass"):
        assert 0 <= b[stat] <= 1
    assert b["density"] > 0.85 and b["coverage"] > 0.6  # 5% noise caps coverage near 0.72 for the true box


def test_prim_finds_a_planted_box():
    x, y = planted_box()
    result = prim_box(x, y, bounds={n: (0, 1) for n in x.columns})
    check_box(result["limits"], result["box"])
    t = result["trajectory"]
    assert t[["coverage", "density", "mass"]].apply(lambda c: c.between(0, 1).all()).all()
    assert t["selected"].sum() == 1 and t.loc[0, "coverage"] == 1 and t.loc[0, "mass"] == 1
    # the reported statistics are those of the reported limits
    inside = in_box(x, result["limits"])
    b = result["box"].iloc[0]
    assert inside.mean() == pytest.approx(b["mass"]) and y[inside].mean() == pytest.approx(b["density"])
    assert y[inside].sum() / y.sum() == pytest.approx(b["coverage"])


def test_prim_pipeline_on_a_random_design_with_a_threshold(tmp_path):
    x, y = planted_box()
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    value = np.where(y, 7.0, 2.0)  # a numeric outcome: cases are value > 5
    folder = write_sweep(tmp_path / "p", "random", problem, x.to_numpy(), {"other": np.zeros(len(x)), "v": value})
    text, written = analyze(folder, method="prim", outcome="v", threshold=5)
    out = folder / "analysis"
    check_box(pd.read_csv(out / "prim_v_limits.csv"), pd.read_csv(out / "prim_v_box.csv"))
    assert {"prim_v_tradeoff.png", "prim_v_limits.png", "prim_v_trajectory.csv"} <= {p.name for p in written}
    assert "coverage" in text and "Unrestricted: x3" in text
    with pytest.raises(UserError, match=r"above the threshold 1 in all of the 3,000 worlds.*from 2 to 7"):
        analyze(folder, method="prim", outcome="v", threshold=1)
    with pytest.raises(UserError, match="true in all 3,000 worlds"):
        prim_box(x, np.ones(len(x), dtype=bool))


def grid_folder(tmp_path, replications: int = 20) -> tuple[Path, np.ndarray]:
    """A 4 x 3 grid whose 0/1 outcome happens in exactly round(p * R) of the R worlds, p = a * b."""
    a, b = [0.0, 0.5, 0.75, 1.0], [0.2, 0.6, 1.0]
    x = np.array([(i, j) for i in a for j in b])
    p = x[:, 0] * x[:, 1]
    hits = np.round(p * replications).astype(int)
    y = np.concatenate([(np.arange(replications) < h).astype(float) for h in hits])
    problem = {"num_vars": 2, "names": ["dollar_access", "power_share"], "bounds": [[0, 1], [0.2, 1]]}
    folder = write_sweep(tmp_path / "grid", "grid", problem, x, {"exit": y, "rate": np.arange(len(y), dtype=float)},
                         replications=replications, chunks=4)
    return folder, hits / replications


def test_summary_and_heatmap_on_a_two_parameter_grid(tmp_path):
    folder, expected = grid_folder(tmp_path)
    text, written = analyze(folder)  # summary of the first outcome, 'exit'
    out = folder / "analysis"
    points = pd.read_csv(out / "summary_points.csv")
    assert len(points) == 12 and points["point"].tolist() == list(range(12))
    np.testing.assert_allclose(points["exit_mean"], expected)
    assert {"rate_mean", "rate_p5", "rate_p95", "n"} <= set(points.columns) and (points["n"] == 20).all()
    assert (out / "heatmap_exit.png").stat().st_size > 0
    heat = pd.read_csv(out / "heatmap_exit.csv").set_index("power_share (rows) / dollar_access (columns)")
    assert heat.shape == (3, 4)
    assert heat.loc[0.6, "0.75"] == pytest.approx(0.45) and heat.loc[1.0, "1.0"] == pytest.approx(1.0)
    assert "Mean of exit" in text and "summary_points.csv" in text


def test_nothing_is_overwritten_a_rerun_gets_a_suffix(tmp_path):
    folder, _ = grid_folder(tmp_path)
    _, first = analyze(folder)
    before = {p: p.read_bytes() for p in first}
    _, second = analyze(folder)
    assert {p.name for p in second} == {"summary_points-2.csv", "summary_outcomes-2.csv", "heatmap_exit-2.csv",
                                        "heatmap_exit-2.png"}
    assert all(p.read_bytes() == data for p, data in before.items())
    _, third = analyze(folder, out_dir=tmp_path / "elsewhere")
    assert all(p.parent == tmp_path / "elsewhere" for p in third)


def test_heatmap_of_a_random_two_parameter_design_is_binned(tmp_path):
    x = np.random.default_rng(1).random((400, 2))
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 1]]}
    folder = write_sweep(tmp_path / "r", "random", problem, x, {"y": (x[:, 0] > 0.5).astype(float)})
    analyze(folder)
    heat = pd.read_csv(folder / "analysis" / "heatmap_y.csv").set_index("b (rows) / a (columns)")
    assert heat.shape == (8, 8)  # 8 equal-width bins per parameter, labelled by their middles
    assert (heat.iloc[:, :4].to_numpy() == 0).all() and (heat.iloc[:, 4:].to_numpy() == 1).all()


def test_summary_of_a_design_with_more_parameters_lists_points(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.random((30, 3))
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    folder = write_sweep(tmp_path / "lhs", "lhs", problem, x, {"y": x[:, 0]})
    text, written = analyze(folder, outcome="y")
    assert not any("heatmap" in p.name for p in written)
    assert "10 highest and 10 lowest of 30" in text


# ------------------------------------------------------------------------------------------------- bad input
def test_a_folder_that_is_not_a_sweep(tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        analyze(tmp_path / "nowhere")
    with pytest.raises(UserError, match="not a sweep folder, found no manifest.json"):
        analyze(tmp_path)
    (tmp_path / "summary.json").write_text("{}")
    with pytest.raises(UserError, match="output of `sim run`"):
        analyze(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"scenario": "x", "worlds": 10}))
    with pytest.raises(UserError, match="not a sweep manifest, keys design, problem, outcomes missing"):
        analyze(tmp_path)


def test_a_sweep_without_results(tmp_path):
    folder, _ = grid_folder(tmp_path)
    for f in (folder / "chunks").glob("*.parquet"):
        f.unlink()
    with pytest.raises(UserError, match=r"no results yet.*sim sweep configs/sweeps/test.yaml --out .* --resume"):
        analyze(folder)


def test_unknown_outcome_and_method_suggest_close_names(tmp_path):
    folder, _ = grid_folder(tmp_path)
    with pytest.raises(UserError, match=r"unknown outcome 'exitt'\. Did you mean 'exit'\?.*exit, rate"):
        analyze(folder, outcome="exitt")
    with pytest.raises(UserError, match=r"Did you mean 'sobol'"):
        analyze(folder, method="sobl")
    with pytest.raises(UserError, match="only the prim method uses a threshold"):
        analyze(folder, threshold=0.3)


def test_sobol_or_morris_on_a_grid_is_refused(tmp_path):
    folder, _ = grid_folder(tmp_path)
    with pytest.raises(UserError, match=r"key design: the sobol method needs a sobol design, found 'grid'.*--method "
                                        r"summary or --method prim"):
        analyze(folder, method="sobol")
    with pytest.raises(UserError, match="the morris method needs a morris design, found 'grid'"):
        analyze(folder, method="morris")
    assert not (folder / "analysis").exists(), "a refused analysis writes nothing"


def test_sobol_with_missing_points_names_the_failed_chunks_and_the_fix(tmp_path, ishigami):
    x, y = ishigami
    folder = write_sweep(tmp_path / "s", "sobol", ISHIGAMI, x, {"y": y}, chunks=4, fail_chunks=(1,), drop_chunks=(3,))
    with pytest.raises(UserError) as e:
        analyze(folder, method="sobol")
    message = str(e.value)
    for fragment in ("needs a result at every design point", "8,192 of 16,384 points", "chunks 1 failed",
                     "failures", f"sim sweep configs/sweeps/test.yaml --out {folder} --resume"):
        assert fragment in message
    text, _ = analyze(folder, method="summary")  # a summary still works and says what is missing
    assert "8,192 of 16,384 worlds are missing (chunks 1 failed" in text and "chunks 3 were never finished" in text


def test_sobol_on_a_shuffled_design_or_an_empty_outcome_is_refused(tmp_path, ishigami):
    x, y = ishigami
    order = np.random.default_rng(0).permutation(len(x))
    folder = write_sweep(tmp_path / "shuffled", "sobol", ISHIGAMI, x[order], {"y": y[order]})
    with pytest.raises(UserError, match="not in Saltelli order"):
        analyze(folder, method="sobol")
    folder = write_sweep(tmp_path / "nan", "sobol", ISHIGAMI, x, {"first_week": np.full(len(y), np.nan)})
    with pytest.raises(UserError, match="16,384 of 16,384 outputs are empty"):
        analyze(folder, method="sobol")
    with pytest.raises(UserError, match="at every design point"):
        sobol_indices(ISHIGAMI, np.ones(8 * 4), seed=1)


def test_morris_scatter_names_do_not_overlap(tmp_path, monkeypatch):
    """Clustered points (equal sigma, near mu*) still get labels that do not cover one another."""
    import pandas as pd
    from matplotlib.text import Annotation, Text

    from simulator.analysis import plots

    rng = np.random.default_rng(3)
    mu = np.r_[[0.40, 0.41, 0.20, 0.21, 0.22, 0.20], rng.uniform(0, 0.1, 40)]
    sigma = np.r_[[0.62, 0.62, 0.38, 0.37, 0.38, 0.30], rng.uniform(0, 0.2, 40)]
    indices = pd.DataFrame({"parameter": [f"a_rather_long_parameter_name_{i}" for i in range(len(mu))],
                            "mu_star": mu, "sigma": sigma, "mu_star_conf": 0.01 * np.ones(len(mu))})
    captured = {}
    original = plots._save

    def keep(fig, path):
        fig.canvas.draw()
        right = fig.axes[1]
        captured["boxes"] = [Text.get_window_extent(t) for t in right.texts if isinstance(t, Annotation)]
        captured["axes"] = right.get_window_extent()
        return original(fig, path)

    monkeypatch.setattr(plots, "_save", keep)
    plots.morris_chart(indices, "clustered", tmp_path / "m.png")
    boxes = captured["boxes"]
    assert len(boxes) == plots.MORRIS_NAMED
    for i, a in enumerate(boxes):
        assert captured["axes"].x0 - 1 <= a.x0 and a.x1 <= captured["axes"].x1 + 1, "a name runs out of the axes"
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two names overlap"
