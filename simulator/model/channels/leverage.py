"""Leverage indices, 0-1: the harm a holder can still impose through levers it has not pulled, weighted by how
credible pulling them is, as a share of what the target has to lose.

Following 'weaponized interdependence' (Farrell and Newman 2019), leverage grows with the share of the target's flows
that pass through a chokepoint the holder controls, is used up once the lever is pulled, and shrinks as the target
can absorb or substitute (reserves abroad, substitutes for Iranian power). Following coercion theory (Schelling 1966;
Drezner 1998) a lever counts as far as it is credible: its record times the holder's resolve now, which already
nets out what pulling it would cost the holder (simulator.model.threats). Each index is a sum of credibility x
expected loss (threats.expected_loss) over levers that hit distinct parts of the target's means, so none saturates.

The indices are computed once a week, after the week is resolved (`update`); actors read last week's values like
every other state.
"""

from __future__ import annotations

import numpy as np

from ..threats import expected_loss
from .energy import other_exports

PAIRS = ("us_over_iraq", "iran_over_iraq", "iran_over_us", "us_over_iran", "iraq_over_us", "iraq_over_militias")
DOLLAR_TOOLS = ("us_dollars", "us_compliance", "us_bank_bar", "us_designation")


def _pressure(model, lever: str) -> np.ndarray:
    return model.threats.credibility(model, lever) * expected_loss(model, lever)


def us_over_iraq(model) -> np.ndarray:
    """The strongest dollar tool not yet used (they hit the same flows) plus the energy waivers, each times its
    credibility, as a share of Iraq's means (its revenue, plus its power weighted by iraq_waiver_loss_weight)."""
    dollars = np.max([_pressure(model, lever) for lever in DOLLAR_TOOLS], axis=0)
    return (dollars + _pressure(model, "us_waivers")) / (1.0 + model.p.iraq_waiver_loss_weight)


def iran_over_iraq(model) -> np.ndarray:
    """The power Iran can still withhold times its credibility, plus its control of the militias times the share of
    the government's standing they could take away, as a share of Iraq's means."""
    p = model.p
    control = sum(f.fighter_share * f.iran_control for f in model.factions)
    return (_pressure(model, "iran_energy") + p.iraq_militia_threat_share * control) / (1.0 + p.iraq_waiver_loss_weight)


def iran_over_us(model) -> np.ndarray:
    """The proxies' capacity to hurt US troops still in reach, times the credibility of unleashing them."""
    return _pressure(model, "iran_proxies")


def us_over_iran(model) -> np.ndarray:
    """Iran's income through Iraq that the US can still shut, times credibility, as a share of that income at the
    start: its draws on the restricted accounts (the US can stop approving them, as it stops waivers) and the dollars
    behind its other sales and the leak (a squeeze cuts them to the cudgel's level)."""
    p, iran, threats = model.p, model.iran, model.threats
    energy = threats.credibility(model, "us_waivers") * iran.drawn * model.us.escrow_access
    dollars = (threats.credibility(model, "us_dollars") * (other_exports(model) + model.iraq.leakage)
               * (1.0 - p.us_cudgel_dollar_access))
    return np.clip((energy + dollars) / iran.lifeline_normal, 0.0, 1.0)


def iraq_over_us(model) -> np.ndarray:
    """Baghdad's expulsion lever: the US presence it can end, times how close it is to demanding an exit, net of the
    US's counter-leverage (what demanding would cost Baghdad)."""
    return model.us.presence * model.iraq.exit_pressure * (1.0 - model.leverage["us_over_iraq"])


def iraq_over_militias(model) -> np.ndarray:
    """Baghdad's payroll lever: the state salaries the factions still receive, weighted by their size, times how
    credible cutting them is (less the more the militias share power)."""
    paid = sum(f.fighter_share * f.state_funding * f.pay for f in model.factions)
    return paid * (1.0 - model.iraq.inclusion)


READ_BY_ACTORS = ("us_over_iraq", "us_over_iran")


class Indices(dict):
    """This week's indices. The ones actors read are computed at once; the others when first read, which is at the
    end of the same week (the recorder, or a trigger deciding before any event acts), so a run that records
    nothing skips them and every reader still sees the state at the end of the week."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def __missing__(self, name: str) -> np.ndarray:
        if name not in PAIRS:
            raise KeyError(name)
        value = self[name] = np.asarray(globals()[name](self.model), dtype=float) + np.zeros(self.model.worlds)
        return value


def update(model) -> None:
    """Start this week's indices; they read the state as it stands now, so every reader sees the same values."""
    model.leverage = indices = Indices(model)
    for name in READ_BY_ACTORS:
        indices[name]
