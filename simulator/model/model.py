"""LeverageModel: one Mesa model that runs an ensemble of independent worlds at once.

Every actor holds one value per world and every rule is a numpy operation over worlds, so one world is just
`worlds=1` and ten thousand worlds cost little more than one. A week runs in four stages:
  1. events   - scheduled and triggered scenario events act (triggers read last week's state);
  2. decide   - every actor chooses its options from last week's state (order-independent, so shuffled);
  3. resolve  - the channels turn choices into new state in a fixed order:
                coercion (threats, deadlines, agreed exits), presence, energy, dollar,
                violence, politics, PMU growth;
  4. record   - metrics and leverage indices are stored for the week.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import partial

import numpy as np

from ..errors import UserError
from . import narrative, parameters
from .agents import Iran, IraqiGovernment, MilitiaFaction, UnitedStates
from .calendar import Calendar
from .channels import coercion, dollar, energy, leverage, oil, pmu, politics, presence, violence
from .choice import Constraints
from .event_log import EventLog
from .events import EventSchedule
from .factions import FACTIONS
from .mesa_core import load as _load_mesa
from .metrics import METRICS
from .quantiles import row_quantiles
from .random_streams import RandomStreams
from .recorder import Recorder
from .threats import Threats, normal_leakage

DEFAULT_START = dt.date(2024, 1, 15)
mesa = _load_mesa()  # Mesa's Model, Agent and DataCollector; the rest of Mesa loads when first used
RESOLVE_ORDER = (coercion, presence, oil, dollar, energy, violence, politics, pmu)
REPORTED = ["us_troops_iraq", "us_troops_syria", "attacks_per_week", "us_strikes_per_week", "us_casualties_per_week",
            "dollar_access", "parallel_rate", "waiver_active", "iran_power_share", "power_shortfall",
            "iran_revenue_from_iraq", "iran_arrears", "pmu_fighters", "pmu_budget", "salary_coverage", "exit_pressure",
            "public_discontent", "escalation", "leverage_us_over_iraq", "leverage_iran_over_iraq",
            "leverage_iran_over_us", "leverage_us_over_iran", "leverage_iraq_over_us", "leverage_iraq_over_militias"]


class Params(dict):
    """Resolved parameter values (float, or an array with one value per world) with attribute access."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# DataCollector columns per reported metric: the median over worlds under the metric's own name, the 5% and 95%
# quantiles (the band every chart draws), and the mean (for a flag such as waiver_active it is the share of worlds,
# which the median hides; for counts it is the expected value that totals add up from).
SPREAD = {"": 0.5, "_p5": 0.05, "_p95": 0.95}
REPORTER_SUFFIXES = ("", "_p5", "_p95", "_mean")


def reporter_names(names=None) -> list[str]:
    """The DataCollector's model-reporter columns, in order: for each metric its median, p5, p95 and mean."""
    return [name + suffix for name in (REPORTED if names is None else names) for suffix in REPORTER_SUFFIXES]


def world_stat(name: str, suffix: str, model) -> float:
    """DataCollector reporter (used through functools.partial, which pickles): a statistic over worlds of a metric,
    '' the median, '_p5'/'_p95' the 5%/95% quantiles (numpy's default linear interpolation), '_mean' the mean.

    Reads the row just recorded when there is one, and computes every reported metric's statistics at once (one
    sort a week, cached on the model), so the 4 x 22 reporters cost about one numpy call a week."""
    recorder = model.recorder
    if recorder is None or recorder.last_week != model.week:
        return spread(np.atleast_1d(np.asarray(METRICS[name].read(model), dtype=np.float64))[None, :])[suffix][0]
    cached = getattr(model, "_reported_spread", None)
    if cached is None or cached[0] != model.week:
        cached = model._reported_spread = (model.week, {})
    if name not in cached[1]:
        names = [n for n in REPORTED if n not in cached[1]] if name in REPORTED else [name]
        stats = spread(np.stack([recorder.data[n][model.week] for n in names]))
        cached[1].update({n: {s: v[i] for s, v in stats.items()} for i, n in enumerate(names)})
    return cached[1][name][suffix]


def spread(rows: np.ndarray) -> dict:
    """{suffix: one float per row} for rows (metrics, worlds): the SPREAD quantiles (quantiles.row_quantiles, the
    numbers np.quantile gives) and the mean over worlds."""
    values = row_quantiles(rows, list(SPREAD.values()))
    out = {suffix: [float(v) for v in values[i]] for i, suffix in enumerate(SPREAD)}
    out["_mean"] = [float(v) for v in rows.mean(axis=1, dtype=np.float64)]
    return out


class LeverageModel(mesa.Model):
    """The US, Iran, the Iraqi government and the PMU factions, in `worlds` independent worlds.

    Keyword arguments other than the ones below are parameters from the registry (`sim params`), each a number
    or an array with one value per world.
    """

    def __init__(self, worlds: int = 1, seed: int | None = None, weeks: int = 104, start_date=DEFAULT_START,
                 events=(), world_ids=None, record: bool = True, log_events: bool = True,
                 allow_outside_range: bool = False, **parameter_values):
        if seed is None:
            seed = secrets.randbits(63)
        super().__init__(seed=int(seed))
        if int(worlds) < 1 or int(weeks) < 1:
            raise UserError(f"LeverageModel: worlds and weeks must be at least 1, found worlds={worlds}, "
                            f"weeks={weeks}.")
        self.seed = int(seed)
        self.worlds = int(worlds)
        self.weeks = int(weeks)
        self.week = 0
        self.calendar = Calendar(start_date if isinstance(start_date, dt.date) else dt.date.fromisoformat(start_date))
        self.world_ids = np.arange(self.worlds) if world_ids is None else np.asarray(world_ids, dtype=np.int64)
        self.p = Params(parameters.resolve(parameter_values, self.worlds, "LeverageModel", allow_outside_range))
        self.initial_parameters = dict(self.p)  # week-0 values (set_parameter replaces values, never mutates them)
        self.streams = RandomStreams(self.seed, self.world_ids)
        self.constraints = Constraints(self.worlds)
        self.schedule_events = EventSchedule(list(events), self.worlds)
        self.log = EventLog(self.world_ids, enabled=log_events)
        self.threats = Threats(self)

        self.us = UnitedStates(self)
        self.iran = Iran(self)
        self.iraq = IraqiGovernment(self)
        self.factions = [MilitiaFaction(self, name) for name in FACTIONS]
        # Mesa 3.3 keeps a class-level id counter per model, which would keep every model alive for ever (Mesa
        # issue 3179); all agents exist now, so the counter is no longer needed.
        mesa.Agent._ids.pop(self, None)
        self.escalation = np.broadcast_to(np.asarray(self.p.world_escalation_initial, dtype=float),
                                          (self.worlds,)).copy()
        self.threats.refresh(self)
        self.leverage = {}
        for faction in self.factions:  # a suspension in force at the start is measured from the drive at week 0
            faction.drive_at_suspension = np.where(faction.suspended(0), faction.motivation(), np.nan)
        self._start_money()

        self._logged_choices = narrative.logged_choices(self)
        self.recorder = Recorder(self.weeks, self.worlds) if record else None
        self.scenario_name: str | None = None  # set when built from a scenario (from_scenario, from_spec)
        self._datacollector = None  # made when first read (see datacollector)
        self._record()

    @classmethod
    def from_scenario(cls, scenario, *, worlds: int | None = None, seed: int | None = None, weeks: int | None = None,
                      **overrides) -> LeverageModel:
        """An unrun model of a scenario: `scenario` is anything `simulator.scenario.load` reads (a path to a
        scenario file), or a loaded Scenario. `worlds`, `seed` and `weeks` replace the file's values (checked as on
        the command line); other keywords are registry parameters, which win over the file's, or model options
        (`record`, `log_events`, `world_ids`, `allow_outside_range`).

            model = LeverageModel.from_scenario("scenarios/withdrawal.yaml", worlds=500, us_dollar_access=0.5)
        """
        from ..scenario import Scenario, load

        spec = scenario if isinstance(scenario, Scenario) else load(scenario)
        return cls.from_spec(spec.with_overrides(worlds=worlds, seed=seed, weeks=weeks), **overrides)

    @classmethod
    def from_spec(cls, scenario, **options) -> LeverageModel:
        """An unrun model of a loaded Scenario, as it stands (its worlds, seed, weeks, start date, events and
        parameters). `options` are registry parameters (they win over the scenario's) and model options. The one
        place a scenario becomes a model: `from_scenario`, `simulate` and `sim run` all come through here."""
        fixed = sorted(set(options) & {"worlds", "seed", "weeks", "start_date", "events"})
        if fixed:
            raise UserError(f"LeverageModel.from_spec: {', '.join(fixed)} come from the scenario; expected "
                            f"scenario.with_overrides(...) or LeverageModel.from_scenario(..., worlds=, seed=, "
                            f"weeks=) to change them.")
        model = cls(worlds=scenario.worlds, seed=scenario.seed, weeks=scenario.weeks, start_date=scenario.start_date,
                    events=scenario.events, **{**scenario.parameters, **options})
        model.scenario_name = scenario.name
        return model

    @property
    def datacollector(self):
        """Mesa's DataCollector of the reporters (the median, 5% and 95% quantiles and mean over worlds of each
        REPORTED metric), made the first time it is read with every week recorded so far: Mesa's datacollection
        imports pandas, which `sim run` and sweeps do not need for stepping."""
        if self._datacollector is None:
            from .spread_collector import SpreadCollector

            recorded = range(self.recorder.last_week + 1) if self.recorder is not None else ()
            self._datacollector = SpreadCollector(self, {name + suffix: partial(world_stat, name, suffix)
                                                         for name in REPORTED for suffix in REPORTER_SUFFIXES},
                                                  weeks=recorded)
        return self._datacollector

    @datacollector.setter
    def datacollector(self, value) -> None:
        self._datacollector = value

    def set_parameter(self, name: str, value, mask=None) -> None:
        """Change a parameter from now on (in the worlds where mask is true)."""
        if parameters.check_name(name, "set_parameter").initial:
            raise UserError(f"set_parameter: {name!r} sets the initial state and cannot change mid-run.")
        value = parameters.check_value(name, value, where="set_parameter")
        if mask is None or np.all(mask):
            self.p[name] = value
        else:
            self.p[name] = np.where(mask, value, np.broadcast_to(self.p[name], (self.worlds,)))

    def step(self) -> None:
        if self.week >= self.weeks:
            self.running = False
            return
        week = self.week + 1
        self.schedule_events.apply(self, week)
        before = self._choices()
        self.agents.shuffle_do("decide")
        self._log_choices(week, before)
        for channel in RESOLVE_ORDER:
            channel.resolve(self, week)
        self.week = week
        self.threats.refresh(self)
        leverage.update(self)
        self._record()
        self.running = self.week < self.weeks

    def _start_money(self) -> None:
        """Week 0 shows the January power situation, oil proceeds and Iran's income at the start's pace (nothing
        moves: the accounts are settled on copies), which is the reference for what Iran's lifeline loses."""
        self.iraq.oil_revenue = oil.weekly_revenue(self)
        energy.balance_power(self, 0)
        iran = self.iran
        arrears, escrow = iran.arrears.copy(), iran.escrow.copy()
        energy.settle(self)
        iran.arrears, iran.escrow = arrears, escrow
        self.iraq.leakage = normal_leakage(self) + np.zeros(self.worlds)
        energy.update_revenue(self)
        iran.lifeline_normal = np.maximum(iran.lifeline, 1e-9)
        self.threats.refresh(self)
        leverage.update(self)

    def run(self) -> LeverageModel:
        """Step to the horizon; returns the model so calls chain."""
        while self.running:
            self.step()
        return self

    def metric(self, name: str) -> np.ndarray:
        """Current value of a recorded metric, one per world."""
        return METRICS[name].read(self)

    def timeseries(self):
        """The recorded metrics as a long table, one row per (world, week)."""
        return self.recorder.to_frame(self.world_ids, self.calendar)

    def outcomes(self, names=None):
        """Per-world outcomes of the weeks run so far (call run() first) as a DataFrame: `world`, then one column
        per outcome of the project's vocabulary (`simulator.OUTCOMES`), or of `names` in that order."""
        from .outcomes import table

        return table(self, names)

    def results(self):
        """The recorded run as a labelled `Results` (series, dates, world ids, seed, units, descriptions) with
        to_frame, to_xarray, outcomes, summary and plot."""
        from .results import Results

        return Results.from_model(self)

    def events_frame(self):
        """What happened, per world and week, as a pandas table: world, week, date, actor, kind, description."""
        return self.log.to_frame(self.calendar)

    def event_columns(self) -> dict:
        """The table of events_frame as {column: numpy array}, without pandas (what events.parquet holds)."""
        return self.log.columns(self.calendar)

    def _choices(self) -> list:
        return [getattr(agent, attribute) for _, agent, attribute, _, _ in self._logged_choices]

    def _log_choices(self, week: int, before: list) -> None:
        for (decision, agent, attribute, actor, texts), old in zip(self._logged_choices, before):
            self.log.changes(week, old, getattr(agent, attribute), actor, decision, texts.__getitem__)

    def _record(self) -> None:
        """Store this week's metrics; with record=False (sweeps) nothing is kept, not even the DataCollector's
        statistics."""
        if self.recorder is not None:
            self.recorder.record(self, self.week)
            if self._datacollector is not None:
                self._datacollector.collect(self)
