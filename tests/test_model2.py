"""Model 2, part 1: threats and credibility, graded and split presence, militias with memory, Baghdad's levers,
the steady state of the baseline, and extreme conditions (Sterman's confidence tests)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import SCENARIOS, run_scenario, series
from test_patterns import complied_by, share_of_worlds

from simulator.model import LeverageModel
from simulator.model.events import ScenarioEvent

WORLDS = 300


def run(events=(), weeks=104, **parameters):
    return LeverageModel(worlds=WORLDS, seed=11, weeks=weeks, events=list(events), allow_outside_range=True,
                         **parameters).run()


def event(action, week, **options):
    from simulator.model.events import ACTIONS

    full = {k: o.default for k, o in ACTIONS[action].options.items()}
    full.update(options)
    return ScenarioEvent(action, action, full, week=week)


# ------------------------------------------------------------------------------------------------- steady state
def test_baseline_is_a_documented_steady_state():
    """With no lever pulled, slow variables stay near where they start over 104 weeks (same season: January)."""
    m = run_scenario("baseline")
    start, end = (lambda n: np.median(series(m, n)[0])), (lambda n: np.median(series(m, n)[-1]))
    for name, bound in [("public_discontent", 0.1), ("exit_pressure", 0.1), ("iraq_inclusion", 0.1),
                        ("credibility_us_dollars", 0.1)]:
        assert abs(end(name) - start(name)) <= bound, f"{name} drifted from {start(name):.3f} to {end(name):.3f}"
    grievance = end("sovereignty_grievance") / start("sovereignty_grievance")
    assert 0.5 <= grievance <= 1.5, f"grievance moved by a factor {grievance:.2f}"
    assert abs(end("parallel_rate") / start("parallel_rate") - 1) < 0.05
    first, last = (np.median(series(m, "attacks_per_week")[s].mean(axis=0)) for s in (slice(1, 14), slice(-26, None)))
    assert 0.4 <= last / first <= 1.5, f"attacks went from {first:.1f} to {last:.1f} a week with nothing pulled"


# ------------------------------------------------------------------------------------------ extreme conditions
def test_no_us_troops_means_no_attacks_on_them_and_no_exit_demand():
    m = run(us_troops_federal=0.0, us_troops_kurdistan=0.0)
    assert series(m, "attacks_per_week")[1:].sum() == 0, "attacks on US forces that are not there"
    assert series(m, "iraq_exit_request").max() == 0, "Baghdad demanded the exit of forces that are not there"
    assert series(m, "us_casualties_per_week").sum() == 0


def test_zero_militia_capacity_means_zero_attacks():
    m = run(militia_kh_attack_rate=0.0, militia_allies_attack_rate=0.0, militia_mainstream_attack_rate=0.0)
    assert series(m, "attacks_per_week").sum() == 0


def test_an_unexecuted_threat_restricts_no_dollars():
    m = run([event("threaten", 4, lever="us_dollars", weeks=8, follow_through="never"),
             event("forbid", 1, decision="us.exit_response", option="threaten")])
    assert series(m, "us_cudgel").max() == 0, "a threat that is never carried out squeezed dollars"
    assert series(m, "dollar_access").min() >= m.p.us_reduced_facilitation_access - 1e-9
    assert series(m, "threat_us_dollars")[5:12].min() == 1 and series(m, "threat_us_dollars")[13:].max() == 0


def test_no_kurdistan_troops_means_no_supply_route_to_syria():
    m = run(us_troops_kurdistan=0.0)
    assert np.median(series(m, "us_troops_syria")[-1]) < np.median(series(run(), "us_troops_syria")[-1]) - 100, (
        "without Erbil the Syria garrison should shrink")


# ------------------------------------------------------------------------------------------ threats, credibility
def test_a_bluff_called_weakens_the_next_threat():
    bluff = run_scenario("bluff_called")
    carried = LeverageModel.from_scenario(_variant_carried_out(), worlds=600).run()
    cred = lambda m: np.median(series(m, "credibility_us_dollars")[58])
    assert cred(bluff) < cred(carried) - 0.05, f"credibility {cred(bluff):.2f} after a bluff vs {cred(carried):.2f}"
    second = lambda m: share_of_worlds(complied_by(m, "us_dollars", 68) & ~complied_by(m, "us_dollars", 59))
    assert second(bluff) < second(carried), (
        f"the second threat worked in {second(bluff):.0%} of worlds after a bluff, {second(carried):.0%} after a "
        f"threat carried out")


def _variant_carried_out():
    import tempfile
    from pathlib import Path

    data = yaml.safe_load((SCENARIOS / "bluff_called.yaml").read_text())
    data["name"] = "carried_out"
    data["events"][1]["options"]["follow_through"] = "always"
    data["extends"] = str(SCENARIOS / "baseline.yaml")
    path = Path(tempfile.mkdtemp()) / "carried_out.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_baghdad_cannot_tell_a_bluff_before_the_deadline():
    bluff, real = run_scenario("dollar_threat"), run_scenario("dollar_cudgel")
    assert np.array_equal(complied_by(bluff, "us_dollars", 12), complied_by(real, "us_dollars", 12)), (
        "the same threat, carried out or not, should meet the same response before its deadline")
    assert series(bluff, "us_cudgel")[:13].max() == 0 < series(real, "us_cudgel")[13:].max()


def test_a_declared_deterrence_posture_deters_the_softer_factions():
    declared = run([event("declare_deterrence", 1, duration=None)], weeks=52)
    silent = run([event("forbid", 1, decision="us.deterrence", option="declare")], weeks=52)
    allies = lambda m: series(m, "attacks_hardline_allies")[2:52].mean()
    assert allies(declared) < allies(silent), "a credible declared posture should deter the softer factions"


# ------------------------------------------------------------------------------------------------ presence
def test_a_timetable_leaves_federal_iraq_first_and_keeps_erbil_longer():
    m = run_scenario("phased_exit")
    federal, kurdistan = series(m, "us_troops_federal"), series(m, "us_troops_kurdistan")
    phased = (federal[35 + 52] == 0) & (kurdistan[35 + 52] > 0)
    assert share_of_worlds(phased) > 0.9, f"federal Iraq first, Erbil later in only {share_of_worlds(phased):.0%}"
    assert np.allclose(series(m, "us_troops_iraq"), federal + kurdistan, atol=0.01)
    base = run_scenario("baseline")
    window = slice(60, 104)
    assert np.median(series(m, "attacks_per_week")[window].mean(axis=0)) < np.median(
        series(base, "attacks_per_week")[window].mean(axis=0)), "fewer troops in reach, fewer attacks"
    assert np.median(series(m, "us_troops_syria")[-1]) >= np.median(series(run_scenario("withdrawal"),
                                                                          "us_troops_syria")[-1]), (
        "a phased exit should keep the Syria garrison supplied longer than an abrupt one")


def test_a_partial_drawdown_is_graded():
    m = run([event("drawdown", 4, location="federal", to=500.0, over_weeks=10),
             event("forbid", 1, decision="us.exit_response", option="timetable"),
             event("forbid", 1, decision="us.exit_response", option="withdraw")], weeks=30)
    federal = series(m, "us_troops_federal")
    assert np.allclose(federal[4 + 10], 500) and np.all(series(m, "us_troops_kurdistan")[14] == 1000)
    assert np.all(np.diff(federal[3:15], axis=0) <= 0), "a drawdown moves steadily toward its target"


# ------------------------------------------------------------------------------------------- militias, Baghdad
def test_attack_levels_move_over_time_and_differ_between_worlds():
    m = run_scenario("baseline")
    kh = series(m, "attacks_kataib_hezbollah")
    medians = np.median(kh[1:], axis=1)
    assert len(set(np.round(medians, 1))) > 1, "the median attack level should move over time"
    means = kh[1:].mean(axis=0)
    assert means.std() > 0.2, "worlds should differ in their attack levels (memory, mood)"


def test_truce_then_gradual_resumption():
    """After a truce, momentum has to build again: attacks ramp up over weeks instead of snapping back (and rested
    factions then overshoot for a while before fatigue sets in again)."""
    m = run_scenario("truce")
    attacks = np.median(series(m, "attacks_per_week"), axis=1)
    first, settled = attacks[31:33].mean(), attacks[36:46].mean()
    assert first < 0.6 * settled, f"attacks right after the truce ({first:.1f}) should build up ({settled:.1f})"


def test_inclusion_makes_factions_suspend_their_campaign_by_their_own_choice():
    calm = run([event("baghdad_militia_policy", 1, policy="include", duration=None)], weeks=60,
               world_gaza_war=0.0)
    base = run(weeks=60, world_gaza_war=0.0)
    suspended = lambda m: series(m, "militias_suspended")[20:60].mean()
    assert suspended(calm) > suspended(base) + 0.1, "drawing the militias into power should make them pause"
    assert series(calm, "attacks_per_week")[30:60].mean() < series(base, "attacks_per_week")[30:60].mean()


def test_a_targeted_killing_raises_grievance_and_the_faction_s_drive():
    killed = run([event("targeted_killing", 4, faction="kataib_hezbollah", severity=1.0)], weeks=20)
    base = run(weeks=20)
    assert np.median(series(killed, "sovereignty_grievance")[5]) > np.median(series(base, "sovereignty_grievance")[5])
    assert series(killed, "exit_pressure")[8:20].mean() > series(base, "exit_pressure")[8:20].mean()


def test_maximum_pressure_makes_threats_more_credible():
    engaged = run(weeks=10)
    pressure = run([event("us_administration", 1, posture="maximum_pressure")], weeks=10)
    assert np.median(series(pressure, "credibility_us_dollars")[5]) > np.median(
        series(engaged, "credibility_us_dollars")[5])


@pytest.mark.parametrize("key", ["us_troops_federal", "iraq_sovereignty_grievance", "militia_suspended_weeks"])
def test_initial_section_sets_the_starting_state(tmp_path, key):
    from simulator import scenario

    value = {"us_troops_federal": 700, "iraq_sovereignty_grievance": 0.5, "militia_suspended_weeks": 20}[key]
    path = tmp_path / "start.yaml"
    path.write_text(yaml.safe_dump({"extends": str(SCENARIOS / "baseline.yaml"), "start_date": "2023-03-01",
                                    "initial": {key: value}}))
    spec = scenario.load(path)
    m = LeverageModel.from_spec(spec.with_overrides(worlds=50, weeks=10)).run()
    if key == "us_troops_federal":
        assert series(m, "us_troops_federal")[0].max() == 700
    elif key == "iraq_sovereignty_grievance":
        assert series(m, "sovereignty_grievance")[0].max() == 0.5
    else:
        assert series(m, "attacks_per_week")[1:10].mean() < 0.3, "a truce in force at the start holds"


def test_withholding_pay_cuts_capacity_but_hands_control_to_iran():
    withheld = run([event("baghdad_withholds_pay", 2, factions="hardline", share=1.0, duration=None)], weeks=30)
    base = run(weeks=30)
    kh = lambda m: series(m, "attacks_kataib_hezbollah")[3:30].mean()
    lev = lambda m: np.median(series(m, "leverage_iran_over_iraq")[20])
    assert lev(withheld) > lev(base), "unpaid factions answer more to Tehran"
    assert kh(withheld) != kh(base)


def test_an_election_campaign_raises_domestic_pressure():
    election = run([event("us_election", 2, campaign_weeks=20)], weeks=20)
    base = run(weeks=20)
    assert np.median(series(election, "us_domestic_pressure")[10]) > np.median(series(base, "us_domestic_pressure")[10])
