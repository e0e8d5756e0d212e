"""Iran: directs the militias (restrain, sustain, escalate) and supplies Iraq with gas and electricity, which it
can threaten to cut or cut."""

from __future__ import annotations

import numpy as np

from .base import Actor


class Iran(Actor):
    def __init__(self, model):
        super().__init__(model)
        p = self.p
        self.arrears = self.full(p.iran_arrears_initial_busd)
        self.supply_level = self.full(1.0)  # share of normal gas and electricity delivered
        self.cut_override = self.full(0.0)  # share withheld by a scenario-imposed or threatened cut
        self.cut_until = self.full(0.0)
        self.revenue_from_iraq = self.full(0.0)  # set by the model once the power balance is known
        self.direction = self.full(1).astype(int)  # sustain
        self.directive = self.direction.copy()  # the direction as the factions see it: last week's, set when resolved
        self.supply = self.full(0).astype(int)  # full

    def decide(self) -> None:
        p, model = self.p, self.model
        us, iraq = model.us, model.iraq
        dollar_risk = (1.0 - us.dollar_access) + p.iran_cudgel_risk_weight * us.cudgel_active(model.week)
        heat = model.escalation  # the intensity of the exchange of fire: war risk
        exposure = us.exposure
        # its allies' gains in Baghdad are worth keeping: pressure on US forces endangers them, escalation doubly
        stake = p.iran_inclusion_weight * (iraq.inclusion - p.iraq_inclusion_initial)
        self.direction = self.choose("iran.direction", [
            p.iran_lifeline_weight * dollar_risk + p.iran_war_aversion * heat,
            p.iran_expel_weight * (p.iran_sustain_pressure + p.iran_gaza_pressure * p.world_gaza_war) * exposure
            - stake,
            p.iran_expel_weight * (0.5 + iraq.exit_pressure) * exposure - 2.0 * stake
            - p.iran_war_aversion * (p.iran_escalation_war_cost + p.iran_escalation_heat_cost * heat)
            - p.iran_escalation_lifeline_multiple * p.iran_lifeline_weight * dollar_risk,
        ], self.direction, p.iran_rationality)
        pressure = p.iran_arrears_sensitivity * (self.arrears / p.iran_arrears_tolerance_busd - 1.0)
        threatening = model.threats.active["iran_energy"]
        self.supply = self.choose("iran.supply", [
            0.0,
            np.where(threatening, -np.inf, pressure + p.iran_threat_value),  # one threat at a time
            pressure - p.iran_lifeline_weight * p.iran_cut_fraction * p.iran_cut_revenue_loss,
        ], self.supply, p.iran_rationality)
