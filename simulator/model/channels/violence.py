"""Violence channel: militia campaigns and attacks on US forces, US strikes, casualties, the factions' memory
(momentum, fatigue, losses, mood) and the escalation index.

Momentum and fatigue follow Richardson's action-reaction model: a faction's own recent attacks feed its drive, and
sustained campaigning and losses wear it down, so attack levels move over time instead of resting on a constant.
"""

from __future__ import annotations

import numpy as np

from ..agents.militia import SUSPEND
from ..choice import by_option
from ..random_streams import SQRT12


def resolve(model, week: int) -> None:
    p, us, iraq, streams = model.p, model.us, model.iraq, model.streams
    # This week's direction from Tehran reaches the fighters: the drive each faction decided on moves with it
    shift = p.militia_iran_push * (np.asarray(model.iran.direction) - np.asarray(model.iran.directive))
    model.iran.directive = model.iran.direction
    growth = (iraq.pmu_fighters / p.pmu_fighters_initial) ** p.militia_capacity_elasticity
    total = np.zeros(model.worlds)
    for faction in model.factions:
        _campaign(model, faction, week)
        faction.withheld = np.where(faction.withheld_until > week, faction.withheld, 0.0)
        funding = faction.state_funding * faction.pay + (1.0 - faction.state_funding)
        capacity = np.sqrt(funding) * growth * (1.0 - faction.degradation)
        tempo = np.where(faction.posture == 0, p.militia_tempo_hold,
                         np.where(faction.posture == 2, p.militia_tempo_escalate, 1.0))
        drive = faction.drive + faction.iran_control * shift
        mean = faction.attack_rate * tempo * np.maximum(drive, 0.0) * capacity * np.sqrt(us.exposure)
        faction.attacks = streams.poisson(f"attacks.{faction.name}", week, mean)
        total += faction.attacks

    strike_rate = by_option(us.retaliation, [0.0, p.us_strikes_proportional, p.us_strikes_heavy])
    answering = np.where(total > 0, 1.0, p.us_strikes_without_attacks)
    us.strikes = streams.poisson("us.strikes", week, strike_rate * answering * (us.troops_iraq > 0))
    us.casualties = streams.poisson("us.casualties", week, total * p.us_casualties_per_attack) + us.extra_casualties
    us.extra_casualties = np.zeros(model.worlds)
    model.threats.test_deterrence(model, week, total > 0, us.strikes > 0)

    # Strikes hit factions in proportion to their attacks and degrade their capacity, which then recovers;
    # a faction's own attacks and losses feed its momentum and fatigue.
    share_base = np.maximum(total, 1e-9)
    for faction in model.factions:
        share = np.where(total > 0, faction.attacks / share_base, 1.0 / len(model.factions))
        hit = p.militia_strike_degradation * us.strikes * share
        faction.degradation = np.clip(faction.degradation * (1.0 - 1.0 / p.militia_recovery_weeks) + hit, 0.0, 0.9)
        relative = faction.attacks / np.maximum(faction.attack_rate, 1e-9)
        keep = 1.0 - 1.0 / p.militia_momentum_memory_weeks
        faction.momentum = faction.momentum * keep + (faction.attacks > 0) * (1.0 - keep)
        faction.fatigue = (faction.fatigue * (1.0 - 1.0 / p.militia_fatigue_memory_weeks)
                           + p.militia_fatigue_rate * relative + p.militia_loss_fatigue * us.strikes * share)
        faction.revenge = faction.revenge * (1.0 - 1.0 / p.militia_revenge_memory_weeks)
        # AR(1) drift with uniform innovations of unit variance (sqrt(12) (u - 1/2)): slow noise needs no normal
        rho = p.militia_mood_persistence
        shock = SQRT12 * (streams.uniform(f"mood.{faction.name}", week) - 0.5)
        faction.mood = rho * faction.mood + p.militia_mood_volatility * np.sqrt(1.0 - rho * rho) * shock

    decay = 1.0 - 1.0 / p.militia_memory_weeks
    us.attack_memory = us.attack_memory * decay + total * (1.0 - decay)
    us.strike_memory = us.strike_memory * decay + us.strikes * (1.0 - decay)
    us.casualty_memory = us.casualty_memory * (1.0 - 1.0 / p.us_domestic_pressure_memory_weeks) + us.casualties
    us.casualty_spike = us.casualty_spike * (1.0 - 1.0 / p.iran_red_line_memory_weeks) + us.casualties
    if (us.strikes > 0).any():
        model.log.record(week, us.strikes > 0, "us", "strike", "US strikes militia targets in Iraq ({value:.0f})",
                         values=us.strikes)
    heavy = us.casualties > 0
    if heavy.any():
        model.log.record(week, heavy, "militias", "casualties", "Militia attacks kill or seriously wound US "
                         "personnel ({value:.0f})", values=us.casualties)

    intensity = 1.0 - np.exp(-(total + p.world_escalation_strike_weight * us.strikes) / p.world_escalation_scale)
    s = p.world_escalation_smoothing
    model.escalation = (1.0 - s) * model.escalation + s * intensity


def _campaign(model, faction, week: int) -> None:
    """A faction's own choice to suspend its campaign, or to end a suspension, takes effect."""
    suspended = faction.suspended(week)
    starting = (faction.campaign == SUSPEND) & ~suspended
    ending = suspended & (faction.campaign != SUSPEND)
    if starting.any():
        faction.suspended_until = np.where(starting, week + model.p.militia_suspension_weeks, faction.suspended_until)
        faction.drive_at_suspension = np.where(starting, faction.drive, faction.drive_at_suspension)
        for why, mask in ((" on Tehran's order", faction.ordered), ("", ~faction.ordered)):
            model.log.record(week, starting & mask, faction.name, "suspension",
                             f"{_label(faction)}: campaign against US forces suspended{why}")
    over = ending | (~faction.suspended(week) & ~starting)
    faction.drive_at_suspension = np.where(over, np.nan, faction.drive_at_suspension)
    if ending.any():
        faction.suspended_until = np.where(ending, week, faction.suspended_until)
        for why, mask in ((" as Tehran lifts its order", faction.released), ("", ~faction.released)):
            model.log.record(week, ending & mask, faction.name, "suspension",
                             f"{_label(faction)}: suspension ended{why}")


def _label(faction) -> str:
    from ..narrative import FACTION_NAMES

    return FACTION_NAMES[faction.name]
