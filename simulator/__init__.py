"""Leverage between the US, Iran, the Iraqi government and Iraq's militias, as a Monte Carlo agent-based model.

`from simulator import LeverageModel` gives the Mesa model; heavy modules load only when first used.
"""

__version__ = "0.1.0"
__all__ = ["LeverageModel", "__version__"]


def __getattr__(name):
    if name == "LeverageModel":
        from .model import LeverageModel

        return LeverageModel
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")
