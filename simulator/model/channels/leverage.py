"""Leverage indices, 0-1: how much of the target's means one actor can still hurt through levers it has not pulled.

Following 'weaponized interdependence' (Farrell and Newman 2019), leverage grows with the share of the target's
flows that pass through a chokepoint the sender controls, and is used up once the lever is pulled.
"""

from __future__ import annotations

import numpy as np

MAX_IRAN_SHARE = 0.45  # top of the plausible range of Iran's share of Iraqi power
ATTACK_THREAT_SCALE = 15.0  # attacks a week that would make the US presence untenable


def us_over_iraq(model) -> np.ndarray:
    """Unused dollar and waiver levers, weighted by Iraq's dependence; worth more while the US is engaged there."""
    p, us, iraq = model.p, model.us, model.iraq
    dollar_lever = p.iraq_oil_share_of_revenue * us.dollar_access
    waiver_lever = us.waiver_active * iraq.iran_power_share / MAX_IRAN_SHARE
    engagement = 0.5 + 0.5 * us.presence
    return np.clip(engagement * (0.75 * dollar_lever + 0.25 * waiver_lever), 0.0, 1.0)


def iran_over_iraq(model) -> np.ndarray:
    """Power Iran can still withhold, plus its control over the militias (smaller when Baghdad pays them)."""
    iraq = model.iraq
    supply_lever = np.clip(iraq.iran_power_share / MAX_IRAN_SHARE, 0.0, 1.0)
    control = sum(f.fighter_share * f.iran_control for f in model.factions)
    return np.clip(0.6 * supply_lever + 0.4 * control, 0.0, 1.0)


def iran_over_us(model) -> np.ndarray:
    """The militias' capacity to hurt US troops that are still exposed in Iraq and, through Erbil, in Syria."""
    us = model.us
    potential = sum(f.attack_rate * (1.0 - f.degradation) * f.hardline for f in model.factions) * 2.5
    exposure = 0.8 * us.presence + 0.2 * us.troops_syria / np.maximum(model.p.us_troops_syria, 1.0)
    return np.clip(potential / ATTACK_THREAT_SCALE * exposure, 0.0, 1.0)


def us_over_iran(model) -> np.ndarray:
    """Iran's revenue from Iraq that still flows through channels the US can shut (waiver, dollars)."""
    p = model.p
    normal = p.iran_energy_bill_busd_per_year + p.iran_other_exports_busd_per_year
    return np.clip(model.iran.revenue_from_iraq / normal, 0.0, 1.0)

