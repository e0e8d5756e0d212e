"""Coercion in two stages: a threat that names a demand and a deadline, and its execution if the demand is not met.

Sanctions research finds that coercion mostly works, when it does, at the threat stage (TIES data, Morgan, Bapat and
Kobayashi 2014; Drezner 1998): a target weighs a threat by what executing it would cost it times how credible it is.
Credibility is held per lever. Its reputation part is learnt from the record: it rises when a defied threat is
carried out and falls when a bluff is called. Its resolve part is what the holder would choose at the deadline now,
given what executing costs the holder itself (the US also suffers if Iraq's dollar system breaks): the perceived
credibility is reputation x resolve. Executed coercion of a sovereign government feeds a nationalist backlash in
Baghdad that later pressure must overcome (Journal of Peace Research 2022; Van Bergeijk and van Marrewijk 1995).

A lever with a deadline (`DEADLINE_LEVERS`) is resolved when its deadline comes: a met demand ends the threat; a
defied one is executed or abandoned by the holder's logit choice. The US retaliation lever is a standing declared
posture ("we will answer hard if our bases are hit"): it is tested every week in which US forces are attacked, and
its reputation moves with whether the US answers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calendar import WEEKS_PER_YEAR
from .channels.dollar import announce
from .choice import option_index


@dataclass(frozen=True)
class Lever:
    holder: str
    target: str
    demand: str
    threat: str  # log text when the threat is made
    executed: str
    abandoned: str
    complied: str


LEVERS: dict[str, Lever] = {
    "us_dollars": Lever("us", "iraq", "withdraw the formal request for a US exit",
                        "The US threatens to restrict Iraq's dollar access unless Baghdad drops its exit demand",
                        "The US carries out its dollar threat: Iraq's transfers from the New York Fed are restricted",
                        "The US lets its dollar threat lapse: the bluff is called",
                        "Baghdad drops its formal exit demand under the US dollar threat"),
    "us_waivers": Lever("us", "iraq", "withdraw the formal request for a US exit",
                        "The US threatens to stop the waivers for Iraq's Iranian energy unless Baghdad drops its "
                        "demand",
                        "The US carries out its waiver threat: the energy waivers stop",
                        "The US lets its waiver threat lapse: the bluff is called",
                        "Baghdad drops its formal exit demand under the US waiver threat"),
    "us_retaliation": Lever("us", "militias", "stop attacks on US forces",
                            "The US declares it will answer any attack on its forces hard",
                            "The US answers attacks as it declared",
                            "Attacks go unanswered: the US deterrence posture loses credibility",
                            ""),
    "iran_energy": Lever("iran", "iraq", "pay the energy arrears",
                         "Iran threatens to cut gas and electricity unless Iraq pays its arrears",
                         "Iran carries out its threat and cuts gas and electricity",
                         "Iran lets its energy threat lapse",
                         "Iraq pays down its arrears under the Iranian threat"),
    "iran_proxies": Lever("iran", "us", "agree to leave Iraq",
                          "Iran threatens to unleash its proxies unless the US agrees to leave",
                          "Iran unleashes its proxies on US forces",
                          "Iran holds its proxies back after all",
                          "The US agrees a timetable to leave under the Iranian threat"),
    "us_compliance": Lever("us", "iraq", "enforce dollar compliance on its banks (stop the leak to Iran)",
                           "The US threatens stricter checks on Iraq's dollar wire transfers unless Baghdad stops the "
                           "leak of dollars to Iran",
                           "The US carries out its threat: the New York Fed blocks non-compliant wire transfers",
                           "The US lets its compliance threat lapse",
                           "Baghdad enforces dollar compliance on its banks under the US threat"),
    "us_bank_bar": Lever("us", "iraq", "enforce dollar compliance on its banks (stop the leak to Iran)",
                         "The US threatens to bar Iraqi banks from dollar dealings unless Baghdad stops the leak of "
                         "dollars to Iran",
                         "The US carries out its threat: Iraqi banks are barred from dollar dealings",
                         "The US lets its threat to bar banks lapse",
                         "Baghdad enforces dollar compliance on its banks under the US threat"),
    "us_designation": Lever("us", "iraq", "enforce dollar compliance on its banks (stop the leak to Iran)",
                            "The US threatens to name an Iraqi bank a money-laundering concern unless Baghdad stops "
                            "the leak of dollars to Iran",
                            "The US carries out its threat: an Iraqi bank is named a money-laundering concern",
                            "The US lets its designation threat lapse",
                            "Baghdad enforces dollar compliance on its banks under the US threat"),
}
GRADED = {"us_compliance": "compliance", "us_bank_bar": "bank_bar", "us_designation": "designation"}
DEADLINE_LEVERS = ("us_dollars", "us_waivers", "iran_energy", "iran_proxies", *GRADED)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


class Threats:
    """Per lever and world: whether a threat is active, its deadline, and the holder's reputation for carrying out."""

    def __init__(self, model):
        p, worlds = model.p, model.worlds
        self.active = {lever: np.zeros(worlds, dtype=bool) for lever in LEVERS}
        self.deadline = {lever: np.zeros(worlds) for lever in LEVERS}
        self.reputation = {lever: np.broadcast_to(np.asarray(p[f"{lever}_credibility_initial"], dtype=float),
                                                  (worlds,)).copy() for lever in LEVERS}
        # a scenario may fix what the holder does at the deadline: -1 its own choice, 0 never carry out, 1 always
        self.follow_through = {lever: np.full(worlds, -1) for lever in LEVERS}
        self.perceived = {}  # credibility as seen this week, from the state at the end of last week (see refresh)
        self._leak = (None, None)  # (week, value) cache of _leak_value

    # ------------------------------------------------------------------------------------------- credibility
    def resolve_utility(self, model, lever: str) -> np.ndarray:
        """The holder's utility of carrying out a defied threat now, against abandoning it (utility 0)."""
        p, us, iran, iraq = model.p, model.us, model.iran, model.iraq
        if lever == "us_dollars":
            cost = p.us_cudgel_self_cost * (1.0 - p.us_posture_cost_relief * p.us_administration_posture)
            return p.us_reputation_value + p.us_presence_value * us.presence * p.us_presence_at_stake - cost
        if lever == "us_waivers":
            cost = p.us_waiver_self_cost * (1.0 - p.us_posture_cost_relief * p.us_administration_posture)
            return p.us_reputation_value + p.us_lapse_value * (1.0 + p.us_administration_posture) - cost
        if lever == "us_retaliation":
            return us.retaliation_utility_gap()
        if lever == "iran_energy":
            return p.iran_reputation_value + iran.supply_pressure(model.week) - iran.cut_cost()
        if lever == "iran_proxies":
            return (p.iran_reputation_value + p.iran_expel_weight * (0.5 + iraq.exit_pressure) * us.presence
                    - p.iran_war_aversion * (p.iran_escalation_war_cost + p.iran_escalation_heat_cost
                                             * model.escalation))
        if lever in GRADED:
            relief = 1.0 - p.us_posture_cost_relief * p.us_administration_posture
            return self._leak_value(model) - p[f"{lever}_self_cost"] * relief
        raise KeyError(lever)

    def _leak_value(self, model) -> np.ndarray:
        """What cutting the leak of dollars to Iran is worth to the US now, with its reputation (shared by the graded
        levers; computed once a week)."""
        if self._leak[0] != model.week:
            p = model.p
            leak = model.iraq.leakage / np.maximum(normal_leakage(model), 1e-9)
            self._leak = (model.week, p.us_reputation_value + p.us_leakage_concern * leak)
        return self._leak[1]

    def resolve_probability(self, model, lever: str) -> np.ndarray:
        """How likely the holder is to carry out the threat if defied now (its logit choice)."""
        rationality = model.p.us_rationality if LEVERS[lever].holder == "us" else model.p.iran_rationality
        return _sigmoid(rationality * self.resolve_utility(model, lever))

    def credibility(self, model, lever: str) -> np.ndarray:
        """Perceived credibility: the record (reputation) times the resolve the holder would show, as everyone reads
        it this week (from the state at the end of last week, like every other reading)."""
        return self.perceived[lever]

    def refresh(self, model) -> None:
        """Compute this week's perceived credibilities once, at the end of the week before."""
        self._leak = (None, None)
        self.perceived = {lever: self.reputation[lever] * self.resolve_probability(model, lever) for lever in LEVERS}

    def learn(self, model, lever: str, mask: np.ndarray, carried_out: bool) -> None:
        rate = model.p.world_credibility_learning
        rep = self.reputation[lever]
        target = 1.0 if carried_out else 0.0
        self.reputation[lever] = np.where(mask, rep + rate * (target - rep), rep)

    # ------------------------------------------------------------------------------------------- life cycle
    def issue(self, model, lever: str, mask: np.ndarray, weeks: float, week: int, follow_through: int = -1) -> None:
        """Make the threat in the worlds of `mask` where it is not already active; deadline `weeks` from now.
        `follow_through` fixes what happens at a defied deadline (-1: the holder chooses, 0: never, 1: always)."""
        new = np.asarray(mask, dtype=bool) & ~self.active[lever]
        if not new.any():
            return
        self.follow_through[lever] = np.where(new, follow_through, self.follow_through[lever])
        self.active[lever] = self.active[lever] | new
        self.deadline[lever] = np.where(new, week + weeks, self.deadline[lever])
        model.log.record(week, new, LEVERS[lever].holder, f"threat.{lever}", LEVERS[lever].threat)
        affront(model, lever, new, model.p.iraq_threat_backlash, week)

    def withdraw(self, lever: str, mask: np.ndarray) -> None:
        self.active[lever] = self.active[lever] & ~mask

    def resolve(self, model, week: int) -> None:
        """Deadlines that fall this week: a met demand ends the threat; a defied one is executed or abandoned."""
        for lever in DEADLINE_LEVERS:
            due = self.active[lever] & (self.deadline[lever] <= week)
            if not due.any():
                continue
            met = due & DEMAND_MET[lever](model)
            text = LEVERS[lever]
            if met.any():
                model.log.record(week, met, LEVERS[lever].target, f"complied.{lever}", text.complied)
            defied = due & ~met
            if defied.any():
                u = model.streams.uniform(f"threat.{lever}", week)
                forced = self.follow_through[lever]
                chosen = np.where(forced >= 0, forced == 1, u < self.resolve_probability(model, lever))
                carried = defied & chosen
                abandoned = defied & ~carried
                if carried.any():
                    EXECUTE[lever](model, carried, week)
                    model.log.record(week, carried, text.holder, f"executed.{lever}", text.executed)
                    affront(model, lever, carried, model.p.iraq_coercion_backlash, week)
                self.learn(model, lever, carried, True)
                self.learn(model, lever, abandoned, False)
                if abandoned.any():
                    model.log.record(week, abandoned, text.holder, f"abandoned.{lever}", text.abandoned)
            self.withdraw(lever, due)

    def test_deterrence(self, model, week: int, attacked: np.ndarray, answered: np.ndarray) -> None:
        """A declared posture is tested whenever US forces are attacked: answered attacks build its reputation."""
        declared = self.active["us_retaliation"] & attacked
        if not declared.any():
            return
        self.learn(model, "us_retaliation", declared & answered, True)
        self.learn(model, "us_retaliation", declared & ~answered, False)


def affront(model, lever: str, mask: np.ndarray, amount: float, week: int) -> None:
    """Coercion of Iraq brings backlash against whoever applies it: nationalism against the US, anger at Iran."""
    if LEVERS[lever].target != "iraq":
        return
    if LEVERS[lever].holder == "us":
        model.iraq.backlash(mask, amount, week)
    else:
        model.iraq.anger_at_iran = model.iraq.anger_at_iran + mask * amount


# ---------------------------------------------------------------------------------------- demands and execution
def _request_dropped(model) -> np.ndarray:
    return model.iraq.stance != option_index("iraq.exit_stance", "request")


def _enforcing(model) -> np.ndarray:
    return model.iraq.dollar_compliance == option_index("iraq.dollar_compliance", "enforce")


DEMAND_MET = {
    "us_dollars": _request_dropped,
    "us_waivers": _request_dropped,
    "iran_energy": lambda m: m.iran.unpaid() <= m.p.iran_arrears_tolerance_busd,
    "iran_proxies": lambda m: m.us.leaving(),
    **{lever: _enforcing for lever in GRADED},
}


def _dollar_squeeze(model, mask, week):
    model.us.cudgel_until = np.where(mask, week + model.p.us_coercion_weeks, model.us.cudgel_until)


def _waiver_squeeze(model, mask, week):
    model.us.block_waivers(mask, week + model.p.us_coercion_weeks, ("gas", "electricity"))


def start_measure(model, measure: str, mask, share, until, week) -> None:
    """A graded dollar measure takes effect (replacing one of its kind), and the market hears of it."""
    us = model.us
    mask = np.asarray(mask, dtype=bool)
    us.measure_share[measure] = np.where(mask, share, us.measure_share[measure])
    us.measure_start[measure] = np.where(mask, week - 1, us.measure_start[measure])
    us.measure_until[measure] = np.where(mask, until, us.measure_until[measure])
    us.measures_end = max(us.measures_end, float(np.max(us.measure_until[measure])))
    cut = share * (model.p.iraq_wire_share_of_sales if measure == "compliance" else 1.0)
    announce(model, mask, cut)
    model.iraq.backlash(mask, model.p.iraq_threat_backlash, week)  # many Iraqis blame Washington (episodes.md 1)


def _graded(lever):
    measure = GRADED[lever]

    def execute(model, mask, week):
        share = model.p[f"{lever}_share"] if lever != "us_compliance" else model.p.us_compliance_block_share
        start_measure(model, measure, mask, share, week + model.p.us_coercion_weeks, week)
    return execute


def _energy_cut(model, mask, week):
    iran = model.iran
    iran.cut_override = np.where(mask, model.p.iran_cut_fraction, iran.cut_override)
    iran.cut_until = np.where(mask, week + model.p.iran_coercion_weeks, iran.cut_until)


def _unleash(model, mask, week):
    model.constraints.force("iran.direction", "escalate", mask, week + model.p.iran_coercion_weeks)


EXECUTE = {"us_dollars": _dollar_squeeze, "us_waivers": _waiver_squeeze, "iran_energy": _energy_cut,
           "iran_proxies": _unleash, **{lever: _graded(lever) for lever in GRADED}}


def _average(weeks, horizon):
    """Average over `horizon` weeks of a cut that fades with time constant `weeks`."""
    return weeks / horizon * (1.0 - np.exp(-horizon / weeks))


def normal_leakage(model) -> np.ndarray:
    """Dollars a year that leak to Iran at the start's enforcement, with no measure in force."""
    p = model.p
    return p.iran_dollar_leakage_share * (1.0 - p.iraq_enforcement_initial) * p.iraq_dollar_need_busd_per_year


def expected_loss(model, lever: str) -> np.ndarray:
    """What the target still has to lose to a lever if it is pulled now, as a share of its means: for Iraq its
    revenue (power counts with iraq_waiver_loss_weight), for the US its troops in reach. Averaged over how long an
    executed lever lasts; reserves abroad and the fading of graded measures absorb part of it."""
    p, us, iraq = model.p, model.us, model.iraq
    horizon = p.us_coercion_weeks
    at_risk = p.iraq_oil_share_of_revenue * np.minimum(iraq.dollar_sales, 1.0)
    if lever == "us_dollars":
        held_back = np.maximum(us.dollar_access - p.us_cudgel_dollar_access, 0.0)
        gap = held_back * p.iraq_dollar_need_busd_per_year * horizon / WEEKS_PER_YEAR
        cover = np.minimum(1.0, iraq.reserves_abroad / np.maximum(gap, 1e-9))
        return at_risk * held_back * (1.0 - cover)
    if lever == "us_compliance":
        return at_risk * p.iraq_wire_share_of_sales * p.us_compliance_block_share * _average(
            p.iraq_compliance_adaptation_weeks, horizon)
    if lever == "us_bank_bar":
        return at_risk * p.us_bank_bar_share * _average(p.iraq_bank_migration_weeks, horizon)
    if lever == "us_designation":
        return at_risk * p.us_designation_share
    if lever == "us_waivers":
        return p.iraq_waiver_loss_weight * iraq.iran_power_share * np.maximum(us.waivers["gas"],
                                                                                us.waivers["electricity"])
    if lever == "iran_energy":
        return p.iraq_waiver_loss_weight * iraq.iran_power_share * p.iran_cut_fraction
    if lever == "iran_proxies":
        potential = sum(f.attack_rate * p.militia_tempo_escalate * (1.0 - f.degradation) * f.hardline
                        for f in model.factions)
        return us.exposure * (1.0 - np.exp(-potential / p.us_attack_threat_scale))
    raise KeyError(lever)
