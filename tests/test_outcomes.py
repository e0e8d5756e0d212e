"""The outcome vocabulary: one definition, and every consumer (run summary, sweep, compare, predictions, dashboard)
gives the same value for the same worlds, with default and with non-default initial states."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import SCENARIOS
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model import outcomes as vocabulary
from simulator.model.outcomes import OUTCOMES, OutcomeTracker, from_series, share_interval

WORLDS, SEED = 120, 7


def _scenario_file(tmp_path, parameters: dict):
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump({"extends": str(SCENARIOS / "expulsion_push.yaml"), "name": "case",
                                    "worlds": WORLDS, "seed": SEED, "parameters": parameters}))
    return path


def _sweep(tmp_path, scenario_file, parameters: dict):
    from simulator.model.parameters import registry
    from simulator.sweeps import spec as specs
    from simulator.sweeps.folder import read
    from simulator.sweeps.runner import run_sweep

    name, value = (next(iter(parameters.items())) if parameters
                   else ("us_rationality", registry()["us_rationality"].default))
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({
        "scenario": str(scenario_file), "design": "grid", "replications": WORLDS, "seed": SEED,
        "parameters": {name: {"values": [value]}}, "outcomes": list(OUTCOMES)}))
    report = run_sweep(specs.load(path), tmp_path / "sweep", workers=1)
    assert not report.failed, report.failed
    return read(tmp_path / "sweep").worlds.sort_values("world", ignore_index=True)


@pytest.mark.parametrize("parameters", [{}, {"us_troops_federal": 1000.0, "iraq_parallel_rate_initial": 1650.0}],
                         ids=["defaults", "non-default initial state"])
def test_every_consumer_gives_the_same_outcomes(tmp_path, parameters):
    from simulator import scenario as scenarios
    from simulator.comparison.statistics import HEADLINES, compare
    from simulator.interfaces.dashboard import stats
    from simulator.output import predictions
    from simulator.output.run import simulate
    from simulator.output.summary import summarize

    file = _scenario_file(tmp_path, parameters)
    model = simulate(scenarios.load(file)).model
    per_world = vocabulary.table(model)

    summary = summarize(model)
    for name, o in OUTCOMES.items():
        entry = summary["outcomes"][name]
        if o.is_event:
            assert (entry["share"], entry["low"], entry["high"]) == share_interval(per_world[name]), name
        else:
            assert (entry["median"], entry["p5"], entry["p95"]) == vocabulary.band(per_world[name]), name

    swept = _sweep(tmp_path, file, parameters)
    assert swept["world"].tolist() == per_world["world"].tolist()
    for name in OUTCOMES:
        assert np.array_equal(swept[name].to_numpy(), per_world[name].to_numpy(), equal_nan=True), (
            f"{name}: the sweep and `sim run` disagree on the same worlds")

    for row in compare(model, model, "case"):
        assert row["baseline_value"] == float(np.mean(per_world[row["key"]])), row["key"]
    assert {h.key for h in HEADLINES} <= set(OUTCOMES)

    guesses = {"entries": [{"name": "A", "predictions": {key: q.low for key, q in predictions.QUESTIONS.items()}}]}
    answers = stats.answers(model)
    for row in predictions.reveal(model, guesses):
        q = predictions.QUESTIONS[row["outcome"]]
        values = per_world[q.outcome]
        expected = [100 * v for v in share_interval(values)] if q.share else list(vocabulary.band(values))
        assert [row["median"], row["p5"], row["p95"]] == expected, row["outcome"]
        answer = answers[row["outcome"]]
        assert [answer.median, answer.p5, answer.p95] == expected, f"dashboard: {row['outcome']}"

    if parameters:  # relative to the run's own start: troops at 2,000 with no lever pulled is no withdrawal
        assert summary["metrics"]["us_troops_iraq"]["final"]["p5"] <= 2000.0
        assert per_world["us_withdrawal_began"].mean() == (per_world["final_us_troops_iraq"] < 2000).mean()


def test_events_are_crossings_relative_to_the_start():
    weeks = np.array([[1.0, 1.0], [0.6, 1.2], [0.3, 0.9]])  # (weeks + 1, worlds): week 0 first
    series = {"dollar_access": weeks, "us_troops_iraq": np.array([[10.0, 0.0], [5.0, 0.0], [0.0, 0.0]])}
    got = from_series(series.__getitem__, vocabulary.resolve(["dollar_access_restricted", "us_left_iraq",
                                                              "us_withdrawal_began"]))
    assert got["dollar_access_restricted"].tolist() == [1.0, 0.0], "0.9 is not below 90% of 1.0; 0.3 is"
    assert got["us_left_iraq"].tolist() == [1.0, 0.0], "no troops at the start means none left during the run"
    assert got["us_withdrawal_began"].tolist() == [1.0, 0.0]


def test_tracker_statistics_over_weeks_one_to_t():
    outcomes = {s: vocabulary.Outcome("m", s, threshold) for s, threshold in
                [("final", None), ("mean", None), ("max", None), ("min", None), ("sum", None),
                 ("first_week_above", 2.5), ("final_above", 2.5)]}
    tracker = OutcomeTracker(outcomes, {"m": np.array([10.0])})  # week 0 is not part of the run statistics
    for week, value in enumerate([1.0, 3.0, 2.0], start=1):
        tracker.update({"m": np.array([value])}, week)
    got = {k: float(v[0]) if not np.isnan(v[0]) else None for k, v in tracker.results().items()}
    assert got == {"final": 2.0, "mean": 2.0, "max": 3.0, "min": 1.0, "sum": 6.0, "first_week_above": None,
                   "final_above": 0.0}, "10 at week 0 is already above 2.5, so nothing crosses it"


@pytest.mark.parametrize("hits,expected", [([0] * 50, (0.0, 0.0, 0.0513)), ([1] * 50, (1.0, 0.9487, 1.0)),
                                           ([0, 1] * 50, (0.5, 0.4188, 0.5812))])
def test_share_interval_is_wilson(hits, expected):
    share, low, high = share_interval(hits)
    assert (share, round(low, 4), round(high, 4)) == expected
    assert 0.0 <= low <= share <= high <= 1.0


def test_share_interval_of_no_worlds_is_empty_not_zero():
    assert all(np.isnan(share_interval([])))


def test_outcome_table_of_an_unrecorded_model_is_a_user_error():
    from simulator.errors import UserError
    from simulator.model import LeverageModel

    with pytest.raises(UserError, match="record=False"):
        vocabulary.table(LeverageModel(worlds=3, seed=1, weeks=2, record=False).run())


def test_units_of_outcomes():
    assert OUTCOMES["us_left_iraq"].unit == "share of worlds"
    assert OUTCOMES["total_us_casualties"].unit == "casualties"
    assert OUTCOMES["peak_parallel_rate"].unit == "IQD per USD"
    assert isinstance(pd.DataFrame({k: [o.description] for k, o in OUTCOMES.items()}), pd.DataFrame)


def test_docs_outcomes_is_in_sync():
    from conftest import ROOT

    assert (ROOT / "docs" / "outcomes.md").read_text() == vocabulary.to_markdown(), (
        "docs/outcomes.md is stale: regenerate it with "
        "python -c 'from simulator.model.outcomes import to_markdown; print(to_markdown(), end=\"\")' "
        "> docs/outcomes.md")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 12), st.integers(1, 5), st.integers(0, 2**32 - 1), st.booleans())
def test_the_whole_run_at_once_gives_the_weekly_tracker_bit_for_bit(weeks, worlds, seed, blanks):
    """from_series takes every week in one update; sweeps feed the tracker a week at a time. Same numbers, to the bit
    (sums added in the same order, first weeks counted alike), with NaN, -0.0 and ties in the data."""
    rng = np.random.default_rng(seed)
    data = rng.choice([-1.0, -0.0, 0.0, 0.5, 2.5, 3.0, 7.0], size=(weeks + 1, worlds)) * rng.random((weeks + 1, worlds))
    if blanks:
        data[rng.random(data.shape) < 0.2] = np.nan
    outcomes = {f"{stat}:{t}:{rel}": vocabulary.Outcome("m", stat, t, rel)
                for stat in vocabulary.STATS for t, rel in ([(None, False)] if stat in vocabulary.VALUE_STATS
                                                            else [(0.4, False), (0.9, True)])}
    tracker = OutcomeTracker(outcomes, {"m": data[0]})
    for week in range(1, weeks + 1):
        tracker.update({"m": data[week]}, week)
    weekly, whole = tracker.results(), from_series({"m": data}.__getitem__, outcomes)
    for name in outcomes:
        assert weekly[name].tobytes() == whole[name].tobytes(), (name, weekly[name], whole[name])


def test_first_week_and_sums_over_a_whole_run_at_once():
    data = np.array([[0.0, 9.0], [1.0, 0.1], [3.0, 0.2], [2.0, 5.0]])  # weeks 0-3, two worlds
    outcomes = {"first": vocabulary.Outcome("m", "first_week_above", 2.5),
                "below": vocabulary.Outcome("m", "first_week_below", 0.5, relative=True),
                "sum": vocabulary.Outcome("m", "sum"), "mean": vocabulary.Outcome("m", "mean")}
    got = from_series({"m": data}.__getitem__, outcomes)
    assert got["first"].tolist()[0] == 2.0 and np.isnan(got["first"][1]), "week 2 crosses 2.5; world 2 starts above"
    assert np.isnan(got["below"][0]) and got["below"][1] == 1.0, "0.1 is below half of 9.0 in week 1"
    assert got["sum"].tolist() == [6.0, 5.3] and got["mean"].tolist() == [2.0, 5.3 / 3]
