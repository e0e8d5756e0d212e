"""Model 2, part 2: money and energy as flows (oil to salaries, the account at the New York Fed, graded dollar levers,
the energy trade through restricted accounts, substitution, the currency's memory, Iran's lifeline and leverage that
actors read), with extreme-condition tests (Sterman's confidence tests)."""

from __future__ import annotations

import numpy as np
from conftest import run_scenario, series
from test_model2 import event, run
from test_patterns import share_of_worlds

from simulator.model.metrics import LEVERAGE_METRICS

WEEKS = 52


def median(m, name, week=-1):
    return float(np.median(series(m, name)[week]))


# ------------------------------------------------------------------------------------------ extreme conditions
def test_no_iranian_power_means_no_energy_sales():
    m = run(weeks=WEEKS, iran_power_share=0.0, iran_escrow_initial_busd=0.0, iran_arrears_initial_busd=0.0)
    for name in ("iran_escrow_balance", "iran_arrears"):
        assert series(m, name).max() == 0, f"{name} rose with nothing delivered"
    other = series(m, "iran_revenue_from_iraq")
    assert np.allclose(other, series(m, "iran_lifeline") - series(m, "iran_dollars_via_iraq"), atol=1e-4), (
        "with no energy sold, Iran's revenue from Iraq must be its other sales only")


def test_no_dollar_access_means_no_new_payments_into_the_restricted_accounts():
    m = run(weeks=WEEKS, us_dollar_access=0.0, us_escrow_access=0.0)
    escrow = series(m, "iran_escrow_balance")
    assert np.all(np.diff(escrow, axis=0) <= 1e-6), "Iraq paid into the restricted accounts without dollar access"
    assert np.all(series(m, "iran_arrears")[-1] > series(m, "iran_arrears")[0] + 3), "unpaid bills must become arrears"
    drawn = run(weeks=WEEKS, us_dollar_access=0.0)  # Iran may still draw what is already there
    assert median(drawn, "iran_escrow_balance") < 0.7 * median(drawn, "iran_escrow_balance", 0)


def test_a_small_backlog_fades_out_instead_of_stopping_on_one_day():
    """The 1bn USD Iraq owes Iran at the start is paid off gradually: Iran's revenue from Iraq eases from 17 to 15bn
    USD a year over months, where a fixed pace of paydown dropped it by 2bn in one week (27) of every world."""
    m = run(weeks=WEEKS)
    revenue = np.median(series(m, "iran_revenue_from_iraq"), axis=1)
    arrears = np.median(series(m, "iran_arrears"), axis=1)
    assert np.all(np.diff(arrears) <= 1e-6) and arrears[-1] < 0.2 * arrears[0], f"arrears {arrears[::8]}"
    assert revenue[0] - revenue[-1] > 1.0, f"paying off the backlog should lower the revenue: {revenue[::8]}"
    assert np.max(np.abs(np.diff(revenue))) < 0.25, f"the revenue jumped within a week: {np.diff(revenue).round(2)}"


def test_oil_at_the_bottom_of_its_range_strains_salaries_once_reserves_run_down():
    """$30 oil brings in about a third of what Iraq spends in dollars: reserves cover the gap until they reach the
    floor, then the central bank rations sales and salaries fall. The test says how long reserves last."""
    m = run(weeks=156, world_oil_price=30.0)
    reserves, pay = series(m, "cbi_reserves"), series(m, "salary_coverage")
    floor = m.p.iraq_reserve_floor_busd
    at_floor = np.argmax(reserves <= floor + 1.0, axis=0)
    assert np.all(at_floor > 0), "reserves should reach the floor within three years at $30"
    weeks_covered = int(np.median(at_floor))
    assert 52 <= weeks_covered <= 104, f"reserves covered {weeks_covered} weeks at $30 oil (expected 1-2 years)"
    before = np.median(pay[weeks_covered - 8])
    after = np.median(pay[min(weeks_covered + 8, 156)])
    assert before > 0.9 and after < 0.8, (
        f"salaries should hold while reserves last ({before:.2f}) and fall once they are rationed ({after:.2f}); "
        f"reserves lasted {weeks_covered} weeks")
    base = run(weeks=156)
    assert median(base, "salary_coverage") > 0.95, "at the default price salaries must not fall"


def test_reserves_abroad_buffer_an_account_restriction_for_weeks():
    cut = event("restrict_dollars", 4, access=0.35, duration=None)
    none = run([cut], weeks=30, iraq_reserves_outside_us_share=0.0)
    some = run([cut], weeks=30, iraq_reserves_outside_us_share=0.1)  # about 11 bn USD: some nine weeks
    early = slice(5, 9)
    assert np.median(series(some, "salary_coverage")[early]) > np.median(series(none, "salary_coverage")[early]) + 0.1
    assert median(some, "salary_coverage") < 0.9, "once reserves abroad run out the squeeze must bite"


# ------------------------------------------------------------------------------------------ mechanisms
def test_graded_levers_are_graded():
    """Each graded lever cuts dollar sales less than restricting the whole account, and the cut fades."""
    peaks = {}
    for action in ("designate_bank", "bar_banks", "tighten_compliance", "restrict_dollars"):
        options = {"access": 0.35} if action == "restrict_dollars" else {}
        m = run([event(action, 2, **options)], weeks=40)
        sold = np.median(series(m, "dollar_sales"), axis=1)
        peaks[action] = 1 - sold[2:30].min()  # reserves abroad hold off an account restriction for weeks
        if action != "restrict_dollars":
            assert sold[-1] > sold[2:6].min() + 0.02 or action == "designate_bank", f"{action}: the cut did not fade"
    order = [peaks[a] for a in ("designate_bank", "bar_banks", "tighten_compliance")]
    assert order == sorted(order), f"graded cuts out of order: {peaks}"
    assert peaks["designate_bank"] < peaks["restrict_dollars"]


def test_a_public_threat_moves_the_rate_before_anything_is_restricted():
    m = run([event("threaten", 4, lever="us_dollars", weeks=12, follow_through="never")], weeks=14)
    base = run(weeks=14)
    assert np.all(series(m, "dollar_access")[:16] == 1.0), "nothing may be restricted under a mere threat"
    gap = np.median(series(m, "parallel_rate")[6:12]) - np.median(series(base, "parallel_rate")[6:12])
    assert gap > 20, f"a credible public threat should lift the rate before any restriction (gap {gap:.0f} IQD)"


def test_a_squeeze_leaves_a_premium_and_repeated_squeezes_compound():
    once = run([event("bar_banks", 4, duration=6)], weeks=40, iraq_fx_scars_initial=0.0)
    after = np.median(series(once, "parallel_rate")[20])
    assert after > 1.01 * m_start(once), "the premium should outlast the measure (memory)"
    twice = run([event("bar_banks", 4, duration=6), event("bar_banks", 24, duration=6)], weeks=40,
                iraq_fx_scars_initial=0.0)
    jump = lambda m, w: np.median(series(m, "fx_expectations")[w] - series(m, "fx_expectations")[w - 1])
    assert jump(twice, 24) > 1.2 * jump(twice, 4), "a second squeeze should scare the market more than the first"


def m_start(m):
    return float(np.median(series(m, "parallel_rate")[0]))


def test_gas_and_electricity_waivers_have_their_own_cycles():
    m = run(weeks=60, us_administration_posture=1.0, us_lapse_value=3.0)
    gas, power = series(m, "gas_waiver_active"), series(m, "electricity_waiver_active")
    first_change = lambda s: np.argmax(np.diff(s, axis=0) != 0, axis=0)
    differs = (first_change(gas) != first_change(power)) & (gas.min(axis=0) < 1)
    assert differs.mean() > 0.5, "the two waivers should lapse in different weeks"
    both = series(m, "waiver_active")
    assert np.all(both == np.minimum(gas, power)), "waiver_active means both waivers are in force"


def test_revoking_waivers_costs_iran_its_lifeline_and_moves_its_choices():
    """The issue's complaint: revoking the waiver changed militia attacks by exactly nothing."""
    m, base = run_scenario("waivers_revoked"), run_scenario("baseline")
    late = slice(-52, None)
    lost = series(m, "iran_lifeline")[late].mean(axis=0) - series(base, "iran_lifeline")[late].mean(axis=0)
    assert share_of_worlds(lost < 0) > 0.9, "the lifeline should shrink as the restricted accounts run down"
    attacks = series(m, "attacks_per_week")[late].sum() - series(base, "attacks_per_week")[late].sum()
    assert attacks != 0, "Iran's lost lifeline must enter its choices"
    alt = median(m, "iraq_alternative_supply") - median(base, "iraq_alternative_supply")
    assert alt > 0.1, f"Iraq should invest in substitutes when waivers lapse ({alt:.2f} GW more)"


def test_iran_cuts_over_money_it_cannot_draw_and_prefers_the_summer():
    """With the restricted accounts blocked, Iran presses with its supply; the same pressure gives a cut sooner
    when Iraq's demand peaks (Iran's season weight) than in winter."""
    blocked = run([event("escrow_access", 1, allowed=False)], weeks=40)
    assert share_of_worlds(series(blocked, "iran_supply").min(axis=0) < 1) > 0.8, "no cut over blocked money"
    # owed money just at Iran's tolerance: no pressure but the season's
    summer, winter = (run([event("escrow_access", 1, allowed=False)], weeks=12, iran_escrow_initial_busd=2.5,
                          start_date=start) for start in ("2024-06-01", "2024-12-01"))
    pressed = lambda m: float(((series(m, "threat_iran_energy") > 0) | (series(m, "iran_supply") < 1))[1:].mean())
    assert pressed(summer) > pressed(winter) + 0.1, (
        f"Iran should press for more of the time in summer ({pressed(summer):.0%} of world-weeks) than in winter "
        f"({pressed(winter):.0%})")


def test_baghdad_presses_harder_for_an_exit_as_us_leverage_falls():
    strong = run(weeks=52, us_dollars_credibility_initial=1.0, us_waivers_credibility_initial=1.0)
    weak = run(weeks=52, us_dollars_credibility_initial=0.1, us_waivers_credibility_initial=0.1)
    assert median(weak, "leverage_us_over_iraq") < median(strong, "leverage_us_over_iraq") - 0.05
    assert median(weak, "exit_pressure") > median(strong, "exit_pressure") + 0.02, (
        "Baghdad reads the US's leverage: less of it, more push for an exit")


def test_no_leverage_index_saturates_under_the_defaults():
    m = run_scenario("baseline")
    for name in LEVERAGE_METRICS:
        s = series(m, name)
        assert (s >= 0.99).mean() < 0.01 and s.max() <= 1.0, f"{name} sits at its cap"
        assert np.median(s) > 0.01, f"{name} is zero in the baseline"


def test_every_metric_is_documented():
    from conftest import ROOT

    from simulator.model.metrics import METRICS

    for doc in ("docs/model.md", "docs/scenarios.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        generic = "`threat_<lever>`" in text and "`credibility_<lever>`" in text  # one row for every lever
        missing = [name for name in METRICS if f"`{name}`" not in text
                   and not (generic and name.startswith(("threat_", "credibility_")))]
        assert not missing, f"{doc} does not document the metrics {missing}"


def test_oil_crash_reserves_carry_the_gap_until_they_run_down():
    m, base = run_scenario("oil_crash"), run_scenario("baseline")
    reserves = np.median(series(m, "cbi_reserves"), axis=1)
    assert reserves[60] < np.median(series(base, "cbi_reserves")[60]) - 20, "the crash should draw reserves down"
    assert median(m, "salary_coverage", 60) > 0.95, "salaries should hold while reserves carry the gap"
    assert reserves.min() <= m.p.iraq_reserve_floor_busd + 2, "eighteen months at $35 should exhaust the reserves"
    assert median(m, "dollar_sales") < 0.9, "once reserves reach the floor the central bank rations its sales"


def test_bank_squeeze_graded_levers_cut_the_leak_without_a_break():
    m, base = run_scenario("bank_squeeze"), run_scenario("baseline")
    leak, leak_base = median(m, "iran_dollars_via_iraq", 40), median(base, "iran_dollars_via_iraq", 40)
    assert leak < 0.6 * leak_base, f"the leak to Iran should dry up ({leak:.2f} against {leak_base:.2f} bn a year)"
    assert median(m, "iraq_enforcement", 40) > median(base, "iraq_enforcement", 40) + 0.2
    requests = lambda x: share_of_worlds(series(x, "iraq_exit_request")[8:40].max(axis=0) > 0)
    assert requests(m) < requests(base) + 0.1, "graded levers should not push Baghdad to demand an exit"
