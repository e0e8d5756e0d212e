"""Same inputs and seed, same outputs; world results independent of ensemble size, chunking and agent order;
common random numbers between scenarios; a committed regression baseline."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS

from simulator import LeverageModel
from simulator.model.metrics import METRICS
from simulator.scenario import load


def all_series(model) -> dict:
    return {name: model.recorder.series(name).copy() for name in METRICS}


def assert_same(a: dict, b: dict, weeks=slice(None)):
    for name in METRICS:
        np.testing.assert_array_equal(a[name][weeks], b[name][weeks], err_msg=f"metric {name} differs")


def run_file(name, **overrides):
    from simulator.output.run import simulate

    return simulate(load(SCENARIOS / f"{name}.yaml").with_overrides(**overrides)).model


def test_same_seed_gives_identical_series_and_events():
    a, b = run_file("dollar_cudgel", worlds=120, seed=7), run_file("dollar_cudgel", worlds=120, seed=7)
    assert_same(all_series(a), all_series(b))
    assert a.events_frame().equals(b.events_frame())


def test_different_seeds_differ():
    a, b = run_file("baseline", worlds=50, seed=1), run_file("baseline", worlds=50, seed=2)
    assert not np.array_equal(a.recorder.series("attacks_per_week"), b.recorder.series("attacks_per_week"))


def test_a_world_does_not_depend_on_how_many_worlds_run_with_it():
    small, large = run_file("expulsion_push", worlds=40, seed=3), run_file("expulsion_push", worlds=300, seed=3)
    for name in METRICS:
        np.testing.assert_array_equal(small.recorder.series(name), large.recorder.series(name)[:, :40], err_msg=name)


def test_a_chunk_of_worlds_equals_the_same_worlds_in_one_big_run():
    whole = LeverageModel(worlds=90, seed=11, weeks=40).run()
    chunk = LeverageModel(worlds=30, seed=11, weeks=40, world_ids=np.arange(60, 90)).run()
    for name in METRICS:
        np.testing.assert_array_equal(chunk.recorder.series(name), whole.recorder.series(name)[:, 60:], err_msg=name)


def test_agent_activation_order_does_not_change_results():
    a = LeverageModel(worlds=60, seed=5, weeks=52)
    b = LeverageModel(worlds=60, seed=5, weeks=52)
    b.random.seed(999)  # reshuffles the order in which actors decide, nothing else
    assert_same(all_series(a.run()), all_series(b.run()))


def test_common_random_numbers_until_the_first_difference(tmp_path):
    late = tmp_path / "late_revocation.yaml"
    late.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nname: late\nevents:\n"
                    "  - {action: revoke_waivers, week: 26}\n")
    base, changed = run_file("baseline", worlds=200), load(late)
    from simulator.output.run import simulate

    changed = simulate(changed.with_overrides(worlds=200)).model
    a, b = all_series(base), all_series(changed)
    assert_same(a, b, weeks=slice(0, 26))
    assert not np.array_equal(a["waiver_active"][26], b["waiver_active"][26]), "the revocation had no effect at week 26"


def test_regression_baseline():
    """A fixed-seed summary committed in tests/data; regenerate only with scripts/update_regression_baseline.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("update", ROOT / "scripts" / "update_regression_baseline.py")
    update = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(update)
    expected = json.loads(update.BASELINE_FILE.read_text())
    actual = update.compute()
    assert expected.keys() == actual.keys()
    for scenario, metrics in expected.items():
        for key, value in metrics.items():
            assert actual[scenario][key] == pytest.approx(value, rel=1e-6, abs=1e-9), (
                f"{scenario}.{key} changed from {value} to {actual[scenario][key]}: if the model change is intended, "
                f"run scripts/update_regression_baseline.py and commit the new baseline")
