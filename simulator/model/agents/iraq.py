"""The Iraqi government: its push for a US exit, its finances, its power supply and its public."""

from __future__ import annotations

from .base import Actor

NEGOTIATE_THRESHOLD = 0.3  # exit pressure above which negotiating a timetable beats staying quiet
REQUEST_THRESHOLD = 0.55  # exit pressure scale of a formal request (crosses negotiation near 0.68)
# January 2024 (article, introduction): US strikes in Baghdad and an Iranian strike on Erbil, both condemned.
INITIAL_SOVEREIGNTY_GRIEVANCE = 2.0  # about what the strikes of late 2023 and January 2024 add up to
INITIAL_ANGER_AT_IRAN = 0.2


class IraqiGovernment(Actor):
    def __init__(self, model):
        super().__init__(model)
        p = self.p
        self.exit_pressure = self.full(p.iraq_exit_pressure_initial)
        self.mobilisation = self.full(0.0)  # extra push from a scenario's formal demand
        self.mobilisation_until = self.full(0.0)
        self.request_weeks = self.full(0.0)  # consecutive weeks of a formal withdrawal request
        self.sovereignty_grievance = self.full(INITIAL_SOVEREIGNTY_GRIEVANCE)
        self.anger_at_iran = self.full(INITIAL_ANGER_AT_IRAN)
        self.parallel_rate = self.full(p.iraq_parallel_rate_initial)
        self.salary_coverage = self.full(1.0)
        self.discontent = self.full(p.iraq_discontent_initial)
        self.power_demand = self.full(0.0)
        self.power_supply = self.full(0.0)
        self.power_shortfall = self.full(0.0)
        self.iran_power_share = self.full(p.iran_power_share)
        self.pmu_fighters = self.full(p.pmu_fighters_initial)
        self.pmu_budget = self.full(p.pmu_budget_busd_per_year)
        self.stance = self.full(1).astype(int)  # negotiate: talks on the coalition's future were under way
        self.requesting = self.stance == 2  # the stance as others see it: last week's, set when resolved

    def decide(self) -> None:
        p, e = self.p, self.exit_pressure
        self.stance = self.choose("iraq.exit_stance", [
            0.0,
            2.0 * (e - NEGOTIATE_THRESHOLD),
            6.0 * (e - REQUEST_THRESHOLD),
        ], self.stance, p.iraq_rationality)
