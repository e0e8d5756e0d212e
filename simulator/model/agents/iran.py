"""Iran: directs the militias (restrain, sustain, escalate) and supplies Iraq with gas and electricity."""

from __future__ import annotations

from .base import Actor


class Iran(Actor):
    def __init__(self, model):
        super().__init__(model)
        p = self.p
        self.arrears = self.full(p.iran_arrears_initial_busd)
        self.supply_level = self.full(1.0)  # share of normal gas and electricity delivered
        self.cut_override = self.full(0.0)  # share withheld by a scenario-imposed cut
        self.cut_until = self.full(0.0)
        self.revenue_from_iraq = self.full(0.0)  # set by the model once the power balance is known
        self.direction = self.full(1).astype(int)  # sustain
        self.directive = self.direction.copy()  # the direction as the factions see it: last week's, set when resolved
        self.supply = self.full(0).astype(int)  # full

    def decide(self) -> None:
        p, model = self.p, self.model
        us, iraq = model.us, model.iraq
        dollar_risk = (1.0 - us.dollar_access) + 0.5 * us.cudgel_active(model.week)
        heat = model.escalation  # the intensity of the exchange of fire: war risk
        gaza = p.world_gaza_war
        self.direction = self.choose("iran.direction", [
            p.iran_lifeline_weight * dollar_risk + p.iran_war_aversion * heat,
            p.iran_expel_weight * (0.2 + 0.5 * gaza) * us.presence,
            p.iran_expel_weight * (0.5 + iraq.exit_pressure) * us.presence
            - p.iran_war_aversion * (0.6 + 2.0 * heat) - 2.0 * p.iran_lifeline_weight * dollar_risk,
        ], self.direction, p.iran_rationality)
        self.supply = self.choose("iran.supply", [
            0.0,
            p.iran_arrears_sensitivity * (self.arrears / p.iran_arrears_tolerance_busd - 1.0),
        ], self.supply, p.iran_rationality)
