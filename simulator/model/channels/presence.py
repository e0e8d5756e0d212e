"""US military presence: drawdowns per location (federal Iraq, the Kurdistan Region) and the Syria garrison that is
supplied overland through Erbil (article, "Syria, Through Iraq")."""

from __future__ import annotations

import numpy as np

from ..agents.united_states import LOCATIONS


def resolve(model, week: int) -> None:
    us, p = model.us, model.p
    before = us.troops_iraq
    for location in LOCATIONS:
        d = us.drawdown[location]
        started = np.isfinite(d["start"])
        progress = np.clip((week - np.where(started, d["start"], week)) / d["weeks"], 0.0, 1.0)
        level = d["from"] + (d["to"] - d["from"]) * progress
        troops = np.where(started, level, us.troops[location])
        us.troops[location] = np.where(troops < 0.5, 0.0, troops)
    us.update_exposure()
    left = (before > 0) & (us.troops_iraq <= 0)
    if left.any():
        model.log.record(week, left, "us", "withdrawal", "The last US troops leave Iraq, Erbil included")

    # Syria is supplied overland through Erbil: supply falls with the troops left in the Kurdistan Region.
    start = us.initial_troops["kurdistan"]
    route = np.where(start > 0, us.troops["kurdistan"] / np.maximum(start, 1e-9), 0.0)
    us.syria_supply = np.maximum(np.clip(route, 0.0, 1.0), p.us_syria_supply_floor)
    drawdown = p.us_syria_drawdown_rate * (1.0 - us.syria_supply)
    syria = us.troops_syria * (1.0 - drawdown)
    syria = np.where(us.withdraw_syria, np.minimum(syria, p.us_troops_syria * route), syria)
    us.troops_syria = np.where(syria < 1.0, 0.0, syria)
