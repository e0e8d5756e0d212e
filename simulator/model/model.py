"""LeverageModel: one Mesa model that runs an ensemble of independent worlds at once.

Every actor holds one value per world and every rule is a numpy operation over worlds, so one world is just
`worlds=1` and ten thousand worlds cost little more than one. A week runs in four stages:
  1. events   - scheduled and triggered scenario events act (triggers read last week's state);
  2. decide   - every actor chooses its options from last week's state (order-independent, so shuffled);
  3. resolve  - the channels turn choices into new state in a fixed order:
                presence, energy, dollar, violence, politics, PMU growth;
  4. record   - metrics and leverage indices are stored for the week.
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import partial

import mesa
import numpy as np

from . import narrative, parameters
from .agents import Iran, IraqiGovernment, MilitiaFaction, UnitedStates
from .calendar import Calendar
from .channels import dollar, energy, politics, pmu, presence, violence
from .choice import Constraints
from ..errors import UserError
from .event_log import EventLog
from .events import EventSchedule
from .factions import FACTIONS
from .metrics import METRICS
from .random_streams import RandomStreams
from .recorder import Recorder

DEFAULT_START = dt.date(2024, 1, 15)
RESOLVE_ORDER = (presence, energy, dollar, violence, politics, pmu)
REPORTED = ["us_troops_iraq", "us_troops_syria", "attacks_per_week", "us_strikes_per_week", "us_casualties_per_week",
            "dollar_access", "parallel_rate", "waiver_active", "iran_power_share", "power_shortfall",
            "iran_revenue_from_iraq", "iran_arrears", "pmu_fighters", "pmu_budget", "salary_coverage", "exit_pressure",
            "public_discontent", "escalation", "leverage_us_over_iraq", "leverage_iran_over_iraq",
            "leverage_iran_over_us", "leverage_us_over_iran"]


class Params(dict):
    """Resolved parameter values (float, or an array with one value per world) with attribute access."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def world_mean(name: str, model) -> float:
    """DataCollector reporter (used through functools.partial, which pickles): a metric's mean over worlds,
    taken from the row just recorded when there is one."""
    recorder = model.recorder
    if recorder is not None and recorder.last_week == model.week:
        return float(recorder.data[name][model.week].mean(dtype=np.float64))
    return float(np.mean(METRICS[name].read(model)))


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
            raise UserError(f"LeverageModel: worlds and weeks must be at least 1, found worlds={worlds}, weeks={weeks}.")
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

        self.us = UnitedStates(self)
        self.iran = Iran(self)
        self.iraq = IraqiGovernment(self)
        self.factions = [MilitiaFaction(self, name) for name in FACTIONS]
        # Mesa 3.3 keeps a class-level id counter per model, which would keep every model alive for ever (Mesa
        # issue 3179); all agents exist now, so the counter is no longer needed.
        mesa.Agent._ids.pop(self, None)
        self.escalation = np.full(self.worlds, violence.INITIAL_ESCALATION)
        energy.balance_power(self, 0)  # week 0 shows the January power situation and revenue
        self.iran.revenue_from_iraq = energy.iran_revenue(self, energy.weekly_payment(self)[2])

        self._logged_choices = narrative.logged_choices(self)
        self.recorder = Recorder(self.weeks, self.worlds) if record else None
        self.datacollector = mesa.DataCollector(model_reporters={name: partial(world_mean, name) for name in REPORTED})
        self._record()

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
        self._record()
        self.running = self.week < self.weeks

    def run(self) -> "LeverageModel":
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

    def events_frame(self):
        return self.log.to_frame(self.calendar)

    def _choices(self) -> list:
        return [getattr(agent, attribute) for _, agent, attribute, _, _ in self._logged_choices]

    def _log_choices(self, week: int, before: list) -> None:
        for (decision, agent, attribute, actor, texts), old in zip(self._logged_choices, before):
            self.log.changes(week, old, getattr(agent, attribute), actor, decision, texts.__getitem__)

    def _record(self) -> None:
        """Store this week's metrics; with record=False (sweeps) nothing is kept, not even the DataCollector's means."""
        if self.recorder is not None:
            self.recorder.record(self, self.week)
            self.datacollector.collect(self)
