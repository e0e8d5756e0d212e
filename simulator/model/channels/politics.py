"""Politics channel: Baghdad's push for a US exit, sovereignty grievance, nationalist backlash, its policy toward
the militias, and public discontent."""

from __future__ import annotations

import numpy as np

from ..choice import option_index

REQUEST = option_index("iraq.exit_stance", "request")
NEGOTIATE = option_index("iraq.exit_stance", "negotiate")
INCLUDE = option_index("iraq.militia_policy", "include")
PRESS = option_index("iraq.militia_policy", "press")


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def resolve(model, week: int) -> None:
    p, us, iran, iraq = model.p, model.us, model.iran, model.iraq
    forget = 1.0 - 1.0 / p.iraq_grievance_memory_weeks
    iraq.sovereignty_grievance = iraq.sovereignty_grievance * forget + p.iraq_sovereignty_sensitivity * us.strikes
    iraq.anger_at_iran = iraq.anger_at_iran * forget
    iraq.nationalism = iraq.nationalism * forget

    # What Baghdad expects to lose if the US answers an exit with the dollar and the waivers: each lever's
    # perceived credibility times what Iraq still has to lose to it; a government facing discontent fears it more.
    fear = p.iraq_dollar_fear * (1.0 + iraq.discontent) * model.leverage["us_over_iraq"]
    escalating = iran.direction == option_index("iran.direction", "escalate")
    mobilised = np.where(iraq.mobilisation_until > week, iraq.mobilisation, 0.0)
    pmu_weight = p.iraq_pmu_political_weight * (iraq.pmu_fighters / p.pmu_fighters_initial - 1.0)
    drive = (p.iraq_exit_pressure_base + p.iraq_aligned_pressure + pmu_weight
             + p.iraq_sovereignty_weight * (1.0 - np.exp(-iraq.sovereignty_grievance / p.iraq_grievance_scale))
             + p.iraq_iran_escalation_weight * escalating + mobilised + p.iraq_nationalism_weight * iraq.nationalism
             - fear - p.iraq_anger_weight * (1.0 - np.exp(-iraq.anger_at_iran)))
    iraq.exit_pressure = iraq.exit_pressure + p.iraq_exit_pressure_adjustment * (_sigmoid(drive) - iraq.exit_pressure)

    iraq.requesting = iraq.stance == REQUEST
    iraq.negotiating = iraq.stance == NEGOTIATE
    iraq.request_weeks = np.where(iraq.requesting, iraq.request_weeks + 1, 0.0)

    # Baghdad's levers over the militias: inclusion in power and patronage moves slowly (toward 1 when Baghdad
    # draws them in, 0 when it presses them, back to the standing settlement when it leaves them be); public
    # pressure fades.
    target = np.where(iraq.militia_policy == INCLUDE, 1.0, np.where(iraq.militia_policy == PRESS, 0.0,
                                                                    p.iraq_inclusion_initial))
    iraq.inclusion = iraq.inclusion + p.iraq_policy_adjustment * (target - iraq.inclusion)
    pressing = (iraq.militia_policy == PRESS).astype(float)
    iraq.pressure_on_militias = iraq.pressure_on_militias * forget + pressing * (1.0 - forget)

    hardship = (p.iraq_hardship_shortfall_weight * iraq.power_shortfall
                + p.iraq_hardship_salary_weight * (1.0 - iraq.salary_coverage)
                + p.iraq_hardship_rate_weight * (iraq.parallel_rate / p.iraq_parallel_rate_initial - 1.0)
                + p.iraq_hardship_grievance_weight * iraq.sovereignty_grievance)
    start = np.log(p.iraq_discontent_initial / (1.0 - p.iraq_discontent_initial) + 1e-12)
    target = _sigmoid(start + hardship - p.iraq_hardship_reference)
    iraq.discontent = np.clip(iraq.discontent + p.iraq_discontent_adjustment * (target - iraq.discontent), 0.0, 1.0)
