"""The Iraqi government: its push for a US exit, its finances, its power supply, its public and its levers over
the militias (inclusion and public pressure)."""

from __future__ import annotations

import numpy as np

from ..choice import option_index
from .base import Actor

REQUEST = option_index("iraq.exit_stance", "request")
ENFORCE = option_index("iraq.dollar_compliance", "enforce")
GRADED = ("us_compliance", "us_bank_bar", "us_designation")
NEGOTIATE = option_index("iraq.exit_stance", "negotiate")


class IraqiGovernment(Actor):
    def __init__(self, model):
        super().__init__(model)
        p = self.p
        self.exit_pressure = self.full(p.iraq_exit_pressure_initial)
        self.mobilisation = self.full(0.0)  # extra push from a scenario's formal demand
        self.mobilisation_until = self.full(0.0)
        self.nationalism = self.full(0.0)  # backlash against coercion of Iraq (decays)
        self.last_affront = self.full(-1.0)  # the week of the latest coercion met with backlash
        self.request_weeks = self.full(0.0)  # consecutive weeks of a formal withdrawal request
        self.sovereignty_grievance = self.full(p.iraq_sovereignty_grievance_initial)
        self.anger_at_iran = self.full(p.iraq_anger_at_iran_initial)
        self.parallel_rate = self.full(p.iraq_parallel_rate_initial)
        self.salary_coverage = self.full(1.0)
        self.discontent = self.full(p.iraq_discontent_initial)
        self.power_demand = self.full(0.0)
        self.power_supply = self.full(0.0)
        self.power_shortfall = self.full(0.0)
        self.iran_power_share = self.full(p.iran_power_share)
        self.pmu_fighters = self.full(p.pmu_fighters_initial)
        self.pmu_budget = self.full(p.pmu_budget_busd_per_year)
        self.inclusion = self.full(p.iraq_inclusion_initial)  # the militias' share in power and patronage, 0-1
        self.pressure_on_militias = self.full(0.0)  # Baghdad's public pressure on them to stop, 0-1
        self.stance = self.full(NEGOTIATE).astype(int)  # talks on the coalition's future were under way
        self.requesting = self.stance == REQUEST  # the stance as others see it: last week's, set when resolved
        self.negotiating = self.stance == NEGOTIATE
        self.militia_policy = self.full(0).astype(int)
        # money: oil, the account at the New York Fed, reserves, dollar sales and the currency's memory
        self.oil_price = self.full(p.world_oil_price)
        self.oil_shock_price = self.full(p.world_oil_price)  # a scenario's oil-price shock, while it lasts
        self.oil_shock_until = self.full(0.0)
        self.oil_revenue = self.full(0.0)  # this week's proceeds, USD bn
        self.reserves_abroad = self.full(p.iraq_reserves_initial_busd * p.iraq_reserves_outside_us_share)
        self.reserves_us = self.full(p.iraq_reserves_initial_busd) - self.reserves_abroad
        self.dollar_sales = self.full(1.0)  # dollars sold this week, as a share of Iraq's normal need
        self.dollars_reached = self.full(1.0)  # dollars Baghdad could draw from its accounts, same share
        self.leakage = self.full(0.0)  # dollars leaking to Iran, USD bn a year
        self.enforcement = self.full(p.iraq_enforcement_initial)
        # each world starts enforcing with the probability of the start's enforcement level
        self.dollar_compliance = np.where(model.streams.uniform("iraq.dollar_compliance", 0) < self.enforcement,
                                          ENFORCE, 0).astype(int)
        self.fx_news = self.full(0.0)  # share of dollar sales that this week's announced measures would cut
        self.fx_expectations = self.full(0.0)  # premium of expected depreciation on the parallel rate
        self.fx_scars = self.full(p.iraq_fx_scars_initial)  # remembered squeezes (decaying count)
        # power substitutes Iraq has committed to (pipeline) and brought online (GW), beyond the trend
        self.substitutes_pipeline = self.full(0.0)
        self.substitutes_gw = self.full(0.0)

    def backlash(self, mask: np.ndarray, amount: float, week: int) -> None:
        """Coercion of a sovereign government by the US feeds nationalist mobilisation and grievance, once a week
        however many levers it uses at a time (a threat to dollars and waivers together is one affront)."""
        new = np.asarray(mask, dtype=bool) & (self.last_affront != week)
        self.last_affront = np.where(new, week, self.last_affront)
        self.nationalism = self.nationalism + new * amount
        self.sovereignty_grievance = self.sovereignty_grievance + new * amount

    def threat_cost(self, levers=("us_dollars", "us_waivers")) -> np.ndarray:
        """What standing US threats make defying their demand cost: credibility x what Iraq still has to lose."""
        from ..threats import expected_loss

        model, active = self.model, self.model.threats.active
        return sum(active[lever] * model.threats.credibility(model, lever) * expected_loss(model, lever)
                   for lever in levers if active[lever].any())

    def decide(self) -> None:
        p, e, model = self.p, self.exit_pressure, self.model
        absent = np.where(model.us.troops_iraq > 0, 0.0, -np.inf)  # no troops, nothing to negotiate or demand
        self.stance = self.choose("iraq.exit_stance", [
            0.0,
            absent + p.iraq_negotiate_slope * (e - p.iraq_negotiate_threshold),
            absent + p.iraq_request_slope * (e - p.iraq_request_threshold) - p.iraq_threat_weight * self.threat_cost(),
        ], self.stance, p.iraq_rationality)
        us = model.us
        calm = (us.attack_memory / p.us_attack_threat_scale + us.strike_memory
                + model.threats.active["us_retaliation"] * model.threats.credibility(model, "us_retaliation"))
        # Dollar compliance: measures in force and credible threats of more push Baghdad to police its banks;
        # enforcing costs it more the more the militias (tied to some banks) share power than at the start.
        from ..channels.dollar import screen

        pain = 1.0 - screen(model, model.week)
        self.dollar_compliance = self.choose("iraq.dollar_compliance", [
            0.0,
            p.iraq_enforcement_value * (pain + self.threat_cost(GRADED))
            - p.iraq_enforcement_cost * (self.inclusion - p.iraq_inclusion_initial),
        ], self.dollar_compliance, p.iraq_rationality)
        self.militia_policy = self.choose("iraq.militia_policy", [
            0.0,
            p.iraq_inclusion_value * (calm + p.iraq_aligned_pressure) - p.iraq_inclusion_cost,
            p.iraq_press_value * calm - p.iraq_confrontation_cost,
        ], self.militia_policy, p.iraq_rationality)
