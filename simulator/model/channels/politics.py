"""Politics channel: Baghdad's push for a US exit, sovereignty grievance and public discontent."""

from __future__ import annotations

import numpy as np

from ..choice import option_index

# logit of exit pressure before grievance, alignment and fear; calibrated so the baseline stays near 0.45
BASE_LEVEL = -0.9
SOVEREIGNTY_WEIGHT = 1.0
IRAN_ESCALATION_WEIGHT = 0.6  # an escalation campaign directed by Iran presses Baghdad's aligned parties harder
ANGER_WEIGHT = 1.0
WAIVER_LOSS_WEIGHT = 0.5  # losing the Iranian power behind the waiver weighs half as much as losing oil revenue
DISCONTENT_ADJUSTMENT = 0.15


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def resolve(model, week: int) -> None:
    p, us, iran, iraq = model.p, model.us, model.iran, model.iraq
    iraq.sovereignty_grievance = iraq.sovereignty_grievance * (1.0 - 1.0 / p.iraq_grievance_memory_weeks) \
        + p.iraq_sovereignty_sensitivity * us.strikes
    iraq.anger_at_iran = iraq.anger_at_iran * (1.0 - 1.0 / p.iraq_grievance_memory_weeks)

    # What Baghdad expects to lose if the US answers an exit with the dollar and the waivers; a government facing
    # discontent at home fears that loss more.
    credibility = np.maximum(p.us_cudgel_willingness, us.cudgel_memory)
    expected_loss = credibility * (p.iraq_oil_share_of_revenue * (1.0 - p.us_cudgel_dollar_access)
                                   + WAIVER_LOSS_WEIGHT * iraq.iran_power_share * us.waiver_active)
    fear = p.iraq_dollar_fear * (1.0 + iraq.discontent) * expected_loss
    escalating = iran.direction == option_index("iran.direction", "escalate")
    mobilised = np.where(iraq.mobilisation_until > week, iraq.mobilisation, 0.0)
    drive = (BASE_LEVEL + p.iraq_aligned_pressure + SOVEREIGNTY_WEIGHT * (1.0 - np.exp(-iraq.sovereignty_grievance))
             + IRAN_ESCALATION_WEIGHT * escalating + mobilised
             - fear - ANGER_WEIGHT * (1.0 - np.exp(-iraq.anger_at_iran)))
    iraq.exit_pressure = iraq.exit_pressure + p.iraq_exit_pressure_adjustment * (_sigmoid(drive) - iraq.exit_pressure)

    requested = iraq.stance == option_index("iraq.exit_stance", "request")
    iraq.requesting = requested
    iraq.request_weeks = np.where(requested, iraq.request_weeks + 1, 0.0)

    hardship = (3.0 * iraq.power_shortfall + 3.0 * (1.0 - iraq.salary_coverage)
                + 2.0 * (iraq.parallel_rate / p.iraq_parallel_rate_initial - 1.0) + 0.5 * iraq.sovereignty_grievance)
    target = _sigmoid(np.log(p.iraq_discontent_initial / (1.0 - p.iraq_discontent_initial) + 1e-12) - 0.6 + hardship)
    iraq.discontent = np.clip(iraq.discontent + DISCONTENT_ADJUSTMENT * (target - iraq.discontent), 0.0, 1.0)
