"""The United States: troops in Iraq and Syria, the dollar channel, sanctions waivers and retaliation."""

from __future__ import annotations

import numpy as np

from ..choice import option_index
from .base import Actor

RETALIATION_COST = np.array([0.0, 0.5, 1.5])  # sovereignty cost multiples of none / proportional / heavy
HEAVY_ESCALATION_COST = 1.0  # extra cost of a strike campaign (risk of war with Iran), utility
FACILITATION_BASE_VALUE = 0.3  # value of full facilitation even without troops (relations, investment), utility
LAPSE_VALUE = 1.0  # value of letting the waiver lapse (maximum pressure on Iran), utility
CUDGEL_BASE_COST = 1.5  # reputational cost of threatening an ally's reserves, before willingness, utility


class UnitedStates(Actor):
    def __init__(self, model):
        super().__init__(model)
        p = self.p
        self.troops_iraq = self.full(p.us_troops_iraq)
        self.troops_syria = self.full(p.us_troops_syria)
        self.syria_supply = self.full(1.0)
        self.withdrawal_start = self.full(np.inf)
        self.withdrawal_weeks = self.full(np.inf)  # set when a withdrawal starts
        self.withdraw_syria = np.zeros(model.worlds, dtype=bool)
        self.dollar_access = self.full(p.us_dollar_access)
        self.dollar_cap = self.full(1.0)
        self.dollar_cap_until = self.full(0.0)
        self.waiver_active = self.full(p.us_waiver_active) > 0.5
        self.waiver_blocked_until = self.full(0.0)
        self.weeks_to_renewal = self.full(np.floor(p.us_waiver_period_weeks / 2))
        self.cudgel_until = self.full(0.0)
        self.cudgel_memory = self.full(0.0)
        self.strikes = self.full(0.0)
        self.casualties = self.full(0.0)
        self.casualty_memory = self.full(0.0)
        self.attack_memory = self.full(0.0)
        self.strike_memory = self.full(0.0)
        # choices (indices into choice.DECISIONS)
        self.retaliation = self.full(1).astype(int)
        self.exit_response = self.full(0).astype(int)
        self.dollars = self.full(0).astype(int)
        self.waiver = np.where(self.waiver_active, 0, 1)

    # ---- derived state
    @property
    def presence(self) -> np.ndarray:
        """Share of the initial troops still in Iraq (0 once they have left)."""
        return np.clip(self.troops_iraq / np.maximum(self.p.us_troops_iraq, 1.0), 0.0, 1.0)

    @property
    def domestic_pressure(self) -> np.ndarray:
        """0-1 index of domestic pressure to leave, from decayed recent casualties."""
        return 1.0 - np.exp(-self.casualty_memory / 10.0)

    def cudgel_active(self, week: int) -> np.ndarray:
        return self.cudgel_until > week

    def withdrawing(self) -> np.ndarray:
        return np.isfinite(self.withdrawal_start)

    # ---- weekly decisions
    def decide(self) -> None:
        p, model, week = self.p, self.model, self.model.week + 1
        presence = self.presence
        threat = self.attack_memory / 5.0 + self.domestic_pressure
        self.retaliation = self.choose("us.retaliation", [
            0.0,
            p.us_retaliation_resolve * threat - p.us_sovereignty_cost * RETALIATION_COST[1],
            2 * p.us_retaliation_resolve * threat - p.us_sovereignty_cost * RETALIATION_COST[2] - HEAVY_ESCALATION_COST,
        ], self.retaliation, p.us_rationality)

        iraq = model.iraq
        requested = iraq.requesting
        accepted = self.exit_response == option_index("us.exit_response", "accept")
        response = self.choose("us.exit_response", [
            0.0,
            -p.us_presence_value * (0.5 + 0.5 * presence) + p.us_exit_patience * iraq.request_weeks
            + p.us_casualty_aversion * self.domestic_pressure,
            -CUDGEL_BASE_COST + 4.0 * p.us_cudgel_willingness * presence,
        ], self.exit_response, p.us_rationality)
        forced = model.constraints.forced_now("us.exit_response", week)
        self.exit_response = np.where(accepted, self.exit_response, np.where(requested | forced, response,
                                                                                  self.exit_response))

        cudgel_chosen = (self.exit_response == option_index("us.exit_response", "cudgel")) & requested
        cudgel = self.cudgel_active(model.week) | cudgel_chosen
        self.dollars = self.choose("us.dollars", [
            np.where(cudgel, -np.inf, p.us_facilitation_value * presence + FACILITATION_BASE_VALUE),
            np.where(cudgel, -np.inf, 0.0),
            np.where(cudgel, 0.0, -np.inf),
        ], self.dollars, p.us_rationality)

        renewal_due = self.weeks_to_renewal <= 0
        waiver = self.choose("us.waiver", [
            np.where(cudgel | (self.waiver_blocked_until > week), -np.inf,
                     p.us_waiver_value * (0.4 + 0.6 * presence)),
            LAPSE_VALUE,
        ], self.waiver, p.us_rationality)
        forced = model.constraints.forced_now("us.waiver", week)
        self.waiver = np.where(renewal_due | cudgel | forced, waiver, self.waiver)
