"""Property tests: no parameter combination within the documented ranges breaks the model's invariants."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import LeverageModel
from simulator.model.events import ACTIONS, ScenarioEvent
from simulator.model.metrics import THREAT_LEVERS
from simulator.model.parameters import registry

SHARES = ["dollar_access", "waiver_active", "iran_power_share", "power_shortfall", "salary_coverage", "exit_pressure",
          "public_discontent", "escalation", "leverage_us_over_iraq", "leverage_iran_over_iraq",
          "leverage_iran_over_us", "leverage_us_over_iran", "us_domestic_pressure", "iraq_exit_request", "us_cudgel",
          "iran_escalating", "iran_restraining", "militias_holding_fire", "leverage_iraq_over_us",
          "leverage_iraq_over_militias", "dollar_sales", "dollar_measures", "iraq_enforcement", "gas_waiver_active",
          "electricity_waiver_active", "iran_supply"]
COUNTS = ["attacks_per_week", "us_strikes_per_week", "us_casualties_per_week", "attacks_kataib_hezbollah",
          "attacks_hardline_allies", "attacks_state_aligned"]
LEVERS = [("us_withdrawal", {"over_weeks": 6, "include_syria": True}),
          ("revoke_waivers", {"waiver": "gas", "duration": None}),
          ("restrict_dollars", {"access": 0.0, "duration": 10}), ("iraq_demands_withdrawal",
          {"pressure": 1.0, "hold_weeks": 8, "mobilisation": 5.0, "duration": None}),
          ("iran_escalation", {"duration": 20}), ("us_retaliation", {"posture": "heavy", "duration": 20}),
          ("militia_truce", {"duration": 5}), ("iran_gas_cut", {"fraction": 1.0, "duration": 30}),
          ("gaza_ceasefire", {}), ("iran_strike_on_iraq", {"severity": 5.0}),
          ("us_exit_response", {"response": "threaten", "duration": None}),
          ("restore_waivers", {"waiver": "both", "duration": None}),
          ("restore_dollars", {"measures": "all"}), ("gaza_war_resumes", {}),
          ("set_parameter", {"name": "iran_cut_fraction", "value": 1.0}),
          ("force", {"decision": "militia.posture.kataib_hezbollah", "option": "escalate", "duration": 10}),
          ("forbid", {"decision": "us.exit_response", "option": "timetable", "duration": None}),
          ("drawdown", {"location": "both", "to": 0.0, "over_weeks": 3}),
          ("agree_timetable", {"federal_weeks": 4, "kurdistan_weeks": 8}),
          ("threaten", {"lever": "iran_proxies", "weeks": 2, "follow_through": "always"}),
          ("execute_threat", {"lever": "us_dollars"}), ("declare_deterrence", {"duration": None}),
          ("mass_casualty_attack", {"casualties": 500.0}), ("targeted_killing", {"faction": "kataib_hezbollah",
                                                                                "severity": 5.0}),
          ("baghdad_militia_policy", {"policy": "press", "duration": 10}),
          ("us_administration", {"posture": "maximum_pressure"}),
          ("baghdad_withholds_pay", {"factions": "hardline", "share": 1.0, "duration": 10}),
          ("us_election", {"campaign_weeks": 8}),
          ("tighten_compliance", {"share": 1.0, "duration": None}), ("bar_banks", {"share": 0.6, "duration": 8}),
          ("designate_bank", {"share": None, "duration": None}), ("escrow_access", {"allowed": False}),
          ("oil_price_shock", {"price": 10.0, "duration": 20}),
          ("threaten", {"lever": "us_bank_bar", "weeks": 2, "follow_through": "always"})]


@st.composite
def parameter_sets(draw):
    """Each parameter at its low end, high end or anywhere in between."""
    values = {}
    for p in registry().values():
        choice = draw(st.sampled_from(["default", "low", "high", "any"]))
        if choice == "low":
            values[p.name] = p.low
        elif choice == "high":
            values[p.name] = p.high
        elif choice == "any":
            values[p.name] = draw(st.floats(p.low, p.high, allow_nan=False))
    return values


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=parameter_sets(), levers=st.lists(st.tuples(st.sampled_from(range(len(LEVERS))), st.integers(1, 30)),
                                                 max_size=4), seed=st.integers(0, 2**32))
def test_no_parameters_in_range_break_invariants(values, levers, seed):
    events = [ScenarioEvent(name=LEVERS[i][0], action=LEVERS[i][0], options=dict(LEVERS[i][1]), week=week)
              for i, week in levers]
    model = LeverageModel(worlds=6, seed=seed, weeks=36, events=events, **values).run()
    for name in model.recorder.data:
        s = model.recorder.series(name)
        assert np.all(np.isfinite(s)), f"{name} has NaN or infinity with {values} and levers {levers}"
    for name in SHARES:
        s = model.recorder.series(name)
        assert s.min() >= 0 and s.max() <= 1 + 1e-6, f"{name} left [0, 1]: {s.min()}..{s.max()}"
    for name in COUNTS:
        s = model.recorder.series(name)
        assert s.min() >= 0 and np.all(s == np.round(s)), f"{name} is not a non-negative count"
    troops = model.recorder.series("us_troops_iraq")
    assert troops.min() >= 0 and troops.max() <= model.p.us_troops_federal + model.p.us_troops_kurdistan + 1e-3
    for lever in THREAT_LEVERS:
        credibility = model.recorder.series(f"credibility_{lever}")
        assert credibility.min() >= 0 and credibility.max() <= 1, f"credibility of {lever} left [0, 1]"
    assert model.recorder.series("parallel_rate").min() > 0
    assert model.recorder.series("pmu_fighters").min() >= 0
    for name in ("cbi_reserves", "iran_escrow_balance", "iran_arrears", "oil_price", "iraq_alternative_supply"):
        assert model.recorder.series(name).min() >= -1e-6, f"{name} went negative"


def test_every_action_is_exercised_by_the_property_test():
    assert {name for name, _ in LEVERS} == set(ACTIONS), "add new actions to LEVERS"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**31), st.lists(st.tuples(st.sampled_from(["a", "b", "mood.x", "attacks.y"]),
                                                  st.integers(0, 4), st.booleans()), min_size=1, max_size=25))
def test_a_world_draws_the_same_numbers_however_and_with_whom_it_draws(seed, requests):
    """Counter-based streams: a world's uniform depends only on (seed, world id, week, stream), not on which other
    streams were drawn before or in the same block, nor on the other worlds, nor on `at`."""
    from simulator.model.random_streams import RandomStreams

    ids = np.array([3, 17, 4, 99, 250])
    streams = RandomStreams(seed, ids)
    for stream, week, partial in sorted(requests, key=lambda r: r[1]):  # weeks in order, as a model draws
        at = np.array([1, 3]) if partial else None
        got = streams.uniform(stream, week, at)
        alone = RandomStreams(seed, ids).uniform(stream, week)  # drawn on its own
        assert np.array_equal(got, alone if at is None else alone[at]), (stream, week, partial)
        bigger = RandomStreams(seed, np.arange(300)).uniform(stream, week)  # the same worlds among others
        assert np.array_equal(alone, bigger[ids])
        assert ((0.0 <= got) & (got < 1.0)).all()
        got[...] = -1.0  # a caller may work on its draw in place; later draws are not affected


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 7), st.integers(1, 40), st.sampled_from([np.float32, np.float64]), st.integers(0, 2**31),
       st.booleans(), st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6))
def test_row_quantiles_are_numpys_quantiles(rows, worlds, dtype, seed, blanks, q):
    """Band charts and the DataCollector take their quantiles from one sort of the recorded rows: the very numbers
    np.quantile gives, ties, NaN and one-world ensembles included."""
    from simulator.model.quantiles import row_quantiles

    rng = np.random.default_rng(seed)
    data = (rng.choice([0.0, 1.0, 2.5, -3.0], size=(rows, worlds)) * rng.random((rows, worlds))).astype(dtype)
    if blanks:
        data[rng.random(data.shape) < 0.1] = np.nan
    expected = np.quantile(data.astype(float), q, axis=1)
    assert np.array_equal(row_quantiles(data, q), expected, equal_nan=True)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([0.0, 1.0, 2.0, 0.5, np.nan]), min_size=1, max_size=12), st.integers(0, 2**31),
       st.booleans())
def test_the_event_log_tells_each_change_once_grouped_by_new_value(old, seed, scalar_old):
    """EventLog.changes: one record per new value, values in increasing order, worlds in order within a record; no
    record for worlds whose state did not change or became NaN (it has no value to tell)."""
    import datetime as dt

    from simulator.model.calendar import Calendar
    from simulator.model.event_log import EventLog

    rng = np.random.default_rng(seed)
    old = np.array(old)
    new = rng.choice([0.0, 1.0, 2.0, 0.5, np.nan], size=old.size)
    before = old[0] if scalar_old else old
    log = EventLog(np.arange(100, 100 + old.size))
    log.changes(3, before, new, "us", "kind", "to {new}")
    expected = []
    for value in sorted({v for v in new if not np.isnan(v)}):
        expected += [(w, f"to {value}") for w in range(old.size)
                     if new[w] == value and not (np.broadcast_to(before, old.shape)[w] == value)]
    got = log.columns(Calendar(dt.date(2024, 1, 15)))
    assert sorted(zip(got["world"] - 100, got["description"])) == sorted(expected)
    assert len(log) == len({text for _, text in expected}), "one record per new value"
