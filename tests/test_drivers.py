"""Outside drivers: EMA Workbench and SALib run the model through simulator.drivers and get the project's numbers."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
from conftest import SCENARIOS

from simulator import LeverageModel
from simulator.drivers import ema_function, run_point, run_points, world_mean
from simulator.errors import UserError

BASELINE = SCENARIOS / "baseline.yaml"
SEED = 4242
OUTCOMES = ["us_used_dollar_cudgel", "iraq_requested_withdrawal", "mean_attacks_per_week", "peak_parallel_rate"]


def project_means(worlds, weeks, **params) -> dict:
    """What the project computes itself for one point: per-world outcomes, then their means (shares of worlds)."""
    table = LeverageModel.from_scenario(BASELINE, worlds=worlds, seed=SEED, weeks=weeks, **params).run().outcomes()
    return {name: float(table[name].mean()) for name in OUTCOMES}


def test_run_point_is_the_project_computation():
    point = {"us_dollar_access": np.float64(0.6), "iran_power_share": 0.3}
    got = run_point(point, scenario=BASELINE, worlds=40, seed=SEED, outcomes=OUTCOMES, weeks=20)
    assert got == project_means(40, 20, us_dollar_access=0.6, iran_power_share=0.3)
    per_world = run_point(point, scenario=BASELINE, worlds=40, seed=SEED, outcomes=OUTCOMES, weeks=20,
                          per_world=True)
    assert {k: world_mean(v) for k, v in per_world.items()} == got
    assert all(v.shape == (40,) for v in per_world.values())


def test_ema_function_pickles_and_checks_outcome_names():
    function = ema_function(BASELINE, OUTCOMES, worlds=10, seed=SEED, weeks=5)
    assert pickle.loads(pickle.dumps(function)) == function
    with pytest.raises(UserError, match="peak_parallel_rate"):
        ema_function(BASELINE, ["peak_paralel_rate"])


def test_ema_workbench_experiments_equal_the_project_outcomes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed" and friends
        from ema_workbench import Model, RealParameter, ScalarOutcome, SequentialEvaluator, perform_experiments

    worlds, weeks = 100, 52
    model = Model("leverage", function=ema_function(BASELINE, OUTCOMES, worlds=worlds, seed=SEED, weeks=weeks))
    model.uncertainties = [RealParameter("us_dollar_access", 0.3, 1.0), RealParameter("iran_power_share", 0.2, 0.45)]
    model.outcomes = [ScalarOutcome(name) for name in OUTCOMES]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with SequentialEvaluator(model) as evaluator:
            experiments, outcomes = perform_experiments(model, scenarios=4, evaluator=evaluator)

    assert len(experiments) == 4 and set(outcomes) == set(OUTCOMES)
    for i, row in experiments.iterrows():
        expected = project_means(worlds, weeks, us_dollar_access=row["us_dollar_access"],
                                 iran_power_share=row["iran_power_share"])
        for name in OUTCOMES:
            assert outcomes[name][i] == expected[name], (i, name)
    # the uncertainty matters: less dollar access, a higher peak parallel rate
    order = np.argsort(experiments["us_dollar_access"].to_numpy())
    assert outcomes["peak_parallel_rate"][order[0]] > outcomes["peak_parallel_rate"][order[-1]]


def test_salib_recipe_gives_finite_sobol_indices():
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    problem = {"num_vars": 3, "names": ["us_dollar_access", "iran_power_share", "militia_kh_attack_rate"],
               "bounds": [[0.3, 1.0], [0.2, 0.45], [0.5, 8.0]]}
    X = sobol_sample.sample(problem, 4, calc_second_order=False, seed=1)
    Y = np.array([run_point(dict(zip(problem["names"], x)), scenario=BASELINE, worlds=10, seed=SEED, weeks=12,
                            outcomes=["peak_parallel_rate"])["peak_parallel_rate"] for x in X])
    si = sobol.analyze(problem, Y, calc_second_order=False, seed=1)
    assert np.isfinite(si["S1"]).all() and np.isfinite(si["ST"]).all()
    # the recipe's faster path: every point in one ensemble (two here), the same numbers
    together = run_points(X, problem["names"], scenario=BASELINE, worlds=10, seed=SEED, weeks=12,
                          outcomes=["peak_parallel_rate"], chunk_worlds=100)
    assert np.array_equal(together["peak_parallel_rate"].to_numpy(), Y)
