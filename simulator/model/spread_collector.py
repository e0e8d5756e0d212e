"""SpreadCollector: Mesa's DataCollector of the model's reporters, kept in its own module because Mesa's
datacollection imports pandas (0.4 s here), which a model that nobody asks for its DataCollector never needs: the
model creates one the first time `model.datacollector` is read (LeverageModel.datacollector)."""

from __future__ import annotations

import numpy as np

from .mesa_core import load as _load_mesa
from .model import REPORTED, spread

DataCollector = _load_mesa().DataCollector


class SpreadCollector(DataCollector):
    """Mesa's DataCollector of the model's reporters, with the spread over worlds computed when read.

    collect() notes the week; the first read of `model_vars` after it (get_model_vars_dataframe, batch_run, the
    dashboard) computes the statistics of every noted week from the recorder's rows, several weeks per sort. The
    values are those the reporters give; `sim run` and sweeps, which never read them, skip the sorting (about a
    tenth of a 10,000-world run)."""

    def __init__(self, model, model_reporters: dict, weeks=()):
        """`weeks`: the weeks the model recorded before the collector was made, collected as if it had been there."""
        self._model, self._pending = model, []
        super().__init__(model_reporters=model_reporters)
        self._pending = list(weeks)

    @property
    def model_vars(self) -> dict:
        if self._pending:
            self._catch_up()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict) -> None:
        self._model_vars = value

    def collect(self, model) -> None:
        recorder = model.recorder
        if model is not self._model or recorder is None or recorder.last_week != model.week:
            self._catch_up()
            super().collect(model)  # the reporters read the model's state as it is now
        else:
            self._pending.append(model.week)

    def _catch_up(self, weeks_per_sort: int = 8) -> None:
        pending, self._pending = self._pending, []
        data = self._model.recorder.data if pending else {}
        for start in range(0, len(pending), weeks_per_sort):
            weeks = pending[start:start + weeks_per_sort]
            stats = spread(np.stack([data[name][week] for week in weeks for name in REPORTED]))
            for row, name in enumerate(REPORTED * len(weeks)):
                for suffix, values in stats.items():
                    self._model_vars[name + suffix].append(values[row])
