"""Leverage between the US, Iran, the Iraqi government and Iraq's militias, as a Monte Carlo agent-based model.

The public Python API; every name loads when first used, so `import simulator` stays cheap:

    from simulator import LeverageModel
    model = LeverageModel.from_scenario("scenarios/withdrawal.yaml", worlds=500).run()
    model.outcomes()              # per-world outcomes (OUTCOMES names them)
    model.results().plot()        # labelled results: to_frame, to_xarray, summary, plot

`LeverageModel` is the Mesa model, `Results` the labelled results of a run, `load_scenario` reads a scenario file
(`simulator.scenario.load`), `OUTCOMES` is the outcome vocabulary (name -> Outcome).
"""

__version__ = "0.1.0"
__all__ = ["LeverageModel", "Results", "load_scenario", "OUTCOMES", "__version__"]


def __getattr__(name):
    if name == "LeverageModel":
        from .model.model import LeverageModel

        return LeverageModel
    if name == "Results":
        from .model.results import Results

        return Results
    if name == "load_scenario":
        from .scenario import load

        return load
    if name == "OUTCOMES":
        from .model.outcomes import OUTCOMES

        return OUTCOMES
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
