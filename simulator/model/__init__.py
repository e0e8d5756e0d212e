"""The model core: one Mesa model of an ensemble of worlds, its agents, the channels that resolve a week, the
scenario actions, the metrics and outcomes it records, its random streams and its parameter registry.

Importing this package imports neither Mesa nor the agents; `LeverageModel` loads them when first used.
"""

__all__ = ["LeverageModel"]


def __getattr__(name):
    if name == "LeverageModel":
        from .model import LeverageModel

        return LeverageModel
    raise AttributeError(f"module 'simulator.model' has no attribute {name!r}")
