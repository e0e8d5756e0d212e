"""Energy channel: seasonal demand against domestic, Iranian and alternative supply; paying Iran needs a waiver."""

from __future__ import annotations

import numpy as np

from ..choice import option_index

PEAK_DAY_OF_YEAR = 200  # mid-July


def demand_gw(p, day_of_year: int, years: float):
    season = 0.5 + 0.5 * np.cos(2.0 * np.pi * (day_of_year - PEAK_DAY_OF_YEAR) / 365.25)
    base = p.iraq_power_demand_trough_gw + (p.iraq_power_demand_peak_gw - p.iraq_power_demand_trough_gw) * season
    return base * (1.0 + p.iraq_power_demand_growth) ** years


def resolve(model, week: int) -> None:
    p, us, iran, iraq = model.p, model.us, model.iran, model.iraq
    years = week / 52.0
    chosen = np.where(iran.supply == option_index("iran.supply", "reduce"), 1.0 - p.iran_cut_fraction, 1.0)
    forced_cut = np.where(iran.cut_until > week, iran.cut_override, 0.0)
    new_level = np.minimum(chosen, 1.0 - forced_cut)
    model.log.changes(week, iran.supply_level, new_level, "iran", "gas_supply",
                      "Iran delivers {new:.0%} of its normal gas and electricity")
    iran.supply_level = new_level

    iran_gw = p.iran_power_share * p.iraq_power_supply_gw * iran.supply_level
    domestic_gw = (1.0 - p.iran_power_share) * p.iraq_power_supply_gw + p.iraq_alternatives_gw_per_year * years
    iraq.power_demand = demand_gw(p, model.calendar.day_of_year(week), years) + np.zeros(model.worlds)
    iraq.power_supply = domestic_gw + iran_gw
    iraq.power_shortfall = np.clip(1.0 - iraq.power_supply / iraq.power_demand, 0.0, 1.0)
    iraq.iran_power_share = iran_gw / iraq.power_supply

    # Paying Iran needs a waiver: with one, Iraq pays the bill and some arrears; without, arrears grow.
    bill = p.iran_energy_bill_busd_per_year / 52.0 * iran.supply_level
    paydown = np.minimum(iran.arrears, p.iran_arrears_paydown_busd_per_year / 52.0)
    paid = np.where(us.waiver_active, bill + paydown, 0.0)
    iran.arrears = np.where(us.waiver_active, iran.arrears - paydown, iran.arrears + bill)
    # Other exports are paid in dollars bought by Iraqi importers: they shrink as the parallel rate climbs.
    trade = p.iran_other_exports_busd_per_year * (p.iraq_parallel_rate_initial / iraq.parallel_rate)
    iran.revenue_from_iraq = paid * 52.0 + trade
