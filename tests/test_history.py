"""Historical episodes (shared/reference/episodes.md, episodes 1 to 5) run with the DEFAULT parameters.

Each scenario under scenarios/history/ starts from the situation of its date and pulls only the levers that were
really pulled; these tests check the recorded outcome qualitatively. Nothing is tuned per episode: where the model
does not reproduce part of the record, the test is marked xfail (strict) with the mechanism that is missing or too
weak, so the gap stays visible and the mark must go when the model is fixed.

Weeks: week t is the week ending on start_date + 7t days (`model.calendar.date(t)`).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from conftest import ROOT, series

HISTORY = ROOT / "scenarios" / "history"
WORLDS = 400


@cache
def run(name: str):
    """The finished model of a history scenario with the file's seed (cached: treat it as read-only)."""
    from simulator.model import LeverageModel

    return LeverageModel.from_scenario(HISTORY / f"{name}.yaml", worlds=WORLDS).run()


# ----------------------------------------------------------------------------------------------------------------
# Episode 4: the political-inclusion truce, 27 October 2022 (week 0) to 18 January 2024 (week 64).
# Week 9 ends 29 Dec 2022, week 26 ends 27 Apr 2023 ("six months without attacks by late April"), week 49 ends
# 5 Oct 2023, week 50 holds 7 October 2023 (the war in Gaza starts), week 51 holds 17 October (attacks resume).
TRUCE = "2022_political_truce"
CALM = slice(9, 50)  # January to early October 2023
SPRING = 26
AFTER = slice(51, 65)  # 13 October 2023 to 18 January 2024


def test_truce_the_months_of_calm():
    m = run(TRUCE)
    attacks = series(m, "attacks_per_week")
    median = np.median(attacks[CALM], axis=1)
    assert median.max() < 0.5, (
        f"median attacks a week should be near zero from January to early October 2023 (six months without attacks "
        f"by late April 2023); the weekly medians reach {median.max():.1f}")
    suspended = (series(m, "militias_suspended")[1:SPRING + 1] > 0).any(axis=0)
    assert suspended.mean() > 0.5, (
        f"a majority of worlds should have factions suspending their campaigns by late April 2023 (the unannounced "
        f"truce); only {suspended.mean():.0%} did")
    troops = series(m, "us_troops_iraq")[-1]
    assert np.all(troops > 0) and (troops == 2500).mean() >= 0.9, (
        f"US forces should stay through the calm: still there in {(troops > 0).mean():.0%} of worlds, at full "
        f"strength in {(troops == 2500).mean():.0%} (a timetable agreed in the others)")


def test_truce_ends_once_the_war_in_gaza_starts():
    m = run(TRUCE)
    attacks = series(m, "attacks_per_week")
    calm, after = attacks[CALM].mean(), attacks[AFTER].mean()
    assert after > 2.5 * calm, (
        f"attacks should resume after 7 October 2023: {after:.2f} a week from mid-October against {calm:.2f} in "
        f"the months of calm")
    median = np.median(attacks[AFTER], axis=1)
    assert np.all(median[3:] >= 1), (
        f"median attacks a week from November 2023 were {median[3:]}, expected >= 1 (the model restarts over about "
        f"three weeks; see test_truce_restart_at_the_recorded_pace)")
    more = attacks[AFTER].mean(axis=0) > attacks[CALM].mean(axis=0)
    assert more.mean() > 0.8, f"attacks rose after the Gaza war began in only {more.mean():.0%} of worlds"


def test_truce_the_war_in_gaza_lifts_irans_restraint():
    """iran_gaza_cover: once the war in Gaza begins, pressure on US forces no longer risks the allies' standing in
    Baghdad, so Iran stops restraining them in most worlds within weeks; without the cover (0) it goes on restraining
    in many more worlds and the restart is slower."""
    from simulator.model import LeverageModel

    m = run(TRUCE)
    uncovered = LeverageModel.from_scenario(HISTORY / f"{TRUCE}.yaml", worlds=WORLDS, iran_gaza_cover=0.0).run()
    late = slice(55, 65)  # from mid-November 2023
    covered, bare = (series(x, "iran_restraining")[late].mean() for x in (m, uncovered))
    assert covered < 0.25 and bare > covered + 0.1, (
        f"Iran restrains in {covered:.0%} of world-weeks from mid-November with the cover, {bare:.0%} without")
    assert series(m, "attacks_per_week")[AFTER].mean() > series(uncovered, "attacks_per_week")[AFTER].mean()


@pytest.mark.xfail(strict=True, reason=(
    "The calm leaks: at most 2 attacks from January to late April 2023 in about 35% of worlds, where the record "
    "has none. Inclusion lowers the factions' drive and Iran now values its allies' inclusion "
    "(iran_inclusion_weight), but the factions' mood (militia_mood_volatility) and Iran's occasional escalation "
    "still let a few attacks through in most worlds: the model has no notion of a negotiated, policed truce."))
def test_truce_six_months_without_attacks():
    attacks = series(run(TRUCE), "attacks_per_week")
    quiet = attacks[9:SPRING + 1].sum(axis=0) <= 2
    assert quiet.mean() > 0.5, (
        f"by late April 2023 there had been six months without attacks; at most 2 attacks from January to late "
        f"April 2023 in only {quiet.mean():.0%} of worlds")


@pytest.mark.xfail(strict=True, reason=(
    "The restart is too slow: a median of about 40 attacks from mid-October to mid-January where the record has "
    "57-70. Iran lifts its order within a few weeks (iran_gaza_cover) and the suspensions taken on its order end "
    "with it, but Kata'ib Hezbollah comes back at about 2 attacks a week rather than 4-5: its inclusion in power "
    "(militia_inclusion_weight) keeps its drive about a fifth below January 2024's, it has little momentum after a "
    "year of calm and no US strikes yet to avenge; about a third of the other hardline factions' suspensions, taken "
    "of their own accord, break only where their drive rose by militia_suspension_break."))
def test_truce_restart_at_the_recorded_pace():
    attacks = series(run(TRUCE), "attacks_per_week")
    total = np.median(attacks[AFTER].sum(axis=0))
    assert total >= 45, f"median attacks from mid-October 2023 to mid-January 2024 {total:.0f}, record 57-70"


# ----------------------------------------------------------------------------------------------------------------
# Episode 5: the attack wave, 7 October 2023 (week 0) to 3 February 2024 (week 17).
# Week 3 ends 28 Oct, week 6 ends 18 Nov, week 8 (26 Nov - 2 Dec) holds most of the Gaza truce, week 10 ends
# 16 Dec, week 12 ends 30 Dec, week 13 holds the killing in Baghdad (4 Jan), week 14 ends 13 Jan, week 15 holds the
# Iranian strike on Erbil. The model counts attacks in Iraq only. The Pentagon's Iraq counts (of its Iraq-and-Syria
# totals of 23, 55, ~78 and 102): 14 by 30 Oct, 27 by 14 Nov, 29 by 17 Nov, 47 by 21 Dec, 52 by 9 Jan, 57 by 19 Jan
# 2024 (41-61% of the total); the article counts at least 70 in Iraq by mid-January. Bands allow for that spread.
WAVE = "2023_attack_wave"
BANDS = {  # week: (low, high, what the record says)
    3: (7, 25, "14 in Iraq by 30 October (Pentagon)"),
    6: (18, 45, "27 in Iraq by 14 November, 29 by 17 November (Pentagon)"),
    10: (30, 65, "about 36-47 in Iraq between 7 and 21 December (Pentagon: 78 and 102 in total, 47 in Iraq by 21 "
                 "December)"),
    14: (45, 90, "52 in Iraq by 9 January, 57 by 19 January (Pentagon); at least 70 (the article)"),
}


@pytest.mark.parametrize("week", sorted(BANDS))
def test_wave_cumulative_attacks_in_documented_bands(week):
    m = run(WAVE)
    cumulative = np.median(series(m, "attacks_per_week")[1:week + 1].sum(axis=0))
    low, high, record = BANDS[week]
    assert low <= cumulative <= high, (
        f"median cumulative attacks in Iraq by {m.calendar.date(week)} (week {week}) {cumulative:.0f}, expected "
        f"{low}-{high}: {record}")


def test_wave_pauses_during_the_gaza_truce():
    attacks = series(run(WAVE), "attacks_per_week")
    median = np.median(attacks, axis=1)
    around = min(median[7], median[9])
    assert median[8] < 0.5 * around, (
        f"attacks should pause in the truce week (week 8: median {median[8]:.1f}) against the weeks before and after "
        f"({median[7]:.1f}, {median[9]:.1f})")
    lower = attacks[8] < 0.5 * (attacks[7] + attacks[9])
    assert lower.mean() > 0.7, f"the truce week had fewer attacks than the weeks around it in only {lower.mean():.0%}"


def test_wave_killing_raises_baghdads_push_for_an_exit():
    m = run(WAVE)
    pressure = series(m, "exit_pressure")
    rise = pressure[14] - pressure[12]  # 13 January against 30 December, around the killing of 4 January
    assert np.median(rise) > 0 and (rise > 0).mean() > 0.5, (
        f"exit pressure should be higher after the killing than before (median change {np.median(rise):+.3f}, "
        f"up in {(rise > 0).mean():.0%} of worlds)")
    grievance = series(m, "sovereignty_grievance")
    assert np.median(grievance[13] - grievance[12]) > 0.5, "the killing in Baghdad did not raise the grievance"
    stance = m.iraq.stance  # the end state: 0 quiet, 1 negotiate, 2 request
    assert (stance >= 1).mean() > 0.5, (
        f"Baghdad should be negotiating the coalition's exit or requesting it after the killing; only "
        f"{(stance >= 1).mean():.0%} of worlds are")


def test_wave_no_us_withdrawal():
    m = run(WAVE)
    troops = series(m, "us_troops_iraq")[-1]
    assert np.all(troops > 0), f"US forces left Iraq in {(troops == 0).mean():.1%} of worlds by February 2024"
    full = (troops == 2500).mean()
    assert full >= 0.95, f"a drawdown began in {1 - full:.1%} of worlds by February 2024; none began in the record"


def test_wave_exit_pressure_reaches_the_january_2024_level():
    pressure = series(run(WAVE), "exit_pressure")
    assert np.median(pressure[15]) >= 0.42, (
        f"median exit pressure after the killing {np.median(pressure[15]):.2f}; January 2024 level 0.45")


# ----------------------------------------------------------------------------------------------------------------
# Episode 1: the New York Fed's compliance squeeze, 10 November 2022 (week 0) to 2 March 2023 (week 16). Week 5
# ends 15 December ("about 1,600 by mid-December"), week 10 ends 19 January (1,670 on 20 January), week 13 ends
# 9 February (about 1,690 in early February).
SQUEEZE = "2022_dollar_squeeze"


def test_squeeze_a_currency_crisis_with_full_reserves():
    m = run(SQUEEZE)
    rate = np.median(series(m, "parallel_rate"), axis=1)
    assert rate[5] >= 1580, f"median parallel rate {rate[5]:.0f} in mid-December 2022; the record is about 1,600"
    assert 1600 <= rate.max() <= 1850, f"median peak {rate.max():.0f}; the record peaks at about 1,690"
    assert rate[-1] > 1530, f"the rate fell back to {rate[-1]:.0f} by March: a squeeze leaves a premium (memory)"
    sold = np.median(series(m, "dollar_sales"), axis=1)
    assert sold[1:4].min() < 0.5, f"the central bank's sales fell to {sold[1:4].min():.0%} (record: 200 to 56 $m a day)"
    assert sold[-1] > sold[1:4].min() + 0.2, "transfers should recover as banks move onto the platform"
    reserves = series(m, "cbi_reserves")
    assert reserves.min() >= 0.9 * reserves[0].min(), "reserves stayed near their high throughout"


def test_squeeze_baghdad_complies_and_does_not_turn_against_the_us():
    m = run(SQUEEZE)
    enforcement = series(m, "iraq_enforcement")
    assert (enforcement[-1] > enforcement[0] + 0.2).mean() > 0.8, "Baghdad should police its banks (it complied)"
    kept = (series(m, "us_troops_iraq") == 2500).all(axis=0).mean()
    assert kept >= 0.9, f"no change in the US troop presence: full strength kept in only {kept:.0%} of worlds"
    requested = series(m, "iraq_exit_request").max(axis=0)
    assert requested.mean() < 0.05, f"Baghdad formally demanded an exit in {requested.mean():.0%} of worlds"
    pressure = np.median(series(m, "exit_pressure"), axis=1)
    assert pressure.max() < pressure[0] + 0.15, "the squeeze should not turn Baghdad against the US"
    assert np.median(series(m, "iraq_nationalism").max(axis=0)) > 0, "many Iraqis blamed Washington"


# ----------------------------------------------------------------------------------------------------------------
# Episode 2: fourteen banks barred, 13 July 2023 (week 0) to 12 October 2023 (week 13). The bar falls in week 1.
BANKS = "2023_banks_barred"


def test_banks_barred_a_graded_partly_transient_jump():
    m = run(BANKS)
    rate = np.median(series(m, "parallel_rate"), axis=1)
    assert rate[1] >= 1530, f"the rate should jump within days of the bar: {rate[1]:.0f} (record about 1,580)"
    peak = rate.max()
    assert peak < 1650, f"a graded lever has a graded effect: peak {peak:.0f}"
    assert rate[-1] < peak - 0.3 * (peak - 1470), "the jump should ease over the following weeks"
    squeeze = run(SQUEEZE)
    assert peak - 1470 < np.median(series(squeeze, "parallel_rate"), axis=1).max() - 1470, (
        "barring a third of the banks should move the rate less than blocking most wire transfers")


def test_banks_barred_no_political_break():
    m = run(BANKS)
    assert series(m, "iraq_exit_request").max(axis=0).mean() < 0.05
    assert (series(m, "us_troops_iraq") == 2500).all(axis=0).mean() >= 0.9
    assert series(m, "waiver_active")[-1].mean() > 0.9


# ----------------------------------------------------------------------------------------------------------------
# Episode 3: arrears and the gas cut, 18 May 2023 (week 0) to 5 October 2023 (week 20). 1 July 2023 falls in week
# 7 (29 June - 6 July); July and August are weeks 7-15.
CUT = "2023_arrears_gas_cut"
JULY, HIGH_SUMMER = 7, slice(7, 16)


def test_arrears_iran_cuts_more_than_half_in_the_hottest_months():
    m = run(CUT)
    supply = series(m, "iran_supply")
    cut_in_summer = (supply[HIGH_SUMMER] <= 0.5).any(axis=0)
    assert cut_in_summer.mean() > 0.7, f"Iran halved its supply in July-August in only {cut_in_summer.mean():.0%}"
    first = np.argmax(supply <= 0.5, axis=0)[cut_in_summer]
    assert 4 <= np.median(first) <= 10, f"median week of the cut {np.median(first):.0f}; the record is 1 July (7)"
    threatened = series(m, "threat_iran_energy")[:JULY + 1].max(axis=0) > 0
    assert threatened.mean() > 0.7, "Iran should warn before it cuts (a threat over the money it cannot draw)"
    from simulator.model import LeverageModel

    paid = LeverageModel.from_scenario(HISTORY / f"{CUT}.yaml", worlds=WORLDS, us_escrow_access=1.0).run()
    assert share_of(paid) < 0.2, "with the accounts open Iran should rarely cut (the blocked money is the cause)"
    base = paid
    gap = np.median(series(m, "power_shortfall")[HIGH_SUMMER]) - np.median(series(base, "power_shortfall")[
        HIGH_SUMMER])
    assert gap > 0.05, f"blackouts should follow the cut: the summer shortfall rose by only {gap:.3f}"


def test_arrears_the_waivers_hold_and_iraq_looks_for_alternatives():
    m = run(CUT)
    assert series(m, "waiver_active")[-1].mean() > 0.9, "the waiver system held"
    assert series(m, "iraq_exit_request").max(axis=0).mean() < 0.05, "Baghdad did not break with the US"
    alternatives = np.median(series(m, "iraq_alternative_supply")[-1])
    trend = m.p.iraq_alternatives_gw_per_year * m.weeks / 52
    assert alternatives > trend + 0.05, (
        f"Iraq should invest in substitutes after the cut: {alternatives:.2f} GW against the trend's {trend:.2f}")


def share_of(m) -> float:
    """Share of worlds in which Iran halved its supply at some point."""
    return float((series(m, "iran_supply").min(axis=0) <= 0.5).mean())
