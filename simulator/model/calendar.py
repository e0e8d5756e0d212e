"""Weekly steps with calendar dates: week 0 is the start date, week t is t*7 days later."""

from __future__ import annotations

import datetime as dt

import numpy as np

WEEKS_PER_YEAR = 52.0  # the model's year: annual figures are 52 weekly steps


class Calendar:
    def __init__(self, start: dt.date):
        self.start = start

    def date(self, week: int) -> dt.date:
        return self.start + dt.timedelta(weeks=week)

    def day_of_year(self, week: int) -> int:
        return self.date(week).timetuple().tm_yday

    def dates(self, weeks: np.ndarray) -> np.ndarray:
        """The dates of `weeks` as datetime64[us] (the resolution pandas gives dates): the tables' date column."""
        return np.datetime64(self.start, "us") + (7 * np.asarray(weeks, dtype=np.int64)).astype("timedelta64[D]")

    def label(self, week: int) -> str:
        return f"week {week} ({self.date(week).isoformat()})"
