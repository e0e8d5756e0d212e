"""The United States: troops in federal Iraq, the Kurdistan Region and Syria; dollars, waivers, retaliation and
threats; its answer to Baghdad's push for an exit."""

from __future__ import annotations

import numpy as np

from .base import Actor

LOCATIONS = ("federal", "kurdistan")
WAIVERS = ("gas", "electricity")
MEASURES = ("compliance", "bank_bar", "designation")


class UnitedStates(Actor):
    def __init__(self, model):
        super().__init__(model)
        p = self.p
        self.troops = {"federal": self.full(p.us_troops_federal), "kurdistan": self.full(p.us_troops_kurdistan)}
        self.initial_troops = {loc: self.troops[loc].copy() for loc in LOCATIONS}
        # a drawdown per location: from a level, to a target, starting at a week, over some weeks
        self.drawdown = {loc: {"from": self.troops[loc].copy(), "to": self.troops[loc].copy(),
                               "start": self.full(np.inf), "weeks": self.full(1.0)} for loc in LOCATIONS}
        self.troops_syria = self.full(p.us_troops_syria)
        self.syria_supply = self.full(1.0)
        self.withdraw_syria = np.zeros(model.worlds, dtype=bool)
        self.dollar_access = self.full(p.us_dollar_access)
        self.dollar_cap = self.full(1.0)
        self.dollar_cap_until = self.full(0.0)
        self.dollar_target = self.dollar_access.copy()  # the share of transfers the US means to allow
        # graded dollar measures in force: share of sales (or wires) hit, week started, week it ends
        self.measure_share = {m: self.full(0.0) for m in MEASURES}
        self.measure_start = {m: self.full(0.0) for m in MEASURES}
        self.measure_until = {m: self.full(0.0) for m in MEASURES}
        self.measures_end = 0.0  # the last week any measure is in force in any world (a shortcut for screen())
        self.escrow_access = self.full(p.us_escrow_access)  # 1 while the US approves Iran's draws on escrow
        # the gas and electricity waivers, each on its own 120-day cycle
        start = self.full(p.us_waiver_active) > 0.5
        self.waivers = {kind: start.copy() for kind in WAIVERS}
        self.waiver_blocked_until = {kind: self.full(0.0) for kind in WAIVERS}
        gas_due = np.floor(p.us_waiver_period_weeks / 2)
        self.weeks_to_renewal = {"gas": self.full(gas_due),
                                 "electricity": self.full(np.mod(gas_due - p.us_electricity_waiver_lag_weeks,
                                                                 p.us_waiver_period_weeks))}
        self.cudgel_until = self.full(0.0)
        self.strikes = self.full(0.0)
        self.casualties = self.full(0.0)
        self.extra_casualties = self.full(0.0)  # from a scenario's mass-casualty attack, counted this week
        self.casualty_memory = self.full(p.us_casualty_memory_initial)
        self.casualty_spike = self.full(0.0)  # casualties of the last few weeks (iran_red_line_memory_weeks)
        self.campaign_until = self.full(0.0)  # a US election campaign runs until this week
        self._pressure = None  # (inputs, value) of domestic_pressure
        self.attack_memory = self.full(p.us_attack_memory_initial)
        self.strike_memory = self.full(p.us_strike_memory_initial)
        # choices (indices into choice.DECISIONS)
        self.retaliation = np.where(self.strike_memory > 0, 1, 0).astype(int)  # striking already, or not yet
        self.exit_response = self.full(0).astype(int)
        self.deterrence = self.full(0).astype(int)
        self.dollars = self.full(0).astype(int)
        self.waiver = np.where(start, 0, 1)
        self.waiver_choice = {kind: self.waiver.copy() for kind in WAIVERS}
        self.update_exposure()

    # ---- derived state
    @property
    def troops_iraq(self) -> np.ndarray:
        return self.troops["federal"] + self.troops["kurdistan"]

    @property
    def presence(self) -> np.ndarray:
        """Share of the initial troops in Iraq still there (0 once they have left, or if there were none)."""
        start = self.initial_troops["federal"] + self.initial_troops["kurdistan"]
        return np.where(start > 0, np.clip(self.troops_iraq / np.maximum(start, 1e-9), 0.0, 1.0), 0.0)

    @property
    def exposure(self) -> np.ndarray:
        """Troops within the militias' reach, relative to the start: federal bases fully, Erbil in part (as of the
        last presence update; see update_exposure)."""
        return self._exposure

    def update_exposure(self) -> None:
        self._exposure = self._compute_exposure()

    def _compute_exposure(self) -> np.ndarray:
        w = self.p.us_kurdistan_exposure
        start = self.initial_troops["federal"] + w * self.initial_troops["kurdistan"]
        now = self.troops["federal"] + w * self.troops["kurdistan"]
        return np.where(start > 0, np.clip(now / np.maximum(start, 1e-9), 0.0, 1.0), 0.0)

    @property
    def domestic_pressure(self) -> np.ndarray:
        """0-1 index of domestic pressure to leave, from decayed recent casualties; casualties weigh more in an
        election campaign. Read three times a week: kept (read-only) until the week or an input object changes."""
        p = self.p
        inputs = (self.model.week, self.casualty_memory, self.campaign_until, p.us_election_casualty_multiple,
                  p.us_domestic_pressure_scale)
        kept = self._pressure
        if kept is None or kept[0][0] != inputs[0] or any(a is not b for a, b in zip(kept[0][1:], inputs[1:])):
            campaign = np.where(self.campaign_until > self.model.week, p.us_election_casualty_multiple, 1.0)
            value = 1.0 - np.exp(-campaign * self.casualty_memory / p.us_domestic_pressure_scale)
            value.flags.writeable = False
            self._pressure = kept = (inputs, value)
        return kept[1]

    @property
    def waiver_active(self) -> np.ndarray:
        """Both waivers in force: Iraq can pay for all of Iran's gas and electricity."""
        return self.waivers["gas"] & self.waivers["electricity"]

    def block_waivers(self, mask, until, kinds) -> None:
        """The US stops the waivers of `kinds` until a week (they lapse now and are not renewed before)."""
        for kind in kinds:
            self.waiver_blocked_until[kind] = np.where(mask, until, self.waiver_blocked_until[kind])
            self.waiver_choice[kind] = np.where(mask, 1, self.waiver_choice[kind])
        self.waiver = np.where(mask, 1, self.waiver)

    def cudgel_active(self, week: int) -> np.ndarray:
        return self.cudgel_until > week

    def leaving(self) -> np.ndarray:
        """A drawdown of every remaining troop in Iraq is under way or done (a timetable or a withdrawal)."""
        return np.isfinite(self.drawdown["federal"]["start"]) & (self.drawdown["federal"]["to"] <= 0)

    def threat_level(self) -> np.ndarray:
        return self.attack_memory / self.p.us_attack_threat_scale + self.domestic_pressure

    def retaliation_utility_gap(self) -> np.ndarray:
        """Heavy retaliation against none, now: what answering as declared is worth to the US."""
        p = self.p
        resolve = p.us_retaliation_resolve * (1.0 + p.us_posture_resolve_shift * p.us_administration_posture)
        return (2 * resolve * self.threat_level() - p.us_sovereignty_cost * p.us_heavy_sovereignty_multiple
                - p.us_heavy_escalation_cost + p.us_reputation_value)

    def start_drawdown(self, location: str, mask: np.ndarray, target, weeks, week: int) -> None:
        """Move the troops at `location` linearly to `target` over `weeks` from this week, where mask is true."""
        d, troops = self.drawdown[location], self.troops[location]
        target = np.minimum(np.broadcast_to(target, troops.shape), troops)
        d["from"] = np.where(mask, troops, d["from"])
        d["to"] = np.where(mask, target, d["to"])
        d["start"] = np.where(mask, week - 1, d["start"])
        d["weeks"] = np.where(mask, np.maximum(weeks, 1.0), d["weeks"])

    # ---- weekly decisions
    def decide(self) -> None:
        p, model, week = self.p, self.model, self.model.week + 1
        presence, posture = self.presence, p.us_administration_posture
        threat = self.threat_level()
        resolve = p.us_retaliation_resolve * (1.0 + p.us_posture_resolve_shift * posture)
        declared = model.threats.active["us_retaliation"]
        self.retaliation = self.choose("us.retaliation", [
            0.0,
            resolve * threat - p.us_sovereignty_cost * p.us_proportional_sovereignty_multiple,
            2 * resolve * threat - p.us_sovereignty_cost * p.us_heavy_sovereignty_multiple - p.us_heavy_escalation_cost
            + p.us_reputation_value * declared,
        ], self.retaliation, p.us_rationality)

        self.deterrence = self.choose("us.deterrence", [
            0.0,
            p.us_deterrence_value * resolve * threat * self.exposure - p.us_declaration_cost,
        ], self.deterrence, p.us_rationality)

        iraq = model.iraq
        requested, negotiating = iraq.requesting, iraq.negotiating
        settled = self.leaving()
        proxy_threat = model.threats.credibility(model, "iran_proxies") * model.threats.active["iran_proxies"]
        leave_push = (p.us_exit_patience * iraq.request_weeks + p.us_casualty_aversion * self.domestic_pressure
                      + p.us_proxy_threat_weight * proxy_threat)
        threat_cost = p.us_threat_cost * (1.0 - p.us_posture_cost_relief * posture)
        response = self.choose("us.exit_response", [
            0.0,
            np.where(requested | negotiating, -p.us_presence_value * p.us_timetable_cost_share * presence
                     + p.us_timetable_value * negotiating + leave_push, -np.inf),
            np.where(requested, -p.us_presence_value * (0.5 + 0.5 * presence) + leave_push, -np.inf),
            np.where(requested & ~model.threats.active["us_dollars"],
                     p.us_cudgel_willingness * (1.0 + posture) * p.us_presence_value * presence - threat_cost,
                     -np.inf),
        ], self.exit_response, p.us_rationality)
        forced = model.constraints.forced_now("us.exit_response", week)
        self.exit_response = np.where(settled & ~forced, self.exit_response, response)

        cudgel = self.cudgel_active(model.week)
        self.dollars = self.choose("us.dollars", [
            np.where(cudgel, -np.inf, p.us_facilitation_value * presence + p.us_facilitation_base_value),
            np.where(cudgel, -np.inf, 0.0),
            np.where(cudgel, 0.0, -np.inf),
        ], self.dollars, p.us_rationality)

        renewal_due = (self.weeks_to_renewal["gas"] <= 0) | (self.weeks_to_renewal["electricity"] <= 0)
        blocked = cudgel | np.logical_and(*(self.waiver_blocked_until[kind] > week for kind in WAIVERS))
        waiver = self.choose("us.waiver", [
            np.where(blocked, -np.inf, p.us_waiver_value * (0.4 + 0.6 * presence)),
            p.us_lapse_value * (1.0 + posture),
        ], self.waiver, p.us_rationality)
        forced = model.constraints.forced_now("us.waiver", week)
        self.waiver = np.where(renewal_due | blocked | forced, waiver, self.waiver)
