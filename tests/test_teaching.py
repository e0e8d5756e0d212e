"""Teaching tools: paired comparison against a baseline, and predict-then-reveal."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, run_scenario, sim

from simulator.comparison.statistics import HEADLINES, compare, paired


def test_paired_difference_statistics():
    base = np.array([1.0, 2.0, 3.0, 4.0])
    stats = paired(base, base + np.array([1.0, 1.0, 1.0, 1.0]))
    assert stats["mean_difference"] == 1.0 and stats["ci90_low"] == stats["ci90_high"] == 1.0
    assert stats["distinguishable"] and stats["share_higher"] == 1.0 and stats["share_lower"] == 0.0
    noisy = paired(np.zeros(4), np.array([1.0, -1.0, 1.0, -1.0]))
    assert noisy["ci90_low"] < 0 < noisy["ci90_high"] and not noisy["distinguishable"]
    assert noisy["share_higher"] == noisy["share_lower"] == 0.5


def test_a_scenario_identical_to_the_baseline_gives_zero_differences():
    base = run_scenario("baseline")
    for row in compare(base, base, "baseline"):
        assert row["mean_difference"] == 0 and row["share_higher"] == row["share_lower"] == 0, row
        assert not row["distinguishable"] and "indistinguishable" in row["verdict"]


def test_withdrawal_against_baseline_is_paired_and_directional():
    rows = {r["key"]: r for r in compare(run_scenario("baseline"), run_scenario("withdrawal"), "withdrawal")}
    assert {h.key for h in HEADLINES} == set(rows)
    assert rows["mean_attacks_per_week"]["distinguishable"] and rows["mean_attacks_per_week"]["mean_difference"] < 0
    assert rows["mean_attacks_per_week"]["verdict"] == "lower (better)"
    assert rows["us_left_iraq"]["scenario_value"] == 1.0 and rows["final_leverage_us_over_iraq"]["mean_difference"] < 0


def test_compare_command_writes_a_comparison_folder(tmp_path):
    out = tmp_path / "cmp"
    result = sim("compare", SCENARIOS / "expulsion_push.yaml", SCENARIOS / "dollar_cudgel.yaml",
                    SCENARIOS / "expulsion_push.yaml", "--worlds", 80, "--out", out)
    assert result.exit_code == 2 and "names must differ" in result.output, "the same scenario twice is ambiguous"
    result = sim("compare", SCENARIOS / "expulsion_push.yaml", SCENARIOS / "dollar_cudgel.yaml",
                    SCENARIOS / "truce.yaml", "--worlds", 80, "--out", out)
    assert result.exit_code == 0, result.output
    assert "dollar_cudgel vs expulsion_push" in result.output and "truce vs expulsion_push" in result.output
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == 2 * len(HEADLINES)
    assert {"scenario", "label", "mean_difference", "ci90_low", "ci90_high", "share_higher", "share_lower",
            "verdict"} <= set(table.columns)
    meta = json.loads((out / "comparison.json").read_text())
    assert meta["baseline"] == "expulsion_push" and meta["worlds"] == 80 and len(meta["rows"]) == len(table)
    for name in ("expulsion_push", "dollar_cudgel", "truce"):
        manifest = json.loads((out / "runs" / name / "manifest.json").read_text())
        assert manifest["seed"] == meta["seed"] and manifest["worlds"] == 80, "scenarios must share seed and worlds"
        assert (out / "runs" / name / "summary.json").exists()
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["compare_key_metrics.png", "compare_leverage.png"]
    again = sim("compare", SCENARIOS / "baseline.yaml", SCENARIOS / "truce.yaml", "--out", out)
    assert again.exit_code == 2 and "already exists" in again.output
    missing = sim("compare", SCENARIOS / "baseline.yaml", tmp_path / "nope.yaml", "--out", tmp_path / "x")
    assert missing.exit_code == 2 and "nope.yaml" in missing.output


def test_predict_then_reveal(tmp_path):
    file = tmp_path / "class.json"
    scenario = SCENARIOS / "withdrawal.yaml"
    first = sim("predict", scenario, "--name", "Group A", "--file", file, "--set", "us_left_iraq=90",
                   "--set", "mean_attacks_per_week=0.5")
    assert first.exit_code == 0, first.output
    prompted = sim("predict", scenario, "--name", "Group B", "--file", file, input="50\n1800\n4\n13\n")
    assert prompted.exit_code == 0, prompted.output
    data = json.loads(file.read_text())
    assert data["scenario"] == "withdrawal" and [e["name"] for e in data["entries"]] == ["Group A", "Group B"]
    assert data["entries"][1]["predictions"] == {"us_left_iraq": 50.0, "peak_parallel_rate": 1800.0,
                                                 "mean_attacks_per_week": 4.0, "iran_revenue": 13.0}

    out = tmp_path / "run"
    result = sim("run", scenario, "--worlds", 60, "--out", out, "--no-figures", "--predictions", file)
    assert result.exit_code == 0, result.output
    assert "Predictions against the model" in result.output and "Group B" in result.output
    reveal = json.loads((out / "predictions.json").read_text())["reveal"]
    left = next(r for r in reveal if r["name"] == "Group A" and r["outcome"] == "us_left_iraq")
    assert left["median"] == 100.0 and not left["inside_band"], "all worlds withdraw: 90% is below the model's share"
    attacks = next(r for r in reveal if r["name"] == "Group B" and r["outcome"] == "mean_attacks_per_week")
    assert attacks["p5"] <= attacks["median"] <= attacks["p95"] and 0 <= attacks["percentile"] <= 100


@pytest.mark.parametrize("args, fragment", [
    (["--set", "us_left_iraq=150"], "from 0% to 100%"),
    (["--set", "us_left=50"], "unknown"),
    (["--set", "us_left_iraq=lots"], "found 'lots'"),
    (["--set", "us_left_iraq"], "KEY=NUMBER"),
    (["--set", "peak_parallel_rate=1600%"], "a number of IQD per USD from 1,000 to 10,000"),
    (["--set", "mean_attacks_per_week=nan"], "found 'nan'"),
])
def test_bad_predictions_are_refused(tmp_path, args, fragment):
    result = sim("predict", SCENARIOS / "truce.yaml", "--name", "A", "--file", tmp_path / "p.json", *args)
    assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output
    assert not (tmp_path / "p.json").exists()


def test_reveal_refuses_a_wrong_or_broken_predictions_file(tmp_path):
    file = tmp_path / "p.json"
    assert sim("predict", SCENARIOS / "truce.yaml", "--name", "A", "--file", file, "--set",
                  "us_left_iraq=5").exit_code == 0
    wrong = sim("run", SCENARIOS / "withdrawal.yaml", "--worlds", 10, "--out", tmp_path / "r", "--predictions", file)
    assert wrong.exit_code == 2 and "'truce'" in wrong.output and not (tmp_path / "r").exists()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    bad = sim("run", SCENARIOS / "truce.yaml", "--worlds", 10, "--out", tmp_path / "r2", "--predictions", broken)
    assert bad.exit_code == 2 and "line 1" in bad.output
