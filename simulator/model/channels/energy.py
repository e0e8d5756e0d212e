"""Energy channel: the waivers, Iran's gas and electricity, Iraq's power balance and substitutes, and the trade's
money: bills, arrears and the restricted accounts Iran draws on only as the US allows.

Gas and electricity each have their own 120-day waiver on its own cycle (facts.md, Payment channel). Iraq's bill is
what Iran delivers times its price; Iraq pays it, and pays down arrears, into restricted accounts, only under the
waiver for that energy and only as far as the US lets dollars out of Iraq's account. Iran draws on the accounts only
while the US approves its purchases (episodes.md 3). Iraq commits to substitutes when supply is cut or a waiver
lapses; they come online after years (first-order delay).
"""

from __future__ import annotations

import numpy as np

from ..calendar import WEEKS_PER_YEAR
from ..choice import option_index

RENEW = option_index("us.waiver", "renew")
KINDS = ("gas", "electricity")


def demand_gw(p, day_of_year: int, years: float):
    base = p.iraq_power_demand_trough_gw + (p.iraq_power_demand_peak_gw - p.iraq_power_demand_trough_gw) \
        * season(p, day_of_year)
    return base * (1.0 + p.iraq_power_demand_growth) ** years


def season(p, day_of_year: int):
    """0 in the mid-winter trough of power demand, 1 at the summer peak."""
    return 0.5 + 0.5 * np.cos(2.0 * np.pi * (day_of_year - p.iraq_power_peak_day) / 365.25)


def iranian_gw(model) -> dict:
    """GW of Iraqi power Iran delivers this week, by kind."""
    p = model.p
    full = p.iran_power_share * p.iraq_power_supply_gw * model.iran.supply_level
    return {"gas": full * (1.0 - p.iran_electricity_fraction), "electricity": full * p.iran_electricity_fraction}


def balance_power(model, week: int) -> None:
    """Demand, supply, shortfall and Iran's share of supply for the week."""
    p, iraq = model.p, model.iraq
    years = week / WEEKS_PER_YEAR
    iran_gw = sum(iranian_gw(model).values())
    domestic_gw = ((1.0 - p.iran_power_share) * p.iraq_power_supply_gw + p.iraq_alternatives_gw_per_year * years
                   + iraq.substitutes_gw)
    iraq.power_demand = demand_gw(p, model.calendar.day_of_year(week), years) + np.zeros(model.worlds)
    iraq.power_supply = domestic_gw + iran_gw
    iraq.power_shortfall = np.clip(1.0 - iraq.power_supply / iraq.power_demand, 0.0, 1.0)
    iraq.iran_power_share = iran_gw / iraq.power_supply


def renew_waivers(model, week: int) -> None:
    """Each waiver takes the US's choice when its own 120-day letter falls due (or at once when a scenario blocks,
    forces or a squeeze stops it)."""
    p, us = model.p, model.us
    squeeze = us.cudgel_active(week)
    forced = model.constraints.forced_now("us.waiver", week)
    for kind in KINDS:
        due = us.weeks_to_renewal[kind] <= 0
        us.weeks_to_renewal[kind] = np.where(due, p.us_waiver_period_weeks, us.weeks_to_renewal[kind]) - 1
        blocked = (us.waiver_blocked_until[kind] > week) | squeeze
        us.waiver_choice[kind] = np.where(due | forced, us.waiver, us.waiver_choice[kind])
        active = (us.waiver_choice[kind] == RENEW) & ~blocked
        model.log.changes(week, us.waivers[kind], active, "us", f"waiver.{kind}",
                          lambda new, kind=kind: f"US renews the waiver for Iraq's payments for Iranian {kind}" if new
                          else f"The US waiver for Iraq's payments for Iranian {kind} lapses")
        us.waivers[kind] = active


def bills(model) -> dict:
    """This week's bill by kind, USD bn: what Iran delivers times its price."""
    p, delivered = model.p, iranian_gw(model)
    return {"gas": delivered["gas"] * p.iran_gas_price_busd_per_gw_year / WEEKS_PER_YEAR,
            "electricity": delivered["electricity"] * p.iran_electricity_price_busd_per_gw_year / WEEKS_PER_YEAR}


def settle(model) -> None:
    """Iraq pays this week's bills and some arrears into the restricted accounts, as waivers and dollars allow; Iran
    draws on the accounts as far as the US approves."""
    p, us, iran = model.p, model.us, model.iran
    transfers = us.dollar_access  # payments leave Iraq's New York account, which the US controls
    threats = model.threats
    compliance = 1.0 + p.iraq_arrears_compliance * threats.active["iran_energy"] * threats.credibility(model,
                                                                                                       "iran_energy")
    paid = np.zeros(model.worlds)
    for kind, bill in bills(model).items():
        payable = us.waivers[kind] * transfers
        paid = paid + bill * payable
        iran.arrears = iran.arrears + bill * (1.0 - payable)
    capacity = np.minimum(p.iran_arrears_paydown_share_per_year * iran.arrears,  # a tranche scales with the backlog
                          p.iran_arrears_paydown_busd_per_year)  # up to what the budget allows
    paydown = np.minimum(iran.arrears, compliance * capacity / WEEKS_PER_YEAR * us.waivers["gas"] * transfers)
    iran.arrears = iran.arrears - paydown
    paid = paid + paydown
    drawn = iran.escrow * us.escrow_access * p.iran_escrow_draw_per_year / WEEKS_PER_YEAR
    iran.escrow = iran.escrow + paid - drawn
    iran.paid = paid * WEEKS_PER_YEAR
    iran.drawn = drawn * WEEKS_PER_YEAR


def other_exports(model) -> np.ndarray:
    """Iran's non-energy sales to Iraq, USD bn a year: importers buy only the dollars sold, at the parallel rate."""
    p, iraq = model.p, model.iraq
    return (p.iran_other_exports_busd_per_year * np.minimum(iraq.dollar_sales, 1.0)
            * (p.iraq_parallel_rate_initial / iraq.parallel_rate))


def update_revenue(model) -> None:
    """Iran's revenue from Iraq (what Iraq pays for energy plus its other sales) and its lifeline (what it can use:
    drawn escrow, other sales, and the dollars leaking to it), both a year's worth at this week's pace."""
    iran, iraq = model.iran, model.iraq
    other = other_exports(model)
    iran.revenue_from_iraq = iran.paid + other
    iran.lifeline = iran.drawn + other + iraq.leakage


def invest(model, week: int) -> None:
    """Iraq commits to substitutes for the Iranian supply that is cut or at risk, which come online with a lag."""
    p, us, iraq = model.p, model.us, model.iraq
    normal = p.iran_power_share * p.iraq_power_supply_gw
    lapsed = 1.0 - 0.5 * (us.waivers["gas"] + us.waivers["electricity"])
    at_risk = normal * ((1.0 - model.iran.supply_level) + p.iraq_waiver_uncertainty_weight * lapsed)
    iraq.substitutes_pipeline = iraq.substitutes_pipeline + p.iraq_substitution_response * at_risk / WEEKS_PER_YEAR
    online = iraq.substitutes_pipeline / p.iraq_substitution_lag_weeks
    iraq.substitutes_pipeline = iraq.substitutes_pipeline - online
    iraq.substitutes_gw = iraq.substitutes_gw + online


def resolve(model, week: int) -> None:
    p, iran = model.p, model.iran
    renew_waivers(model, week)
    chosen = np.where(iran.supply == option_index("iran.supply", "reduce"), 1.0 - p.iran_cut_fraction, 1.0)
    forced_cut = np.where(iran.cut_until > week, iran.cut_override, 0.0)
    new_level = np.minimum(chosen, 1.0 - forced_cut)
    model.log.changes(week, iran.supply_level, new_level, "iran", "gas_supply",
                      "Iran delivers {new:.0%} of its normal gas and electricity")
    iran.supply_level = new_level
    invest(model, week)
    balance_power(model, week)
    settle(model)
    update_revenue(model)
