"""US military presence: withdrawal from Iraq (Erbil included) and the knock-on for the troops in Syria."""

from __future__ import annotations

import numpy as np

from ..choice import option_index


def resolve(model, week: int) -> None:
    us, p = model.us, model.p
    accepted = us.exit_response == option_index("us.exit_response", "accept")
    starting = accepted & ~us.withdrawing()
    if starting.any():
        us.withdrawal_start = np.where(starting, week, us.withdrawal_start)
        scheduled = np.isfinite(us.withdrawal_weeks)  # a scenario's us_withdrawal event sets its own pace
        us.withdrawal_weeks = np.where(starting & ~scheduled, p.us_withdrawal_weeks, us.withdrawal_weeks)
        model.log.record(week, starting, "us", "withdrawal", "US decides to withdraw its forces from Iraq")
    withdrawing = us.withdrawing()
    elapsed = np.where(withdrawing, week - us.withdrawal_start, 0.0)
    remaining = np.clip(1.0 - elapsed / np.where(withdrawing, np.maximum(us.withdrawal_weeks, 1.0), 1.0), 0.0, 1.0)
    before = us.troops_iraq
    us.troops_iraq = np.where(withdrawing, np.minimum(before, p.us_troops_iraq * remaining), before)
    left = (before > 0) & (us.troops_iraq <= 0)
    if left.any():
        model.log.record(week, left, "us", "withdrawal", "The last US troops leave Iraq, Erbil included")

    # Syria is supplied overland through Erbil: supply falls with the troops left in Iraq.
    us.syria_supply = np.maximum(us.presence, p.us_syria_supply_floor)
    drawdown = p.us_syria_drawdown_rate * (1.0 - us.syria_supply)
    syria = us.troops_syria * (1.0 - drawdown)
    syria = np.where(us.withdraw_syria, np.minimum(syria, p.us_troops_syria * remaining), syria)
    us.troops_syria = np.where(syria < 1.0, 0.0, syria)
