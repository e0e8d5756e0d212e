"""Violence channel: militia attacks on US forces, US strikes, casualties and the escalation index."""

from __future__ import annotations

import numpy as np

POSTURE_TEMPO = np.array([0.03, 1.0, 2.5])  # attacks relative to the faction's rate: hold / harass / escalate
STRIKES_BY_POSTURE = ("none", "us_strikes_proportional", "us_strikes_heavy")
MEMORY_WEEKS = 4  # how many weeks of attacks and strikes the actors keep in mind (exponential decay time)
CAPACITY_FIGHTER_ELASTICITY = 0.25  # more fighters add capacity, with diminishing returns
INITIAL_ESCALATION = 0.3  # January 2024: about 5 attacks and the odd strike a week, as the index would read


def resolve(model, week: int) -> None:
    p, us, iraq, streams = model.p, model.us, model.iraq, model.streams
    model.iran.directive = model.iran.direction  # this week's direction reaches the factions' fighters
    growth = (iraq.pmu_fighters / p.pmu_fighters_initial) ** CAPACITY_FIGHTER_ELASTICITY
    total = np.zeros(model.worlds)
    for faction in model.factions:
        funding = faction.state_funding * iraq.salary_coverage + (1.0 - faction.state_funding)
        capacity = np.sqrt(funding) * growth * (1.0 - faction.degradation)
        tempo = POSTURE_TEMPO[faction.posture] * np.maximum(faction.motivation(), 0.0)
        mean = faction.attack_rate * tempo * capacity * np.sqrt(us.presence)
        faction.attacks = streams.poisson(f"attacks.{faction.name}", week, mean)
        total += faction.attacks

    strike_rate = np.choose(us.retaliation, [np.zeros(model.worlds)] + [
        np.broadcast_to(p[name], (model.worlds,)) for name in STRIKES_BY_POSTURE[1:]])
    us.strikes = streams.poisson("us.strikes", week, strike_rate * (total > 0) + strike_rate * 0.2 * (total == 0))
    us.casualties = streams.poisson("us.casualties", week, total * p.us_casualties_per_attack)

    # Strikes hit factions in proportion to their attacks and degrade their capacity, which then recovers.
    share_base = np.maximum(total, 1e-9)
    for faction in model.factions:
        share = np.where(total > 0, faction.attacks / share_base, 1.0 / len(model.factions))
        faction.degradation = np.clip(faction.degradation * (1.0 - 1.0 / p.militia_recovery_weeks)
                                      + p.militia_strike_degradation * us.strikes * share, 0.0, 0.9)

    decay = 1.0 - 1.0 / MEMORY_WEEKS
    us.attack_memory = us.attack_memory * decay + total * (1.0 - decay)
    us.strike_memory = us.strike_memory * decay + us.strikes * (1.0 - decay)
    us.casualty_memory = us.casualty_memory * (1.0 - 1.0 / p.us_domestic_pressure_memory_weeks) + us.casualties
    if (us.strikes > 0).any():
        model.log.record(week, us.strikes > 0, "us", "strike", "US strikes militia targets in Iraq ({value:.0f})",
                         values=us.strikes)
    heavy = us.casualties > 0
    if heavy.any():
        model.log.record(week, heavy, "militias", "casualties", "Militia attacks kill or seriously wound US "
                         "personnel ({value:.0f})", values=us.casualties)

    intensity = 1.0 - np.exp(-(total + 3.0 * us.strikes) / 20.0)
    model.escalation = 0.7 * model.escalation + 0.3 * intensity
