"""PMU growth: the budget (with the increase) becomes fighters after a recruitment lag, as far as it is paid.

Positions funded = the initial force while the base budget is paid in full (pro rata below it), plus one new
fighter per `pmu_cost_per_new_fighter_usd` of budget above the base. Fighters move toward that number with the
recruitment lag when it rises, and `pmu_attrition_slowdown` times as slowly when it falls (unpaid fighters wait
before they leave).
"""

from __future__ import annotations

import numpy as np


def resolve(model, week: int) -> None:
    p, iraq = model.p, model.iraq
    phase = np.minimum(1.0, week / p.pmu_budget_phase_in_weeks)
    allocated = p.pmu_budget_busd_per_year + p.pmu_budget_increase_busd_per_year * phase
    iraq.pmu_budget = allocated * iraq.salary_coverage
    base_share = np.minimum(1.0, iraq.pmu_budget / p.pmu_budget_busd_per_year)
    extra = np.maximum(0.0, iraq.pmu_budget - p.pmu_budget_busd_per_year) * 1e9 / p.pmu_cost_per_new_fighter_usd
    funded = p.pmu_fighters_initial * base_share + extra
    lag = np.where(funded >= iraq.pmu_fighters, 1.0, p.pmu_attrition_slowdown) * p.pmu_recruitment_lag_weeks
    iraq.pmu_fighters = iraq.pmu_fighters + (funded - iraq.pmu_fighters) / lag
