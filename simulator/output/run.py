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
    """Run `scenario` to its horizon. progress(week, weeks) is called after each week if given; `model_options`
    go to LeverageModel.from_spec (model options such as record or log_events, or parameter values)."""
    from ..model import LeverageModel

    started = time.perf_counter()
    model = LeverageModel.from_spec(scenario, **model_options)
    while model.running:
        model.step()
        if progress is not None:
            progress(model.week, model.weeks)
    return Run(scenario, model, time.perf_counter() - started)
