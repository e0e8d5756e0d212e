"""Coercion: the week's threats are made, standing ones come to their deadlines, and agreed exits are set in motion.

Runs first among the channels, so that what a threat or a timetable sets in motion acts on this week's presence,
energy and dollars.
"""

from __future__ import annotations

import numpy as np

from ..choice import option_index

THREATEN = option_index("us.exit_response", "threaten")
TIMETABLE = option_index("us.exit_response", "timetable")
WITHDRAW = option_index("us.exit_response", "withdraw")
DECLARE = option_index("us.deterrence", "declare")
IRAN_THREATEN = option_index("iran.supply", "threaten")


def resolve(model, week: int) -> None:
    p, us, iran, threats = model.p, model.us, model.iran, model.threats
    threats.resolve(model, week)

    threats.issue(model, "us_dollars", us.exit_response == THREATEN, p.us_threat_deadline_weeks, week)
    threats.issue(model, "us_waivers", us.exit_response == THREATEN, p.us_threat_deadline_weeks, week)
    threats.issue(model, "iran_energy", iran.supply == IRAN_THREATEN, p.iran_threat_deadline_weeks, week)
    declared = us.deterrence == DECLARE
    threats.issue(model, "us_retaliation", declared, np.inf, week)
    threats.withdraw("us_retaliation", ~declared)

    timetable = (us.exit_response == TIMETABLE) & ~us.leaving()
    if timetable.any():
        us.start_drawdown("federal", timetable, 0.0, p.us_timetable_federal_weeks, week)
        us.start_drawdown("kurdistan", timetable, 0.0, p.us_timetable_kurdistan_weeks, week)
        model.log.record(week, timetable, "us", "timetable", "The US and Baghdad agree a timetable: federal Iraq "
                         "first, the Kurdistan Region later")
    withdraw = (us.exit_response == WITHDRAW) & ~us.leaving()
    if withdraw.any():
        for location in ("federal", "kurdistan"):
            us.start_drawdown(location, withdraw, 0.0, p.us_withdrawal_weeks, week)
        model.log.record(week, withdraw, "us", "withdrawal", "US decides to withdraw its forces from Iraq")
