"""Energy channel: seasonal demand against domestic, Iranian and alternative supply; paying Iran needs a waiver."""

from __future__ import annotations

import numpy as np

from ..choice import option_index


def demand_gw(p, day_of_year: int, years: float):
    season = 0.5 + 0.5 * np.cos(2.0 * np.pi * (day_of_year - p.iraq_power_peak_day) / 365.25)
    base = p.iraq_power_demand_trough_gw + (p.iraq_power_demand_peak_gw - p.iraq_power_demand_trough_gw) * season
    return base * (1.0 + p.iraq_power_demand_growth) ** years


def balance_power(model, week: int) -> None:
    """Demand, supply, shortfall and Iran's share of supply for the week."""
    p, iraq = model.p, model.iraq
    years = week / 52.0
    iran_gw = p.iran_power_share * p.iraq_power_supply_gw * model.iran.supply_level
    domestic_gw = (1.0 - p.iran_power_share) * p.iraq_power_supply_gw + p.iraq_alternatives_gw_per_year * years
    iraq.power_demand = demand_gw(p, model.calendar.day_of_year(week), years) + np.zeros(model.worlds)
    iraq.power_supply = domestic_gw + iran_gw
    iraq.power_shortfall = np.clip(1.0 - iraq.power_supply / iraq.power_demand, 0.0, 1.0)
    iraq.iran_power_share = iran_gw / iraq.power_supply


def weekly_payment(model):
    """(bill, arrears paid down, amount paid) this week, in USD bn: paying needs an active waiver."""
    p, iran = model.p, model.iran
    bill = p.iran_energy_bill_busd_per_year / 52.0 * iran.supply_level
    # Under a standing Iranian threat Iraq pays faster, as far as its credibility goes (only with a waiver)
    threats = model.threats
    compliance = 1.0 + p.iraq_arrears_compliance * threats.active["iran_energy"] * threats.credibility(model,
                                                                                                       "iran_energy")
    paydown = np.minimum(iran.arrears, compliance * p.iran_arrears_paydown_busd_per_year / 52.0)
    return bill, paydown, np.where(model.us.waiver_active, bill + paydown, 0.0)


def iran_revenue(model, paid) -> np.ndarray:
    """Annualised revenue: energy payments plus other exports, paid in dollars that Iraqi importers buy at the
    parallel rate (so they shrink as it climbs)."""
    p = model.p
    return paid * 52.0 + p.iran_other_exports_busd_per_year * (p.iraq_parallel_rate_initial / model.iraq.parallel_rate)


def resolve(model, week: int) -> None:
    p, iran = model.p, model.iran
    chosen = np.where(iran.supply == option_index("iran.supply", "reduce"), 1.0 - p.iran_cut_fraction, 1.0)
    forced_cut = np.where(iran.cut_until > week, iran.cut_override, 0.0)
    new_level = np.minimum(chosen, 1.0 - forced_cut)
    model.log.changes(week, iran.supply_level, new_level, "iran", "gas_supply",
                      "Iran delivers {new:.0%} of its normal gas and electricity")
    iran.supply_level = new_level
    balance_power(model, week)

    bill, paydown, paid = weekly_payment(model)
    iran.arrears = np.where(model.us.waiver_active, iran.arrears - paydown, iran.arrears + bill)
    iran.revenue_from_iraq = iran_revenue(model, paid)
