"""Militia factions of the PMU. They differ in how hardline they are, their size and who funds them; each carries
momentum, fatigue, losses and a mood, and can suspend its campaign by its own choice."""

from __future__ import annotations

import numpy as np

from ..choice import option_index
from ..factions import FACTIONS
from .base import Actor

HOLD = option_index("militia.posture.kataib_hezbollah", "hold")
SUSPEND = option_index("militia.campaign.kataib_hezbollah", "suspend")


class MilitiaFaction(Actor):
    def __init__(self, model, name: str):
        super().__init__(model)
        p = self.p
        self.name = name
        self.prefix = FACTIONS[name]
        self.decision = f"militia.posture.{name}"
        self.campaign_decision = f"militia.campaign.{name}"
        self.degradation = self.full(0.0)
        self.attacks = self.full(0.0)
        self.momentum = self.full(p.militia_momentum_reference)  # share of recent weeks in which it attacked
        self.fatigue = self.full(p.militia_fatigue_initial)  # strain of sustained campaigning and losses
        self.revenge = self.full(0.0)  # grievance from a commander killed (decays)
        self.mood = self.full(0.0)  # persistent random drift of the faction's drive (an AR(1) process)
        self.drive = self.full(0.0)  # the drive it decided on this week
        self.withheld = self.full(0.0)  # share of its state salaries Baghdad withholds (payroll lever)
        self.withheld_until = self.full(0.0)
        self.drive_at_suspension = self.full(np.nan)  # the drive when the current suspension began
        self.ordered = np.zeros(model.worlds, dtype=bool)  # the current suspension is on Tehran's order
        self.released = np.zeros(model.worlds, dtype=bool)  # ... and ends this week because Tehran lifted it
        self.suspended_until = self.full(p.militia_suspended_weeks_initial)
        self.posture = np.where(self.suspended_until > 0, HOLD, 1).astype(int)  # harass unless suspended
        self.campaign = np.where(self.suspended_until > 0, SUSPEND, 0).astype(int)

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
    def pay(self) -> np.ndarray:
        """Share of its state salaries the faction actually receives: real salary coverage, less what Baghdad
        withholds from it (its payroll lever)."""
        return self.model.iraq.salary_coverage * (1.0 - self.withheld)

    @property
    def iran_control(self) -> np.ndarray:
        """Principal-agent control: Iran's sway shrinks with the share of pay the Iraqi state provides."""
        return 1.0 - self.state_funding * self.pay

    def suspended(self, week: int) -> np.ndarray:
        return self.suspended_until > week

    def motivation(self) -> np.ndarray:
        """Net drive to attack US forces: grievance and momentum, the sponsor's direction, minus deterrence
        (strikes and a credible declared posture), fatigue, the economic stake and Baghdad's inclusion and pressure."""
        p, us, model, iraq = self.p, self.model.us, self.model, self.model.iraq
        grievance = (p.militia_base_motivation + p.militia_gaza_motivation * p.world_gaza_war
                     + p.militia_strike_motivation * us.strike_memory + self.revenge)
        dollar_threat = (1.0 - us.dollar_access) + p.iran_cudgel_risk_weight * us.cudgel_active(model.week)
        soft = 1.0 - self.hardline
        declared = model.threats.active["us_retaliation"] * model.threats.credibility(model, "us_retaliation")
        deterrence = p.militia_deterrence * soft * (us.strike_memory + declared * p.us_strikes_heavy)
        push = p.militia_iran_push * (np.asarray(model.iran.directive) - 1.0)  # restrain -1, sustain 0, escalate 1
        return (self.hardline * grievance + self.iran_control * push - deterrence
                - p.militia_dollar_stake * soft * dollar_threat
                + p.militia_momentum_weight * self.hardline * (self.momentum - p.militia_momentum_reference)
                - p.militia_fatigue_weight * (self.fatigue - p.militia_fatigue_initial) + self.mood
                - (1.0 - 0.5 * self.hardline) * p.militia_inclusion_weight * (iraq.inclusion - p.iraq_inclusion_initial)
                - soft * p.militia_pressure_weight * iraq.pressure_on_militias)

    def decide(self) -> None:
        p, model = self.p, self.model
        week = model.week + 1
        m = self.drive = self.motivation()  # kept for this week's attacks (violence channel)
        restrained = np.asarray(model.iran.directive) == 0
        # a suspension on Tehran's order does not run out while the order stands
        self.suspended_until = np.where(self.ordered & restrained & (self.suspended_until == week), week + 1,
                                        self.suspended_until)
        suspended = self.suspended(week)
        losses = self.degradation + self.fatigue
        forced = model.constraints.forced_now(self.campaign_decision, week)
        self.drive_at_suspension = np.where(suspended & np.isnan(self.drive_at_suspension), m,
                                            self.drive_at_suspension)  # a truce imposed by a scenario event
        low = m <= p.militia_suspension_threshold  # low enough to suspend of its own accord
        # A suspension of the faction's own accord ends when a shock raises its drive; one taken on Tehran's order
        # holds whatever the drive while the order stands, and ends once Tehran lifts it unless the faction would
        # suspend of its own accord.
        shocked = m > self.drive_at_suspension + p.militia_suspension_break
        lifted = self.ordered & ~restrained
        breaking = suspended & ~forced & np.where(self.ordered, lifted & (shocked | ~low), shocked)
        self.released = breaking & lifted
        holds = suspended & ~breaking & ~forced  # the running suspension goes on, whatever a draw would say
        # Tehran's order to stand down is a reason to suspend at any drive: defying it puts the funding and arms Iran
        # provides at stake, and with every allied faction ordered alike there is no rival to outbid (no loss of face).
        # Only worlds that can suspend (or are forced to) draw; every other world continues, as its draw would say.
        own_accord = np.where(low, -p.militia_suspension_cost, -np.inf)
        campaign = self.choose(self.campaign_decision, [
            0.0,
            np.where(restrained, p.militia_defiance_cost * self.iran_control, own_accord) - m
            + p.militia_suspension_losses * losses
            + p.militia_suspension_inclusion * (model.iraq.inclusion - p.iraq_inclusion_initial),
        ], self.campaign, p.militia_rationality, where=(low | restrained | forced) & ~holds)
        self.campaign = np.where(holds, SUSPEND, campaign)
        # a suspension starting now is on Tehran's order if Tehran restrains (a running one keeps its reason)
        self.ordered = np.where(~suspended & (self.campaign == SUSPEND), restrained, self.ordered & suspended)
        # a faction whose campaign is suspended holds fire unless a scenario forces its posture: only the others draw
        holding = (self.campaign == SUSPEND) & ~model.constraints.forced_now(self.decision, week)
        self.posture = self.choose(self.decision, [0.0, m, 2.0 * m - p.militia_escalation_cost], self.posture,
                                   p.militia_rationality, where=~holding, otherwise=HOLD)
