"""Historical episodes (shared/reference/episodes.md, episodes 4 and 5) run with the DEFAULT parameters.

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
    "The restart is too slow: a median of about 26 attacks from mid-October to mid-January where the record has "
    "57-70. Iran, restraining its allies during the calm, turns to sustain only over a few weeks (decision inertia "
    "world_decision_inertia against a Gaza-war pressure of iran_gaza_pressure), and a suspension breaks only where "
    "a faction's drive rose by militia_suspension_break since it began, so about half of the other hardline "
    "factions stay suspended."))
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


@pytest.mark.xfail(strict=True, reason=(
    "Baghdad's reaction to the killing is slightly too weak: the median exit pressure after it is about 0.416 "
    "against the January 2024 level of 0.45 that the registry's starting point rests on (the killing now brings the "
    "nationalist backlash of coercion, iraq_coercion_backlash, through a 0.1-a-week adjustment)."))
def test_wave_exit_pressure_reaches_the_january_2024_level():
    pressure = series(run(WAVE), "exit_pressure")
    assert np.median(pressure[15]) >= 0.42, (
        f"median exit pressure after the killing {np.median(pressure[15]):.2f}; January 2024 level 0.45")
