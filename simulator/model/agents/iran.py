"""Iran: directs the militias (restrain, sustain, escalate) and supplies Iraq with gas and electricity, which it
can threaten to cut or cut. Iraq is its lifeline to dollars: what it can draw from the restricted accounts, its other
sales to Iraq and the dollars that leak to it through Iraqi banks enter both choices."""

from __future__ import annotations

import numpy as np

from ..choice import option_index
from .base import Actor

REDUCE = option_index("iran.supply", "reduce")


class Iran(Actor):
    def __init__(self, model):
        super().__init__(model)
        p = self.p
        self.arrears = self.full(p.iran_arrears_initial_busd)
        self.escrow = self.full(p.iran_escrow_initial_busd)  # paid into restricted accounts, not yet drawn
        self.supply_level = self.full(1.0)  # share of normal gas and electricity delivered
        self.cut_override = self.full(0.0)  # share withheld by a scenario-imposed or threatened cut
        self.cut_until = self.full(0.0)
        self.paid = self.full(0.0)  # USD bn a year at this week's pace: what Iraq pays into the accounts
        self.drawn = self.full(0.0)  # ... and what Iran draws from them
        self.revenue_from_iraq = self.full(0.0)  # set by the model once the power balance is known
        self.lifeline = self.full(0.0)
        self.lifeline_normal = self.full(1.0)  # the lifeline at the start, the reference for what is lost
        self.direction = self.full(1).astype(int)  # sustain
        self.directive = self.direction.copy()  # the direction as the factions see it: last week's, set when resolved
        self.supply = self.full(0).astype(int)  # full

    def unpaid(self) -> np.ndarray:
        """What Iran counts as unpaid: arrears, and the balance it may not draw (as far as it counts it)."""
        blocked = self.escrow * (1.0 - self.model.us.escrow_access)
        return self.arrears + self.p.iran_escrow_weight * blocked

    def supply_pressure(self, week: int) -> np.ndarray:
        """Iran's reason to press with its supply: unpaid money beyond its tolerance, worth more in the season when
        a cut hurts Iraq most."""
        from ..channels.energy import season

        p = self.p
        owed = self.unpaid() / p.iran_arrears_tolerance_busd
        summer = season(p, self.model.calendar.day_of_year(week))
        return p.iran_arrears_sensitivity * (owed - 1.0) + p.iran_season_weight * summer * np.minimum(owed, 1.0)

    def cut_cost(self) -> np.ndarray:
        """What cutting costs Iran: the revenue of the withheld supply, weighed by its need of the lifeline."""
        p = self.p
        return p.iran_lifeline_weight * p.iran_cut_fraction * p.iran_cut_revenue_loss

    def lifeline_lost(self) -> np.ndarray:
        """Share of the start's lifeline through Iraq that Iran has lost."""
        return np.clip(1.0 - self.lifeline / self.lifeline_normal, 0.0, 1.0)

    def decide(self) -> None:
        p, model = self.p, self.model
        us, iraq = model.us, model.iraq
        # Iraq's dollar system under strain, or a squeeze under way, puts the lifeline at risk: a reason to restrain.
        dollar_risk = (1.0 - np.minimum(iraq.dollar_sales, 1.0)) + p.iran_cudgel_risk_weight * us.cudgel_active(
            model.week)
        at_risk = model.leverage["us_over_iran"] * sum(model.threats.active[lever] for lever in ("us_dollars",
                                                                                                 "us_waivers"))
        risk = dollar_risk + at_risk
        # what is already lost is no reason to restrain any more: a cost imposed invites a cost returned
        anger = p.iran_squeeze_anger * self.lifeline_lost()
        heat = model.escalation  # the intensity of the exchange of fire: war risk
        # many US dead or wounded within weeks bring a direct US answer against Iran itself in sight
        spike = (us.casualty_spike / p.iran_red_line_casualties) ** p.iran_red_line_steepness
        red_line = spike / (1.0 + spike)
        exposure = us.exposure
        # its allies' gains in Baghdad are worth keeping: pressure on US forces endangers them, escalation doubly
        # ... except while the war in Gaza goes on: attacks cast as solidarity with Gaza cost its allies little
        stake = (p.iran_inclusion_weight * (iraq.inclusion - p.iraq_inclusion_initial)
                 * (1.0 - p.iran_gaza_cover * p.world_gaza_war))
        self.direction = self.choose("iran.direction", [
            p.iran_lifeline_weight * risk + p.iran_war_aversion * heat + p.iran_red_line_weight * red_line,
            p.iran_expel_weight * (p.iran_sustain_pressure + p.iran_gaza_pressure * p.world_gaza_war) * exposure
            - stake + anger,
            p.iran_expel_weight * (0.5 + iraq.exit_pressure) * exposure - 2.0 * stake + anger
            - p.iran_war_aversion * (p.iran_escalation_war_cost + p.iran_escalation_heat_cost * heat)
            - p.iran_escalation_lifeline_multiple * p.iran_lifeline_weight * risk,
        ], self.direction, p.iran_rationality)
        pressure = self.supply_pressure(model.week + 1)
        threatening = model.threats.active["iran_energy"]
        cutting = self.supply == REDUCE
        self.supply = self.choose("iran.supply", [
            0.0,
            # one threat at a time, none while it is already cutting, and while a threat stands Iran waits for its
            # deadline before cutting
            np.where(threatening | cutting, -np.inf, pressure + p.iran_threat_value),
            np.where(threatening, -np.inf, pressure - self.cut_cost()),
        ], self.supply, p.iran_rationality)
