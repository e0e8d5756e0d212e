"""Militia factions of the PMU. They differ in how hardline they are, their size and who funds them."""

from __future__ import annotations

import numpy as np

from ..factions import FACTIONS
from .base import Actor

IRAN_PUSH = np.array([-1.0, 0.0, 1.0])  # effect of Iran's restrain / sustain / escalate on motivation
ESCALATION_COST = 1.2  # fixed cost of escalating over harassing (exposure, retaliation risk), utility


class MilitiaFaction(Actor):
    def __init__(self, model, name: str):
        super().__init__(model)
        self.name = name
        self.prefix = FACTIONS[name]
        self.decision = f"militia.posture.{name}"
        self.degradation = self.full(0.0)
        self.attacks = self.full(0.0)
        self.posture = self.full(1).astype(int)  # harass

    # Parameters are read when used, so a scenario's set_parameter takes effect at once.
    @property
    def attack_rate(self):
        return self.p[f"{self.prefix}_attack_rate"]

    @property
    def hardline(self):
        return self.p[f"{self.prefix}_hardline"]

    @property
    def state_funding(self):
        return self.p[f"{self.prefix}_state_funding"]

    @property
    def fighter_share(self):
        """Share of PMU fighters; the state-aligned blocs are everyone not in the two hardline groups."""
        if self.name == "state_aligned":
            return 1.0 - self.p.militia_kh_fighter_share - self.p.militia_allies_fighter_share
        return self.p[f"{self.prefix}_fighter_share"]

    @property
    def iran_control(self) -> np.ndarray:
        """Principal-agent control: Iran's sway shrinks with the share of pay the Iraqi state provides."""
        return 1.0 - self.state_funding * self.model.iraq.salary_coverage

    def motivation(self) -> np.ndarray:
        """Net drive to attack US forces (grievance, sponsor's direction, minus deterrence and economic stake)."""
        p, us, model = self.p, self.model.us, self.model
        grievance = p.militia_base_motivation + p.militia_gaza_motivation * p.world_gaza_war \
            + p.militia_strike_motivation * us.strike_memory
        dollar_threat = (1.0 - us.dollar_access) + 0.5 * us.cudgel_active(model.week)
        soft = 1.0 - self.hardline
        return (self.hardline * grievance + self.iran_control * IRAN_PUSH[model.iran.directive]
                - p.militia_deterrence * soft * us.strike_memory - p.militia_dollar_stake * soft * dollar_threat)

    def decide(self) -> None:
        m = self.motivation()
        self.posture = self.choose(self.decision, [0.0, m, 2.0 * m - ESCALATION_COST], self.posture,
                                   self.p.militia_rationality)
