"""PMU growth: the budget (with the increase) becomes fighters after a recruitment lag, as far as it is paid."""

from __future__ import annotations

import numpy as np


def resolve(model, week: int) -> None:
    p, iraq = model.p, model.iraq
    phase = np.minimum(1.0, week / p.pmu_budget_phase_in_weeks)
    allocated = p.pmu_budget_busd_per_year + p.pmu_budget_increase_busd_per_year * phase
    iraq.pmu_budget = allocated * iraq.salary_coverage
    funded = p.pmu_fighters_initial + (iraq.pmu_budget - p.pmu_budget_busd_per_year) * 1e9 / p.pmu_cost_per_new_fighter_usd
    iraq.pmu_fighters = iraq.pmu_fighters + (funded - iraq.pmu_fighters) / p.pmu_recruitment_lag_weeks
