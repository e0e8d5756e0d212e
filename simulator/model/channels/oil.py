"""Oil: the price path and Iraq's export revenue, which lands in the central bank's account at the New York Fed.

The price reverts in logs toward a reference (`world_oil_price`, or a scenario's shock while it lasts) with weekly
shocks: an Ornstein-Uhlenbeck process, the standard reduced form of mean reversion in energy prices (Pindyck 1999).
Revenue is exports x price x what Iraq nets per barrel (facts.md, Oil exports and Oil revenue).
"""

from __future__ import annotations

import numpy as np

from ..random_streams import SQRT12

DAYS_PER_WEEK = 7.0


def reference_price(model, week: int) -> np.ndarray:
    """The price the market reverts to this week: a scenario's shock while it lasts, else `world_oil_price`."""
    iraq = model.iraq
    return np.where(iraq.oil_shock_until > week, iraq.oil_shock_price, model.p.world_oil_price)


def weekly_revenue(model) -> np.ndarray:
    """Iraq's oil proceeds this week, USD bn."""
    p = model.p
    return p.iraq_oil_exports_mbd * model.iraq.oil_price * p.iraq_oil_netback_share * DAYS_PER_WEEK / 1000.0


def resolve(model, week: int) -> None:
    p, iraq = model.p, model.iraq
    gap = np.log(reference_price(model, week)) - np.log(iraq.oil_price)
    # uniform innovations of unit variance, sqrt(12) (u - 1/2): slow noise needs no normal
    shock = p.world_oil_price_volatility * SQRT12 * (model.streams.uniform("world.oil_price", week) - 0.5)
    iraq.oil_price = iraq.oil_price * np.exp(p.world_oil_price_reversion * gap + shock)
    iraq.oil_revenue = weekly_revenue(model)
