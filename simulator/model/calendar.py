"""Weekly steps with calendar dates: week 0 is the start date, week t is t*7 days later."""

from __future__ import annotations

import datetime as dt

WEEKS_PER_YEAR = 52.0  # the model's year: annual figures are 52 weekly steps


class Calendar:
    def __init__(self, start: dt.date):
        self.start = start

    def date(self, week: int) -> dt.date:
        return self.start + dt.timedelta(weeks=week)

    def day_of_year(self, week: int) -> int:
        return self.date(week).timetuple().tm_yday

    def label(self, week: int) -> str:
        return f"week {week} ({self.date(week).isoformat()})"
