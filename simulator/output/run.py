"""Run a scenario's ensemble: build the model from a Scenario, step it with optional progress, time it."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Run:
    scenario: object  # scenario.Scenario
    model: object  # model.LeverageModel
    seconds: float


def simulate(scenario, progress=None, **model_options) -> Run:
    """Run `scenario` to its horizon. progress(week, weeks) is called after each week if given."""
    from ..model import LeverageModel

    started = time.perf_counter()
    model = LeverageModel(worlds=scenario.worlds, seed=scenario.seed, weeks=scenario.weeks,
                          start_date=scenario.start_date, events=scenario.events, **model_options,
                          **scenario.parameters)
    while model.running:
        model.step()
        if progress is not None:
            progress(model.week, model.weeks)
    return Run(scenario, model, time.perf_counter() - started)
