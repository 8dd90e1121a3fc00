"""The working-day calendar of the service centre, the warehouse and the carriers.

Danish public holidays come from the `holidays` package (it knows that Store Bededag ended
after 2023); on top of them FSC, the warehouse and the carriers are closed on Constitution Day
(5 June), Christmas Eve and New Year's Eve, which are not public holidays (setting
FORSYN_CLOSED_DAYS, "MM-DD" list). Deliveries, order cut-offs, service levels and the
statistics' "3rd working day" all count with this calendar.
"""

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings


def customary_closed() -> tuple[tuple[int, int], ...]:
    """(month, day) pairs closed although not public holidays."""
    days: list[str] = getattr(settings, "FORSYN_CLOSED_DAYS", ["06-05", "12-24", "12-31"])
    return tuple((int(d[:2]), int(d[3:5])) for d in days)


def closed_days(year: int) -> frozenset[dt.date]:
    return _closed_days(year, customary_closed())


@lru_cache(maxsize=64)
def _closed_days(year: int, extra: tuple[tuple[int, int], ...]) -> frozenset[dt.date]:
    public = holidays.country_holidays("DK", years=year)
    return frozenset(public) | {dt.date(year, m, d) for m, d in extra}


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in closed_days(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days after `day` (count >= 0; 0 = next_working_day)."""
    day = next_working_day(day)
    for _ in range(count):
        day = next_working_day(day + dt.timedelta(days=1))
    return day


def nth_working_day(year: int, month: int, n: int) -> dt.date:
    """The n-th working day of a month (n >= 1), e.g. the 3rd for monthly statistics."""
    return add_working_days(dt.date(year, month, 1), n - 1)
