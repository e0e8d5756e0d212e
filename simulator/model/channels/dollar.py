"""Dollar channel: US-allowed dollar transfers, the waiver, the parallel rate and the government's salaries."""

from __future__ import annotations

import numpy as np

from ..choice import option_index


def resolve(model, week: int) -> None:
    p, us, iraq = model.p, model.us, model.iraq
    squeeze = us.cudgel_active(week)
    levels = [p.us_dollar_access, np.minimum(p.us_dollar_access, p.us_reduced_facilitation_access),
              np.minimum(p.us_dollar_access, p.us_cudgel_dollar_access)]
    target = np.choose(np.where(squeeze, 2, us.dollars),
                       [np.broadcast_to(level, (model.worlds,)) for level in levels])
    target = np.where(us.dollar_cap_until > week, np.minimum(target, us.dollar_cap), target)
    new_access = us.dollar_access + p.us_dollar_adjustment * (target - us.dollar_access)
    new_access = np.where(np.abs(new_access - target) < 0.005, target, new_access)
    model.log.changes(week, np.round(us.dollar_access, 1), np.round(new_access, 1), "us", "dollars",
                      "US-allowed dollar transfers now {new:.0%} of normal")
    us.dollar_access = new_access

    us.weeks_to_renewal = np.where(us.weeks_to_renewal <= 0, p.us_waiver_period_weeks, us.weeks_to_renewal) - 1
    waiver = (us.waiver == option_index("us.waiver", "renew")) & (us.waiver_blocked_until <= week) & ~squeeze
    model.log.changes(week, us.waiver_active, waiver, "us", "waiver",
                      lambda new: "US renews the waiver for Iraq's Iranian energy payments" if new
                      else "The US waiver for Iraq's payments to Iran lapses")
    us.waiver_active = waiver

    # Parallel rate: supply short of demand raises it; a standing threat adds a premium; small weekly shocks.
    threatened = model.threats.active["us_dollars"] * model.threats.credibility(model, "us_dollars")
    access = np.maximum(us.dollar_access, 0.02)
    equilibrium = p.iraq_parallel_rate_initial * access ** (-p.iraq_parallel_rate_elasticity) \
        * (1.0 + p.iraq_threat_premium * np.maximum(squeeze, threatened))
    log_gap = np.log(equilibrium) - np.log(iraq.parallel_rate)
    shock = p.iraq_parallel_rate_volatility * model.streams.normal("iraq.parallel_rate", week)
    iraq.parallel_rate = iraq.parallel_rate * np.exp(p.iraq_parallel_rate_adjustment * log_gap + shock)

    # Salaries: oil revenue reaches Baghdad only as far as dollar transfers allow; real pay erodes with the rate.
    fiscal = p.iraq_oil_share_of_revenue * us.dollar_access + (1.0 - p.iraq_oil_share_of_revenue)
    nominal = np.minimum(1.0, fiscal / p.iraq_payroll_share_of_revenue)
    real = (p.iraq_parallel_rate_initial / iraq.parallel_rate) ** p.iraq_price_pass_through
    iraq.salary_coverage = np.clip(nominal * real, 0.0, 1.0)
