"""Dollar channel: Iraq's account at the New York Fed, the US levers on it, the central bank's reserves and dollar
sales, the leak to Iran, the parallel rate with memory, and the salaries the state can pay.

Oil proceeds land in the account (oil channel). Each week the central bank sells the dollars Iraq needs as far as US
rules let them out: the whole-account restriction caps transfers (`dollar_access`), and three graded levers screen
them (stricter wire checks, barred banks, a bank named a money-laundering concern; facts.md, NY Fed compliance squeeze
and Further dollar measures). Reserves held outside the US fill what an account restriction holds back until they
run out; reserves below a floor ration sales to what oil brings in. What is sold backs the dinars the state pays
its salaries with.
"""

from __future__ import annotations

import numpy as np

from ..calendar import WEEKS_PER_YEAR
from ..choice import by_option, option_index
from ..random_streams import SQRT12

ENFORCE = option_index("iraq.dollar_compliance", "enforce")


# ------------------------------------------------------------------------------------------------ the graded levers
def screen(model, week: int) -> np.ndarray:
    """Share of requested dollar sales that passes the graded US measures in force this week (1 with none): blocked
    wires recover as banks adapt, barred banks' customers move to other banks."""
    p, us = model.p, model.us
    if week >= us.measures_end:  # none in force in any world: the common case, answered without array work
        return 1.0
    since = {name: week - start for name, start in us.measure_start.items()}
    wires = np.where(us.measure_until["compliance"] > week, p.iraq_wire_share_of_sales * us.measure_share["compliance"]
                     * np.exp(-since["compliance"] / p.iraq_compliance_adaptation_weeks), 0.0)
    banks = np.where(us.measure_until["bank_bar"] > week, us.measure_share["bank_bar"]
                     * np.exp(-since["bank_bar"] / p.iraq_bank_migration_weeks), 0.0)
    named = np.where(us.measure_until["designation"] > week, us.measure_share["designation"], 0.0)
    return (1.0 - wires) * (1.0 - banks) * (1.0 - named)


def announce(model, mask, cut_share) -> None:
    """News of a dollar measure (or of a credible threat of one) that would cut `cut_share` of dollar sales: the
    parallel market prices it this week, before any dollar is held back."""
    iraq = model.iraq
    iraq.fx_news = iraq.fx_news + np.where(mask, cut_share, 0.0)


def account_target(model, week: int) -> np.ndarray:
    """The share of normal transfers the US means to allow: its standing choice, a squeeze, or a scenario's cap."""
    p, us = model.p, model.us
    squeeze = us.cudgel_active(week)
    levels = [p.us_dollar_access, np.minimum(p.us_dollar_access, p.us_reduced_facilitation_access),
              np.minimum(p.us_dollar_access, p.us_cudgel_dollar_access)]
    target = by_option(np.where(squeeze, 2, us.dollars), levels)
    return np.where(us.dollar_cap_until > week, np.minimum(target, us.dollar_cap), target)


# ------------------------------------------------------------------------------------------------ the week
def resolve(model, week: int) -> None:
    p, us, iraq = model.p, model.us, model.iraq
    target = account_target(model, week)
    announce(model, target < us.dollar_target - 0.01, us.dollar_target - target)  # a tighter cap is news
    us.dollar_target = target
    new_access = us.dollar_access + p.us_dollar_adjustment * (target - us.dollar_access)
    new_access = np.where(np.abs(new_access - target) < 0.005, target, new_access)
    model.log.changes(week, np.round(us.dollar_access, 1), np.round(new_access, 1), "us", "dollars",
                      "US-allowed dollar transfers now {new:.0%} of normal")
    us.dollar_access = new_access

    # The account: proceeds in; what Baghdad can reach is what the US lets out, with reserves abroad filling what a
    # restriction holds back; of that, the market gets what passes the graded measures' screen.
    need = p.iraq_dollar_need_busd_per_year / WEEKS_PER_YEAR
    passing = screen(model, week)
    iraq.reserves_us = iraq.reserves_us + iraq.oil_revenue
    total = iraq.reserves_us + iraq.reserves_abroad
    sellable = np.maximum(total - p.iraq_reserve_floor_busd, np.minimum(iraq.oil_revenue, total))
    from_us = np.minimum(np.minimum(need * us.dollar_access, sellable), iraq.reserves_us)
    from_abroad = np.minimum(np.minimum(need - from_us, sellable - from_us), iraq.reserves_abroad)
    iraq.dollars_reached = (from_us + from_abroad) / need  # share of the normal need Baghdad can draw
    iraq.reserves_us = iraq.reserves_us - from_us * passing
    iraq.reserves_abroad = iraq.reserves_abroad - from_abroad * passing
    iraq.dollar_sales = iraq.dollars_reached * passing  # share of the normal need sold to the market
    # Screening falls hardest on suspect transfers: leakage passes in proportion to the sales and to the screen.
    iraq.leakage = (p.iran_dollar_leakage_share * (1.0 - iraq.enforcement) * iraq.dollar_sales * passing
                    * p.iraq_dollar_need_busd_per_year)
    chose = (iraq.dollar_compliance == ENFORCE).astype(float)
    iraq.enforcement = iraq.enforcement + p.iraq_enforcement_adjustment * (chose - iraq.enforcement)

    _parallel_rate(model, week)

    # Salaries: the state's oil dinars rest on the oil dollars it can reach; real pay erodes with the parallel rate.
    fiscal = p.iraq_oil_share_of_revenue * iraq.dollars_reached + (1.0 - p.iraq_oil_share_of_revenue)
    nominal = np.minimum(1.0, fiscal / p.iraq_payroll_share_of_revenue)
    real = (p.iraq_parallel_rate_initial / iraq.parallel_rate) ** p.iraq_price_pass_through
    iraq.salary_coverage = np.clip(nominal * real, 0.0, 1.0)


def _parallel_rate(model, week: int) -> None:
    """The rate moves toward what the dollars sold support, times a premium of expectations that news of measures
    raises (more for each remembered squeeze), that fades slowly, and that a credible standing threat holds up."""
    p, iraq, threats = model.p, model.iraq, model.threats
    news = iraq.fx_news
    scare = p.iraq_fx_news_weight * news * (1.0 + p.iraq_fx_scar_weight * iraq.fx_scars)
    iraq.fx_scars = iraq.fx_scars * (1.0 - 1.0 / p.iraq_fx_scar_memory_weeks) + (news >= p.iraq_fx_scar_threshold)
    iraq.fx_news = np.zeros(model.worlds)
    threatened = threats.active["us_dollars"] * threats.credibility(model, "us_dollars")
    iraq.fx_expectations = np.maximum(iraq.fx_expectations * (1.0 - 1.0 / p.iraq_fx_memory_weeks) + scare,
                                      p.iraq_threat_premium * threatened)
    sold = np.maximum(iraq.dollar_sales, 0.02)
    support = sold ** (-p.iraq_parallel_rate_elasticity) if (sold != 1.0).any() else 1.0  # 1 ** x = 1, no power
    equilibrium = p.iraq_parallel_rate_initial * support * (1.0 + iraq.fx_expectations)
    log_gap = np.log(equilibrium) - np.log(iraq.parallel_rate)
    # uniform innovations of unit variance, sqrt(12) (u - 1/2), as for the oil price and the factions' mood
    shock = p.iraq_parallel_rate_volatility * SQRT12 * (model.streams.uniform("iraq.parallel_rate", week) - 0.5)
    iraq.parallel_rate = iraq.parallel_rate * np.exp(p.iraq_parallel_rate_adjustment * log_gap + shock)
