"""The classroom page: Mesa's SolaraViz (play/step/reset and the parameter sliders in the sidebar) around the
dashboard's own components. Run it with `sim dashboard`, `simulator.interfaces.dashboard.serve()` or
`solara run simulator.interfaces.dashboard.app`. Importing this module builds no model and starts nothing.
"""

from __future__ import annotations

import solara
from mesa.visualization import Slider, SolaraViz

from ...model.parameters import registry
from . import components as c
from .model import DEFAULT_SEED, DEFAULT_WORLDS, ClassroomModel

TITLE = "Leverage simulator: classroom"
PLAY_INTERVAL_MS = 100

# parameter -> (label, slider step); ranges and defaults come from the registry (configs/parameters.yaml)
# (short labels: Mesa puts label and slider on one line; docs/dashboard.md says what each one means)
KEY_PARAMETERS = {
    "us_dollar_access": ("US dollar access", 0.05),
    "us_cudgel_willingness": ("US cudgel readiness", 0.05),
    "iran_power_share": ("Iran power share", 0.01),
    "iraq_dollar_fear": ("Iraq dollar fear", 0.1),
    "militia_dollar_stake": ("Militia dollar stake", 0.1),
}

CSS = """
.dash-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.dash-table th, .dash-table td { border-bottom: 1px solid #ddd; padding: 2px 6px; text-align: left; }
.dash-table th { background: #f3f5f8; }
.dash-guide { font-size: 14px; padding: 4px 2px; }
"""


def model_params() -> dict:
    """SolaraViz's inputs: the worlds slider, one slider per key parameter, and the fixed seed."""
    params = {"worlds": Slider("Worlds", DEFAULT_WORLDS, 100, 500, 50), "seed": DEFAULT_SEED}
    reg = registry()
    for name, (label, step) in KEY_PARAMETERS.items():
        p = reg[name]
        params[name] = Slider(label, p.default, p.low, p.high, step, dtype=float)
    return params


@solara.component
def Dashboard(model):
    """The main area: guide and levers, fan charts and leverage matrix, then predictions and the event feed."""
    solara.Style(CSS)
    with solara.Column(classes=["dash-root"], gap="10px", style={"padding": "6px"}):
        c.Guide(model)
        c.Levers(model)
        with solara.Columns([8, 4]):
            c.FanCharts(model)
            c.LeverageMatrix(model)
        with solara.Columns([5, 7]):
            c.Predictions(model)
            c.EventFeed(model)


@solara.component
def Page():
    """One model per browser session, reset by SolaraViz's Reset with the sliders' values."""
    params = solara.use_memo(model_params, [])
    first = solara.use_memo(lambda: ClassroomModel(worlds=DEFAULT_WORLDS, seed=DEFAULT_SEED), [])
    model = solara.use_reactive(first)
    SolaraViz(model, components=[], model_params=params, name=TITLE, play_interval=PLAY_INTERVAL_MS)
    Dashboard(model.value)
