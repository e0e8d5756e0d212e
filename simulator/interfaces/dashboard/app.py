"""The classroom page: the week and Reset / Play / Step in the top bar, then the set-up sliders, the levers, a fan
chart per metric, the leverage matrix, the event feed and the predictions. Run it with `sim dashboard`,
`simulator.interfaces.dashboard.serve()` or `solara run simulator.interfaces.dashboard.app`. Importing this module
builds no model and starts nothing.

The page is laid out here rather than by Mesa's SolaraViz: SolaraViz's sidebar took 400 of 1024 pixels, showed
no slider values, offered controls a class does not need (Use Threads, Render Interval), and its play loop went
on after the page was closed.
"""

from __future__ import annotations

from typing import NamedTuple

import solara

from ...model.metrics import KEY_METRICS, LEVERAGE_METRICS
from ...model.parameters import registry
from ...model.units import fmt
from . import charts, levers, stats
from . import components as c
from .model import DEFAULT_SEED, DEFAULT_WORLDS, ClassroomModel

TITLE = "Leverage simulator: classroom"


class SetupSlider(NamedTuple):
    label: str  # plain words; the value is shown after it
    help: str
    low: float
    high: float
    step: float
    unit: str
    whole: bool = False

    def show(self, value) -> str:
        return fmt(value, "share" if self.unit.startswith("share") else self.unit)


# parameter -> (label, slider step); ranges, defaults and units come from the registry (configs/parameters.yaml)
KEY_PARAMETERS = {
    "us_dollar_access": ("Dollars the US lets Iraq draw", 0.05),
    "us_cudgel_willingness": ("US readiness to cut dollars over an exit demand", 0.05),
    "iran_power_share": ("Iraq's power that comes from Iran", 0.01),
    "iraq_dollar_fear": ("Baghdad's fear of losing dollars", 0.1),
    "militia_dollar_stake": ("Militias' stake in the dollar economy", 0.1),
}


def setup_sliders() -> dict[str, SetupSlider]:
    """The worlds slider and one slider per key parameter."""
    sliders = {"worlds": SetupSlider("Worlds run together", "More worlds: smoother bands, slower weeks.",
                                     100, 500, 50, "worlds", whole=True)}
    reg = registry()
    for name, (label, step) in KEY_PARAMETERS.items():
        p = reg[name]
        sliders[name] = SetupSlider(label, p.description, p.low, p.high, step, p.unit)
    return sliders


def default_setup() -> dict:
    """ClassroomModel's keywords for a run with the sliders at their defaults."""
    reg = registry()
    return {"worlds": DEFAULT_WORLDS, "seed": DEFAULT_SEED, **{name: reg[name].default for name in KEY_PARAMETERS}}


CSS = """
.dash-root { max-width: 1400px; }
.dash-clock { color: white; line-height: 1.15; margin: 0 12px; font-size: 18px; white-space: nowrap; }
.dash-clock small { font-size: 13px; }
.dash-control { margin: 0 4px; font-size: 16px !important; }
.dash-guide { font-size: 16px; }
.dash-help { font-size: 15px; color: #555; }
.dash-section { font-size: 22px; margin: 8px 0 0 0; }
.dash-legend { font-size: 15px; }
.dash-key { display: inline-block; width: 26px; height: 12px; margin: 0 4px 0 14px; vertical-align: middle; }
.dash-key-lever { height: 0; border-top: 3px dashed; background: none !important; }
.dash-chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 10px; }
.dash-chart { padding: 8px 10px 2px 10px; background: white; border-radius: 4px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.25); }
.dash-chart-title { font-size: 19px; font-weight: bold; line-height: 1.2; }
.dash-chart-now { font-size: 15px; color: #333; }
.dash-chart-image { display: block; width: 100%; }
.dash-table { border-collapse: collapse; width: 100%; font-size: 15px; }
.dash-table th, .dash-table td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; }
.dash-table th { background: #f3f5f8; }
.dash-matrix-table td { font-size: 20px; text-align: center; }
.dash-matrix-table th:first-child { width: 20%; }
.dash-predictions .v-text-field { padding-top: 20px; }
.dash-predictions .v-label { font-size: 17px !important; color: #222 !important; }
.dash-predictions .v-label--active { transform: translateY(-24px) scale(1) !important; }
.dash-predictions input { font-size: 18px !important; }
.dash-predictions .v-messages { font-size: 15px !important; color: #444; }
.dash-matrix-table td small { font-size: 13px; }
.dash-lever-message { font-size: 16px; font-weight: bold; }
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-input__slot > .v-label { flex: 1 0 100%; height: auto; white-space: normal; margin-bottom: 2px;
  font-size: 17px; color: #222 !important; }
.v-card__title { word-break: normal !important; font-size: 21px !important; }
.v-card__subtitle { font-size: 15px !important; }
.dash-root .v-card__text { font-size: 16px !important; }
"""


def warm_up() -> None:
    """Work out every chart once for a run with the sliders at their defaults (the first one imports what the axes
    need), so that the first page is quick."""
    model = ClassroomModel(**default_setup())
    x_ticks = charts.date_ticks(model.calendar, model.weeks)
    for name in KEY_METRICS + LEVERAGE_METRICS:
        charts.spec(name, *stats.fan(model, name), model.weeks, x_ticks)


@solara.component
def Dashboard(model, setup, sliders, redraw: int):
    """The main area: what a class watches first (levers, charts, leverage, events), then what it sets before a
    run (predictions, set-up)."""
    revealed = solara.use_reactive(False)
    solara.use_effect(lambda: revealed.set(False), [id(model)])  # a new run (Reset) hides the answers again
    pulled = levers.pulled(model)
    lever_weeks = tuple(sorted({week for week, _ in pulled}))
    with solara.Column(classes=["dash-root"], gap="12px", style={"padding": "8px"}):
        solara.HTML(tag="div", classes=["dash-guide"], unsafe_innerHTML=(
            "1. Write down your <b>predictions</b> and <b>set up</b> the run (at the bottom), then press "
            "<b>Reset</b>. 2. <b>Step</b> or <b>Play</b>; pull <b>levers</b> at any time. 3. <b>Reveal</b> the "
            "model's answers."))
        c.Levers(model, levers.can_pull(model))
        c.Charts(model, KEY_METRICS, "Key metrics", lever_weeks, redraw)
        c.LeverageMatrix(model, redraw)
        c.Charts(model, LEVERAGE_METRICS, "Leverage over time", lever_weeks, redraw)
        c.EventFeed(model, pulled, redraw)
        c.Predictions(model, revealed, redraw if revealed.value else 0)
        c.Setup(model, setup, sliders)


@solara.component
def Classroom(in_app_bar: bool = True):
    """One model per browser session; Reset builds a new one from the set-up sliders. The controls go in the app
    bar, which stays in view; with in_app_bar=False (rendering without a server, as tests do, which has no app
    bar) at the top of the page."""
    sliders = solara.use_memo(setup_sliders, [])
    setup = solara.use_reactive(solara.use_memo(default_setup, []))
    model = solara.use_reactive(solara.use_memo(lambda: ClassroomModel(**default_setup()), []))
    redraw = c.watch()
    solara.Title(TITLE)
    solara.Style(CSS)
    if in_app_bar:
        with solara.AppBar():
            solara.AppBarTitle(TITLE)
            c.Controls(model, setup, redraw)
    else:
        c.Controls(model, setup, redraw)
    Dashboard(model.value, setup, sliders, redraw)


@solara.component
def Page():
    Classroom()
