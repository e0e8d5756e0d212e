"""Sweeps: designs, identical results whatever runs them, crash safety (kill and resume), failing chunks, bad files."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, SIM, sim

from simulator.sweeps import designs
from simulator.sweeps.spec import load


def sim_sweep(*args):
    return sim("sweep", *args)

SMALL = f"""
name: small
scenario: {SCENARIOS / 'dollar_cudgel.yaml'}
design: grid
samples: 2
replications: 30
seed: 5
weeks: 30
chunk_worlds: 25
parameters:
  us_dollar_access: {{range: [0.4, 1.0]}}
  iran_power_share: {{values: [0.2, 0.3, 0.45]}}
outcomes:
  - us_used_dollar_cudgel
  - peak_parallel_rate
  - {{name: first_week_rate_above_1700, metric: parallel_rate, stat: first_week_above, threshold: 1700}}
  - {{name: mean_attacks, metric: attacks_per_week, stat: mean}}
"""


def write(tmp_path, text, name="sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path




def results(folder) -> pd.DataFrame:
    return pd.read_parquet(Path(folder) / "chunks").sort_values("world", ignore_index=True)


PROBLEM = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [2, 5], [-1, 1]]}


@pytest.mark.parametrize("method, samples, expected", [("grid", 4, 64), ("random", 50, 50), ("lhs", 50, 50),
                                                       ("sobol", 16, 16 * 8), ("morris", 6, 6 * 4)])
def test_designs_have_the_documented_size_stay_in_bounds_and_repeat_with_the_seed(method, samples, expected):
    x = designs.sample(method, PROBLEM, samples, seed=3)
    assert x.shape == (expected, 3) == (designs.point_count(method, 3, samples), 3)
    bounds = np.array(PROBLEM["bounds"])
    assert np.all(x >= bounds[:, 0]) and np.all(x <= bounds[:, 1])
    np.testing.assert_array_equal(x, designs.sample(method, PROBLEM, samples, seed=3))
    if method != "grid":
        assert not np.array_equal(x, designs.sample(method, PROBLEM, samples, seed=4))


def test_grid_uses_value_lists_and_latin_hypercube_stratifies():
    x = designs.sample("grid", PROBLEM, 2, seed=0, values={1: [2.0, 3.0, 5.0]})
    assert x.shape == (12, 3) and sorted(set(x[:, 1])) == [2.0, 3.0, 5.0]
    lhs = designs.sample("lhs", PROBLEM, 20, seed=1)
    strata = np.floor((lhs[:, 0] - 0) / (1 / 20)).astype(int)
    assert sorted(strata) == list(range(20)), "each of the 20 strata of a Latin hypercube holds exactly one point"


def test_results_are_identical_across_executors_worker_counts_and_chunk_sizes(tmp_path):
    from dask.distributed import LocalCluster

    sweep = write(tmp_path, SMALL)
    runs = {"one process": ["--workers", 1], "two processes": ["--workers", 2],
            "other chunking": ["--workers", 2, "--chunk-worlds", 7]}
    for label, args in runs.items():
        result = sim_sweep(sweep, "--out", tmp_path / label, *args)
        assert result.exit_code == 0, result.output
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        result = sim_sweep(sweep, "--out", tmp_path / "dask", "--scheduler", cluster.scheduler_address)
        assert result.exit_code == 0, result.output
    result = sim_sweep(sweep, "--out", tmp_path / "local dask", "--local-cluster", 2)
    assert result.exit_code == 0, result.output
    runs["local dask"] = []
    reference = results(tmp_path / "one process")
    assert len(reference) == 6 * 30 and reference["world"].is_unique
    for label in [*runs, "dask"]:
        pd.testing.assert_frame_equal(results(tmp_path / label), reference, obj=label)
    assert len(list((tmp_path / "other chunking" / "chunks").glob("*.parquet"))) == 26


def test_per_world_parameters_follow_the_design(tmp_path):
    out = tmp_path / "run"
    assert sim_sweep(write(tmp_path, SMALL.replace("dollar_cudgel.yaml", "baseline.yaml")), "--out", out,
                     "--workers", 1).exit_code == 0
    design = pd.read_parquet(out / "design.parquet")
    table = results(out).merge(design, on="point")
    assert (table["world"] // 30 == table["point"]).all() and (table["world"] % 30 == table["replication"]).all()
    by_access = table.groupby("us_dollar_access")["peak_parallel_rate"].mean()
    assert by_access.loc[0.4] > 1.05 * by_access.loc[1.0], "worlds with less dollar access should see a higher rate"


def test_a_sweep_killed_mid_run_resumes_to_the_same_results(tmp_path):
    text = SMALL.replace("replications: 30", "replications: 120").replace("chunk_worlds: 25", "chunk_worlds: 20")
    sweep = write(tmp_path, text)
    whole = tmp_path / "whole"
    assert sim_sweep(sweep, "--out", whole, "--workers", 1).exit_code == 0

    killed = tmp_path / "killed"
    proc = subprocess.Popen([str(SIM), "sweep", str(sweep), "--out", str(killed), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list((killed / "chunks").glob("chunk-*.parquet"))) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list((killed / "chunks").glob("chunk-*.parquet")))
    assert 5 <= done_before < 36, f"the kill came too late to test anything ({done_before} chunks done)"
    for f in (killed / "chunks").glob("chunk-*.parquet"):
        pd.read_parquet(f)  # every visible chunk file is complete

    refused = sim_sweep(sweep, "--out", killed, "--workers", 2)
    assert refused.exit_code == 2 and "--resume" in refused.output
    result = sim_sweep(sweep, "--out", killed, "--workers", 2, "--resume")
    assert result.exit_code == 0, result.output
    assert f"{done_before} already finished" in result.output
    pd.testing.assert_frame_equal(results(killed), results(whole))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the broken parameter value is the point
def test_a_failing_chunk_is_recorded_and_the_rest_carries_on(tmp_path):
    text = f"""
scenario: {SCENARIOS / 'baseline.yaml'}
design: grid
replications: 10
weeks: 20
chunk_worlds: 10
allow_outside_range: true
parameters:
  pmu_recruitment_lag_weeks: {{values: [0, 30]}}
outcomes:
  - {{name: fighters, metric: pmu_fighters, stat: final}}
"""
    out = tmp_path / "failing"
    result = sim_sweep(write(tmp_path, text), "--out", out, "--workers", 1)
    assert result.exit_code == 1
    assert "1 chunks failed" in result.output and "--resume" in result.output
    assert (out / "failures" / "chunk-000000.json").exists() and not (out / "chunks" / "chunk-000000.parquet").exists()
    assert len(pd.read_parquet(out / "chunks" / "chunk-000001.parquet")) == 10
    import json

    record = json.loads((out / "failures" / "chunk-000000.json").read_text())
    assert "not finite" in record["error"] and "Traceback" in record["traceback"]


BAD = [
    ("unknown-key", "scenario: {s}\ndesign: grid\nparameters: {{iran_power_share: {{range: [0.2, 0.4]}}}}\n"
                    "outcomes: [us_left_iraq]\nreplicatons: 3\n",
     ["unknown key 'replicatons'", "replications", "line 5"]),
    ("unknown-parameter", "scenario: {s}\ndesign: grid\nparameters: {{iran_power_shar: {{range: [0.2, 0.4]}}}}\n"
                          "outcomes: [us_left_iraq]\n", ["unknown parameter 'iran_power_shar'", "iran_power_share"]),
    ("outside-range", "scenario: {s}\ndesign: lhs\nparameters:\n  iran_power_share: {{range: [0.1, 0.4]}}\n"
                      "outcomes: [us_left_iraq]\n", ["documented range", "allow_outside_range", "line 4"]),
    ("values-with-sobol", "scenario: {s}\ndesign: sobol\nsamples: 8\nparameters:\n"
                          "  iran_power_share: {{values: [0.2]}}\noutcomes: [us_left_iraq]\n",
     ["only work with design: grid"]),
    ("sobol-not-power-of-two", "scenario: {s}\ndesign: sobol\nsamples: 100\nparameters:\n"
                               "  iran_power_share: {{range: [0.2, 0.4]}}\noutcomes: [us_left_iraq]\n",
     ["power of two", "found 100", "64 or 128"]),
    ("unknown-design", "scenario: {s}\ndesign: sobl\nparameters: {{iran_power_share: {{range: [0.2, 0.4]}}}}\n"
                       "outcomes: [us_left_iraq]\n", ["unknown design 'sobl'", "sobol"]),
    ("unknown-outcome", "scenario: {s}\ndesign: grid\nparameters: {{iran_power_share: {{range: [0.2, 0.4]}}}}\n"
                        "outcomes: [us_left_irak]\n", ["unknown named outcome 'us_left_irak'", "us_left_iraq"]),
    ("unknown-metric", "scenario: {s}\ndesign: grid\nparameters: {{iran_power_share: {{range: [0.2, 0.4]}}}}\n"
                       "outcomes:\n  - {{name: x, metric: parallel_rat, stat: max}}\n", ["parallel_rate", "line 5"]),
    ("missing-threshold", "scenario: {s}\ndesign: grid\nparameters: {{iran_power_share: {{range: [0.2, 0.4]}}}}\n"
                          "outcomes:\n  - {{name: x, metric: parallel_rate, stat: ever_above}}\n",
     ["needs", "threshold"]),
    ("missing-scenario", "scenario: nowhere.yaml\ndesign: grid\n"
                         "parameters: {{iran_power_share: {{range: [0.2, 0.4]}}}}\noutcomes: [us_left_iraq]\n",
     ["does not exist", "line 1"]),
    ("python-tag", "scenario: !!python/object/apply:os.system ['true']\n", ["not allowed"]),
]


@pytest.mark.parametrize("text, fragments", [pytest.param(t, f, id=i) for i, t, f in BAD])
def test_bad_sweep_files_are_refused_with_a_clear_message(tmp_path, text, fragments):
    sweep = write(tmp_path, text.format(s=SCENARIOS / "baseline.yaml"))
    result = sim_sweep(sweep, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} missing from {result.output}"
    assert str(sweep) in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize("args, fragment", [(["--resume"], "--resume"), (["--workers", 0], "--workers"),
                                            (["--scheduler", "tcp://127.0.0.1:1", "--local-cluster", 2], "both")])
def test_bad_command_lines(tmp_path, args, fragment):
    result = sim_sweep(write(tmp_path, SMALL), *args)
    assert result.exit_code == 2 and fragment in result.output


@pytest.mark.parametrize("name", ["exit_map", "sobol_exit_currency", "morris_all"])
def test_shipped_sweeps_are_valid(name):
    spec = load(Path(__file__).resolve().parent.parent / "configs" / "sweeps" / f"{name}.yaml")
    assert spec.description and spec.worlds > 1000


def test_analyze_command_on_a_sweep_folder(tmp_path):
    out = tmp_path / "run"
    assert sim_sweep(write(tmp_path, SMALL), "--out", out, "--workers", 1).exit_code == 0
    summary = sim("analyze", str(out), "--outcome", "peak_parallel_rate")
    assert summary.exit_code == 0, summary.output
    assert "rows: iran_power_share, columns: us_dollar_access" in summary.output, "the 2-D map is missing"
    assert (out / "analysis" / "heatmap_peak_parallel_rate.png").exists()
    prim = sim("analyze", str(out), "--method", "prim", "--outcome", "peak_parallel_rate", "--threshold", "1800")
    assert prim.exit_code == 0 and "coverage" in prim.output, prim.output
    wrong = sim("analyze", str(out), "--method", "sobol")
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output and "grid" in wrong.output
    missing = sim("analyze", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2


def test_full_time_series_only_on_request(tmp_path):
    text = SMALL.replace("chunk_worlds: 25", "chunk_worlds: 25\ntimeseries: [parallel_rate, attacks_per_week]")
    out = tmp_path / "with_series"
    assert sim_sweep(write(tmp_path, text), "--out", out, "--workers", 2).exit_code == 0
    series = pd.read_parquet(out / "timeseries").sort_values(["world", "week"], ignore_index=True)
    assert list(series.columns) == ["world", "week", "parallel_rate", "attacks_per_week"]
    assert len(series) == 180 * 31 and series.groupby("world")["week"].max().eq(30).all()
    peaks = series[series.week > 0].groupby("world")["parallel_rate"].max().to_numpy()  # outcomes cover weeks 1..T
    np.testing.assert_allclose(peaks, results(out)["peak_parallel_rate"].to_numpy())
    plain = tmp_path / "without"
    assert sim_sweep(write(tmp_path, SMALL, "plain.yaml"), "--out", plain, "--workers", 1).exit_code == 0
    assert not (plain / "timeseries").exists(), "time series must not be kept unless asked for"
