"""The actors. Each holds its state as numpy arrays (one entry per world) and decides once a week."""

from .iran import Iran
from .iraq import IraqiGovernment
from .militia import MilitiaFaction
from .united_states import UnitedStates

__all__ = ["Iran", "IraqiGovernment", "MilitiaFaction", "UnitedStates"]
