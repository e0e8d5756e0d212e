"""LeverageModel behaves the way Mesa users will try it."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from simulator import LeverageModel
from simulator.errors import UserError
from simulator.model.model import REPORTED, reporter_names


def test_stepping_by_hand_with_one_world():
    model = LeverageModel(seed=1)
    assert model.worlds == 1 and model.week == 0
    for _ in range(10):
        model.step()
    assert model.week == 10
    assert model.metric("us_troops_iraq").shape == (1,)
    assert {type(a).__name__ for a in model.agents} == {"UnitedStates", "Iran", "IraqiGovernment", "MilitiaFaction"}
    assert len(model.agents_by_type[type(model.factions[0])]) >= 2


def test_model_stops_at_its_horizon():
    model = LeverageModel(worlds=3, seed=1, weeks=5).run()
    assert model.week == 5 and not model.running
    model.step()
    assert model.week == 5, "stepping past the horizon must not advance"


def test_builtin_datacollector_reports_spread_over_worlds():
    model = LeverageModel(worlds=20, seed=2, weeks=8).run()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == reporter_names() and len(frame) == 9
    assert list(frame.columns[:4]) == ["us_troops_iraq", "us_troops_iraq_p5", "us_troops_iraq_p95",
                                       "us_troops_iraq_mean"]
    assert frame["us_troops_iraq"].iloc[0] == 2500
    assert frame["attacks_per_week_mean"].iloc[1:].mean() > 0
    assert (frame["attacks_per_week_p5"] <= frame["attacks_per_week"]).all()
    assert (frame["attacks_per_week"] <= frame["attacks_per_week_p95"]).all()


@pytest.mark.parametrize("worlds", [1, 2, 37, 400])
def test_datacollector_spread_equals_numpy_on_the_recorded_rows(worlds):
    model = LeverageModel(worlds=worlds, seed=9, weeks=30).run()
    frame = model.datacollector.get_model_vars_dataframe()
    for name in REPORTED:
        rows = model.recorder.series(name).astype(np.float64)
        p5, median, p95 = np.quantile(rows, [0.05, 0.5, 0.95], axis=1)
        assert np.array_equal(frame[name].to_numpy(), median), name
        assert np.array_equal(frame[f"{name}_p5"].to_numpy(), p5), name
        assert np.array_equal(frame[f"{name}_p95"].to_numpy(), p95), name
        np.testing.assert_allclose(frame[f"{name}_mean"].to_numpy(), rows.mean(axis=1), rtol=1e-12, err_msg=name)


def test_datacollector_reporters_pickle():
    import pickle

    model = LeverageModel(worlds=5, seed=1, weeks=2)
    reporters = pickle.loads(pickle.dumps(model.datacollector.model_reporters))
    model.run()
    model._reported_spread = None
    assert reporters["parallel_rate_p95"](model) == model.datacollector.model_vars["parallel_rate_p95"][-1]


def test_user_datacollector_with_model_reporters():
    model = LeverageModel(worlds=50, seed=3, weeks=12)
    collector = mesa.DataCollector(model_reporters={
        "median_rate": lambda m: float(np.median(m.metric("parallel_rate"))),
        "attacks": lambda m: float(m.metric("attacks_per_week").sum())})
    for _ in range(12):
        model.step()
        collector.collect(model)
    frame = collector.get_model_vars_dataframe()
    assert len(frame) == 12 and frame["median_rate"].between(1300, 2000).all()


def test_batch_run_returns_parameters_and_reporters():
    results = mesa.batch_run(LeverageModel, parameters={"us_dollar_access": [1.0, 0.3], "seed": [1, 2]},
                             max_steps=52, number_processes=1, display_progress=False)
    frame = __import__("pandas").DataFrame(results)
    assert {"us_dollar_access", "seed", "Step", "parallel_rate", "attacks_per_week", "parallel_rate_p5",
            "parallel_rate_p95", "parallel_rate_mean"} <= set(frame.columns)
    last = frame[frame["Step"] == frame["Step"].max()]
    assert len(last) == 4, "one final row per (dollar access, seed) combination"
    low, high = (last[last.us_dollar_access == v].parallel_rate.mean() for v in (0.3, 1.0))
    assert low > 1.08 * high, "a lower dollar access should show a higher parallel rate in batch_run results"


def test_per_world_parameter_values():
    model = LeverageModel(worlds=3, seed=4, weeks=20, us_dollar_access=np.array([1.0, 0.6, 0.2])).run()
    rates = model.metric("parallel_rate")
    assert rates[0] < rates[1] < rates[2]


def test_unknown_parameter_is_refused_with_suggestion():
    with pytest.raises(UserError, match="us_troops_federal"):
        LeverageModel(us_troop_iraq=100)
    with pytest.raises(UserError, match="range"):
        LeverageModel(iran_power_share=0.9)


def test_a_finished_model_can_be_freed():
    """Mesa 3.3 keeps models alive through a class-level id counter; ours releases it (sweeps build many models)."""
    import gc
    import weakref

    ref = weakref.ref(LeverageModel(worlds=10, seed=1, weeks=3).run())
    gc.collect()
    assert ref() is None, "the model is still referenced after it went out of scope"
