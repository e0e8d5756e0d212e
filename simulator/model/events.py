"""Scenario events: the actions a scenario can take, their options, and when they fire.

An event is scheduled (`week: 8`, optionally `every: N` weeks after that when `repeat: true`) or triggered by a
condition on a recorded metric (`when: {metric: parallel_rate, above: 1800, for_weeks: 3}`), evaluated per world
on last week's state. It fires once per world unless `repeat: true`. Nothing in a scenario is ever evaluated as code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .choice import DECISIONS, option_index
from .factions import FACTIONS
from .threats import DEADLINE_LEVERS, LEVERS

FOREVER = math.inf


@dataclass(frozen=True)
class Option:
    kind: type  # int, float, bool or str
    default: Any = None
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    help: str = ""
    optional: bool = False  # may be left out (or null) with no default: the action then uses a parameter


@dataclass(frozen=True)
class Action:
    help: str
    apply: Callable  # apply(model, mask, options, week)
    options: dict = field(default_factory=dict)


DURATION = Option(int, None, 1, 10_000, help="weeks it lasts; omit for the rest of the run", optional=True)


def _until(week, opts):
    return FOREVER if opts.get("duration") is None else week + opts["duration"]


def _where(mask, new, old):
    return np.where(mask, new, old)


# ------------------------------------------------------------------------------------------------- the actions
def us_withdrawal(model, mask, opts, week):
    us = model.us
    new = np.asarray(mask, dtype=bool)  # replaces a slower timetable already agreed
    weeks = model.p.us_withdrawal_weeks if opts["over_weeks"] is None else opts["over_weeks"]
    for location in ("federal", "kurdistan"):
        us.start_drawdown(location, new, 0.0, weeks, week)
    us.withdraw_syria = us.withdraw_syria | (new & opts["include_syria"])
    model.constraints.force("us.exit_response", "withdraw", new, FOREVER)
    us.exit_response = _where(new, option_index("us.exit_response", "withdraw"), us.exit_response)


def drawdown(model, mask, opts, week):
    locations = ("federal", "kurdistan") if opts["location"] == "both" else (opts["location"],)
    for location in locations:
        model.us.start_drawdown(location, mask, opts["to"], opts["over_weeks"], week)


def agree_timetable(model, mask, opts, week):
    us = model.us
    new = mask & ~us.leaving()
    us.start_drawdown("federal", new, 0.0, opts["federal_weeks"], week)
    us.start_drawdown("kurdistan", new, 0.0, opts["kurdistan_weeks"], week)
    model.constraints.force("us.exit_response", "timetable", new, FOREVER)
    us.exit_response = _where(new, option_index("us.exit_response", "timetable"), us.exit_response)


FOLLOW_THROUGH = {"auto": -1, "never": 0, "always": 1}


def threaten(model, mask, opts, week):
    if opts["lever"] == "us_retaliation":  # a declared posture: the US keeps it declared for `weeks`
        model.constraints.force("us.deterrence", "declare", mask, week + opts["weeks"])
        return
    model.threats.issue(model, opts["lever"], mask, opts["weeks"], week, FOLLOW_THROUGH[opts["follow_through"]])


def execute_threat(model, mask, opts, week):
    from .threats import EXECUTE, affront

    lever = opts["lever"]
    EXECUTE[lever](model, mask, week)
    model.threats.learn(model, lever, mask & model.threats.active[lever], True)
    model.threats.withdraw(lever, mask)
    affront(model, lever, mask, model.p.iraq_coercion_backlash, week)


def declare_deterrence(model, mask, opts, week):
    model.constraints.force("us.deterrence", "declare", mask, _until(week, opts))


def mass_casualty_attack(model, mask, opts, week):
    model.us.extra_casualties = model.us.extra_casualties + mask * opts["casualties"]


def targeted_killing(model, mask, opts, week):
    for faction in model.factions:
        if faction.name == opts["faction"]:
            faction.revenge = faction.revenge + mask * model.p.militia_killing_grievance * opts["severity"]
            faction.degradation = np.clip(faction.degradation + mask * model.p.militia_killing_degradation
                                          * opts["severity"], 0.0, 0.9)
    iraq = model.iraq
    iraq.sovereignty_grievance = iraq.sovereignty_grievance + mask * opts["severity"] * (
        model.p.iraq_sovereignty_sensitivity * model.p.iraq_killing_outrage)
    # a killing in the capital is coercion on Iraqi soil: the same nationalist backlash as a squeeze
    iraq.backlash(mask, model.p.iraq_coercion_backlash * opts["severity"], week)


def baghdad_militia_policy(model, mask, opts, week):
    model.constraints.force("iraq.militia_policy", opts["policy"], mask, _until(week, opts))


def baghdad_withholds_pay(model, mask, opts, week):
    names = ("kataib_hezbollah", "hardline_allies") if opts["factions"] == "hardline" else (opts["factions"],)
    until = _until(week, opts)
    for faction in model.factions:
        if faction.name in names:
            faction.withheld = _where(mask, opts["share"], faction.withheld)
            faction.withheld_until = _where(mask, until, faction.withheld_until)


def us_election(model, mask, opts, week):
    us = model.us
    us.campaign_until = _where(mask, week + opts["campaign_weeks"], us.campaign_until)


def us_administration(model, mask, opts, week):
    model.set_parameter("us_administration_posture", 1.0 if opts["posture"] == "maximum_pressure" else 0.0, mask)


WAIVER_CHOICES = {"both": ("gas", "electricity"), "gas": ("gas",), "electricity": ("electricity",)}


def revoke_waivers(model, mask, opts, week):
    model.us.block_waivers(mask, _until(week, opts), WAIVER_CHOICES[opts["waiver"]])


def restore_waivers(model, mask, opts, week):
    us = model.us
    for kind in WAIVER_CHOICES[opts["waiver"]]:
        us.waiver_blocked_until[kind] = _where(mask, 0.0, us.waiver_blocked_until[kind])
        us.waiver_choice[kind] = _where(mask, 0, us.waiver_choice[kind])
    us.waiver = _where(mask, 0, us.waiver)
    model.constraints.force("us.waiver", "renew", mask, _until(week, opts))


def restrict_dollars(model, mask, opts, week):
    us = model.us
    us.dollar_cap = _where(mask, opts["access"], us.dollar_cap)
    us.dollar_cap_until = _where(mask, _until(week, opts), us.dollar_cap_until)


def restore_dollars(model, mask, opts, week):
    us = model.us
    us.dollar_cap_until = _where(mask, 0.0, us.dollar_cap_until)
    if opts["measures"] == "all":
        for measure in us.measure_until:
            us.measure_until[measure] = _where(mask, 0.0, us.measure_until[measure])
        us.measures_end = max(float(np.max(until)) for until in us.measure_until.values())


def _measure(measure, parameter):
    def apply(model, mask, opts, week):
        from .threats import start_measure

        share = model.p[parameter] if opts["share"] is None else opts["share"]
        start_measure(model, measure, mask, share, _until(week, opts), week)
    return apply


def escrow_access(model, mask, opts, week):
    us = model.us
    us.escrow_access = _where(mask, 1.0 if opts["allowed"] else 0.0, us.escrow_access)


def oil_price_shock(model, mask, opts, week):
    iraq = model.iraq
    iraq.oil_shock_price = _where(mask, opts["price"], iraq.oil_shock_price)
    iraq.oil_shock_until = _where(mask, _until(week, opts), iraq.oil_shock_until)


def iraq_demands_withdrawal(model, mask, opts, week):
    iraq = model.iraq
    iraq.exit_pressure = _where(mask, np.maximum(iraq.exit_pressure, opts["pressure"]), iraq.exit_pressure)
    iraq.mobilisation = _where(mask, opts["mobilisation"], iraq.mobilisation)
    iraq.mobilisation_until = _where(mask, _until(week, opts), iraq.mobilisation_until)
    model.constraints.force("iraq.exit_stance", "request", mask, week + opts["hold_weeks"])


def us_exit_response(model, mask, opts, week):
    model.constraints.force("us.exit_response", opts["response"], mask, _until(week, opts))


def us_retaliation(model, mask, opts, week):
    model.constraints.force("us.retaliation", opts["posture"], mask, _until(week, opts))


def iran_escalation(model, mask, opts, week):
    model.constraints.force("iran.direction", "escalate", mask, _until(week, opts))


def militia_truce(model, mask, opts, week):
    until = _until(week, opts)
    model.constraints.force("iran.direction", "restrain", mask, until)
    for faction in model.factions:
        faction.suspended_until = _where(mask, np.maximum(faction.suspended_until, until), faction.suspended_until)
        faction.drive_at_suspension = _where(mask, np.nan, faction.drive_at_suspension)  # set at its first week
        faction.campaign = _where(mask, option_index(faction.campaign_decision, "suspend"), faction.campaign)
        faction.ordered = _where(mask, True, faction.ordered)  # Tehran is party to the truce (agents/militia.py)
        model.constraints.force(faction.campaign_decision, "suspend", mask, until)
        model.constraints.force(faction.decision, "hold", mask, until)


def iran_gas_cut(model, mask, opts, week):
    iran = model.iran
    iran.cut_override = _where(mask, opts["fraction"], iran.cut_override)
    iran.cut_until = _where(mask, _until(week, opts), iran.cut_until)


def gaza_ceasefire(model, mask, opts, week):
    model.set_parameter("world_gaza_war", 0.0, mask)


def gaza_war_resumes(model, mask, opts, week):
    model.set_parameter("world_gaza_war", 1.0, mask)


def iran_strike_on_iraq(model, mask, opts, week):
    iraq = model.iraq
    iraq.anger_at_iran = iraq.anger_at_iran + mask * opts["severity"]
    iraq.sovereignty_grievance = (iraq.sovereignty_grievance
                                  + mask * opts["severity"] * model.p.iraq_sovereignty_sensitivity)


def force(model, mask, opts, week):
    model.constraints.force(opts["decision"], opts["option"], mask, _until(week, opts))


def forbid(model, mask, opts, week):
    model.constraints.forbid(opts["decision"], opts["option"], mask, _until(week, opts))


def set_parameter(model, mask, opts, week):
    model.set_parameter(opts["name"], opts["value"], mask)


_DECISION = Option(str, None, choices=tuple(DECISIONS), help="decision name, e.g. us.exit_response")
_WAIVER = Option(str, "both", choices=("both", "gas", "electricity"), help="which waiver")
_OPTION = Option(str, None, help="one of the decision's options")

ACTIONS: dict[str, Action] = {
    "us_withdrawal": Action("US forces leave Iraq (Erbil included) over some weeks", us_withdrawal, {
        "over_weeks": Option(int, None, 1, 520, help="weeks the withdrawal takes (default us_withdrawal_weeks)",
                             optional=True),
        "include_syria": Option(bool, False, help="also withdraw the troops in Syria on the same schedule")}),
    "drawdown": Action("US troops at one location (or both) move to a target level over some weeks", drawdown, {
        "location": Option(str, None, choices=("federal", "kurdistan", "both"),
                           help="federal Iraq, the Kurdistan Region (Erbil), or both"),
        "to": Option(float, None, 0.0, 10_000.0, help="troops at the end of the drawdown"),
        "over_weeks": Option(int, 26, 1, 520, help="weeks the drawdown takes")}),
    "agree_timetable": Action("The US and Baghdad agree a phased exit: federal Iraq first, the Kurdistan Region later",
                              agree_timetable, {
        "federal_weeks": Option(int, 52, 1, 520, help="weeks until the last troops leave federal Iraq"),
        "kurdistan_weeks": Option(int, 104, 1, 520, help="weeks until the last troops leave the Kurdistan Region")}),
    "threaten": Action("A threat: a lever, the demand it carries (see docs/scenarios.md) and a deadline", threaten, {
        "lever": Option(str, None, choices=tuple(LEVERS), help="the lever threatened"),
        "weeks": Option(int, 8, 1, 520, help="weeks until the deadline"),
        "follow_through": Option(str, "auto", choices=tuple(FOLLOW_THROUGH),
                                 help="at a defied deadline: the holder chooses (auto), carries out (always) or "
                                      "not (never)")}),
    "execute_threat": Action("Carry out a lever's coercion now (threatened or not)", execute_threat, {
        "lever": Option(str, None, choices=DEADLINE_LEVERS, help="the lever carried out")}),
    "declare_deterrence": Action("The US declares it will answer attacks on its forces hard", declare_deterrence,
                                 {"duration": DURATION}),
    "mass_casualty_attack": Action("A militia attack that kills or wounds many US personnel at once",
                                   mass_casualty_attack, {
        "casualties": Option(float, 30.0, 1.0, 500.0, help="US personnel killed or seriously wounded")}),
    "targeted_killing": Action("A US strike kills a militia commander (as Abu Taqwa in Baghdad, January 2024)",
                               targeted_killing, {
        "faction": Option(str, "kataib_hezbollah", choices=tuple(FACTIONS), help="the commander's faction"),
        "severity": Option(float, 1.0, 0.0, 5.0, help="1 is a senior commander killed in Baghdad")}),
    "baghdad_militia_policy": Action("Baghdad's lever over the militias: tolerate, include them in power and "
                                     "patronage, or press them publicly", baghdad_militia_policy, {
        "policy": Option(str, None, choices=DECISIONS["iraq.militia_policy"]), "duration": DURATION}),
    "baghdad_withholds_pay": Action("Baghdad's payroll lever: it withholds a share of some factions' state salaries",
                                    baghdad_withholds_pay, {
        "factions": Option(str, "hardline", choices=("hardline", *FACTIONS),
                           help="the two hardline factions, or one faction"),
        "share": Option(float, 0.5, 0.0, 1.0, help="share of their state salaries withheld"),
        "duration": DURATION}),
    "us_election": Action("A US election campaign: casualties weigh more in Washington until election day",
                          us_election, {
        "campaign_weeks": Option(int, 12, 1, 52, help="weeks from now to election day")}),
    "us_administration": Action("A US administration's posture toward Iraq and Iran", us_administration, {
        "posture": Option(str, None, choices=("engagement", "maximum_pressure"))}),
    "revoke_waivers": Action("The US ends a waiver for Iraq's payments to Iran (gas, electricity or both) and does "
                             "not renew it", revoke_waivers, {"waiver": _WAIVER, "duration": DURATION}),
    "restore_waivers": Action("The US issues a waiver again", restore_waivers, {"waiver": _WAIVER,
                                                                                 "duration": DURATION}),
    "restrict_dollars": Action("The US caps Iraq's dollar transfers from the New York Fed", restrict_dollars, {
        "access": Option(float, 0.35, 0.0, 1.0, help="share of normal transfers allowed"), "duration": DURATION}),
    "restore_dollars": Action("The US lifts a dollar cap (and, with measures: all, every graded measure)",
                              restore_dollars, {"measures": Option(str, "account", choices=("account", "all"),
                                                                   help="lift only the account cap, or all")}),
    "tighten_compliance": Action("The New York Fed blocks dollar wire transfers that fail stricter compliance "
                                 "checks (as from November 2022); banks adapt over months", _measure(
                                     "compliance", "us_compliance_block_share"), {
        "share": Option(float, None, 0.0, 1.0, help="share of wire requests blocked at first "
                                                    "(default us_compliance_block_share)", optional=True),
        "duration": DURATION}),
    "bar_banks": Action("The US bars Iraqi banks from dollar dealings (as 14 banks in July 2023); their customers "
                        "move to other banks over weeks", _measure("bank_bar", "us_bank_bar_share"), {
        "share": Option(float, None, 0.0, 1.0, help="share of dollar sales through the barred banks "
                                                    "(default us_bank_bar_share)", optional=True),
        "duration": DURATION}),
    "designate_bank": Action("The US names an Iraqi bank a primary money-laundering concern (FinCEN section 311)",
                             _measure("designation", "us_designation_share"), {
        "share": Option(float, None, 0.0, 1.0, help="share of dollar sales lost (default us_designation_share)",
                        optional=True),
        "duration": DURATION}),
    "escrow_access": Action("The US approves, or stops approving, Iran's draws on its restricted accounts in Iraq",
                            escrow_access, {"allowed": Option(bool, None, help="true: Iran may draw; false: not")}),
    "oil_price_shock": Action("The oil price moves toward a new level (and back to world_oil_price after duration)",
                              oil_price_shock, {
        "price": Option(float, None, 10.0, 200.0, help="USD per barrel the price moves toward"),
        "duration": DURATION}),
    "iraq_demands_withdrawal": Action("Baghdad formally demands a US withdrawal", iraq_demands_withdrawal, {
        "pressure": Option(float, 0.85, 0.0, 1.0, help="exit pressure at least this high when the demand is made"),
        "hold_weeks": Option(int, 8, 0, 520, help="weeks the formal request stands before Baghdad reconsiders"),
        "mobilisation": Option(float, 1.2, 0.0, 5.0, help="extra push for an exit from the governing coalition"),
        "duration": DURATION}),
    "us_exit_response": Action("Fix how the US answers a formal exit request", us_exit_response, {
        "response": Option(str, None, choices=DECISIONS["us.exit_response"]), "duration": DURATION}),
    "us_retaliation": Action("Fix the US retaliation posture", us_retaliation, {
        "posture": Option(str, None, choices=DECISIONS["us.retaliation"]), "duration": DURATION}),
    "iran_escalation": Action("Iran directs its proxies to escalate", iran_escalation, {"duration": DURATION}),
    "militia_truce": Action("A negotiated truce: all factions hold fire and Iran restrains them", militia_truce, {
        "duration": Option(int, 26, 1, 10_000, help="weeks the truce lasts")}),
    "iran_gas_cut": Action("Iran cuts gas and electricity to Iraq", iran_gas_cut, {
        "fraction": Option(float, 0.7, 0.0, 1.0, help="share of Iran's normal supply withheld"),
        "duration": Option(int, 12, 1, 10_000, help="weeks the cut lasts")}),
    "gaza_ceasefire": Action("The war in Gaza stops (removes that driver of militia motivation)", gaza_ceasefire),
    "gaza_war_resumes": Action("The war in Gaza resumes", gaza_war_resumes),
    "iran_strike_on_iraq": Action("Iran strikes Iraqi soil (as on Erbil in January 2024)", iran_strike_on_iraq, {
        "severity": Option(float, 1.0, 0.0, 5.0, help="1 is a strike like Erbil's in January 2024")}),
    "force": Action("Force an actor's option for a while", force, {
        "decision": _DECISION, "option": _OPTION, "duration": DURATION}),
    "forbid": Action("Forbid an actor's option for a while", forbid, {
        "decision": _DECISION, "option": _OPTION, "duration": DURATION}),
    "set_parameter": Action("Change a parameter from this week on", set_parameter, {
        "name": Option(str, None, help="a parameter name from `sim params`"),
        "value": Option(float, None, help="its new value, within its range")}),
}


# ------------------------------------------------------------------------------------------------ firing rules
@dataclass
class Trigger:
    metric: str
    above: float | None = None
    below: float | None = None
    for_weeks: int = 1
    after_week: int = 1

    def holds(self, value: np.ndarray) -> np.ndarray:
        ok = np.ones(value.shape, dtype=bool)
        if self.above is not None:
            ok &= value > self.above
        if self.below is not None:
            ok &= value < self.below
        return ok


@dataclass
class ScenarioEvent:
    """An event of a scenario, ready to run: action, options (defaults filled in) and when it fires."""

    name: str
    action: str
    options: dict
    week: int | None = None
    when: Trigger | None = None
    repeat: bool = False
    every: int | None = None
    source: str = ""  # where it was declared (file, key, line), for error messages
    description: str = ""

    def to_dict(self) -> dict:
        """The event as plain data (for manifests): what a reader needs to show and re-create it."""
        return {"name": self.name, "description": self.description, "action": self.action, "week": self.week,
                "repeat": self.repeat, "every": self.every, "when": None if self.when is None else vars(self.when),
                "options": {k: v.tolist() if hasattr(v, "tolist") else v for k, v in self.options.items()}}


class EventSchedule:
    """Fires a scenario's events week by week, per world."""

    def __init__(self, events: list[ScenarioEvent], worlds: int):
        self.events = list(events)
        self.fired = [np.zeros(worlds, dtype=bool) for _ in self.events]
        self.last_fired = [np.full(worlds, -np.inf) for _ in self.events]
        self.streak = [np.zeros(worlds) for _ in self.events]

    def apply(self, model, week: int) -> None:
        """Decide which events fire from last week's state first, then act, so events do not see each other."""
        due = [(i, mask) for i, event in enumerate(self.events)
               if (mask := self._due(i, event, model, week)) is not None]
        for i, mask in due:
            event = self.events[i]
            ACTIONS[event.action].apply(model, mask, event.options, week)
            self.fired[i] |= mask
            self.last_fired[i] = np.where(mask, week, self.last_fired[i])
            model.log.record(week, mask, "scenario", event.action, event.name)

    def _due(self, i: int, event: ScenarioEvent, model, week: int):
        """The worlds in which event i fires this week, or None."""
        from .metrics import METRICS

        if event.when is None:
            due = week == event.week or (event.repeat and week > event.week and (week - event.week) % event.every == 0)
            return np.ones(model.worlds, dtype=bool) if due else None
        holds = event.when.holds(METRICS[event.when.metric].read(model))
        self.streak[i] = np.where(holds, self.streak[i] + 1, 0)
        if week < event.when.after_week:
            return None
        mask = self.streak[i] >= event.when.for_weeks
        mask &= (week - self.last_fired[i] >= (event.every or event.when.for_weeks)) if event.repeat else ~self.fired[i]
        if not mask.any():
            return None
        self.streak[i] = np.where(mask, 0, self.streak[i])
        return mask
