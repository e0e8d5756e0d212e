"""Scenario events: scheduled and triggered firing, once or repeating, forcing and forbidding options, and the
levers the issue names (Gaza as an exogenous driver, Iranian strikes angering Baghdad)."""

from __future__ import annotations

import numpy as np
from conftest import SCENARIOS

from simulator import LeverageModel
from simulator.model.events import ScenarioEvent, Trigger
from simulator.output.run import simulate
from simulator.scenario import load

WORLDS = 300


def run(events, weeks=60, worlds=WORLDS, **params):
    return LeverageModel(worlds=worlds, seed=21, weeks=weeks, events=events, **params).run()


def fired_weeks(model, action):
    frame = model.events_frame()
    return frame[frame["kind"] == action]


def test_triggered_event_fires_once_per_world_only_where_its_condition_held():
    trigger = Trigger("exit_pressure", above=0.5, for_weeks=2, after_week=5)
    event = ScenarioEvent("dollar squeeze", "restrict_dollars", {"access": 0.4, "duration": 10}, when=trigger)
    demand = ScenarioEvent("demand", "iraq_demands_withdrawal", {"pressure": 0.9, "hold_weeks": 4,
                                                                 "mobilisation": 0.0, "duration": 1}, week=3)
    model = run([demand, event])
    fired = fired_weeks(model, "restrict_dollars")
    assert fired["world"].is_unique, "a once-only event fired twice in a world"
    assert len(fired) > 0.9 * WORLDS and fired["week"].min() >= 5
    pressure = model.recorder.series("exit_pressure")
    for world, week in fired[["world", "week"]].itertuples(index=False):
        assert pressure[week - 1, world] > 0.5 and pressure[week - 2, world] > 0.5, "fired without its condition"
    access = model.recorder.series("dollar_access")
    assert np.median(access[fired["week"].min() + 4]) < 0.6


def test_repeating_events():
    scheduled = ScenarioEvent("Erbil-like strike", "iran_strike_on_iraq", {"severity": 1.0}, week=4, repeat=True,
                              every=10)
    model = run([scheduled], weeks=40, worlds=5)
    assert sorted(fired_weeks(model, "iran_strike_on_iraq")["week"].unique()) == [4, 14, 24, 34]
    trigger = ScenarioEvent("keep squeezing", "restrict_dollars", {"access": 0.5, "duration": 2},
                            when=Trigger("parallel_rate", below=10_000), repeat=True, every=5)
    model = run([trigger], weeks=30, worlds=5)
    weeks = fired_weeks(model, "restrict_dollars").groupby("world")["week"].apply(list)
    assert all(w == [1, 6, 11, 16, 21, 26] for w in weeks), weeks


def test_forbidding_an_option_means_it_is_never_chosen_and_forcing_means_always():
    forbid = ScenarioEvent("no strikes", "forbid", {"decision": "us.retaliation", "option": "proportional",
                                                    "duration": None}, week=1)
    forbid_heavy = ScenarioEvent("no campaign", "forbid", {"decision": "us.retaliation", "option": "heavy",
                                                           "duration": None}, week=1)
    model = run([forbid, forbid_heavy], weeks=30)
    assert model.recorder.series("us_strikes_per_week").max() == 0, "the US struck although strikes were forbidden"
    force = ScenarioEvent("escalate", "force", {"decision": "militia.posture.kataib_hezbollah", "option": "escalate",
                                                "duration": 10}, week=2)
    model = run([force], weeks=20)
    kh = model.factions[0]
    assert kh.name == "kataib_hezbollah"
    log = fired_weeks(model, "militia.posture.kataib_hezbollah")
    assert not ((log.week > 2) & (log.week < 12)).any(), "a forced posture changed while it was forced"


def test_gaza_ceasefire_lowers_attacks():
    ceasefire = ScenarioEvent("ceasefire", "gaza_ceasefire", {}, week=4)
    base, calm = run([]), run([ceasefire])
    window = slice(10, 60)
    assert (calm.recorder.series("attacks_per_week")[window].mean()
            < 0.7 * base.recorder.series("attacks_per_week")[window].mean())


def test_iranian_strike_angers_baghdad_at_iran_and_lowers_exit_pressure():
    strike = ScenarioEvent("strike on Erbil", "iran_strike_on_iraq", {"severity": 3.0}, week=4)
    base, struck = run([]), run([strike])
    window = slice(6, 20)
    diff = (struck.recorder.series("exit_pressure")[window].mean(0)
            - base.recorder.series("exit_pressure")[window].mean(0))
    assert np.median(diff) < -0.02, f"exit pressure changed by {np.median(diff):.3f} after an Iranian strike"


def test_set_parameter_changes_behaviour_from_that_week():
    more_alternatives = ScenarioEvent("interconnector", "set_parameter", {"name": "iraq_alternatives_gw_per_year",
                                                                         "value": 3.0}, week=10)
    base, changed = run([], weeks=80), run([more_alternatives], weeks=80)
    np.testing.assert_array_equal(base.recorder.series("power_shortfall")[:10],
                                  changed.recorder.series("power_shortfall")[:10])
    assert changed.recorder.series("power_shortfall")[70:].mean() < base.recorder.series("power_shortfall")[70:].mean()


def test_extends_merges_parameters_and_appends_events(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {SCENARIOS / 'dollar_cudgel.yaml'}\nname: child\nworlds: 50\n"
                     "parameters: {iran_power_share: 0.3}\nevents:\n  - {action: gaza_ceasefire, week: 30}\n")
    spec = load(child)
    assert spec.name == "child" and spec.worlds == 50 and spec.weeks == 104
    assert spec.parameters == {"iran_power_share": 0.3}
    assert [e.action for e in spec.events] == ["iraq_demands_withdrawal", "threaten", "threaten", "us_exit_response",
                                               "gaza_ceasefire"]
    assert len(spec.files) == 3 and spec.files[-1] == child
    model = simulate(spec).model
    assert np.isclose(model.recorder.series("iran_power_share")[0], 0.3).all()
