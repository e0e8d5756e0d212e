"""The classroom's levers: scenario actions pulled by hand, in every world, taking effect at the current week.

A lever pulled between weeks t and t+1 acts as a scenario event scheduled for week t+1 would: it is applied with
week = t + 1 before the next step, and logged with actor "classroom" so it shows in the event feed.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from ...errors import UserError
from ...model.events import ACTIONS

ACTOR = "classroom"


@dataclass(frozen=True)
class Lever:
    label: str  # button text (stable: the browser test clicks it)
    action: str  # name in simulator.events.ACTIONS
    help: str
    options: dict = field(default_factory=dict)  # overrides of the action's option defaults


LEVERS: dict[str, Lever] = {
    "withdraw": Lever("Withdraw US forces", "us_withdrawal",
                      "US forces leave Iraq, Erbil included, over us_withdrawal_weeks (26 by default)."),
    "revoke_waivers": Lever("Revoke waivers", "revoke_waivers",
                            "The US ends the waiver that lets Iraq pay Iran for gas and power, and does not renew it."),
    "restore_waivers": Lever("Restore waivers", "restore_waivers", "The US issues the energy waiver again."),
    "restrict_dollars": Lever("Restrict dollars", "restrict_dollars",
                              "The US caps Iraq's dollar transfers from the New York Fed (share set below)."),
    "restore_dollars": Lever("Restore dollars", "restore_dollars", "The US lifts a dollar cap."),
    "gas_cut": Lever("Iranian gas cut", "iran_gas_cut",
                     "Iran withholds a share (set below) of its gas and power to Iraq for 12 weeks."),
    "truce": Lever("Militia truce", "militia_truce",
                   "All factions hold fire and Iran restrains them for 26 weeks."),
    "escalation": Lever("Iranian escalation", "iran_escalation", "Iran directs its proxies to escalate for 26 weeks."),
    "threaten_dollars": Lever("Threaten dollars", "threaten",
                              "The US threatens Iraq's dollar access unless Baghdad drops a formal exit demand within "
                              "8 weeks; at the deadline the US decides whether to carry it out.",
                              {"lever": "us_dollars"}),
    "timetable": Lever("Agree a timetable", "agree_timetable",
                       "The US and Baghdad agree a phased exit: federal Iraq within a year, Erbil within two."),
    "deterrence": Lever("Declare deterrence", "declare_deterrence",
                        "The US declares it will answer any attack on its forces hard (a standing threat)."),
    "gaza_ceasefire": Lever("Gaza ceasefire", "gaza_ceasefire",
                            "The war in Gaza stops, removing that driver of militia motivation."),
}


def options_for(lever: Lever, **overrides) -> dict:
    """Every option of the lever's action, defaults filled in, then the lever's and the caller's overrides."""
    spec = ACTIONS[lever.action].options
    unknown = set(overrides) - set(spec)
    if unknown:
        raise UserError(f"Lever {lever.label!r}: unknown option(s) {sorted(unknown)}; "
                        f"it takes {sorted(spec) or 'none'}.")
    return {**{name: option.default for name, option in spec.items()}, **lever.options, **overrides}


def describe(lever: Lever, options: dict) -> str:
    """The event-feed text of a pulled lever, e.g. 'Restrict dollars (access 35%)'."""
    shown = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        if name in ("access", "fraction"):
            shown.append(f"{name} {value:.0%}")
        elif name == "duration":
            shown.append(f"{value} weeks")
        else:
            shown.append(f"{name.replace('_', ' ')} {value}")
    return f"{lever.label}" + (f" ({', '.join(shown)})" if shown else "")


def can_pull(model) -> bool:
    return model.week < model.weeks


def pull(model, key: str, **overrides) -> tuple[int, str]:
    """Pull lever `key` in every world so that it acts at the coming week; returns that week and the description
    logged for the event feed."""
    if key not in LEVERS:
        raise UserError(f"Unknown lever {key!r}; levers are {', '.join(LEVERS)}.")
    lever = LEVERS[key]
    options = options_for(lever, **overrides)
    text = describe(lever, options)
    with getattr(model, "lock", None) or nullcontext():  # ClassroomModel: not in the middle of a step
        if not can_pull(model):
            raise UserError(f"The run is at its horizon (week {model.week}); press Reset to start again.")
        week = model.week + 1  # what EventSchedule.apply passes for events due before the next step
        mask = np.ones(model.worlds, dtype=bool)
        ACTIONS[lever.action].apply(model, mask, options, week)
        model.log.record(week, mask, ACTOR, lever.action, text)
    return week, text


def pulled(model) -> list[tuple[int, str]]:
    """(week, description) of each lever pulled so far, oldest first."""
    events = model.events_frame()
    mine = events[events["actor"] == ACTOR]
    if mine.empty:
        return []
    first = mine.drop_duplicates(["week", "kind", "description"]).sort_values("week", kind="stable")
    return [(int(w), str(d)) for w, d in zip(first["week"], first["description"])]
